"""Landscape at national scale (run by `make bench` on a throwaway database, never in tests):
deadlines for 40,000 contracts, the contract list page and API list over 40,000 contracts, and
the spreadsheet import rate."""

import datetime
import io
import random
import statistics
import time
from decimal import Decimal


def _timed(func, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return samples


def _p95(samples):
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def run():
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client

    from samdigi.core.history import acting_as
    from samdigi.landscape import deadlines
    from samdigi.landscape.models import Contract, Vendor
    from samdigi.organizations.models import (
        Association,
        AssociationMember,
        Membership,
        Municipality,
    )

    rows = []
    rng = random.Random(3)
    today = datetime.date(2026, 11, 29)
    dates = [
        deadlines.ContractDates(
            expiration=today + datetime.timedelta(days=rng.randint(-300, 2000)),
            notice_months=rng.choice((3, 6, 12)),
            notice_to_end_of="month",
            option_count=rng.randint(0, 2),
            option_months=12,
        )
        for _ in range(40_000)
    ]

    def compute():
        for item in dates:
            deadlines.deadlines(item, today, 12)

    rows.append(
        ("deadline computation for 40,000 contracts", min(_timed(compute, 3)), "target < 0.5 s")
    )

    municipalities = list(Municipality.objects.order_by("code"))
    association, _ = Association.objects.get_or_create(
        short_name="BENCH", defaults={"name": "Bench"}
    )
    for municipality in municipalities:
        AssociationMember.objects.get_or_create(
            association=association,
            municipality=municipality,
            defaults={"joined": datetime.date(2020, 1, 1)},
        )
    user, _ = get_user_model().objects.get_or_create(username="bench-admin")
    # Imports need an editor of every municipality; the list pages see everything either way.
    user.is_superuser = True
    user.save()
    Membership.objects.get_or_create(
        user=user, organization=association, defaults={"role": "association_admin"}
    )
    vendor, _ = Vendor.objects.get_or_create(name="Bench A/S")
    if Contract.objects.count() < 40_000:
        with transaction.atomic(), acting_as(None):
            batch = []
            for index in range(40_000):
                contract = Contract(
                    owner=municipalities[index % len(municipalities)],
                    vendor=vendor,
                    name=f"Kontrakt {index}",
                    contract_number=f"B-{index}",
                    expiration=dates[index].expiration,
                    notice_months=dates[index].notice_months,
                    option_count=dates[index].option_count,
                    option_months=12,
                    notice_to_end_of="month",
                    annual_value=Decimal(rng.randint(10_000, 5_000_000)),
                )
                contract.refresh_derived({})
                batch.append(contract)
            Contract.objects.bulk_create(batch, batch_size=2000)
    client = Client()
    client.force_login(user)
    client.get("/contracts/")
    page = _timed(lambda: client.get("/contracts/?sort=-retender_start"), 40)
    rows.append(("contract list page, 40,000 contracts (p95)", _p95(page), "target < 0.1 s"))
    api = _timed(lambda: client.get("/api/v1/contracts/"), 40)
    rows.append(("contract API list, 40,000 contracts (p95)", _p95(api), "target < 0.1 s"))

    from samdigi.landscape.importers import ContractImporter

    header = "Kommune;Kontraktnavn;Kontrakt ID;Leverandør;Udløbsdato;Opsigelsesvarsel;Årlig værdi\n"
    body = "".join(
        f"{municipalities[i % 98].code};Import {i};I-{i};Bench A/S;2029-06-30;6;{1000 + i}\n"
        for i in range(2000)
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    started = time.perf_counter()
    result = ContractImporter(user).run(
        SimpleUploadedFile("bench.csv", (header + body).encode()), commit=False
    )
    elapsed = time.perf_counter() - started
    rows.append(
        (
            "CSV import preview, 2,000 rows",
            elapsed,
            f"{2000 / elapsed:,.0f} rows/s (target ≥ 20,000); ok={result.ok}",
        )
    )
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in (header + body).splitlines():
        sheet.append(line.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    started = time.perf_counter()
    result = ContractImporter(user).run(
        SimpleUploadedFile("bench.xlsx", buffer.getvalue()), commit=False
    )
    elapsed = time.perf_counter() - started
    rows.append(
        (
            "XLSX import preview, 2,000 rows",
            elapsed,
            f"{2000 / elapsed:,.0f} rows/s (target ≥ 5,000); ok={result.ok}",
        )
    )
    return rows
