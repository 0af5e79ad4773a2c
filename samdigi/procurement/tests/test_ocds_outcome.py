"""OCDS of a tender's outcome, no database: tenderers, every award with its status, the
awardUpdate releases of a complaint and re-award, CPV items; valid against the 1.1.5 schema."""

from datetime import date
from decimal import Decimal

from samdigi.procurement import ocds
from samdigi.procurement.ocds import AwardInfo, build_releases, release_package
from samdigi.procurement.ocds_validation import codelist_warnings, validate_release_package
from samdigi.procurement.tests.test_ocds import PREFIX, SCHEMA_DIR, SUPPLIER, Organisation, tender

RIVAL = Organisation("Konkurrenten ApS", "DK-CVR-32345670")


def annulled_and_re_awarded(**changes):
    return tender(
        stage="contract",
        award=None,
        awards=(
            AwardInfo(
                SUPPLIER,
                Decimal("11875000"),
                date(2026, 5, 20),
                status="cancelled",
                cancelled_on=date(2026, 8, 1),
            ),
            AwardInfo(SUPPLIER, Decimal("11875000"), date(2026, 9, 1)),
        ),
        tenderers=(SUPPLIER, RIVAL),
        cpv_codes=("48000000-8",),
        award_criteria="ratedCriteria",
        **changes,
    )


def test_a_complaint_and_re_award_is_a_sequence_of_releases():
    releases = build_releases(annulled_and_re_awarded(), PREFIX)
    assert [r["tag"] for r in releases] == [
        ["planning"],
        ["tender"],
        ["award"],
        ["awardUpdate"],
        ["awardUpdate"],
        ["contract"],
    ]
    assert [r["date"][:10] for r in releases[2:5]] == ["2026-05-20", "2026-08-01", "2026-09-01"]
    assert [[a["status"] for a in r["awards"]] for r in releases[2:]] == [
        ["active"],
        ["cancelled"],
        ["cancelled", "active"],
        ["cancelled", "active"],
    ]
    # With every decision annulled the procedure is still running.
    assert releases[3]["tender"]["status"] == "active"
    assert releases[4]["tender"]["status"] == "complete"
    assert releases[-1]["contracts"][0]["awardID"] == "2026-007-award-2"
    assert len({r["id"] for r in releases}) == len(releases)
    package = release_package(releases, "https://example.dk/ocds", date(2026, 9, 2), "samdigi")
    assert validate_release_package(package, SCHEMA_DIR) == []
    assert codelist_warnings(package, SCHEMA_DIR) == []


def test_tenderers_and_their_number_from_the_award_on():
    releases = build_releases(annulled_and_re_awarded(), PREFIX)
    assert "tenderers" not in releases[1]["tender"]  # the notice knew of no bids yet
    last = releases[-1]
    assert last["tender"]["numberOfTenderers"] == 2
    assert last["tender"]["tenderers"] == [
        {"id": SUPPLIER.id, "name": SUPPLIER.name},
        {"id": RIVAL.id, "name": RIVAL.name},
    ]
    roles = {p["id"]: p["roles"] for p in last["parties"]}
    assert roles[RIVAL.id] == ["tenderer"]
    assert roles[SUPPLIER.id] == ["tenderer", "supplier"]


def test_bids_before_the_award_appear_in_the_latest_tender_release():
    info = tender(stage="tender", tenderers=(SUPPLIER, RIVAL), number_of_tenderers=2)
    release = build_releases(info, PREFIX)[-1]
    assert release["tender"]["numberOfTenderers"] == 2


def test_cpv_codes_classify_the_item():
    info = tender(stage="planning", cpv_codes=("48000000-8", "72000000"))
    item = ocds.build_release(info, "planning", PREFIX)["tender"]["items"][0]
    assert item["classification"] == {"scheme": "CPV", "id": "48000000-8"}
    assert item["additionalClassifications"] == [{"scheme": "CPV", "id": "72000000"}]
    assert "items" not in ocds.build_release(tender(stage="planning"), "planning", PREFIX)["tender"]


def test_a_single_award_is_one_award_release_as_before():
    releases = build_releases(tender(stage="award"), PREFIX)
    assert [r["tag"] for r in releases] == [["planning"], ["tender"], ["award"]]
    assert releases[-1]["awards"][0]["id"] == "2026-007-award-1"
