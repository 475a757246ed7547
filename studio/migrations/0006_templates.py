from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from studio.models.messages import ReviewStatus
from studio.models.templates import Carrier, CarrierStatus, QualificationKind, SmsKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('studio', '0005_media')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CarrierReview',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='carrier_reviews', on_delete=OnDelete.CASCADE)),
                ('subject_type', fields.CharField(description='sms_template or video_sms_template', max_length=32)),
                ('subject_id', fields.IntField()),
                ('version', fields.IntField(description='the template version the carrier reviewed')),
                ('carrier', fields.CharEnumField(description='MOBILE: mobile\nUNICOM: unicom\nTELECOM: telecom', enum_type=Carrier, max_length=16)),
                ('status', fields.CharEnumField(default=CarrierStatus.NOT_SUBMITTED, description='NOT_SUBMITTED: not_submitted\nPENDING: pending\nAPPROVED: approved\nREJECTED: rejected', enum_type=CarrierStatus, max_length=16)),
                ('carrier_template_id', fields.CharField(default='', description='the template id the carrier gave', max_length=64)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('updated_by', fields.ForeignKeyField('studio.User', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name='carrier_reviews', on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'carrier_review', 'app': 'studio', 'unique_together': (('subject_type', 'subject_id', 'version', 'carrier'),), 'pk_attr': 'id', 'table_description': "One carrier's review of one approved version of a template, with its template id."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Signature',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='signatures', on_delete=OnDelete.CASCADE)),
                ('text', fields.CharField(description='the name without brackets, the 【】 are added when sent', max_length=20)),
                ('purpose', fields.CharField(default='', description='purpose or remark for the reviewer', max_length=200)),
                ('status', fields.CharEnumField(default=ReviewStatus.DRAFT, description='DRAFT: draft\nIN_REVIEW: in_review\nAPPROVED: approved\nREJECTED: rejected', enum_type=ReviewStatus, max_length=16)),
                ('revision', fields.IntField(default=1)),
                ('reject_reason', fields.CharField(default='', max_length=500)),
                ('submitted_by', fields.ForeignKeyField('studio.User', source_field='submitted_by_id', null=True, db_constraint=True, to_field='id', related_name='signatures_submitted', on_delete=OnDelete.SET_NULL)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_by', fields.ForeignKeyField('studio.User', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='signatures_reviewed', on_delete=OnDelete.SET_NULL)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('withdrawn_at', fields.DatetimeField(null=True, description='set when the signature is withdrawn (已注销), it can no longer be chosen', auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('studio.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='signatures_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'signature', 'app': 'studio', 'indexes': [Index(fields=['workspace_id', 'text'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QualificationFile',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='qualification_files', on_delete=OnDelete.CASCADE)),
                ('signature', fields.ForeignKeyField('studio.Signature', source_field='signature_id', db_constraint=True, to_field='id', related_name='files', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='LICENCE: licence\nAUTHORISATION: authorisation\nOTHER: other', enum_type=QualificationKind, max_length=16)),
                ('filename', fields.CharField(description="the uploader's file name, for display and the download name only", max_length=255)),
                ('mime', fields.CharField(description='sniffed from the content: application/pdf, image/jpeg or image/png', max_length=32)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('storage_key', fields.CharField(description='key in the private qualification storage', max_length=64)),
                ('uploaded_by', fields.ForeignKeyField('studio.User', source_field='uploaded_by_id', null=True, db_constraint=True, to_field='id', related_name='qualification_files', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'qualification_file', 'app': 'studio', 'pk_attr': 'id', 'table_description': 'A business licence or authorisation letter, stored privately as uploaded.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SmsTemplate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('status', fields.CharEnumField(default=ReviewStatus.DRAFT, description='DRAFT: draft\nIN_REVIEW: in_review\nAPPROVED: approved\nREJECTED: rejected', enum_type=ReviewStatus, max_length=16)),
                ('revision', fields.IntField(default=1, description='optimistic lock, bumped on every save and review step')),
                ('version', fields.IntField(default=1, description='content version, bumped when an approved template is edited again')),
                ('reject_reason', fields.CharField(default='', max_length=500)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('approved', fields.JSONField(null=True, description='the approved content, never changed once written (replaced by the next approval)', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('approved_version', fields.IntField(null=True)),
                ('variables', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='sms_templates', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=50)),
                ('kind', fields.CharEnumField(description='VERIFICATION: verification\nNOTIFICATION: notification\nMARKETING: marketing', enum_type=SmsKind, max_length=16)),
                ('signature', fields.ForeignKeyField('studio.Signature', source_field='signature_id', null=True, db_constraint=True, to_field='id', related_name='sms_templates', on_delete=OnDelete.SET_NULL)),
                ('text', fields.TextField(default='', description='the content without the signature, variables as {{name}}', unique=False)),
                ('submitted_by', fields.ForeignKeyField('studio.User', source_field='submitted_by_id', null=True, db_constraint=True, to_field='id', related_name='sms_templates_submitted', on_delete=OnDelete.SET_NULL)),
                ('reviewed_by', fields.ForeignKeyField('studio.User', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='sms_templates_reviewed', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'sms_template', 'app': 'studio', 'indexes': [Index(fields=['workspace_id', 'updated_at'])], 'pk_attr': 'id'},
            bases=['_TemplateBase'],
        ),
        ops.CreateModel(
            name='TemplateSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', unique=True, db_constraint=True, to_field='id', related_name='template_settings', on_delete=OnDelete.CASCADE)),
                ('signature_max_chars', fields.IntField(default=20, description="tighter signature length than the carriers' 20 (e.g. 8), within 2 to 20")),
                ('opt_out_phrase', fields.CharField(default='拒收请回复R', description='the phrase every marketing template must end with', max_length=30)),
                ('forbidden_words', fields.JSONField(default=list, description='extra forbidden words, added to the defaults', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'template_settings', 'app': 'studio', 'pk_attr': 'id', 'table_description': "A workspace's rules for signatures and SMS content (one row, created on first use)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VideoSmsTemplate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('status', fields.CharEnumField(default=ReviewStatus.DRAFT, description='DRAFT: draft\nIN_REVIEW: in_review\nAPPROVED: approved\nREJECTED: rejected', enum_type=ReviewStatus, max_length=16)),
                ('revision', fields.IntField(default=1, description='optimistic lock, bumped on every save and review step')),
                ('version', fields.IntField(default=1, description='content version, bumped when an approved template is edited again')),
                ('reject_reason', fields.CharField(default='', max_length=500)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('approved', fields.JSONField(null=True, description='the approved content, never changed once written (replaced by the next approval)', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('approved_version', fields.IntField(null=True)),
                ('variables', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='video_sms_templates', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=15)),
                ('title', fields.CharField(default='', max_length=15)),
                ('signature', fields.ForeignKeyField('studio.Signature', source_field='signature_id', null=True, db_constraint=True, to_field='id', related_name='video_sms_templates', on_delete=OnDelete.SET_NULL)),
                ('frames', fields.JSONField(default=list, description='ordered frames as renderers.video_sms JSON: kind, text or media', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('profile', fields.CharField(default='video_sms', description='video_sms (1.8 MB) or unicom_digital (4 items, 1.9 MB)', max_length=20)),
                ('total_bytes', fields.IntField(default=0, description='total bytes at the last save')),
                ('submitted_by', fields.ForeignKeyField('studio.User', source_field='submitted_by_id', null=True, db_constraint=True, to_field='id', related_name='video_sms_submitted', on_delete=OnDelete.SET_NULL)),
                ('reviewed_by', fields.ForeignKeyField('studio.User', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='video_sms_reviewed', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'video_sms_template', 'app': 'studio', 'indexes': [Index(fields=['workspace_id', 'updated_at'])], 'pk_attr': 'id'},
            bases=['_TemplateBase'],
        ),
    ]
