"""The end-of-month rule and the re-tender lead time from the user's side (issue 8): the dates a
municipality sees in the API and on the deadlines page, and the stored dates' recomputation."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import formats, timezone

from samdigi.core.testing import api_client_for, client_for
from samdigi.landscape.models import Contract, LeadTime, Vendor

pytestmark = pytest.mark.django_db
D = datetime.date


def vendor():
    return Vendor.objects.get_or_create(name="Månedsskifte A/S")[0]


def test_saving_through_the_api_gives_the_month_end_current_end(world):
    response = api_client_for(world, "own_admin").post(
        "/api/v1/contracts/",
        {
            "owner": world.own.pk,
            "vendor": vendor().pk,
            "name": "ESDH",
            "valid_from": "2024-10-01",
            "expiration_date": "2028-09-30",
            "notice_months": 3,
            "option_count": 2,
            "option_months": 6,
            "options_used": 1,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["current_end"] == "2029-03-31"  # not 30.03.2029
    assert body["latest_possible_end"] == "2029-09-30"
    assert body["notice_deadline"] == "2028-12-31"  # 31.03.2029 minus 3 months
    assert body["option_decision_date"] == "2028-12-31"


def test_deadlines_page_shows_the_notice_deadline_not_a_day_early(world):
    year = timezone.localdate().year + 2
    contract = Contract.objects.create(
        owner=world.own,
        vendor=vendor(),
        name="Lønsystem",
        valid_from=D(year - 4, 5, 1),
        expiration=D(year, 4, 30),
        notice_months=6,
    )
    expected = D(year - 1, 10, 31)  # 6 months before 30 April; clamping gave 30 October
    assert contract.notice_deadline == expected
    response = client_for(world, "own_viewer").get(
        reverse("landscape:deadlines"), {"municipality": world.own.code, "months": 36}
    )
    assert response.status_code == 200
    rows = [(r.contract, r.kind, r.date) for r in response.context["rows"]]
    assert (contract, "notice_deadline", expected) in rows
    assert formats.date_format(expected, "SHORT_DATE_FORMAT") in response.content.decode()


def test_contract_under_notice_is_active_until_the_end_the_notice_produces(world):
    today = timezone.localdate()
    contract = Contract.objects.create(
        owner=world.own,
        vendor=vendor(),
        name="Opsagt",
        valid_from=today - datetime.timedelta(days=400),
        expiration=today + datetime.timedelta(days=800),
        notice_months=3,
        terminated_on=today - datetime.timedelta(days=10),
    )
    body = api_client_for(world, "own_viewer").get(f"/api/v1/contracts/{contract.pk}/").json()
    assert body["validity"] == "active"
    assert "notice_given" in body["validity_reasons"]
    assert contract.validity(contract.ends_on).is_active
    day_after = contract.validity(contract.ends_on + datetime.timedelta(days=1))
    assert str(day_after.status) == "terminated"


def test_retender_start_uses_the_procedure_the_threshold_requires(world):
    today = timezone.localdate()
    end = D(today.year + 3, 6, 30)
    common = {
        "owner": world.own,
        "vendor": vendor(),
        "valid_from": D(today.year - 1, 7, 1),
        "expiration": end,
        "procurement_form": "direct_award",  # how the current one was bought
    }
    # Worth more than any threshold over its whole term: an EU procedure, 12 months.
    big = Contract.objects.create(name="Stor", total_value=Decimal("9000000"), **common)
    # Far below: a national advertisement, 6 months.
    small = Contract.objects.create(name="Lille", total_value=Decimal("200000"), **common)
    assert big.retender_start == D(today.year + 2, 7, 1)
    assert small.retender_start == D(today.year + 3, 1, 1)
    # The association's own norm for the required procedure wins over the default.
    LeadTime.objects.create(association=world.association, procedure="national", months=4)
    small.refresh_from_db()
    assert small.retender_start == D(today.year + 3, 3, 1)


def test_data_migration_recomputes_stored_dates(world):
    contract = Contract.objects.create(
        owner=world.own,
        vendor=vendor(),
        name="Gammel",
        valid_from=D(2024, 10, 1),
        expiration=D(2028, 9, 30),
        notice_months=6,
        option_count=2,
        option_months=6,
        options_used=1,
        total_value=Decimal("100000"),
    )
    # What the old (clamping) rule had stored.
    Contract.objects.filter(pk=contract.pk).update(
        current_end=D(2029, 3, 30), notice_deadline=D(2028, 9, 30), retender_start=None
    )
    migration = importlib.import_module("samdigi.landscape.migrations.0003_end_of_month_dates")
    migration.recompute(django_apps, None)
    contract.refresh_from_db()
    assert contract.current_end == D(2029, 3, 31)
    assert contract.notice_deadline == D(2028, 9, 30)
    assert contract.retender_start == D(2028, 10, 1)  # national: 6 months before 01.04.2029
    before = (contract.current_end, contract.notice_deadline, contract.retender_start)
    contract.save()
    assert (contract.current_end, contract.notice_deadline, contract.retender_start) == before
