from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from studio.models.sending import BatchStatus, Category, Channel, DeliveryStatus, FallbackPolicy
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('studio', '0006_templates')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CallbackNonce',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('nonce', fields.CharField(unique=True, max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'callback_nonce', 'app': 'studio', 'pk_attr': 'id', 'table_description': 'Nonces of signed carrier callbacks already accepted (a replay is refused).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OptOut',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='opt_outs', on_delete=OnDelete.CASCADE)),
                ('phone', fields.CharField(max_length=11)),
                ('source', fields.CharField(default='reply', description='reply | manual', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'opt_out', 'app': 'studio', 'unique_together': (('workspace', 'phone'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace_id', fields.IntField()),
                ('message_uid', fields.CharField(unique=True, max_length=36)),
                ('phone', fields.CharField(max_length=11)),
                ('channel', fields.CharEnumField(description='RCS: rcs\nSMS: sms\nVIDEO_SMS: video_sms\nNONE: none', enum_type=Channel, max_length=12)),
                ('payload', fields.JSONField(description='the rendered CTCU envelope, or {"text": ...} for an SMS', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('report_at', fields.DatetimeField(description='when the simulated delivery report is due', auto_now=False, auto_now_add=False)),
                ('outcome', fields.CharField(default='', description='empty until reported, then delivered | failed', max_length=12)),
            ],
            options={'table': 'outbox_message', 'app': 'studio', 'indexes': [Index(fields=['outcome', 'report_at']), Index(fields=['workspace_id', 'id'])], 'pk_attr': 'id', 'table_description': 'What the outbox gateway would have handed to the carrier.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SendBatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='send_batches', on_delete=OnDelete.CASCADE)),
                ('number', fields.CharField(unique=True, description='批次号 shown to users, unique across workspaces', max_length=32)),
                ('name', fields.CharField(default='', max_length=60)),
                ('message_version', fields.ForeignKeyField('studio.MessageVersion', source_field='message_version_id', null=True, db_constraint=True, to_field='id', related_name='send_batches', on_delete=OnDelete.SET_NULL)),
                ('message_id', fields.IntField(null=True)),
                ('template_name', fields.CharField(default='', description='模板名称 at creation (the message or template name)', max_length=100)),
                ('category', fields.CharEnumField(default=Category.MARKETING, description='MARKETING: marketing\nNOTIFICATION: notification\nVERIFICATION: verification', enum_type=Category, max_length=16)),
                ('signature', fields.CharField(default='', max_length=20)),
                ('fallback', fields.CharEnumField(default=FallbackPolicy.SMS, description='NONE: none\nSMS: sms\nSMS_CH5: sms_ch5\nVIDEO_SMS: video_sms', enum_type=FallbackPolicy, max_length=16)),
                ('status', fields.CharEnumField(default=BatchStatus.DRAFT, description='DRAFT: draft\nSCHEDULED: scheduled\nSENDING: sending\nPAUSED: paused\nCOMPLETED: completed\nCANCELLED: cancelled', enum_type=BatchStatus, max_length=16)),
                ('pause_reason', fields.CharField(default='', description='why a batch is paused: user | window', max_length=16)),
                ('link_days', fields.IntField(default=0, description='personalised short links expire this many days after sending (1-7), 0 = no links')),
                ('scheduled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('counts', fields.JSONField(default=dict, description='the number parsing table and send counters, filled by the import and the sender', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('variables', fields.JSONField(default=list, description='variable names from the file header', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('import_job_id', fields.IntField(null=True)),
                ('send_job_id', fields.IntField(null=True, description='the one send job working on this batch (a resume never starts a second one)')),
                ('link_base', fields.CharField(default='', description='base URL of the personalised links (the short domain), fixed when sending starts', max_length=200)),
                ('created_by', fields.ForeignKeyField('studio.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='send_batches', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'send_batch', 'app': 'studio', 'indexes': [Index(fields=['workspace_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Delivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace_id', fields.IntField()),
                ('batch', fields.ForeignKeyField('studio.SendBatch', source_field='batch_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(unique=True, description='idempotency key, e.g. b12:13800138000 or t12:1:13800138000 for a test send', max_length=64)),
                ('message_uid', fields.CharField(unique=True, description='the CTCU messageId (a UUID) the gateway de-duplicates by', max_length=36)),
                ('phone', fields.CharField(description='11 digits, emptied by the retention purge (the row and its counts stay)', max_length=11)),
                ('line', fields.IntField(default=0, description='row number in the imported file')),
                ('variables', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('is_test', fields.BooleanField(default=False)),
                ('capable', fields.BooleanField(null=True, description='5G capable, as the gateway answered (null until asked)')),
                ('channel', fields.CharEnumField(default=Channel.NONE, description='RCS: rcs\nSMS: sms\nVIDEO_SMS: video_sms\nNONE: none', enum_type=Channel, max_length=12)),
                ('status', fields.CharEnumField(default=DeliveryStatus.QUEUED, description='QUEUED: queued\nSUBMITTING: submitting\nSENT: sent\nDELIVERED: delivered\nFAILED: failed\nUNKNOWN: unknown\nSKIPPED: skipped', enum_type=DeliveryStatus, max_length=12)),
                ('skip_reason', fields.CharField(default='', description='opted_out | capped | no_fallback | cancelled | rejected', max_length=16)),
                ('link_code', fields.CharField(default='', max_length=64)),
                ('error_code', fields.CharField(default='', max_length=32)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reported_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'delivery', 'app': 'studio', 'indexes': [Index(fields=['batch_id', 'status']), Index(fields=['workspace_id', 'phone', 'submitted_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RejectedRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('batch', fields.ForeignKeyField('studio.SendBatch', source_field='batch_id', db_constraint=True, to_field='id', related_name='rejected_rows', on_delete=OnDelete.CASCADE)),
                ('line', fields.IntField()),
                ('cell', fields.CharField(description='the cell as imported (cut to 40 characters), masked when it is a valid number', max_length=40)),
                ('kind', fields.CharField(description='invalid | missing', max_length=8)),
                ('reason', fields.CharField(max_length=100)),
            ],
            options={'table': 'rejected_row', 'app': 'studio', 'pk_attr': 'id', 'table_description': 'An imported row that is not sent: invalid number or missing variables.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UplinkMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='uplinks', on_delete=OnDelete.CASCADE)),
                ('uid', fields.CharField(unique=True, description="the carrier's id of the uplink (duplicates are dropped)", max_length=64)),
                ('phone', fields.CharField(max_length=11)),
                ('text', fields.CharField(default='', max_length=2048)),
                ('postback', fields.CharField(default='', max_length=2048)),
                ('matched_message_id', fields.IntField(null=True, description='keyword message that answers it, or null')),
                ('opt_out', fields.BooleanField(default=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'uplink_message', 'app': 'studio', 'indexes': [Index(fields=['workspace_id', 'received_at'])], 'pk_attr': 'id', 'table_description': 'A reply from a phone (uplink), matched to a keyword message when one answers it.'},
            bases=['Model'],
        ),
    ]
