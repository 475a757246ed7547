from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from studio.models.visits import VisitType
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('studio', '0003_review_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OrphanHourly',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('hour', fields.IntField(description='hours since the epoch, UTC')),
                ('ip_hash', fields.CharField(max_length=32)),
                ('count', fields.IntField(default=0)),
                ('last_code', fields.CharField(default='', description='the last unknown code asked for from this IP in this hour (for spotting scans)', max_length=64)),
            ],
            options={'table': 'orphan_hourly', 'app': 'studio', 'unique_together': (('hour', 'ip_hash'),), 'pk_attr': 'id', 'table_description': 'Unknown-code visits, aggregated per UTC hour and IP hash instead of a row each.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShortLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='short_links', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(unique=True, description='the path segment after the short domain, unique across workspaces', max_length=64)),
                ('name', fields.CharField(default='', max_length=100)),
                ('target_url', fields.CharField(default='', description='normalised http(s) target, empty for a CH5 link', max_length=2048)),
                ('message_version', fields.ForeignKeyField('studio.MessageVersion', source_field='message_version_id', null=True, description='the approved message version shown on the CH5 page, null for a URL link', db_constraint=True, to_field='id', related_name='short_links', on_delete=OnDelete.SET_NULL)),
                ('message_id', fields.IntField(null=True, description='the message of that version (kept for per-message statistics)')),
                ('batch_id', fields.IntField(null=True, description='send batch that made this personalised link, or null')),
                ('recipient', fields.CharField(default='', description='recipient reference of a personalised link (delivery id or masked number)', max_length=64)),
                ('variables', fields.JSONField(default=dict, description='recipient values for the message variables (personalised CH5 links)', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('disabled', fields.BooleanField(default=False)),
                ('visits', fields.IntField(default=0, description='non-bot opens so far (kept by the visit writer, for sorting the list)')),
                ('created_by', fields.ForeignKeyField('studio.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='short_links_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'short_link', 'app': 'studio', 'indexes': [Index(fields=['workspace_id', 'created_at']), Index(fields=['workspace_id', 'batch_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LinkTargetChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('link', fields.ForeignKeyField('studio.ShortLink', source_field='link_id', db_constraint=True, to_field='id', related_name='target_changes', on_delete=OnDelete.CASCADE)),
                ('old_target_url', fields.CharField(default='', max_length=2048)),
                ('old_message_version_id', fields.IntField(null=True)),
                ('new_target_url', fields.CharField(default='', max_length=2048)),
                ('new_message_version_id', fields.IntField(null=True)),
                ('changed_by', fields.ForeignKeyField('studio.User', source_field='changed_by_id', null=True, db_constraint=True, to_field='id', related_name='link_target_changes', on_delete=OnDelete.SET_NULL)),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'link_target_change', 'app': 'studio', 'pk_attr': 'id', 'table_description': "The history of a link's target: one row per edit."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UniqueIp',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace_id', fields.IntField()),
                ('scope', fields.CharField(max_length=1)),
                ('scope_id', fields.IntField()),
                ('day', fields.IntField(description='local date as yyyymmdd')),
                ('ip_hash', fields.CharField(max_length=32)),
            ],
            options={'table': 'unique_ip', 'app': 'studio', 'unique_together': (('scope', 'scope_id', 'day', 'ip_hash'),), 'pk_attr': 'id', 'table_description': 'One row per IP hash, scope and local day.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UniqueVisitor',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace_id', fields.IntField()),
                ('scope', fields.CharField(max_length=1)),
                ('scope_id', fields.IntField()),
                ('day', fields.IntField(description='local date as yyyymmdd')),
                ('key', fields.CharField(description='``c`` + cookie id, or ``a`` + hash of IP hash and user agent for that day', max_length=33)),
            ],
            options={'table': 'unique_visitor', 'app': 'studio', 'unique_together': (('scope', 'scope_id', 'day', 'key'),), 'pk_attr': 'id', 'table_description': 'One row per visitor, scope and local day: UV over any range is a distinct count.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Visit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='visits', on_delete=OnDelete.CASCADE)),
                ('link', fields.ForeignKeyField('studio.ShortLink', source_field='link_id', db_constraint=True, to_field='id', related_name='visit_rows', on_delete=OnDelete.CASCADE)),
                ('type', fields.CharEnumField(description='LINK: link\nCH5_VIEW: ch5_view\nBUTTON: button\nREPLY: reply\nEXPIRED: expired\nORPHAN: orphan', enum_type=VisitType, max_length=12)),
                ('button_id', fields.CharField(default='', description='the button of a click or reply (c0b1, s0), else empty', max_length=16)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ip_anon', fields.CharField(default='', description='IPv4 with the last octet zeroed, IPv6 cut to /48', max_length=64)),
                ('ip_hash', fields.CharField(default='', description='keyed hash of the full IP (distinct-IP counting), hex', max_length=32)),
                ('visitor_id', fields.CharField(default='', description='first-party cookie id, or empty when the browser sent none', max_length=32)),
                ('user_agent', fields.CharField(default='', max_length=512)),
                ('device', fields.CharField(default='', max_length=16)),
                ('os', fields.CharField(default='', max_length=32)),
                ('browser', fields.CharField(default='', max_length=32)),
                ('referrer', fields.CharField(default='', description='host of the referring page, empty when direct', max_length=255)),
                ('potential_bot', fields.BooleanField(default=False)),
            ],
            options={'table': 'visit', 'app': 'studio', 'indexes': [Index(fields=['link_id', 'at']), Index(fields=['workspace_id', 'at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VisitDim',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='visit_dims', on_delete=OnDelete.CASCADE)),
                ('scope', fields.CharField(max_length=1)),
                ('scope_id', fields.IntField()),
                ('day', fields.IntField(description='local date as yyyymmdd')),
                ('dim', fields.CharField(max_length=12)),
                ('value', fields.CharField(max_length=64)),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'visit_dim', 'app': 'studio', 'unique_together': (('scope', 'scope_id', 'day', 'dim', 'value'),), 'pk_attr': 'id', 'table_description': 'Non-bot opens per scope and local day by a dimension (device, os, browser, referrer),'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VisitHourly',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='visit_hourly', on_delete=OnDelete.CASCADE)),
                ('scope', fields.CharField(max_length=1)),
                ('scope_id', fields.IntField()),
                ('hour', fields.IntField(description='hours since the epoch, UTC')),
                ('pv', fields.IntField(default=0, description='non-bot opens (link or CH5 page)')),
                ('bots', fields.IntField(default=0, description='opens flagged as potential bots')),
                ('clicks', fields.IntField(default=0, description='non-bot button taps')),
                ('replies', fields.IntField(default=0, description='non-bot replies')),
                ('expired', fields.IntField(default=0, description='opens of expired or disabled links')),
            ],
            options={'table': 'visit_hourly', 'app': 'studio', 'unique_together': (('scope', 'scope_id', 'hour'),), 'indexes': [Index(fields=['workspace_id', 'scope', 'hour'])], 'pk_attr': 'id', 'table_description': 'Counts per scope and UTC hour.'},
            bases=['Model'],
        ),
    ]
