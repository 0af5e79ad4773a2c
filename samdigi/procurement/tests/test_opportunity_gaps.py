"""The finder never recommends an option whose decision date has passed (issue 8): the association
admin sees such a contract beside the group, with the reason and the gap it leaves."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from samdigi.core.rules.months import add_months
from samdigi.core.testing import api_client_for, client_for
from samdigi.landscape.models import Contract
from samdigi.procurement.tests.helpers import overlapping_contracts, vendor

pytestmark = pytest.mark.django_db


def lapsed_contract(world, system):
    """A contract of `own` for the same system that ends 15 months from now; its 24-month option
    would reach the group's date, but with 18 months' notice its decision date has passed."""
    today = timezone.localdate()
    end = add_months(today.replace(day=1), 15) - datetime.timedelta(days=1)
    contract = Contract.objects.create(
        owner=world.own,
        vendor=vendor(),
        name="ESDH med forpasset option",
        expiration=end,
        option_count=1,
        option_months=24,
        notice_months=18,
        annual_value=Decimal("900000.00"),
        total_value=Decimal("900000.00"),
    )
    contract.systems.set([system])
    assert contract.option_decision < today
    return contract


def test_api_shows_the_lapsed_option_with_its_gap_and_never_recommends_it(world):
    system, members = overlapping_contracts(world)
    lapsed = lapsed_contract(world, system)
    response = api_client_for(world, "association_admin").get(
        "/api/v1/tender-opportunities/", {"association": world.association.pk}
    )
    assert response.status_code == 200
    (group,) = response.json()["results"]
    assert {m["contract"] for m in group["members"]} == {c.pk for c in members}
    (gap,) = group["gaps"]
    assert gap["contract"] == lapsed.pk
    assert gap["option_decision"] == lapsed.option_decision.isoformat()
    assert gap["current_end"] == lapsed.current_end.isoformat()
    assert gap["gap_start"] == (lapsed.current_end + datetime.timedelta(days=1)).isoformat()
    assert gap["gap_end"] == group["target_date"]
    target = datetime.date.fromisoformat(group["target_date"])
    assert gap["gap_days"] == (target - lapsed.current_end).days > 0
    # In the user's language (Danish by default), naming the decision date and the gap.
    assert "option" in gap["reason"] and str(gap["gap_days"]) in gap["reason"]
    assert "hul på" in gap["reason"]


def test_page_shows_the_reason_and_the_gap(world):
    system, _members = overlapping_contracts(world)
    lapsed = lapsed_contract(world, system)
    response = client_for(world, "association_admin").get(
        reverse("procurement:opportunities"), {"association": world.association.pk}
    )
    assert response.status_code == 200
    (view,) = response.context["result"].views
    (row,) = list(view.gaps())
    gap, contract, why = row
    assert contract == lapsed
    html = response.content.decode()
    assert 'data-testid="gaps"' in html
    assert why in html
    decision_date = lapsed.option_decision
    assert str(gap.gap_days) in why
    assert formats.date_format(decision_date, "SHORT_DATE_FORMAT") in why
    # The contract's own line in "every contract, in or out" says the same.
    (decision,) = [d for d in response.context["result"].decisions if d[0] == lapsed]
    assert decision[1] is False and why in decision[3]
