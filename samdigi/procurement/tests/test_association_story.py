"""The real association's joint tender, walked through from the user's side (pages and API):
12 participants, a restricted procedure, 6 requests to participate, 5 candidates, 5 bids, an
award, a complaint upheld with re-evaluation, a new award to the same winner, roll-out in three
waves, and the whole story in OCDS, valid against the 1.1.5 schema."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from samdigi.core.testing import api_client_for, client_for
from samdigi.landscape.models import Contract, Vendor
from samdigi.organizations.models import AssociationMember, Municipality
from samdigi.procurement.models import AwardDecision, Tender
from samdigi.procurement.ocds_validation import (
    SCHEMA_DIR,
    codelist_warnings,
    validate_release_package,
)

pytestmark = pytest.mark.django_db

# Ten more Sjælland municipalities join Roskilde (own) and Køge (peer): twelve members.
MORE_MEMBERS = ("253", "269", "350", "316", "326", "329", "330", "336", "340", "370")
WAVES = ("2029-01-01", "2029-04-01", "2029-09-01")
# Valid CVR numbers (modulus 11), one per vendor.
VENDORS = (
    ("Netcompany A/S", "14814833"),
    ("KMD A/S", "26911745"),
    ("Fujitsu A/S", "10004438"),
    ("Formpipe Software A/S", "21591572"),
    ("Schultz A/S", "73218217"),
    ("Lille Leverandør ApS", "32345670"),
)


def test_the_associations_joint_tender_from_notice_to_roll_out(world, settings):
    settings.OCDS_PREFIX = "ocds-a1b2c3"
    for code in MORE_MEMBERS:
        AssociationMember.objects.create(
            association=world.association,
            municipality=Municipality.objects.get(code=code),
            joined=datetime.date(2024, 1, 1),
        )
    members = [world.own, world.peer, *Municipality.objects.filter(code__in=MORE_MEMBERS)]
    assert len(members) == 12
    vendors = [Vendor.objects.create(name=name, cvr=cvr) for name, cvr in VENDORS]

    # The secretariat creates the tender on the page.
    page = client_for(world, "association_admin")
    response = page.post(
        reverse("procurement:tender_add"),
        {
            "owner": world.association.pk,
            "title": "Fællesudbud af sags- og dokumenthåndtering",
            "procedure": "restricted",
            "category": "services",
            "cpv_codes": "48311000-1",
            "estimated_value": "180000000.00",
            "required_start": "2029-01-01",
            "electronic_submission": "on",
            "status": "published",
            "participants": [m.pk for m in members],
            "notice_published_on": "2028-02-01",
            "tender_deadline_on": "2028-05-15",
            "published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tender = Tender.objects.get(title="Fællesudbud af sags- og dokumenthåndtering")
    assert tender.participants.count() == 12

    api = api_client_for(world, "association_admin")

    def post(path, data):
        answer = api.post(path, data, format="json")
        assert answer.status_code in (200, 201), answer.json()
        return answer.json()

    # Six requests to participate, five candidates selected.
    for index, bidder in enumerate(vendors):
        post(
            "/api/v1/tender-requests/",
            {
                "tender": tender.pk,
                "vendor": bidder.pk,
                "received_on": "2028-03-01",
                "selected": index < 5,
            },
        )
    # Five tenders received from the candidates.
    for index, bidder in enumerate(vendors[:5]):
        post(
            "/api/v1/tender-bids/",
            {
                "tender": tender.pk,
                "vendor": bidder.pk,
                "received_on": "2028-05-15",
                "price": f"{150_000_000 + index * 5_000_000}.00",
                "compliant": True,
            },
        )
    winner = vendors[0]
    first = post(
        "/api/v1/tender-awards/",
        {
            "tender": tender.pk,
            "vendor": winner.pk,
            "decided_on": "2028-07-01",
            "criteria": "best_price_quality",
            "value": "150000000.00",
        },
    )
    tender.refresh_from_db()
    assert tender.status == Tender.Status.AWARDED and tender.winning_vendor == winner

    # A losing bidder complains; Klagenævnet upholds it and orders a re-evaluation.
    complaint = post(
        "/api/v1/tender-complaints/",
        {
            "tender": tender.pk,
            "award": first["id"],
            "complainant": vendors[1].pk,
            "filed_on": "2028-07-10",
        },
    )
    answer = api.patch(
        f"/api/v1/tender-complaints/{complaint['id']}/",
        {
            "outcome": "upheld",
            "decided_on": "2028-09-20",
            "consequence": "re_evaluation",
            "version": complaint["version"],
        },
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    annulled = api.get(f"/api/v1/tender-awards/{first['id']}/").json()
    assert annulled["status"] == "cancelled" and annulled["cancelled_on"] == "2028-09-20"

    # The re-evaluation: a new award decision, same winner.
    post(
        "/api/v1/tender-awards/",
        {
            "tender": tender.pk,
            "vendor": winner.pk,
            "decided_on": "2028-10-15",
            "criteria": "best_price_quality",
            "value": "150000000.00",
        },
    )
    assert AwardDecision.objects.filter(tender=tender).count() == 2

    # Roll-out in three waves, with a new product in the catalogue.
    codes = [m.code for m in members]
    starts = {code: WAVES[index % 3] for index, code in enumerate(codes)}
    post(
        f"/api/v1/tenders/{tender.pk}/award/",
        {
            "vendor": winner.pk,
            "awarded_value": "150000000.00",
            "signed_on": "2028-11-01",
            "contract_start": "2029-01-01",
            "contract_end": "2034-12-31",
            "option_count": 2,
            "option_months": 24,
            "new_product": "Fælles ESDH",
            "starts": starts,
        },
    )
    contracts = Contract.objects.filter(from_tender_participations__tender=tender)
    assert contracts.count() == 12
    assert sum(c.total_value for c in contracts) == Decimal("150000000.00")
    assert {c.valid_from.isoformat() for c in contracts} == set(WAVES)
    for contract in contracts.select_related("owner__municipality"):
        assert contract.valid_from.isoformat() == starts[contract.owner.municipality.code]
    assert AwardDecision.objects.filter(tender=tender, status="active").count() == 1

    # The pages show the outcome.
    outcome = page.get(reverse("procurement:tender_tab", args=[tender.pk, "outcome"]))
    assert outcome.context["summary"] == {
        "requests": 6,
        "candidates": 5,
        "bids": 5,
        "compliant_bids": 5,
        "complaints": 1,
    }

    # OCDS: the story, valid against the schema.
    package = api_client_for(world, "anonymous").get(f"/api/v1/tenders/{tender.pk}/ocds/").json()
    assert validate_release_package(package, SCHEMA_DIR) == []
    assert codelist_warnings(package, SCHEMA_DIR) == []
    tags = [release["tag"][0] for release in package["releases"]]
    assert tags == ["planning", "tender", "award", "awardUpdate", "awardUpdate", "contract"]
    last = package["releases"][-1]
    assert last["tender"]["numberOfTenderers"] == 5
    assert len(last["tender"]["tenderers"]) == 5
    assert last["tender"]["procurementMethod"] == "selective"
    assert [a["status"] for a in last["awards"]] == ["cancelled", "active"]
    assert {s["name"] for a in last["awards"] for s in a["suppliers"]} == {winner.name}
    assert all(c["awardID"] == last["awards"][1]["id"] for c in last["contracts"])
    assert len({c["period"]["startDate"] for c in last["contracts"]}) == 3
    assert last["tender"]["items"][0]["classification"] == {"scheme": "CPV", "id": "48311000-1"}
    bulk = api_client_for(world, "anonymous").get("/api/v1/ocds/releases/").json()
    assert validate_release_package(bulk, SCHEMA_DIR) == []
    assert "awardUpdate" in {release["tag"][0] for release in bulk["releases"]}
