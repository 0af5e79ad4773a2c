"""Demo IT landscape for the Sjælland demo association: vendors, a catalogue, usages and contracts
whose re-tender windows overlap (so joint tenders can be found), plus one internal contract.

The contracts obey the domain's rules (checked by organizations/tests/test_demo_story.py): a term
of whole months runs from the day after the end-of-month rule's "expiration − term" (a contract
to 31 December 2027 over 48 months is valid from 1 January 2024), it is signed before it starts,
and its procurement form is the one the threshold assessment requires for its estimated value
(whole term with options) in the threshold period in force when it was signed."""

import datetime
from decimal import Decimal

from samdigi.core.demo import demo_seeder
from samdigi.core.rules.months import add_months, last_day_of_month
from samdigi.landscape.models import (
    Contract,
    ItSystem,
    KleClass,
    ReminderSubscription,
    SystemUsage,
    Vendor,
    services_threshold,
)
from samdigi.landscape.rules import deadlines
from samdigi.landscape.rules.cvr import cvr_check_digit
from samdigi.organizations.models import Association, Municipality


def demo_cvr(seed: int) -> str:
    """A CVR number that passes the modulus-11 check (demo vendors are fictitious)."""
    base = 30000000 + seed * 1000
    while True:
        first_seven = str(base)[:7]
        digit = cvr_check_digit(first_seven)
        if digit is not None:
            return first_seven + str(digit)
        base += 10


VENDORS = [
    ("Nordisk Journal A/S", 1, "ESDH og journalisering"),
    ("Kommunedata Systemer ApS", 2, "Økonomi og løn"),
    ("Omsorgsdata A/S", 3, "Omsorg og sundhed"),
    ("Skoleplatform ApS", 4, "Skole og dagtilbud"),
    ("Open Source Kommune-IT (forening)", 5, "Open source"),
]

# name, vendor index, KLE main groups, category, licence model
SYSTEMS = [
    ("Journalis ESDH", 0, ["00", "85"], "ESDH", "proprietary"),
    ("SagsFlow ESDH", 4, ["00", "85"], "ESDH", "open_source"),
    ("KommuneØkonomi", 1, ["85"], "Økonomisystem", "proprietary"),
    ("LønPlus", 1, ["81"], "Lønsystem", "saas"),
    ("OmsorgsJournal", 2, ["27", "29"], "Omsorgssystem", "proprietary"),
    ("Dagtilbudsportalen", 3, ["28"], "Pladsanvisning", "saas"),
]

# municipality, system, expiration, option count × months, used, notice months, annual value
CONTRACTS = [
    ("Roskilde", "Journalis ESDH", datetime.date(2027, 12, 31), 2, 12, 0, 6, "1450000.00"),
    ("Køge", "Journalis ESDH", datetime.date(2028, 6, 30), 1, 12, 0, 6, "980000.00"),
    ("Holbæk", "SagsFlow ESDH", datetime.date(2027, 9, 30), 2, 6, 1, 3, "720000.00"),
    ("Næstved", "Journalis ESDH", datetime.date(2028, 3, 31), 1, 12, 0, 6, "1100000.00"),
    ("Slagelse", "Journalis ESDH", datetime.date(2027, 6, 30), 2, 12, 0, 6, "1250000.00"),
    ("Roskilde", "OmsorgsJournal", datetime.date(2027, 4, 30), 1, 24, 0, 6, "2300000.00"),
    ("Greve", "OmsorgsJournal", datetime.date(2028, 1, 31), 0, 0, 0, 6, "900000.00"),
    ("Solrød", "OmsorgsJournal", datetime.date(2027, 10, 31), 2, 12, 0, 3, "450000.00"),
    ("Roskilde", "Dagtilbudsportalen", datetime.date(2027, 3, 31), 0, 0, 0, 3, "260000.00"),
    ("Køge", "Dagtilbudsportalen", datetime.date(2027, 6, 30), 1, 6, 0, 3, "210000.00"),
    ("Lejre", "Dagtilbudsportalen", datetime.date(2027, 8, 31), 1, 12, 0, 3, "95000.00"),
    ("Roskilde", "KommuneØkonomi", datetime.date(2029, 12, 31), 2, 24, 0, 12, "3100000.00"),
    # The option is used: the re-tender (procurement demo DEMO-T1) starts the new contract after it.
    ("Køge", "LønPlus", datetime.date(2027, 1, 31), 1, 12, 1, 3, "640000.00"),
]


# Ten task areas, four competing systems each: (category, KLE main groups, [(system, vendor)]).
CATALOGUE = [
    (
        "ESDH og sagsbehandling",
        ["00", "85"],
        ["Journalis ESDH", "SagsFlow ESDH", "DokuNet", "Arkivo Sag"],
    ),
    ("Løn og personale", ["81"], ["LønPlus", "PersonaleNet", "Lønmester", "HR-Kernen"]),
    ("Økonomi", ["85"], ["KommuneØkonomi", "FinansFlow", "Budgetto", "Regnskab365"]),
    (
        "Dagtilbud og pladsanvisning",
        ["28"],
        ["Dagtilbudsportalen", "Pladsen", "BørneIntra", "Institutionsnet"],
    ),
    (
        "Ældre og omsorg",
        ["27", "29"],
        ["OmsorgsJournal", "CareNord", "Hjemmeplejen Pro", "Plejeplan"],
    ),
    (
        "Jobcenter og beskæftigelse",
        ["15", "32"],
        ["JobSag", "Beskæftigelsesnet", "Ledighedsportalen", "Aktivering Plus"],
    ),
    (
        "Skole og uddannelse",
        ["17", "54"],
        ["Skoleplatform", "LæringsNet", "ElevIntra", "Skolekassen"],
    ),
    ("GIS og kort", ["01", "05"], ["KortKommune", "GeoFlow", "Matrikelnet", "PlanKort"]),
    ("Byggesag", ["02"], ["ByggeSag Online", "Byggetilladelse+", "BygDigital", "SagsByg"]),
    (
        "Borgerservice og selvbetjening",
        ["23", "85"],
        ["Selvbetjeningen", "BorgerPortal", "Digital Post Plus", "Blanketten"],
    ),
]
FICTIONAL_VENDORS = [
    "Nordisk Journal A/S",
    "Kommunedata Systemer ApS",
    "Omsorgsdata A/S",
    "Skoleplatform ApS",
    "Open Source Kommune-IT (forening)",
    "Sjællandsk Software A/S",
    "Dansk Sagssystem ApS",
    "Geodata Nord A/S",
    "Borgerløsninger ApS",
    "Velfærdsteknik A/S",
    "Offentlig Cloud ApS",
    "Byggedigital A/S",
]


TERM_MONTHS = 48


def term_dates(expiration: datetime.date, months: int = TERM_MONTHS):
    """(concluded, valid from) of a contract of ``months`` whole months ending on ``expiration``:
    valid from the day after expiration − term (end-of-month rule), signed a month earlier."""
    valid_from = add_months(expiration, -months) + datetime.timedelta(days=1)
    return valid_from - datetime.timedelta(days=30), valid_from


def procurement_form(
    expiration, concluded, valid_from, option_count, option_months, annual, total
) -> str:
    """The procedure the threshold assessment requires for the contract's estimated value (whole
    term with all options), in the threshold period in force when it was signed."""
    dates = deadlines.ContractDates(
        concluded=concluded,
        valid_from=valid_from,
        expiration=expiration,
        option_count=option_count,
        option_months=option_months,
    )
    return deadlines.required_procedure(
        deadlines.estimated_value(dates, annual, total), services_threshold(concluded)
    )


def spread_date(category_index: int, municipality_index: int) -> datetime.date:
    """End dates over the next five years, clustered per task area so that several members'
    contracts for the same kind of system end within a few months of each other."""
    base_month = 6 + (category_index * 7) % 48  # months after November 2026
    offset = (municipality_index * 5 + category_index * 3) % 11 - 5  # −5 … +5 months
    months = base_month + offset
    return last_day_of_month(add_months(datetime.date(2026, 11, 1), months))


def seed_catalogue(association, vendors) -> int:
    """~40 systems and, for every member, one contract and usage per task area."""
    from decimal import Decimal as D

    created = 0
    members = list(
        Municipality.objects.filter(
            region=association.members.first().municipality.region
        ).order_by("code")
    )
    kle = {k.number: k for k in KleClass.objects.filter(level=1)}
    for c_index, (category, kle_numbers, names) in enumerate(CATALOGUE):
        systems = []
        for s_index, name in enumerate(names):
            vendor = vendors[(c_index + s_index) % len(vendors)]
            system, new = ItSystem.objects.get_or_create(
                owner=association,
                name=name,
                defaults={
                    "vendor": vendor,
                    "category": category,
                    "licence_model": ("proprietary", "saas", "open_source", "proprietary")[s_index],
                },
            )
            if new:
                system.kle.set([kle[n] for n in kle_numbers if n in kle])
                created += 1
            systems.append(system)
        for m_index, municipality in enumerate(members):
            number = f"DEMO-G-{municipality.code}-{c_index:02d}"
            if SystemUsage.objects.filter(owner=municipality, system__in=systems).exists():
                continue  # the hand-written demo contracts above already cover this pair
            system = systems[(m_index + c_index) % 4 if m_index % 3 else 0]
            expiration = spread_date(c_index, m_index)
            annual = D(150_000 + (municipality.population // 10) * (1 + c_index % 4)).quantize(
                D("1.00")
            )
            concluded, valid_from = term_dates(expiration)
            option_count = (m_index + c_index) % 3
            contract, new = Contract.objects.get_or_create(
                owner=municipality,
                contract_number=number,
                defaults={
                    "name": f"{system.name} – {municipality.name}",
                    "vendor": system.vendor,
                    "contract_type": "saas" if system.licence_model == "saas" else "licence",
                    "procurement_form": procurement_form(
                        expiration, concluded, valid_from, option_count, 12, annual, annual * 4
                    ),
                    "concluded": concluded,
                    "valid_from": valid_from,
                    "expiration": expiration,
                    "option_count": option_count,
                    "option_months": 12,
                    "notice_months": (3, 6, 6, 12)[c_index % 4],
                    "notice_to_end_of": ("month", "quarter", "month", "none")[m_index % 4],
                    "annual_value": annual,
                    "total_value": annual * 4,
                    "responsible": f"Kontraktansvarlig, {municipality.name}",
                },
            )
            if new:
                contract.systems.set([system])
                created += 1
            _usage, new = SystemUsage.objects.get_or_create(
                owner=municipality,
                system=system,
                defaults={
                    "main_contract": contract,
                    "user_count": 40 + (municipality.population // 500),
                    "business_critical": c_index in (0, 1, 4),
                },
            )
            created += new
    return created


@demo_seeder
def seed(stdout) -> int:
    association = Association.objects.filter(short_name="DFS").first()
    if association is None:
        return 0
    created = 0
    vendors = []
    for name, seed_number, _note in VENDORS:
        vendor, new = Vendor.objects.get_or_create(
            name=name, defaults={"cvr": demo_cvr(seed_number)}
        )
        vendors.append(vendor)
        created += new
    systems = {}
    for name, vendor_index, kle_numbers, category, licence in SYSTEMS:
        system, new = ItSystem.objects.get_or_create(
            owner=association,
            name=name,
            defaults={
                "vendor": vendors[vendor_index],
                "category": category,
                "licence_model": licence,
            },
        )
        if new:
            system.kle.set(KleClass.objects.filter(number__in=kle_numbers))
        systems[name] = system
        created += new
    for index, (
        municipality_name,
        system_name,
        expiration,
        options,
        months,
        used,
        notice,
        annual,
    ) in enumerate(CONTRACTS):
        municipality = Municipality.objects.get(name=municipality_name)
        system = systems[system_name]
        term_years = TERM_MONTHS // 12
        concluded, valid_from = term_dates(expiration)
        total = Decimal(annual) * term_years
        contract, new = Contract.objects.get_or_create(
            owner=municipality,
            contract_number=f"DEMO-{index + 1:03d}",
            defaults={
                "name": f"{system_name} – {municipality_name}",
                "vendor": system.vendor,
                "contract_type": "saas" if system.licence_model == "saas" else "licence",
                "procurement_form": procurement_form(
                    expiration, concluded, valid_from, options, months, Decimal(annual), total
                ),
                "concluded": concluded,
                "valid_from": valid_from,
                "expiration": expiration,
                "option_count": options,
                "option_months": months,
                "options_used": used,
                "notice_months": notice,
                "notice_to_end_of": "month",
                "annual_value": Decimal(annual),
                "total_value": total,
                "responsible": "Kontraktansvarlig, " + municipality_name,
            },
        )
        if new:
            contract.systems.set([system])
            created += 1
        SystemUsage.objects.get_or_create(
            owner=municipality,
            system=system,
            defaults={
                "main_contract": contract,
                "lifecycle": "in_operation",
                "user_count": 150 + index * 40,
                "business_critical": system.category in ("ESDH", "Omsorgssystem"),
            },
        )
    for name in FICTIONAL_VENDORS[len(vendors) :]:
        vendor, new = Vendor.objects.get_or_create(
            name=name, defaults={"cvr": demo_cvr(len(vendors) + 1)}
        )
        vendors.append(vendor)
        created += new
    created += seed_catalogue(association, vendors)
    roskilde = Municipality.objects.get(name="Roskilde")
    _contract, new = Contract.objects.get_or_create(
        owner=roskilde,
        contract_number="DEMO-INT-1",
        defaults={
            "name": "Forhandling om ny lønaftale (intern)",
            "vendor": vendors[1],
            "internal": True,
            "expiration": datetime.date(2027, 2, 28),
            "notice_months": 3,
            "annual_value": Decimal("500000.00"),
        },
    )
    created += new
    from django.contrib.auth import get_user_model

    cio = get_user_model().objects.filter(username="cio-roskilde").first()
    if cio:
        _sub, new = ReminderSubscription.objects.get_or_create(owner=roskilde, user=cio)
        created += new
    return created
