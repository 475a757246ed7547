from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('studio', '0008_sending_templates')]

    initial = False

    operations = [
        ops.CreateModel(
            name='UniqueCount',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace_id', fields.IntField()),
                ('scope', fields.CharField(max_length=1)),
                ('scope_id', fields.IntField()),
                ('span', fields.CharField(description='``d`` a day, ``m`` a calendar month', max_length=1)),
                ('first_day', fields.IntField(description='the first local day of the bucket as yyyymmdd')),
                ('uv', fields.IntField()),
                ('ip', fields.IntField()),
            ],
            options={'table': 'unique_count', 'app': 'studio', 'unique_together': (('scope', 'scope_id', 'span', 'first_day'),), 'pk_attr': 'id', 'table_description': 'UV and IP数 of a scope over one closed local day or month, counted once from the two'},
            bases=['Model'],
        ),
        ops.DeleteModel(name='UniqueMonth'),
    ]
