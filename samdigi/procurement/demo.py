"""Demo tenders for the Sjælland demo association: local tenders in different states, a published
joint tender, and one joint tender awarded (with the tenders received and the award decision) with
its resulting contracts. The ESDH, care-system and
day-care contracts of the landscape demo are left free, so the opportunity finder has groups to
discover (ESDH, OmsorgsJournal, Dagtilbudsportalen)."""

import datetime
from decimal import Decimal

from samdigi.core.demo import demo_seeder
from samdigi.landscape.models import Contract, Vendor
from samdigi.organizations.models import Association, Municipality
from samdigi.procurement import services
from samdigi.procurement.models import (
    AwardCriteria,
    AwardDecision,
    Bid,
    StepKey,
    Tender,
    TenderParticipant,
)

# reference, lead ("DFS" or a municipality), title, procedure, status, value, required start,
# contract numbers replaced, participants, published
TENDERS = [
    (
        "DEMO-T1",
        "Køge",
        "Genudbud af lønsystem – Køge",
        "open",
        Tender.Status.PREPARING,
        "3200000.00",
        datetime.date(2028, 2, 1),
        ["DEMO-013"],
        [],
        False,
    ),
    (
        "DEMO-T2",
        "Roskilde",
        "Genudbud af økonomisystem – Roskilde",
        "restricted",
        Tender.Status.PLANNED,
        "18600000.00",
        datetime.date(2030, 1, 1),
        ["DEMO-012"],
        [],
        False,
    ),
    (
        "DEMO-T3",
        "DFS",
        "Fællesudbud af borgerportal",
        "open",
        Tender.Status.PUBLISHED,
        "4800000.00",
        datetime.date(2027, 9, 1),
        [],
        ["Holbæk", "Lejre", "Solrød"],
        True,
    ),
]

# The published tender's notice set a tender deadline that a corrected notice later extended: the
# tender, its public page and its OCDS show the current one. reference → (first, current, why).
REPLACED_DEADLINES = {
    "DEMO-T3": (
        datetime.date(2026, 11, 24),
        datetime.date(2027, 1, 11),
        "Tilbudsfristen er forlænget med en rettelsesbekendtgørelse efter spørgsmål fra "
        "tilbudsgiverne.",
    )
}

AWARDED = (
    "DEMO-T4",
    "Fællesudbud af mødebookingsystem",
    ["Roskilde", "Køge", "Greve"],
    "2400000.00",
)


@demo_seeder
def seed(stdout) -> int:
    association = Association.objects.filter(short_name="DFS").first()
    if association is None:
        return 0
    created = 0
    for (
        reference,
        lead,
        title,
        procedure,
        status,
        value,
        start,
        numbers,
        participants,
        published,
    ) in TENDERS:
        owner = association if lead == "DFS" else Municipality.objects.get(name=lead)
        tender, new = Tender.objects.get_or_create(
            owner=owner,
            reference=reference,
            defaults={
                "title": title,
                "procedure": procedure,
                "category": "services",
                "estimated_value": Decimal(value),
                "required_start": start,
                "published": published,
                "notice_published_on": datetime.date(2026, 10, 15) if published else None,
            },
        )
        if not new:
            continue
        created += 1
        tender.contracts.set(Contract.objects.filter(contract_number__in=numbers, owner=owner))
        shares = services.split_value(Decimal(value), [Decimal(1)] * len(participants))
        for name, share in zip(participants, shares, strict=True):
            TenderParticipant.objects.create(
                tender=tender,
                municipality=Municipality.objects.get(name=name),
                estimated_value=share,
            )
        services.schedule_tender(tender)
        tender.refresh_from_db()
        tender.status = status
        tender.save_if_current(tender.version)
        if reference in REPLACED_DEADLINES:
            first, current, reason = REPLACED_DEADLINES[reference]
            tender.tender_deadline_on = first
            tender.save_if_current(tender.version)
            step = tender.steps.get(key=StepKey.TENDER_DEADLINE)
            services.move_step(step, current, reason)

    reference, title, names, value = AWARDED
    tender, new = Tender.objects.get_or_create(
        owner=association,
        reference=reference,
        defaults={
            "title": title,
            "description": "Fælles system til booking af mødelokaler og borgermøder.",
            "procedure": "open",
            "category": "services",
            "estimated_value": Decimal(value),
            "required_start": datetime.date(2026, 6, 1),
            "published": True,
            "notice_published_on": datetime.date(2025, 11, 3),
            "tender_deadline_on": datetime.date(2025, 12, 8),
            "award_decision_on": datetime.date(2026, 1, 20),
        },
    )
    if new:
        created += 1
        shares = services.split_value(Decimal(value), [Decimal(1)] * len(names))
        for name, share in zip(names, shares, strict=True):
            TenderParticipant.objects.create(
                tender=tender,
                municipality=Municipality.objects.get(name=name),
                estimated_value=share,
            )
        services.schedule_tender(tender)
        tender.refresh_from_db()
        vendor = Vendor.objects.filter(name="Open Source Kommune-IT (forening)").first()
        if vendor is None:
            vendor = Vendor.objects.create(name="Open Source Kommune-IT (forening)")
        contracts = services.award(
            tender,
            vendor,
            Decimal("2150000.00"),
            datetime.date(2026, 2, 3),
            datetime.date(2026, 6, 1),
            datetime.date(2030, 5, 31),
            option_count=1,
            option_months=12,
        )
        created += len(contracts)
    created += seed_outcome(tender)
    return created


# vendor, CVR, price, compliant
BIDS = [
    ("Open Source Kommune-IT (forening)", None, "2150000.00", True),
    ("Mødeplan ApS", None, "2290000.00", True),
    ("BookIT Danmark A/S", None, "2480000.00", False),
]


def seed_outcome(tender) -> int:
    """The tenders received and the award decision of the awarded demo tender, so the outcome tab
    and the OCDS show them; only what is missing is added."""
    created = 0
    for name, cvr, price, compliant in BIDS:
        vendor = Vendor.objects.filter(name=name).first() or Vendor.objects.create(
            name=name, cvr=cvr
        )
        _bid, new = Bid.objects.get_or_create(
            tender=tender,
            vendor=vendor,
            defaults={
                "received_on": tender.tender_deadline_on or datetime.date(2025, 12, 8),
                "price": Decimal(price),
                "compliant": compliant,
            },
        )
        created += new
    if not tender.award_decisions.exists() and tender.winning_vendor_id:
        AwardDecision.objects.create(
            tender=tender,
            vendor=tender.winning_vendor,
            decided_on=tender.award_decision_on or datetime.date(2026, 1, 20),
            criteria=AwardCriteria.BEST_PRICE_QUALITY,
            value=tender.awarded_value,
        )
        created += 1
    return created
