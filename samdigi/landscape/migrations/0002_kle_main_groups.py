"""Ship the KLE main groups (numbers and titles only: the full plan is KL's and is imported)."""

from django.db import migrations


def load(apps, schema_editor):
    from samdigi.landscape.rules.kle import KLE_MAIN_GROUPS

    KleClass = apps.get_model("landscape", "KleClass")
    for number, title in KLE_MAIN_GROUPS:
        KleClass.objects.update_or_create(number=number, defaults={"title": title, "level": 1})


class Migration(migrations.Migration):
    dependencies = [("landscape", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
