"""Contract visibility as conditions on the row (owner column, EXISTS over co-signers) and the
deadline API paged in the database (issue 16): the same rows for every persona as before, a fixed
number of queries, and every query parameter validated."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone

from samdigi.core.access import scope_for
from samdigi.core.testing import PERSONAS, api_client_for, count_queries
from samdigi.landscape import services
from samdigi.landscape.models import Contract, Vendor

pytestmark = pytest.mark.django_db


def make(owner, name, internal=False, co_owners=(), months=12, **kwargs):
    vendor = Vendor.objects.get_or_create(name="Leverandør")[0]
    obj = Contract.objects.create(
        owner=owner,
        vendor=vendor,
        name=name,
        internal=internal,
        expiration=timezone.localdate() + relativedelta(months=months),
        notice_months=3,
        option_count=1,
        option_months=12,
        **kwargs,
    )
    obj.co_owners.set(co_owners)
    return obj


@pytest.fixture
def contracts(world):
    own, peer, outside = world.own, world.peer, world.outside
    return [
        make(own, "A own"),
        make(own, "B own internal", internal=True),
        make(peer, "C peer"),
        make(peer, "D peer internal", internal=True),
        make(outside, "E outside"),
        make(outside, "F outside co-signed by own", co_owners=[own]),
        make(outside, "G outside internal co-signed by own", internal=True, co_owners=[own]),
        make(outside, "H outside internal co-signed by peer", internal=True, co_owners=[peer]),
        make(outside, "I outside co-signed by peer", co_owners=[peer]),
        make(own, "J own co-signed by peer and outside", co_owners=[peer, outside]),
    ]


def visible_before_the_rewrite(user):
    """The rule as it was written before (a `pk IN (...)` subquery), kept here as the oracle."""
    scope = scope_for(user)
    shared = scope.visible_q()
    co_owned = Q(co_owners__in=scope.own_municipality_ids)
    co_peer = Q(co_owners__in=scope.peer_municipality_ids, internal=False)
    return set(Contract.objects.filter(shared | co_owned | co_peer).values_list("pk", flat=True))


def editable_before_the_rewrite(user):
    scope = scope_for(user)
    editing = scope.editing_owner_ids
    rows = Contract.objects.filter(Q(owner__in=editing) | Q(co_owners__in=editing))
    return set(rows.values_list("pk", flat=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_sees_and_edits_the_same_contracts_as_before(world, contracts, persona):
    user = world.user(persona)
    visible = Contract.objects.visible_to(user)
    assert set(visible.values_list("pk", flat=True)) == visible_before_the_rewrite(user)
    # No duplicates from the co-signers' rows.
    assert visible.count() == len(visible_before_the_rewrite(user))
    editable = set(Contract.objects.editable_by(user).values_list("pk", flat=True))
    assert editable == editable_before_the_rewrite(user)
    if persona != "anonymous":
        response = api_client_for(world, persona).get("/api/v1/contracts/", {"page_size": 100})
        assert {row["id"] for row in response.json()["results"]} == visible_before_the_rewrite(user)


def test_the_co_signing_rules_hold(world, contracts):
    by_name = {c.name[0]: c.pk for c in contracts}
    own_viewer = set(
        Contract.objects.visible_to(world.user("own_viewer")).values_list("pk", flat=True)
    )
    peer = set(Contract.objects.visible_to(world.user("peer")).values_list("pk", flat=True))
    outsider = set(Contract.objects.visible_to(world.user("outsider")).values_list("pk", flat=True))
    assert {by_name[k] for k in "ABCFGIJ"} == own_viewer
    # H is internal to Aalborg: its co-signer Køge sees it, nobody else in the association.
    assert {by_name[k] for k in "ACDFHIJ"} == peer
    assert {by_name[k] for k in "EFGHIJ"} == outsider


def test_visibility_is_a_condition_on_the_row_not_an_id_list(world, contracts):
    # The contracts table is read once: no `id IN (SELECT id FROM contracts ...)` over the table.
    for persona in ("association_admin", "own_viewer", "peer"):
        sql = str(Contract.objects.visible_to(world.user(persona)).query)
        assert sql.count('FROM "landscape_contract"') == 1, sql
        assert 'FROM "landscape_contract_co_owners"' in sql or persona == "association_admin"


# --- the deadline API ---------------------------------------------------------------------------


def expected_rows(user, **filters):
    today = timezone.localdate()
    contracts = Contract.objects.visible_to(user).filter(**filters)
    return [
        (row.date.isoformat(), row.kind, row.contract.pk)
        for row in services.deadline_rows(contracts, today, today + relativedelta(months=24))
    ]


def api_rows(client, **params):
    rows, page = [], 1
    while True:
        response = client.get("/api/v1/deadlines/", {"page_size": 4, "page": page, **params})
        assert response.status_code == 200, response.content
        body = response.json()
        rows += [(r["date"], r["kind"], r["contract"]) for r in body["results"]]
        if not body["next"]:
            return rows, body["count"]
        page += 1


def test_deadline_api_pages_every_visible_deadline_in_date_order(world, contracts):
    client = api_client_for(world, "association_admin")
    rows, count = api_rows(client)
    expected = expected_rows(world.user("association_admin"))
    assert rows == expected
    assert count == len(expected) > 8  # more than two pages


def test_deadline_api_filters_by_kind_municipality_and_association(world, contracts):
    client = api_client_for(world, "association_admin")
    user = world.user("association_admin")
    rows, _count = api_rows(client, kind="expiry")
    assert rows and {kind for _date, kind, _pk in rows} == {"expiry"}
    rows, _count = api_rows(client, municipality=world.peer.code)
    assert rows == expected_rows(user, owner=world.peer)
    rows, _count = api_rows(client, association=world.association.pk)
    assert rows == expected_rows(user, owner__in=[world.own, world.peer])
    rows, _count = api_rows(client, **{"from": "2000-01-01", "to": "2000-12-31"})
    assert rows == []


def test_deadline_api_leaves_out_the_notice_deadline_once_notice_is_given(world):
    contract = make(world.own, "Opsagt", months=12)
    client = api_client_for(world, "own_admin")
    assert "notice_deadline" in {kind for _d, kind, _pk in api_rows(client)[0]}
    contract.terminated_on = timezone.localdate() - datetime.timedelta(days=1)
    contract.save()
    assert "notice_deadline" not in {kind for _d, kind, _pk in api_rows(client)[0]}


def test_deadline_api_costs_the_same_queries_for_few_or_many_contracts(world):
    client = api_client_for(world, "association_admin")
    make(world.own, "Første")
    few = count_queries(lambda: client.get("/api/v1/deadlines/"), world)
    for index in range(30):
        make(world.peer if index % 2 else world.own, f"Kontrakt {index}", months=3 + index % 12)
    many = count_queries(lambda: client.get("/api/v1/deadlines/"), world)
    assert few == many, f"{few} queries for one contract, {many} for many"
    filtered = count_queries(
        lambda: client.get("/api/v1/deadlines/", {"association": world.association.pk}), world
    )
    assert filtered <= many + 1


def test_deadline_api_refuses_an_association_the_user_cannot_see(world, contracts):
    response = api_client_for(world, "association_admin").get(
        "/api/v1/deadlines/", {"association": world.other_association.pk}
    )
    assert response.status_code == 400
    assert "association" in response.json()
