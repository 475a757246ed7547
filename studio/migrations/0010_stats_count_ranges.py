from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# unique_count holds only counts that can be made again from the rollups: dropped and made
# anew with ranges (first_day, last_day) instead of day/month spans.


class Migration(migrations.Migration):
    dependencies = [('studio', '0009_stats_unique_counts')]

    initial = False

    operations = [
        ops.DeleteModel(name='UniqueCount'),
        ops.CreateModel(
            name='UniqueCount',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace_id', fields.IntField()),
                ('scope', fields.CharField(max_length=1)),
                ('scope_id', fields.IntField()),
                ('first_day', fields.IntField(description='first and last local day counted, yyyymmdd')),
                ('last_day', fields.IntField()),
                ('uv', fields.IntField()),
                ('ip', fields.IntField()),
            ],
            options={'table': 'unique_count', 'app': 'studio', 'unique_together': (('scope', 'scope_id', 'first_day', 'last_day'),), 'pk_attr': 'id', 'table_description': 'UV and IP数 of a scope over closed local days [first_day, last_day] (a day, a month,'},
            bases=['Model'],
        ),
    ]
