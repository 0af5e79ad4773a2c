"""The computed endpoints: the scheduler, the opportunity finder and OCDS publication."""

import datetime
from decimal import Decimal

import pytest

from samdigi.core.testing import PERSONAS, api_client_for
from samdigi.procurement import services
from samdigi.procurement.ocds_validation import (
    SCHEMA_DIR,
    codelist_warnings,
    validate_release_package,
)
from samdigi.procurement.tests.helpers import (
    joint_tender,
    municipal_tender,
    overlapping_contracts,
    vendor,
)

pytestmark = pytest.mark.django_db


SCHEDULE = "/api/v1/procurement/schedule/"
REQUEST = {
    "procedure": "open",
    "category": "services",
    "estimated_value": "2500000.00",
    "required_start": "2028-01-01",
    "electronic_submission": True,
    "prior_information_notice": False,
}


# --- schedule -----------------------------------------------------------------------------------


def test_schedule_answers_in_the_shape_of_the_issue(world):
    response = api_client_for(world, "own_viewer").post(SCHEDULE, REQUEST, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"eu_procedure_required", "threshold", "reason", "steps"}
    assert body["eu_procedure_required"] is True
    assert set(body["threshold"]) == {"period", "amount_dkk", "estimated"}
    assert body["threshold"]["period"] == "2026-2027"
    assert body["threshold"]["estimated"] is True  # no official DKK figure for 2026-2027 yet
    assert Decimal(body["threshold"]["amount_dkk"]) == Decimal("1611442.00")
    assert "tærskelværdien" in body["reason"]  # in the request's language (Danish by default)
    keys = [step["key"] for step in body["steps"]]
    assert keys == [
        "preparation_start",
        "notice_publication",
        "tender_deadline",
        "award_decision",
        "standstill_end",
        "contract_signature",
        "contract_start",
    ]
    assert all(set(step) == {"key", "date", "rule"} for step in body["steps"])
    assert body["steps"][-1]["date"] == "2028-01-01"
    datetime.date.fromisoformat(body["steps"][0]["date"])


def test_schedule_of_a_direct_award_has_only_the_steps_that_apply(world):
    data = {**REQUEST, "procedure": "direct_award", "estimated_value": "100000.00"}
    body = api_client_for(world, "own_viewer").post(SCHEDULE, data, format="json").json()
    assert body["eu_procedure_required"] is False
    keys = [step["key"] for step in body["steps"]]
    assert "notice_publication" not in keys and "standstill_end" not in keys


@pytest.mark.parametrize(
    "field, value",
    [
        ("procedure", "auction"),
        ("category", "food"),
        ("estimated_value", "lots"),
        ("estimated_value", "-1"),
        ("required_start", "2028-13-01"),
        ("electronic_submission", "perhaps"),
    ],
)
def test_schedule_names_the_field_of_bad_input(world, field, value):
    response = api_client_for(world, "own_viewer").post(
        SCHEDULE, {**REQUEST, field: value}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_schedule_names_a_missing_field(world):
    data = {k: v for k, v in REQUEST.items() if k != "required_start"}
    response = api_client_for(world, "own_viewer").post(SCHEDULE, data, format="json")
    assert response.status_code == 400
    assert "required_start" in response.json()


@pytest.mark.parametrize("persona", PERSONAS)
def test_schedule_is_for_signed_in_users(world, persona):
    response = api_client_for(world, persona).post(SCHEDULE, REQUEST, format="json")
    assert response.status_code == (401 if persona == "anonymous" else 200)


# --- opportunities ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_opportunities_api_by_persona(world, persona):
    _system, contracts = overlapping_contracts(world)
    response = api_client_for(world, persona).get(
        "/api/v1/tender-opportunities/", {"association": world.association.pk}
    )
    expected = {"anonymous": 401, "outsider": 404}.get(persona, 200)
    assert response.status_code == expected
    if expected != 200:
        return
    body = response.json()
    assert body["count"] == 1
    group = body["results"][0]
    for name in ("key", "target_date", "combined_value", "eu_procedure_required", "members"):
        assert name in group
    assert {m["municipality_code"] for m in group["members"]} == {world.own.code, world.peer.code}
    for member in group["members"]:
        assert set(member) >= {"municipality_code", "contract", "current_end", "options_needed"}
        assert member["reason"]
    assert {m["contract"] for m in group["members"]} == {c.pk for c in contracts}
    detail = api_client_for(world, persona).get(f"/api/v1/tender-opportunities/{group['key']}/")
    assert detail.status_code == 200 and detail.json()["key"] == group["key"]


@pytest.mark.parametrize(
    "persona, status",
    [
        ("association_admin", 201),
        ("own_admin", 403),
        ("peer", 403),
        ("steering_member", 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_plan_an_opportunity_through_the_api_by_persona(world, persona, status):
    overlapping_contracts(world)
    key = (
        services.find_for_association(world.association, world.user("association_admin"))
        .views[0]
        .key
    )
    response = api_client_for(world, persona).post(
        f"/api/v1/tender-opportunities/{key}/plan/",
        {"association": world.association.pk},
        format="json",
    )
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["owner"] == world.association.pk
        assert {p["municipality_code"] for p in body["participants"]} == {
            world.own.code,
            world.peer.code,
        }
        assert body["steps"]


def test_planning_an_unknown_opportunity_is_404(world):
    response = api_client_for(world, "association_admin").post(
        "/api/v1/tender-opportunities/0123456789abcdef/plan/", {}, format="json"
    )
    assert response.status_code == 404


# --- OCDS ---------------------------------------------------------------------------------------


def published_joint_tender(world, stage="contract"):
    tender = joint_tender(world, published=True, description="Fællesudbud af ESDH")
    services.schedule_tender(tender)
    tender.refresh_from_db()
    if stage in ("tender", "award", "contract"):
        tender.notice_published_on = datetime.date(2027, 8, 2)
        tender.status = "published"
        tender.save()
    if stage in ("award", "contract"):
        tender.winning_vendor = vendor()
        tender.awarded_value = Decimal("5400000.00")
        tender.award_decision_on = datetime.date(2027, 11, 1)
        tender.save()
    if stage == "contract":
        tender.refresh_from_db()
        services.award(
            tender,
            vendor(),
            Decimal("5400000.00"),
            datetime.date(2027, 12, 1),
            datetime.date(2028, 7, 1),
            datetime.date(2032, 6, 30),
            2,
            12,
        )
    return tender


@pytest.mark.parametrize("stage", ["planning", "tender", "award", "contract"])
def test_ocds_package_validates_against_the_official_schema(world, stage, settings):
    settings.OCDS_PREFIX = "ocds-a1b2c3"
    tender = published_joint_tender(world, stage)
    response = api_client_for(world, "anonymous").get(f"/api/v1/tenders/{tender.pk}/ocds/")
    assert response.status_code == 200
    package = response.json()
    assert validate_release_package(package, SCHEMA_DIR) == []
    assert codelist_warnings(package, SCHEMA_DIR) == []
    tags = [tag for release in package["releases"] for tag in release["tag"]]
    expected = ["planning", "tender", "award", "contract"]
    assert tags == expected[: expected.index(stage) + 1]
    last = package["releases"][-1]
    assert last["ocid"].startswith("ocds-a1b2c3-")
    assert last["tender"]["procurementMethod"] == "open"
    assert last["tender"]["procurementMethodDetails"] == "Offentligt udbud"
    roles = {party["id"]: party["roles"] for party in last["parties"]}
    assert f"DK-KOMMUNE-{world.own.code}" in roles
    if stage == "contract":
        assert len(last["contracts"]) == 2
        assert ["supplier"] in roles.values()


@pytest.mark.parametrize("persona", PERSONAS)
def test_ocds_of_an_unpublished_tender_only_for_those_who_see_it(world, persona):
    tender = municipal_tender(world)
    response = api_client_for(world, persona).get(f"/api/v1/tenders/{tender.pk}/ocds/")
    visible = persona not in ("anonymous", "outsider")
    assert response.status_code == (200 if visible else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_ocds_of_a_published_tender_is_public(world, persona):
    tender = municipal_tender(world, published=True)
    response = api_client_for(world, persona).get(f"/api/v1/tenders/{tender.pk}/ocds/")
    assert response.status_code == 200
    assert response.json()["releases"][0]["tag"] == ["planning"]


def test_ocds_bulk_releases_list_published_tenders_only(world):
    published = published_joint_tender(world, "award")
    hidden = municipal_tender(world, title="Ikke offentlig")
    client = api_client_for(world, "anonymous")
    package = client.get("/api/v1/ocds/releases/").json()
    assert validate_release_package(package, SCHEMA_DIR) == []
    ocids = {release["ocid"] for release in package["releases"]}
    assert any(ocid.endswith(published.local_id()) for ocid in ocids)
    assert not any(ocid.endswith(hidden.local_id()) for ocid in ocids)
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    assert client.get("/api/v1/ocds/releases/", {"since": future}).json()["releases"] == []
    bad = client.get("/api/v1/ocds/releases/", {"since": "yesterday"})
    assert bad.status_code == 400 and "since" in bad.json()


def test_ocds_release_of_a_cancelled_tender_says_so(world):
    tender = municipal_tender(world, published=True, status="cancelled")
    package = api_client_for(world, "anonymous").get(f"/api/v1/tenders/{tender.pk}/ocds/").json()
    assert package["releases"][-1]["tender"]["status"] == "cancelled"
    assert validate_release_package(package, SCHEMA_DIR) == []


def test_the_openapi_schema_lists_the_procurement_endpoints(world):
    response = api_client_for(world, "own_viewer").get("/api/schema/", {"format": "json"})
    paths = response.json()["paths"]
    for path in (
        "/api/v1/thresholds/",
        "/api/v1/tenders/",
        "/api/v1/tenders/{id}/ocds/",
        "/api/v1/tender-opportunities/",
        "/api/v1/tender-opportunities/{key}/plan/",
        "/api/v1/ocds/releases/",
        "/api/v1/procurement/schedule/",
    ):
        assert path in paths
