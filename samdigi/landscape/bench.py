"""Landscape at national scale (run by `make bench` on a throwaway database, never in tests):
deadlines for 40,000 contracts, the contract list page over 40,000 contracts, the contract and
deadline APIs as the association's secretariat (a non-superuser, so the access rules are timed)
beside the SQL floor with the ratio, and the spreadsheet import rate."""

import datetime
import io
import os
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


# The country's contracts; BENCH_CONTRACTS makes a smaller smoke run of the same code.
CONTRACTS = int(os.environ.get("BENCH_CONTRACTS", "40000"))


def _sql_of(client, url):
    """The statements (with parameters) one request sends to the database."""
    from django.db import connection

    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(url).status_code == 200
    return statements


def _replay(statements):
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


def _api_against_sql_floor(superuser, persona):
    """The contract and deadline APIs as a non-superuser (the association secretariat, who sees
    every member's shared contracts) beside the SQL floor: the superuser's statements for the
    same page replayed on a bare cursor, i.e. what the database must do for any page of 50
    contracts. The persona's own statements replayed show what its access rules add in SQL."""
    from django.test import Client

    rows = []
    clients = {}
    for user in (superuser, persona):
        clients[user] = Client()
        clients[user].force_login(user)
    pages = []
    for label, url in (
        ("contract API", "/api/v1/contracts/"),
        ("deadline API", "/api/v1/deadlines/"),
    ):
        middle = max(1, clients[persona].get(url).json()["count"] // 100)
        pages += [
            (f"{label}, first page", url),
            (f"{label}, page {middle}", f"{url}?page={middle}"),
        ]
    for label, url in pages:
        floor_sql = _sql_of(clients[superuser], url)
        persona_sql = _sql_of(clients[persona], url)
        floor = _p95(_timed(lambda sql=floor_sql: _replay(sql), 20))
        persona_db = _p95(_timed(lambda sql=persona_sql: _replay(sql), 20))
        as_superuser = _p95(_timed(lambda url=url: clients[superuser].get(url), 20))
        as_persona = _p95(_timed(lambda url=url: clients[persona].get(url), 20))
        rows.append(
            (
                f"{label}, association admin, {CONTRACTS:,} contracts (p95)",
                as_persona,
                f"{as_persona / floor:.1f}× the SQL floor ({floor * 1000:.1f} ms); "
                f"its SQL {persona_db / floor:.1f}×; superuser {as_superuser / floor:.1f}×; "
                f"{len(persona_sql)} queries",
            )
        )
    return rows


def run():
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client

    from samdigi.core.history import acting_as
    from samdigi.landscape.models import Contract, Vendor
    from samdigi.landscape.rules import deadlines
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
        for _ in range(CONTRACTS)
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
    # Imports need an editor of every municipality: the superuser; the API is timed for the
    # association's secretariat, whose rows are narrowed by the access rules.
    user.is_superuser = True
    user.save()
    Membership.objects.get_or_create(
        user=user, organization=association, defaults={"role": "association_admin"}
    )
    secretariat, _ = get_user_model().objects.get_or_create(username="bench-secretariat")
    Membership.objects.get_or_create(
        user=secretariat, organization=association, defaults={"role": "association_admin"}
    )
    vendor, _ = Vendor.objects.get_or_create(name="Bench A/S")
    if Contract.objects.count() < CONTRACTS:
        with transaction.atomic(), acting_as(None):
            batch = []
            for index in range(CONTRACTS):
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
                    internal=index % 10 == 0,
                )
                contract.refresh_derived({})
                batch.append(contract)
            created = Contract.objects.bulk_create(batch, batch_size=2000)
            # One contract in twenty is signed jointly with the next municipality.
            through = Contract.co_owners.through
            through.objects.bulk_create(
                [
                    through(
                        contract_id=contract.pk,
                        municipality_id=municipalities[(index + 1) % len(municipalities)].pk,
                    )
                    for index, contract in enumerate(created)
                    if index % 20 == 0
                ],
                batch_size=2000,
            )
    client = Client()
    client.force_login(user)
    client.get("/contracts/")
    page = _timed(lambda: client.get("/contracts/?sort=-retender_start"), 40)
    rows.append(("contract list page, 40,000 contracts (p95)", _p95(page), "target < 0.1 s"))
    rows.extend(_api_against_sql_floor(user, secretariat))

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
