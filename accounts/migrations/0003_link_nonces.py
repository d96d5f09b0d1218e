# Invitation and unsubscribe links carry a random nonce stored here; each existing row
# gets its own (AddField's callable default would give every existing row the same one).

from django.db import migrations, models
from django.utils.crypto import get_random_string

import accounts.models


def give_each_row_its_own_nonce(apps, schema_editor):
    for model, field in (("Invitation", "nonce"), ("User", "unsubscribe_nonce")):
        Model = apps.get_model("accounts", model)
        for pk in Model.objects.values_list("pk", flat=True).iterator():
            Model.objects.filter(pk=pk).update(**{field: get_random_string(32)})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_digest_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="nonce",
            field=models.CharField(
                default=accounts.models.new_nonce, editable=False, max_length=64
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="unsubscribe_nonce",
            field=models.CharField(
                default=accounts.models.new_nonce, editable=False, max_length=64
            ),
        ),
        migrations.RunPython(give_each_row_its_own_nonce, migrations.RunPython.noop),
    ]
