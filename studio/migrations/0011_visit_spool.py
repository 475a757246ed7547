from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('studio', '0010_stats_count_ranges')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SpoolFile',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=80)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'visit_spool_file', 'app': 'studio', 'pk_attr': 'id', 'table_description': 'A visit spool file already written to the database (see h5/spool.py): recorded in the'},
            bases=['Model'],
        ),
    ]
