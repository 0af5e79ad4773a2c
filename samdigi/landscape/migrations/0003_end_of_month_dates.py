"""Recompute the stored contract dates with the end-of-month rule (docs/domain.md, issue 8).

The stored dates were computed with clamping month arithmetic (30.09 + 6 months gave 30.03, not
31.03), and the re-tender start used the current contract's procedure instead of the one the
threshold assessment requires. Historical models have no methods, so this calls the pure engine
(landscape/rules/deadlines.py: ``derived_dates``, ``retender_lead_months``) that ``Contract.save`` uses.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import migrations
from django.utils import timezone

BATCH = 1000


def _periods(apps):
    from samdigi.procurement.rules import schedule

    Threshold = apps.get_model("procurement", "Threshold")
    rows = list(Threshold.objects.order_by("valid_from"))
    if not rows:
        return schedule.DEFAULT_THRESHOLDS

    def amount(eur, dkk):
        return schedule.Amount(Decimal(eur), None if dkk is None else Decimal(dkk))

    return tuple(
        schedule.threshold_period(
            row.label,
            row.valid_from,
            row.valid_to,
            amount(row.supplies_services_eur, row.supplies_services_dkk),
            amount(row.works_eur, row.works_dkk),
            amount(row.social_services_eur, row.social_services_dkk),
            source=row.source,
        )
        for row in rows
    )


def _overrides(apps, today):
    """Lead times per municipality as ``lead_time_overrides_for`` finds them: the first current
    association (by id) that configured a procedure wins."""
    LeadTime = apps.get_model("landscape", "LeadTime")
    AssociationMember = apps.get_model("organizations", "AssociationMember")
    by_association: dict = {}
    for association_id, procedure, months in LeadTime.objects.order_by(
        "association_id"
    ).values_list("association_id", "procedure", "months"):
        by_association.setdefault(association_id, {})[procedure] = months
    overrides: dict = {}
    members = AssociationMember.objects.filter(joined__lte=today).exclude(left__lte=today)
    for municipality_id, association_id in members.order_by("association_id").values_list(
        "municipality_id", "association_id"
    ):
        chosen = overrides.setdefault(municipality_id, {})
        for procedure, months in by_association.get(association_id, {}).items():
            chosen.setdefault(procedure, months)
    return overrides


def recompute(apps, schema_editor):
    from samdigi.landscape.rules import deadlines
    from samdigi.procurement.rules import schedule

    Contract = apps.get_model("landscape", "Contract")
    today = timezone.localdate()
    periods = _periods(apps)
    rate = Decimal(str(getattr(settings, "PROCUREMENT_EUR_RATE", schedule.DEFAULT_EUR_RATE)))
    overrides = _overrides(apps, today)
    fields = list(deadlines.DERIVED_FIELDS)
    batch = []
    for contract in Contract.objects.order_by("pk").iterator(chunk_size=BATCH):
        try:
            dates = deadlines.ContractDates(
                concluded=contract.concluded,
                valid_from=contract.valid_from,
                expiration=contract.expiration,
                irrevocable_until=contract.irrevocable_until,
                notice_months=contract.notice_months or 0,
                notice_to_end_of=contract.notice_to_end_of or "none",
                option_count=contract.option_count or 0,
                option_months=contract.option_months or 0,
                options_used=contract.options_used or 0,
                terminated_on=contract.terminated_on,
                procurement_procedure=contract.procurement_form or None,
            )
        except deadlines.ContractDatesError:
            continue  # save() leaves such a contract's dates alone too
        end = deadlines.effective_end(dates) or today
        lead = deadlines.retender_lead_months(
            dates,
            overrides.get(contract.owner_id, {}),
            estimated=deadlines.estimated_value(dates, contract.annual_value, contract.total_value),
            threshold=deadlines.services_threshold(end + datetime.timedelta(1), periods, rate),
        )
        for name, value in deadlines.derived_dates(dates, lead).items():
            setattr(contract, name, value)
        batch.append(contract)
        if len(batch) >= BATCH:
            Contract.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        Contract.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("landscape", "0002_kle_main_groups"),
        ("organizations", "0002_load_municipalities"),
        ("procurement", "0001_initial"),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
