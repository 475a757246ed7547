from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from studio.models.messages import ReviewStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('studio', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ChatbotProfile',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='chatbots', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=50)),
                ('description', fields.CharField(default='', max_length=500)),
                ('logo_asset_id', fields.IntField(null=True, description='media asset id of the logo, or null')),
                ('menu', fields.JSONField(default=list, description='service-number menu: up to 3 entries with up to 5 children, as JSON', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('fallback_signature', fields.CharField(default='', description='signature for 5G fallback SMS (CTCU autograph), without the brackets', max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'chatbot_profile', 'app': 'studio', 'pk_attr': 'id', 'table_description': 'The sender shown on previews and CH5 pages (a workspace may have several).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Message',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('kind', fields.CharField(description="text | rich | card | carousel (mirrors the latest version's document)", max_length=16)),
                ('chatbot', fields.ForeignKeyField('studio.ChatbotProfile', source_field='chatbot_id', null=True, db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.SET_NULL)),
                ('current_version', fields.IntField(default=1, description='the version the editor works on (a draft, or the latest one)')),
                ('approved_version', fields.IntField(null=True, description='the newest approved version number, or null')),
                ('created_by', fields.ForeignKeyField('studio.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='messages_created', on_delete=OnDelete.SET_NULL)),
                ('updated_by', fields.ForeignKeyField('studio.User', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name='messages_updated', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'message', 'app': 'studio', 'indexes': [Index(fields=['workspace_id', 'updated_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MessageVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='message_versions', on_delete=OnDelete.CASCADE)),
                ('message', fields.ForeignKeyField('studio.Message', source_field='message_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField(description='1, 2, 3 ... within the message')),
                ('document', fields.JSONField(description='the message document (renderers.codec.to_json)', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=ReviewStatus.DRAFT, description='DRAFT: draft\nIN_REVIEW: in_review\nAPPROVED: approved\nREJECTED: rejected', enum_type=ReviewStatus, max_length=16)),
                ('revision', fields.IntField(default=1, description='optimistic lock: bumped on every save of a draft')),
                ('reject_reason', fields.CharField(default='', max_length=500)),
                ('submitted_by', fields.ForeignKeyField('studio.User', source_field='submitted_by_id', null=True, db_constraint=True, to_field='id', related_name='versions_submitted', on_delete=OnDelete.SET_NULL)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_by', fields.ForeignKeyField('studio.User', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='versions_reviewed', on_delete=OnDelete.SET_NULL)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'message_version', 'app': 'studio', 'unique_together': (('message', 'number'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
