"""Builders shared by the procurement tests."""

import datetime
from decimal import Decimal

from django.utils import timezone

from samdigi.landscape.models import Contract, ItSystem, Vendor
from samdigi.procurement.models import Tender, TenderParticipant
from samdigi.procurement.rules.schedule import add_months


def vendor(name="Systemhuset A/S", cvr="12345674"):
    return Vendor.objects.get_or_create(name=name, defaults={"cvr": cvr})[0]


def municipal_tender(world, index=0, **kwargs):
    values = {
        "owner": world.own,
        "title": f"Udbud {index}",
        "procedure": "open",
        "category": "services",
        "estimated_value": Decimal("2500000.00"),
        "required_start": datetime.date(2028, 1, 1),
    }
    values.update(kwargs)
    return Tender.objects.create(**values)


def joint_tender(world, index=0, participants=None, **kwargs):
    values = {
        "owner": world.association,
        "title": f"Fællesudbud {index}",
        "procedure": "open",
        "category": "services",
        "estimated_value": Decimal("6000000.00"),
        "required_start": datetime.date(2028, 7, 1),
    }
    values.update(kwargs)
    tender = Tender.objects.create(**values)
    for municipality, share in participants or [
        (world.own, Decimal("4000000.00")),
        (world.peer, Decimal("2000000.00")),
    ]:
        TenderParticipant.objects.create(
            tender=tender, municipality=municipality, estimated_value=share
        )
    return tender


def overlapping_contracts(world, count_per_municipality=1, system_name="Fælles ESDH"):
    """Contracts of `own` and `peer` for the same catalogue system whose windows overlap well
    inside the finder's window (relative to today)."""
    system = ItSystem.objects.get_or_create(owner=world.association, name=system_name)[0]
    today = timezone.localdate()
    contracts = []
    for index in range(count_per_municipality):
        for municipality, months in ((world.own, 24), (world.peer, 27)):
            end = add_months(today.replace(day=1), months + index) - datetime.timedelta(days=1)
            contract = Contract.objects.create(
                owner=municipality,
                vendor=vendor(),
                name=f"{system_name} {municipality.name} {index}",
                expiration=end,
                option_count=2,
                option_months=12,
                notice_months=6,
                annual_value=Decimal("900000.00"),
                total_value=Decimal("3600000.00"),
            )
            contract.systems.set([system])
            contracts.append(contract)
    return system, contracts
