"""The opportunities page from the user's side: the summary table, its sort and filters, the
fold-out explanations, and planning through a preview that creates nothing until confirmed."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from samdigi.core.testing import client_for
from samdigi.landscape.models import Contract
from samdigi.procurement.models import Tender, TenderParticipant
from samdigi.procurement.rules import opportunity_summary as summary
from samdigi.procurement.tests.helpers import overlapping_contracts

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_groups(world):
    """A large group (EU procedure) and a small one (national), both of own and peer."""
    _big, big = overlapping_contracts(world, system_name="Stort ESDH")
    _small, small = overlapping_contracts(world, system_name="Lille booking")
    Contract.objects.filter(pk__in=[c.pk for c in small]).update(
        annual_value=Decimal("10000.00"), total_value=Decimal("40000.00")
    )
    return big, small


def page(world, persona="association_admin", **params):
    return client_for(world, persona).get(
        reverse("procurement:opportunities"), {"association": world.association.pk, **params}
    )


def names(response):
    return [row.name for row in response.context["rows"]]


def test_the_summary_table_has_its_columns_and_the_groups_fold_out(world, two_groups):
    response = page(world)
    assert response.status_code == 200
    html = response.content.decode()
    for header in (
        "Gruppe",
        "Kommuner",
        "Fælles udløbsdato",
        "Samlet anslået værdi",
        "EU-udbud",
        "Separate udbud sparet",
    ):
        assert header in html, header
    assert html.index('data-testid="opportunity-summary"') < html.index('data-testid="opportunity"')
    assert html.count('<details class="card opportunity"') == 2
    (row,) = [r for r in response.context["rows"] if r.name == "Stort ESDH"]
    assert row.members == 2 and row.tenders_avoided == 1 and row.eu_required


def test_the_page_without_any_parameter_shows_every_group(world, two_groups):
    response = client_for(world, "association_admin").get(reverse("procurement:opportunities"))
    assert response.status_code == 200
    assert sorted(names(response)) == ["Lille booking", "Stort ESDH"]


def test_a_bad_filter_value_is_named_and_the_others_still_filter(world, two_groups):
    response = page(world, eu="no", min_members="many")
    assert response.status_code == 200
    assert names(response) == ["Lille booking"]
    assert 'class="error"' in response.content.decode()


def test_sorting_by_value_both_ways(world, two_groups):
    assert names(page(world, sort="value")) == ["Lille booking", "Stort ESDH"]
    assert names(page(world, sort="-value")) == ["Stort ESDH", "Lille booking"]
    # The header of the sorted column says so, and its link turns the order round.
    html = page(world, sort="value").content.decode()
    assert 'aria-sort="ascending"' in html and "sort=-value" in html


def test_filters_narrow_the_groups(world, two_groups):
    assert names(page(world, eu="yes")) == ["Stort ESDH"]
    assert names(page(world, eu="no")) == ["Lille booking"]
    assert names(page(world, min_members=3)) == []
    target = page(world).context["rows"][0].target_date
    assert len(names(page(world, date_from=target.isoformat(), date_to=target.isoformat()))) >= 1
    assert names(page(world, date_to="2000-01-01")) == []
    filtered = page(world, eu="no").content.decode()
    assert filtered.count('<details class="card opportunity"') == 1


def test_a_filter_change_by_htmx_gets_only_the_summary(world, two_groups):
    response = client_for(world, "association_admin").get(
        reverse("procurement:opportunities"),
        {"association": world.association.pk, "eu": "yes"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="opportunity-summary",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="opportunity-summary">')
    assert "Stort ESDH" in html and "Lille booking" not in html
    # The sort shown travels with the next filter change: its field is in the swapped part.
    sorted_part = client_for(world, "association_admin").get(
        reverse("procurement:opportunities"),
        {"association": world.association.pk, "sort": "-value"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="opportunity-summary",
    )
    assert (
        '<input type="hidden" name="sort" value="-value" form="opportunity-filters">'
        in sorted_part.content.decode()
    )


def test_planning_shows_a_preview_and_creates_nothing_until_confirmed(world, two_groups):
    big, _small = two_groups
    client = client_for(world, "association_admin")
    (row,) = [r for r in page(world).context["rows"] if r.name == "Stort ESDH"]
    url = reverse("procurement:opportunity_plan", args=[row.key])
    preview = client.get(url, {"association": world.association.pk})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Fælles udbud: Stort ESDH" in html or "Stort ESDH" in html
    for contract in big:
        assert contract.name in html
    assert world.own.name in html and world.peer.name in html
    assert 'data-testid="plan-dates"' in html
    assert 'name="csrfmiddlewaretoken"' in html and 'method="post"' in html
    assert not Tender.objects.exists() and not TenderParticipant.objects.exists()
    created = client.post(url, {"association": world.association.pk})
    assert created.status_code == 302
    tender = Tender.objects.get(opportunity_key=row.key)
    assert tender.title == preview.context["preview"].title
    assert set(tender.contracts.all()) == set(big)
    assert tender.participants.count() == 2


def test_only_the_association_admins_see_the_preview(world, two_groups):
    key = page(world).context["rows"][0].key
    url = reverse("procurement:opportunity_plan", args=[key])
    response = client_for(world, "own_admin").get(url, {"association": world.association.pk})
    assert response.status_code == 403
    assert not Tender.objects.exists()


# --- the pure summary ---------------------------------------------------------------------------


def row(key, rank, members=2, day=date(2028, 6, 30), value="100", eu=False, name=None):
    return summary.SummaryRow(
        key=key,
        rank=rank,
        name=name or key,
        members=members,
        contracts=members,
        target_date=day,
        value=Decimal(value),
        eu_required=eu,
    )


def test_unit_separate_tenders_avoided_is_one_less_than_the_municipalities():
    assert summary.tenders_avoided(2) == 1
    assert summary.tenders_avoided(5) == 4
    assert summary.tenders_avoided(0) == 0


def test_unit_select_filters_and_sorts_with_rank_breaking_ties():
    rows = [
        row("a", 1, members=3, value="500", eu=True),
        row("b", 2, members=2, value="500", day=date(2027, 1, 31)),
        row("c", 3, members=4, value="100"),
    ]
    everything = summary.SummaryFilter()
    assert [r.key for r in summary.select(rows, everything)] == ["a", "b", "c"]
    assert [r.key for r in summary.select(rows, everything, "-members")] == ["c", "a", "b"]
    assert [r.key for r in summary.select(rows, everything, "value")] == ["c", "a", "b"]
    assert [r.key for r in summary.select(rows, everything, "nonsense")] == ["a", "b", "c"]
    assert [r.key for r in summary.select(rows, summary.SummaryFilter(eu_required=True))] == ["a"]
    assert [r.key for r in summary.select(rows, summary.SummaryFilter(min_members=3))] == ["a", "c"]
    early = summary.SummaryFilter(date_to=date(2027, 12, 31))
    assert [r.key for r in summary.select(rows, early)] == ["b"]
    late = summary.SummaryFilter(date_from=date(2028, 1, 1))
    assert [r.key for r in summary.select(rows, late)] == ["a", "c"]
