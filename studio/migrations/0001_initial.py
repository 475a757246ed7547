from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from studio.models.jobs import JobStatus
from studio.roles import Role
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='LoginAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(db_index=True, max_length=254)),
                ('ip', fields.CharField(db_index=True, max_length=64)),
                ('success', fields.BooleanField()),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_attempt', 'app': 'studio', 'pk_attr': 'id', 'table_description': 'Failed and successful logins, counted per account and per IP for throttling.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, description='login name: an e-mail address or a plain user name, stored lower-case', max_length=254)),
                ('name', fields.CharField(default='', max_length=100)),
                ('password_hash', fields.CharField(max_length=255)),
                ('is_operator', fields.BooleanField(default=False, description='platform operator: reviews across workspaces')),
                ('is_active', fields.BooleanField(default=True)),
                ('must_change_password', fields.BooleanField(default=False, description='a temporary password was set by an owner, to be changed at next login')),
                ('locale', fields.CharField(default='', description='"zh_CN" or "en", empty = from the browser', max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'user', 'app': 'studio', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Workspace',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('timezone', fields.CharField(default='Asia/Shanghai', description='IANA zone used for statistics days and schedules', max_length=64)),
                ('self_review', fields.BooleanField(default=False, description='reviewers may approve their own submissions')),
                ('auto_approve', fields.BooleanField(default=False, description='submissions are approved at once (self-hosted users without a review desk)')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'workspace', 'app': 'studio', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditLog',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', null=True, db_constraint=True, to_field='id', related_name='audit_logs', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('studio.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='audit_logs', on_delete=OnDelete.SET_NULL)),
                ('action', fields.CharField(description='dotted verb, e.g. "member.add", "message.approve"', max_length=64)),
                ('object_type', fields.CharField(default='', max_length=32)),
                ('object_id', fields.CharField(default='', max_length=64)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('ip', fields.CharField(default='', max_length=64)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'audit_log', 'app': 'studio', 'indexes': [Index(fields=['workspace_id', 'at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Invite',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='invites', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, description='sha256 of the token in the link (the token itself is shown once)', max_length=64)),
                ('role', fields.CharEnumField(description='OWNER: owner\nEDITOR: editor\nREVIEWER: reviewer\nANALYST: analyst', enum_type=Role, max_length=16)),
                ('created_by', fields.ForeignKeyField('studio.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='+', on_delete=OnDelete.CASCADE)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'invite', 'app': 'studio', 'pk_attr': 'id', 'table_description': 'A one-time link that lets someone join a workspace with a role.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Job',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', null=True, db_constraint=True, to_field='id', related_name='jobs', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(description='handler name in studio.jobs.registry', max_length=64)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=JobStatus.QUEUED, description='QUEUED: queued\nRUNNING: running\nSUCCEEDED: succeeded\nFAILED: failed\nCANCELLED: cancelled', enum_type=JobStatus, max_length=16)),
                ('progress', fields.IntField(default=0, description='0-100')),
                ('message', fields.CharField(default='', description='short zh-CN status line shown under the progress bar', max_length=500)),
                ('error', fields.TextField(default='', description='last error (kept when the job gives up)', unique=False)),
                ('attempts', fields.IntField(default=0)),
                ('max_attempts', fields.IntField(default=3)),
                ('run_after', fields.DatetimeField(description='not before this time (scheduled work, retries, periodic sweeps)', auto_now=False, auto_now_add=False)),
                ('lease_until', fields.DatetimeField(null=True, description='a running job whose lease has passed is taken over by another runner', auto_now=False, auto_now_add=False)),
                ('locked_by', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'job', 'app': 'studio', 'indexes': [Index(fields=['status', 'run_after'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Membership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('studio.User', source_field='user_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='OWNER: owner\nEDITOR: editor\nREVIEWER: reviewer\nANALYST: analyst', enum_type=Role, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'membership', 'app': 'studio', 'unique_together': (('workspace', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
