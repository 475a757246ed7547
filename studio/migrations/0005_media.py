from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from studio.models.media import AssetKind, AssetStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('studio', '0004_links_visits')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MediaAsset',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='media_assets', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(description='display name (the uploaded file name at first), never used for storage or typing', max_length=200)),
                ('kind', fields.CharEnumField(description='IMAGE: image\nVIDEO: video\nAUDIO: audio', enum_type=AssetKind, max_length=8)),
                ('mime', fields.CharField(description='sniffed from the bytes, never taken from the client', max_length=64)),
                ('format', fields.CharField(description='short sniffed format name (jpeg, png, mp4, wav ...)', max_length=16)),
                ('width', fields.IntField(null=True)),
                ('height', fields.IntField(null=True)),
                ('duration', fields.FloatField(null=True, description='seconds (audio, video)')),
                ('size', fields.BigIntField(description='bytes of the original')),
                ('sha256', fields.CharField(description='hex sha256 of the original (one asset per file per workspace)', max_length=64)),
                ('original_key', fields.CharField(description='storage key of the original (media.storage), never served publicly', max_length=64)),
                ('status', fields.CharEnumField(default=AssetStatus.PROCESSING, description='PROCESSING: processing\nREADY: ready\nFAILED: failed', enum_type=AssetStatus, max_length=16)),
                ('error', fields.CharField(default='', description='zh-CN reason of the last processing failure', max_length=500)),
                ('job_id', fields.IntField(null=True, description='the job making the renditions (for the progress bar)')),
                ('uploaded_by', fields.ForeignKeyField('studio.User', source_field='uploaded_by_id', null=True, db_constraint=True, to_field='id', related_name='media_uploaded', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'media_asset', 'app': 'studio', 'unique_together': (('workspace', 'sha256'),), 'indexes': [Index(fields=['workspace_id', 'kind', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AssetUse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='media_uses', on_delete=OnDelete.CASCADE)),
                ('asset', fields.ForeignKeyField('studio.MediaAsset', source_field='asset_id', db_constraint=True, to_field='id', related_name='uses', on_delete=OnDelete.RESTRICT)),
                ('user_type', fields.CharField(description='what uses it, e.g. message_version, sms_template, video_sms_template', max_length=32)),
                ('user_id', fields.IntField()),
                ('label', fields.CharField(default='', description='how to name the user in the deletion refusal, e.g. 消息“春季促销”第 3 版', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'media_asset_use', 'app': 'studio', 'unique_together': (('asset', 'user_type', 'user_id'),), 'indexes': [Index(fields=['workspace_id', 'user_type', 'user_id'])], 'pk_attr': 'id', 'table_description': 'One message/template version using one asset.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Rendition',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='media_renditions', on_delete=OnDelete.CASCADE)),
                ('asset', fields.ForeignKeyField('studio.MediaAsset', source_field='asset_id', db_constraint=True, to_field='id', related_name='renditions', on_delete=OnDelete.CASCADE)),
                ('profile', fields.CharField(description='media.profiles name (rcs_image, ch5_video, thumbnail ...)', max_length=32)),
                ('settings_hash', fields.CharField(description='Profile.settings_hash of what made it', max_length=32)),
                ('storage_key', fields.CharField(max_length=64)),
                ('mime', fields.CharField(max_length=64)),
                ('format', fields.CharField(max_length=16)),
                ('size', fields.BigIntField()),
                ('budget_bytes', fields.BigIntField(description='the byte budget it was made for')),
                ('width', fields.IntField(null=True)),
                ('height', fields.IntField(null=True)),
                ('duration', fields.FloatField(null=True)),
                ('quality', fields.FloatField(null=True, description='SSIM against the source scaled the same way (0..1), when measured')),
                ('content_hash', fields.CharField(description='hex sha256 of the file: ETag, and part of the public URL', max_length=64)),
                ('settings', fields.JSONField(default=dict, description='encoder settings actually used', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'media_rendition', 'app': 'studio', 'unique_together': (('asset', 'profile', 'settings_hash'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
