"""A tender's outcome as data, from the user's side: requests to participate, tenders received,
award decisions, complaints and their consequences; the award with roll-out waves and a winning
product; who may award a joint tender; the outcome in OCDS."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from samdigi.core.models import ChangeRecord
from samdigi.core.testing import PERSONAS, api_client_for, client_for
from samdigi.landscape.models import Contract, ItSystem
from samdigi.procurement import services
from samdigi.procurement.models import (
    AwardDecision,
    Bid,
    Complaint,
    ParticipationRequest,
    Tender,
)
from samdigi.procurement.ocds_validation import SCHEMA_DIR, validate_release_package
from samdigi.procurement.tests.helpers import joint_tender, municipal_tender, vendor

pytestmark = pytest.mark.django_db

D = datetime.date


FIRST_DECISION = D(2027, 11, 1)


def decision(tender, winner, day=FIRST_DECISION, **kwargs):
    return AwardDecision.objects.create(
        tender=tender, vendor=winner, decided_on=day, value=Decimal("5400000.00"), **kwargs
    )


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_outcome_tab_shows_the_outcome_to_the_tenders_readers(world, persona):
    tender = joint_tender(world)
    Bid.objects.create(
        tender=tender, vendor=vendor(), received_on=D(2027, 9, 1), price=Decimal("5.00")
    )
    decision(tender, vendor())
    response = client_for(world, persona).get(
        reverse("procurement:tender_tab", args=[tender.pk, "outcome"])
    )
    expected = {"anonymous": 302, "outsider": 404}.get(persona, 200)
    assert response.status_code == expected
    if expected == 200:
        page = response.content.decode()
        assert "Systemhuset A/S" in page
        assert 'data-testid="award-decisions"' in page
        assert ('data-testid="add-bid"' in page) == (persona == "association_admin")


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_tenders_editors_record_a_bid_on_the_page(world, persona):
    tender = joint_tender(world)
    data = {
        "tender": tender.pk,
        "vendor": vendor().pk,
        "received_on": "2027-09-01",
        "price": "5100000.00",
        "compliant": "on",
    }
    response = client_for(world, persona).post(reverse("procurement:bid_add"), data)
    created = Bid.objects.filter(tender=tender).exists()
    assert created == (persona == "association_admin")
    if persona == "association_admin":
        assert response.status_code == 302
        assert response["Location"].endswith(f"/tenders/{tender.pk}/outcome/")
    else:
        assert response.status_code in (302, 400, 403)  # anonymous: to the login page


def test_a_second_bid_of_the_same_vendor_is_refused_naming_the_field(world):
    tender = joint_tender(world)
    Bid.objects.create(tender=tender, vendor=vendor(), received_on=D(2027, 9, 1))
    data = {"tender": tender.pk, "vendor": vendor().pk, "received_on": "2027-09-02"}
    response = client_for(world, "association_admin").post(reverse("procurement:bid_add"), data)
    assert response.status_code == 400
    assert "vendor" in response.context["form"].errors
    api = api_client_for(world, "association_admin").post(
        "/api/v1/tender-bids/", data, format="json"
    )
    assert api.status_code == 400
    assert "vendor" in api.json()


def test_upholding_a_complaint_on_the_page_annuls_the_award_and_keeps_it(world):
    tender = joint_tender(world)
    first = decision(tender, vendor())
    services.sync_award(tender)
    complainant = vendor("Konkurrenten ApS", "32345677")
    client = client_for(world, "association_admin")
    response = client.post(
        reverse("procurement:complaint_add"),
        {
            "tender": tender.pk,
            "award": first.pk,
            "complainant": complainant.pk,
            "filed_on": "2027-11-08",
            "outcome": "upheld",
            "decided_on": "2028-01-15",
            "consequence": "re_evaluation",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == AwardDecision.Status.CANCELLED
    assert first.cancelled_on == D(2028, 1, 15)
    tender.refresh_from_db()
    assert tender.status == Tender.Status.EVALUATING
    assert tender.winning_vendor is None
    page = client.get(reverse("procurement:tender_tab", args=[tender.pk, "outcome"]))
    assert "cancelled (annulled)" in page.content.decode() or "annulleret" in (
        page.content.decode()
    )


def test_a_consequence_needs_an_upheld_complaint(world):
    tender = joint_tender(world)
    data = {
        "tender": tender.pk,
        "complainant": vendor().pk,
        "filed_on": "2027-11-08",
        "outcome": "dismissed",
        "consequence": "award_annulled",
    }
    page = client_for(world, "association_admin").post(reverse("procurement:complaint_add"), data)
    assert page.status_code == 400
    assert "consequence" in page.context["form"].errors
    api = api_client_for(world, "association_admin").post(
        "/api/v1/tender-complaints/", data, format="json"
    )
    assert api.status_code == 400
    assert "consequence" in api.json()
    early = {**data, "outcome": "pending", "consequence": "none", "decided_on": "2027-11-01"}
    api = api_client_for(world, "association_admin").post(
        "/api/v1/tender-complaints/", early, format="json"
    )
    assert api.status_code == 400 and "decided_on" in api.json()
    assert not Complaint.objects.exists()


def test_a_tender_has_one_award_decision_in_force(world):
    tender = joint_tender(world)
    decision(tender, vendor())
    data = {
        "tender": tender.pk,
        "vendor": vendor("Anden A/S", "32345677").pk,
        "decided_on": "2027-12-01",
        "criteria": "lowest_price",
    }
    response = api_client_for(world, "association_admin").post(
        "/api/v1/tender-awards/", data, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


# --- API, per persona ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_outcome_rows_follow_the_tenders_access(world, persona):
    tender = joint_tender(world)
    bid = Bid.objects.create(tender=tender, vendor=vendor(), received_on=D(2027, 9, 1))
    client = api_client_for(world, persona)
    listing = client.get("/api/v1/tender-bids/", {"tender": tender.pk})
    detail = client.get(f"/api/v1/tender-bids/{bid.pk}/")
    create = client.post(
        "/api/v1/tender-requests/",
        {"tender": tender.pk, "vendor": vendor().pk, "received_on": "2027-08-01"},
        format="json",
    )
    if persona == "anonymous":
        assert {listing.status_code, detail.status_code, create.status_code} == {401}
        return
    sees = persona != "outsider"
    everything = client.get("/api/v1/tender-bids/").json()["results"]
    assert [row["id"] for row in everything] == ([bid.pk] if sees else [])
    if sees:
        assert [row["id"] for row in listing.json()["results"]] == [bid.pk]
    else:
        # The filter answers as for a tender that does not exist: nothing is revealed.
        missing = client.get("/api/v1/tender-bids/", {"tender": 999999})
        assert listing.status_code == missing.status_code == 400
        assert listing.json() == missing.json()
    assert detail.status_code == (200 if sees else 404)
    assert create.status_code == (201 if persona == "association_admin" else 403)
    assert ParticipationRequest.objects.exists() == (persona == "association_admin")


def test_api_changes_to_a_complaint_are_in_the_history_with_the_user(world):
    tender = joint_tender(world)
    first = decision(tender, vendor())
    client = api_client_for(world, "association_admin")
    created = client.post(
        "/api/v1/tender-complaints/",
        {
            "tender": tender.pk,
            "award": first.pk,
            "complainant": vendor("Konkurrenten ApS", "32345677").pk,
            "filed_on": "2027-11-08",
        },
        format="json",
    ).json()
    response = client.patch(
        f"/api/v1/tender-complaints/{created['id']}/",
        {
            "outcome": "upheld",
            "decided_on": "2028-01-15",
            "consequence": "procedure_cancelled",
            "version": created["version"],
        },
        format="json",
    )
    assert response.status_code == 200
    tender.refresh_from_db()
    first.refresh_from_db()
    assert tender.status == Tender.Status.CANCELLED
    assert first.status == AwardDecision.Status.CANCELLED
    history = client.get(f"/api/v1/tender-awards/{first.pk}/history/").json()["results"]
    assert any(row["user"] == "association_admin" for row in history)
    assert ChangeRecord.objects.filter(object_id=str(tender.pk)).exists()


# --- award: waves, product, who may award -------------------------------------------------------


AWARD = {
    "awarded_value": "5400000.00",
    "signed_on": "2028-03-01",
    "contract_start": "2028-07-01",
    "contract_end": "2032-06-30",
    "option_count": "2",
    "option_months": "12",
}


def test_the_award_page_rolls_out_in_waves_with_a_catalogue_product(world):
    tender = joint_tender(world)
    product = ItSystem.objects.create(owner=world.association, name="NovaESDH")
    client = client_for(world, "association_admin")
    form = client.get(reverse("procurement:tender_award", args=[tender.pk])).context["form"]
    # Each participant has its own start, defaulting to the common one.
    assert form[f"start_{world.own.code}"].initial == tender.required_start
    data = {
        **AWARD,
        "vendor": vendor().pk,
        "criteria": "best_price_quality",
        "product": product.pk,
        f"start_{world.peer.code}": "2029-01-01",
    }
    response = client.post(reverse("procurement:tender_award", args=[tender.pk]), data)
    assert response.status_code == 302
    contracts = Contract.objects.filter(from_tender_participations__tender=tender)
    assert contracts.get(owner=world.own).valid_from == D(2028, 7, 1)
    assert contracts.get(owner=world.peer).valid_from == D(2029, 1, 1)
    assert all(list(c.systems.all()) == [product] for c in contracts)
    award = AwardDecision.objects.get(tender=tender)
    assert award.status == "active" and award.product == product
    assert award.criteria == "best_price_quality"


def test_the_award_creates_a_new_product_in_the_catalogue(world):
    tender = joint_tender(world)
    data = {**AWARD, "vendor": vendor().pk, "new_product": "Helt Ny ESDH", "starts": {}}
    response = api_client_for(world, "association_admin").post(
        f"/api/v1/tenders/{tender.pk}/award/", data, format="json"
    )
    assert response.status_code == 200
    system = ItSystem.objects.get(name="Helt Ny ESDH")
    assert system.owner_id == world.association.pk and system.vendor == vendor()
    assert tender.award_decisions.get().product == system


def test_a_wave_that_starts_after_the_end_is_refused_under_its_field(world):
    tender = joint_tender(world)
    page = client_for(world, "association_admin").post(
        reverse("procurement:tender_award", args=[tender.pk]),
        {**AWARD, "vendor": vendor().pk, f"start_{world.peer.code}": "2033-01-01"},
    )
    assert page.status_code == 400
    assert f"start_{world.peer.code}" in page.context["form"].errors
    api = api_client_for(world, "association_admin").post(
        f"/api/v1/tenders/{tender.pk}/award/",
        {**AWARD, "vendor": vendor().pk, "starts": {world.peer.code: "2033-01-01"}},
        format="json",
    )
    assert api.status_code == 400 and "starts" in api.json()
    unknown = api_client_for(world, "association_admin").post(
        f"/api/v1/tenders/{tender.pk}/award/",
        {**AWARD, "vendor": vendor().pk, "starts": {"851": "2029-01-01"}},
        format="json",
    )
    assert unknown.status_code == 400 and "starts" in unknown.json()
    assert not Contract.objects.filter(from_tender_participations__tender=tender).exists()


def test_the_award_must_follow_the_decision_in_force(world):
    tender = joint_tender(world)
    decision(tender, vendor())
    response = api_client_for(world, "association_admin").post(
        f"/api/v1/tenders/{tender.pk}/award/",
        {**AWARD, "vendor": vendor("Anden A/S", "32345677").pk},
        format="json",
    )
    assert response.status_code == 400 and "vendor" in response.json()
    assert not Contract.objects.filter(from_tender_participations__tender=tender).exists()


def coordinated_by_a_municipal_cio(world):
    """A joint tender whose coordinator is Roskilde's CIO: the CIO may edit the tender, but not
    write into Køge's landscape."""
    return joint_tender(world, coordinator=world.user("own_admin"))


def test_a_municipal_cio_coordinating_a_joint_tender_cannot_award_into_other_landscapes(world):
    tender = coordinated_by_a_municipal_cio(world)
    client = client_for(world, "own_admin")
    assert client.get(reverse("procurement:tender_award", args=[tender.pk])).status_code == 200
    response = client.post(
        reverse("procurement:tender_award", args=[tender.pk]),
        {**AWARD, "vendor": vendor().pk, "new_product": "Ny ESDH"},
    )
    assert response.status_code == 403
    errors = response.context["form"].non_field_errors()
    assert any(world.peer.name in str(error) for error in errors)
    # All or nothing: no contract, no decision, no product, the tender unchanged.
    assert not Contract.objects.filter(vendor=vendor()).exists()
    assert not AwardDecision.objects.exists()
    assert not ItSystem.objects.filter(name="Ny ESDH").exists()
    tender.refresh_from_db()
    assert tender.status == Tender.Status.PLANNED


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("own_admin", 403),  # the coordinator: may edit the tender, not Køge's landscape
        ("association_admin", 200),  # the association's own role
        ("peer", 403),
        ("outsider", 404),
    ],
)
def test_api_award_of_a_joint_tender_by_persona(world, persona, expected):
    tender = coordinated_by_a_municipal_cio(world)
    response = api_client_for(world, persona).post(
        f"/api/v1/tenders/{tender.pk}/award/", {**AWARD, "vendor": vendor().pk}, format="json"
    )
    assert response.status_code == expected
    created = Contract.objects.filter(from_tender_participations__tender=tender)
    assert created.count() == (2 if expected == 200 else 0)
    assert AwardDecision.objects.filter(tender=tender).exists() == (expected == 200)


def test_a_municipality_awards_its_own_local_tender(world):
    tender = municipal_tender(world)
    response = api_client_for(world, "own_editor").post(
        f"/api/v1/tenders/{tender.pk}/award/", {**AWARD, "vendor": vendor().pk}, format="json"
    )
    assert response.status_code == 200
    assert Contract.objects.get(from_tender_participations__tender=tender).owner_id == world.own.pk


# --- OCDS ---------------------------------------------------------------------------------------


def test_ocds_of_a_complaint_and_re_award(world, settings):
    settings.OCDS_PREFIX = "ocds-a1b2c3"
    tender = joint_tender(
        world, cpv_codes="48000000-8, 72000000", notice_published_on=D(2027, 8, 2)
    )
    winner, other = vendor(), vendor("Konkurrenten ApS", "32345677")
    for bidder in (winner, other):
        Bid.objects.create(tender=tender, vendor=bidder, received_on=D(2027, 9, 1))
    first = decision(tender, winner)
    complaint = Complaint.objects.create(
        tender=tender,
        award=first,
        complainant=other,
        filed_on=D(2027, 11, 8),
        outcome="upheld",
        decided_on=D(2028, 1, 15),
        consequence="award_annulled",
    )
    services.apply_complaint(complaint)
    decision(tender, winner, D(2028, 2, 1))
    package = api_client_for(world, "association_admin").get(f"/api/v1/tenders/{tender.pk}/ocds/")
    package = package.json()
    assert validate_release_package(package, SCHEMA_DIR) == []
    releases = package["releases"]
    assert [r["tag"][0] for r in releases] == [
        "planning",
        "tender",
        "award",
        "awardUpdate",
        "awardUpdate",
    ]
    # The first award release shows the decision as it stood then; the last one the history.
    assert [a["status"] for a in releases[2]["awards"]] == ["active"]
    assert [a["status"] for a in releases[3]["awards"]] == ["cancelled"]
    assert [a["status"] for a in releases[4]["awards"]] == ["cancelled", "active"]
    last = releases[-1]
    assert last["tender"]["numberOfTenderers"] == 2
    assert {t["name"] for t in last["tender"]["tenderers"]} == {winner.name, other.name}
    roles = {p["name"]: p["roles"] for p in last["parties"]}
    assert "tenderer" in roles[other.name]
    assert set(roles[winner.name]) == {"tenderer", "supplier"}
    item = last["tender"]["items"][0]
    assert item["classification"] == {"scheme": "CPV", "id": "48000000-8"}
    assert item["additionalClassifications"] == [{"scheme": "CPV", "id": "72000000"}]
    assert last["tender"]["awardCriteria"] == "ratedCriteria"


# --- demo ---------------------------------------------------------------------------------------


def test_the_demo_outcome_is_added_once(world):
    from samdigi.procurement.demo import BIDS, seed_outcome

    tender = joint_tender(world, tender_deadline_on=D(2025, 12, 8))
    services.award(
        tender, vendor(), Decimal("2150000.00"), D(2026, 2, 3), D(2026, 6, 1), D(2030, 5, 31)
    )
    assert seed_outcome(tender) == len(BIDS)
    assert seed_outcome(tender) == 0
    assert tender.bids.count() == len(BIDS)
    assert tender.award_decisions.count() == 1
    page = client_for(world, "steering_member").get(
        reverse("procurement:tender_tab", args=[tender.pk, "outcome"])
    )
    assert page.context["summary"]["bids"] == len(BIDS)


def test_the_add_pages_start_from_the_tender_and_the_api_lists_the_endpoints(world):
    tender = joint_tender(world)
    client = client_for(world, "association_admin")
    for name in ("participationrequest_add", "bid_add", "awarddecision_add", "complaint_add"):
        page = client.get(reverse(f"procurement:{name}"), {"tender": tender.pk})
        assert page.status_code == 200
        assert str(page.context["form"]["tender"].value()) == str(tender.pk)
    # A persona that may change no tender may not open them.
    assert (
        client_for(world, "steering_member").get(reverse("procurement:bid_add")).status_code == 403
    )
    paths = api_client_for(world, "own_viewer").get("/api/schema/", {"format": "json"}).json()
    for path in ("tender-requests", "tender-bids", "tender-awards", "tender-complaints"):
        assert f"/api/v1/{path}/" in paths["paths"]
