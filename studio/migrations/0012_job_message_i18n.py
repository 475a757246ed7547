from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('studio', '0011_visit_spool')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Job',
            name='message_i18n',
            field=fields.JSONField(null=True, description='the msgid, context and parameters of `message` when it is an i18n.Text, so it is shown', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
