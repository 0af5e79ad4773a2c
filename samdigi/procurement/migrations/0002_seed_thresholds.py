"""Seed the threshold periods from schedule.DEFAULT_THRESHOLDS (the table of docs/domain.md)."""

from django.db import migrations


def seed(apps, schema_editor):
    from samdigi.procurement.rules.schedule import DEFAULT_THRESHOLDS

    Threshold = apps.get_model("procurement", "Threshold")
    for period in DEFAULT_THRESHOLDS:
        Threshold.objects.get_or_create(
            label=period.label,
            defaults={
                "valid_from": period.valid_from,
                "valid_to": period.valid_to,
                "supplies_services_eur": period.services.eur,
                "supplies_services_dkk": period.services.dkk,
                "works_eur": period.works.eur,
                "works_dkk": period.works.dkk,
                "social_services_eur": period.social_services.eur,
                "social_services_dkk": period.social_services.dkk,
                "source": period.source,
            },
        )


def unseed(apps, schema_editor):
    from samdigi.procurement.rules.schedule import DEFAULT_THRESHOLDS

    Threshold = apps.get_model("procurement", "Threshold")
    Threshold.objects.filter(label__in=[p.label for p in DEFAULT_THRESHOLDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
