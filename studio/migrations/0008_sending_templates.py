from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from studio.models.sending import BatchKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('studio', '0007_sending')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SendSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', unique=True, db_constraint=True, to_field='id', related_name='send_settings', on_delete=OnDelete.CASCADE)),
                ('marketing_window', fields.CharField(default='09:00-20:00', description='marketing batches send only inside this local window, HH:MM-HH:MM', max_length=11)),
                ('marketing_cap_per_day', fields.IntField(default=1, description='marketing messages per number per 24 h (0 = no cap)')),
                ('verification_cap_per_hour', fields.IntField(default=10, description='verification messages per number per hour (0 = no cap)')),
                ('phone_retention_days', fields.IntField(default=180, description='days recipient numbers are kept on delivery rows (0 = for ever)')),
                ('visit_retention_days', fields.IntField(default=400, description='days raw visits are kept (0 = for ever), the hourly rollups stay')),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'send_settings', 'app': 'studio', 'pk_attr': 'id', 'table_description': 'The sending rules of a workspace (one row, created on first save, env defaults).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UniqueMonth',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace_id', fields.IntField()),
                ('scope', fields.CharField(max_length=1)),
                ('scope_id', fields.IntField()),
                ('month', fields.IntField(description='local month as yyyymm')),
                ('uv', fields.IntField()),
                ('ip', fields.IntField()),
            ],
            options={'table': 'unique_month', 'app': 'studio', 'unique_together': (('scope', 'scope_id', 'month'),), 'pk_attr': 'id', 'table_description': 'UV and IP数 of a scope over one closed local month, counted once from the two tables'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Delivery',
            name='skip_reason',
            field=fields.CharField(default='', description='opted_out | capped | no_fallback | cancelled | carrier', max_length=16),
        ),
        ops.AddField(
            model_name='Delivery',
            name='carrier',
            field=fields.CharField(default='', description='mobile, unicom or telecom by number prefix (templates need that carrier to approve)', max_length=8),
        ),
        ops.AddField(
            model_name='SendBatch',
            name='content',
            field=fields.JSONField(default=dict, description='the approved template snapshot sent (text or frames, signature, variables, links)', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='SendBatch',
            name='kind',
            field=fields.CharEnumField(default=BatchKind.RCS, description='RCS: rcs\nSMS: sms\nVIDEO_SMS: video_sms', enum_type=BatchKind, max_length=12),
        ),
        ops.AddField(
            model_name='SendBatch',
            name='template_id',
            field=fields.IntField(null=True, description='the text or video SMS template sent (kind sms or video_sms) and its approved version'),
        ),
        ops.AddField(
            model_name='SendBatch',
            name='template_version',
            field=fields.IntField(null=True),
        ),
        ops.AddIndex(
            model_name='UniqueIp',
            index=Index(fields=['scope', 'scope_id', 'ip_hash', 'day']),
        ),
        ops.AddIndex(
            model_name='UniqueVisitor',
            index=Index(fields=['scope', 'scope_id', 'key', 'day']),
        ),
        ops.AddIndex(
            model_name='VisitDim',
            index=Index(fields=['workspace_id', 'scope', 'dim', 'scope_id', 'day', 'count']),
        ),
    ]
