from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('studio', '0002_messages')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ReviewEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('studio.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name='review_events', on_delete=OnDelete.CASCADE)),
                ('subject_type', fields.CharField(description='model of the reviewed row, e.g. message_version', max_length=32)),
                ('subject_id', fields.IntField()),
                ('action', fields.CharField(description='submit | approve | reject | withdraw | auto_approve | reopen', max_length=16)),
                ('actor', fields.ForeignKeyField('studio.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='review_events', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'review_event', 'app': 'studio', 'indexes': [Index(fields=['subject_type', 'subject_id'])], 'pk_attr': 'id', 'table_description': 'One step of a review (submit, approve, reject, withdraw): the history of any reviewable.'},
            bases=['Model'],
        ),
    ]
