"""Load the 98 municipalities with their population on 1 January 2026 (idempotent)."""

import datetime

from django.db import migrations


def load(apps, schema_editor):
    from samdigi.organizations.reference_data import MUNICIPALITIES, POPULATION_DATE

    Municipality = apps.get_model("organizations", "Municipality")
    PopulationFigure = apps.get_model("organizations", "PopulationFigure")
    day = datetime.date.fromisoformat(POPULATION_DATE)
    for code, name, region, population in MUNICIPALITIES:
        municipality, _created = Municipality.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": "municipality",
                "region": region,
                "population": population,
                "population_date": day,
            },
        )
        PopulationFigure.objects.get_or_create(
            municipality=municipality,
            date=day,
            defaults={"population": population, "source": "Danmarks Statistik, FOLK1A"},
        )


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
