"""OCDS 1.1.5 releases and packages, validated against the official schema offline. No database."""

import csv
import json
import socket
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from referencing import Registry
from referencing.exceptions import Unresolvable

from samdigi.procurement import ocds
from samdigi.procurement.ocds import (
    AwardInfo,
    ContractDetails,
    Organisation,
    TenderInfo,
    build_release,
    build_releases,
    make_ocid,
    procurement_method,
    release_package,
)
from samdigi.procurement.ocds_validation import (
    SCHEMA_DIR,
    codelist_warnings,
    load_registry,
    validate_release,
    validate_release_package,
)
from samdigi.procurement.rules.schedule import PROCEDURES

PREFIX = "a1b2c3"
D = Decimal

AARHUS = Organisation("Aarhus Kommune", "DK-KOMMUNE-751", cvr="55133018")
SKANDERBORG = Organisation("Skanderborg Kommune", "DK-KOMMUNE-746")
ODDER = Organisation("Odder Kommune", "DK-KOMMUNE-727")
SUPPLIER = Organisation("Systemhuset A/S", "DK-CVR-12345674")


def tender(procedure: str = "open", stage: str = "contract", **changes) -> TenderInfo:
    """A joint tender filled in up to ``stage``."""
    values = {
        "local_id": "2026-007",
        "title": "Fælles ESDH-system",
        "description": "Fællesudbud af ESDH for tre kommuner",
        "procedure": procedure,
        "category": "services",
        "value": D("12500000"),
        "buyer": AARHUS,
        "participants": (SKANDERBORG, ODDER),
        "planning_date": date(2026, 1, 12),
        "rationale": "Kontrakterne udløber 2027; fælles genudbud",
    }
    if stage in ("tender", "award", "contract"):
        values.update(tender_start=date(2026, 3, 2), tender_end=date(2026, 4, 10))
    if stage in ("award", "contract"):
        values["award"] = AwardInfo(SUPPLIER, D("11875000.50"), date(2026, 5, 20))
    if stage == "contract":
        values["contracts"] = (
            ContractDetails(
                value=D("11875000.50"),
                date_signed=date(2026, 6, 3),
                start=date(2026, 9, 1),
                end=date(2030, 8, 31),
                max_extent=date(2032, 8, 31),
                title="Kontrakt om ESDH",
            ),
        )
    values.update(changes)
    return TenderInfo(**values)


def package(releases, published=date(2026, 6, 4)):
    return release_package(
        releases,
        "https://samdigi.example/ocds/2026-007.json",
        published,
        "Digitaliseringsfællesskab Østjylland",
    )


def test_schema_directory_is_shipped_inside_the_repository():
    repository = Path(__file__).resolve().parents[3]
    assert SCHEMA_DIR.is_relative_to(repository)
    assert (SCHEMA_DIR / "LICENSE").is_file()
    assert (SCHEMA_DIR / "release-package-schema.json").is_file()
    assert (SCHEMA_DIR / "release-schema.json").is_file()


# --------------------------------------------------------------------------------------------
# Every stage and procedure validates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ocds.STAGES)
@pytest.mark.parametrize("procedure", PROCEDURES)
def test_each_stage_validates_against_the_official_schema(procedure, stage):
    info = tender(procedure, stage)
    release = build_release(info, stage, PREFIX)
    assert release["tag"] == [stage]
    assert validate_release(release, SCHEMA_DIR) == []
    pkg = package([release])
    assert validate_release_package(pkg, SCHEMA_DIR) == []
    assert codelist_warnings(pkg, SCHEMA_DIR) == []
    # A JSON round trip changes nothing: the output is plain JSON values.
    assert validate_release_package(json.loads(json.dumps(pkg)), SCHEMA_DIR) == []


def test_the_whole_history_is_one_valid_package():
    releases = build_releases(tender(), PREFIX)
    assert [r["tag"] for r in releases] == [["planning"], ["tender"], ["award"], ["contract"]]
    ids = [r["id"] for r in releases]
    assert len(set(ids)) == 4 and all("#" not in i for i in ids)
    assert {r["ocid"] for r in releases} == {"ocds-a1b2c3-2026-007"}
    pkg = package(releases)
    assert pkg["version"] == "1.1"
    assert pkg["publisher"] == {"name": "Digitaliseringsfællesskab Østjylland"}
    assert validate_release_package(pkg, SCHEMA_DIR) == []


def test_stages_follow_the_progress_of_the_tender():
    assert ocds.stages_reached(tender(stage="planning")) == ["planning"]
    assert ocds.stages_reached(tender(stage="tender")) == ["planning", "tender"]
    assert ocds.current_stage(tender(stage="award")) == "award"
    assert ocds.current_stage(tender()) == "contract"
    with pytest.raises(ValueError, match="has not reached"):
        build_release(tender(stage="tender"), "award", PREFIX)
    with pytest.raises(ValueError, match="Unknown stage"):
        build_release(tender(), "implementation", PREFIX)


# --------------------------------------------------------------------------------------------
# Content of the releases
# --------------------------------------------------------------------------------------------


def test_release_content_per_stage():
    info = tender()
    planning = build_release(info, "planning", PREFIX)
    assert planning["id"] == "ocds-a1b2c3-2026-007-planning"
    assert planning["initiationType"] == "tender"
    assert planning["date"] == "2026-01-12T00:00:00+01:00"
    assert planning["tender"]["status"] == "planned"
    assert planning["planning"] == {"rationale": "Kontrakterne udløber 2027; fælles genudbud"}
    assert "tenderPeriod" not in planning["tender"] and "awards" not in planning

    notice = build_release(info, "tender", PREFIX)
    assert notice["tender"]["status"] == "active"
    assert notice["tender"]["tenderPeriod"] == {
        "startDate": "2026-03-02T00:00:00+01:00",
        "endDate": "2026-04-10T23:59:59+02:00",  # summer time from 29 March
    }
    assert notice["tender"]["value"] == {"amount": 12500000, "currency": "DKK"}

    award = build_release(info, "award", PREFIX)
    assert award["tender"]["status"] == "complete"
    assert award["awards"] == [
        {
            "id": "2026-007-award-1",
            "status": "active",
            "date": "2026-05-20T00:00:00+02:00",
            "suppliers": [{"id": "DK-CVR-12345674", "name": "Systemhuset A/S"}],
            "value": {"amount": 11875000.5, "currency": "DKK"},
        }
    ]
    assert "contracts" not in award

    contract = build_release(info, "contract", PREFIX)
    assert contract["date"] == "2026-06-03T00:00:00+02:00"
    assert contract["contracts"] == [
        {
            "id": "2026-007-contract-1",
            "awardID": "2026-007-award-1",
            "status": "active",
            "title": "Kontrakt om ESDH",
            "period": {
                "startDate": "2026-09-01T00:00:00+02:00",
                "endDate": "2030-08-31T23:59:59+02:00",
                "maxExtentDate": "2032-08-31T23:59:59+02:00",
            },
            "value": {"amount": 11875000.5, "currency": "DKK"},
            "dateSigned": "2026-06-03T00:00:00+02:00",
        }
    ]


def test_parties_and_roles():
    before_award = build_release(tender(), "tender", PREFIX)
    roles = {p["id"]: p["roles"] for p in before_award["parties"]}
    assert roles == {
        "DK-KOMMUNE-751": ["buyer", "procuringEntity"],
        "DK-KOMMUNE-746": ["buyer"],
        "DK-KOMMUNE-727": ["buyer"],
    }
    assert before_award["buyer"] == {"id": "DK-KOMMUNE-751", "name": "Aarhus Kommune"}
    assert before_award["tender"]["procuringEntity"] == before_award["buyer"]

    after_award = build_release(tender(), "award", PREFIX)
    parties = {p["id"]: p for p in after_award["parties"]}
    assert parties["DK-CVR-12345674"]["roles"] == ["supplier"]
    assert parties["DK-CVR-12345674"]["identifier"] == {
        "scheme": "DK-CVR",
        "id": "12345674",
        "legalName": "Systemhuset A/S",
    }
    assert parties["DK-KOMMUNE-751"]["identifier"]["id"] == "55133018"
    assert "identifier" not in parties["DK-KOMMUNE-746"]


def test_a_party_in_two_roles_is_listed_once():
    info = tender(participants=(SKANDERBORG, AARHUS))
    release = build_release(info, "tender", PREFIX)
    assert [p["id"] for p in release["parties"]] == ["DK-KOMMUNE-751", "DK-KOMMUNE-746"]
    assert release["parties"][0]["roles"] == ["buyer", "procuringEntity"]


@pytest.mark.parametrize(
    ("procedure", "mini", "method", "details"),
    [
        ("open", True, "open", "Offentligt udbud"),
        ("restricted", True, "selective", "Begrænset udbud"),
        ("competitive_negotiation", True, "selective", "Udbud med forhandling"),
        ("competitive_dialogue", True, "selective", "Konkurrencepræget dialog"),
        ("innovation_partnership", True, "selective", "Innovationspartnerskab"),
        (
            "negotiated_without_publication",
            True,
            "limited",
            "Udbud med forhandling uden forudgående offentliggørelse",
        ),
        ("national", True, "open", "Annoncering (national)"),
        ("direct_award", True, "direct", "Direkte tildeling"),
        ("framework_call_off", True, "selective", "Rammeaftale – miniudbud"),
        ("framework_call_off", False, "direct", "Rammeaftale – direkte tildeling"),
    ],
)
def test_method_mapping(procedure, mini, method, details):
    assert procurement_method(procedure, mini) == (method, details)
    release = build_release(
        tender(procedure, "tender", call_off_mini_competition=mini), "tender", PREFIX
    )
    assert release["tender"]["procurementMethod"] == method
    assert release["tender"]["procurementMethodDetails"] == details
    assert validate_release(release, SCHEMA_DIR) == []


@pytest.mark.parametrize(
    ("category", "main"),
    [
        ("supplies", "goods"),
        ("services", "services"),
        ("social_services", "services"),
        ("works", "works"),
    ],
)
def test_main_procurement_category(category, main):
    release = build_release(tender(category=category), "contract", PREFIX)
    assert release["tender"]["mainProcurementCategory"] == main


def test_ocid_and_release_ids():
    assert make_ocid("a1b2c3", "2026-007") == "ocds-a1b2c3-2026-007"
    for bad in ("A1B2C3", "abc", "abcdefg", "abc-12", ""):
        with pytest.raises(ValueError):
            make_ocid(bad, "2026-007")
    for bad_id in ("", "a#b", " x"):
        with pytest.raises(ValueError):
            make_ocid("a1b2c3", bad_id)
    update = build_release(tender(), "tender", PREFIX, revision=2)
    assert update["id"] == "ocds-a1b2c3-2026-007-tender-2"


def test_release_dates_and_amounts():
    assert ocds.format_datetime(date(2026, 1, 5)) == "2026-01-05T00:00:00+01:00"
    assert ocds.format_datetime(date(2026, 7, 5), end_of_day=True) == "2026-07-05T23:59:59+02:00"
    assert ocds.format_datetime(datetime(2026, 3, 2, 12, 0)) == "2026-03-02T12:00:00+01:00"
    aware = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert ocds.format_datetime(aware) == "2026-03-02T11:00:00+00:00"
    assert ocds.amount(D("1000")) == 1000 and isinstance(ocds.amount(D("1000.00")), int)
    assert ocds.amount(D("0.005")) == 0.01
    assert ocds.amount(2) == 2
    explicit = build_release(tender(), "award", PREFIX, release_date=datetime(2026, 5, 21, 9, 30))
    assert explicit["date"] == "2026-05-21T09:30:00+02:00"


def test_a_stage_without_a_date_needs_a_release_date():
    info = tender(stage="planning", planning_date=None)
    with pytest.raises(ValueError, match="needs a release date"):
        build_release(info, "planning", PREFIX)
    assert build_release(info, "planning", PREFIX, release_date=date(2026, 2, 1))["date"]


def test_optional_values_are_left_out_not_nulled():
    info = tender(
        value=None,
        rationale=None,
        electronic_submission=False,
        award=AwardInfo(SUPPLIER, None, date(2026, 5, 20)),
        contracts=(ContractDetails(None, None, None, None),),
    )
    release = build_release(info, "contract", PREFIX, release_date=date(2026, 6, 3))
    assert "value" not in release["tender"] and "planning" not in release
    assert "submissionMethod" not in release["tender"]
    assert "value" not in release["awards"][0]
    assert release["contracts"][0] == {
        "id": "2026-007-contract-1",
        "awardID": "2026-007-award-1",
        "status": "active",
    }
    assert validate_release(release, SCHEMA_DIR) == []


def test_closed_codelist_values_are_refused_when_building():
    with pytest.raises(ValueError, match="tenderStatus"):
        build_release(tender(status="open"), "tender", PREFIX)
    cancelled = build_release(tender(status="cancelled"), "tender", PREFIX)
    assert cancelled["tender"]["status"] == "cancelled"
    with pytest.raises(ValueError, match="awardStatus"):
        build_release(
            tender(award=AwardInfo(SUPPLIER, None, date(2026, 5, 20), status="won")),
            "award",
            PREFIX,
        )
    bad_contract = ContractDetails(None, date(2026, 6, 3), None, None, status="signed")
    with pytest.raises(ValueError, match="contractStatus"):
        build_release(tender(contracts=(bad_contract,)), "contract", PREFIX)
    with pytest.raises(ValueError, match="category"):
        build_release(tender(category="goods"), "planning", PREFIX)
    with pytest.raises(ValueError, match="procedure"):
        build_release(tender(procedure="auction"), "planning", PREFIX)
    with pytest.raises(ValueError):
        release_package([], "https://x.example/p.json", date(2026, 1, 1), "x")


def test_package_metadata():
    pkg = release_package(
        build_releases(tender(), PREFIX),
        "https://samdigi.example/ocds/2026-007.json",
        datetime(2026, 6, 4, 8, 0),
        "Digitaliseringsfællesskab Østjylland",
        publisher_scheme="DK-CVR",
        publisher_uid="29189854",
        publisher_uri="https://samdigi.example",
        license="https://creativecommons.org/licenses/by/4.0/",
        publication_policy="https://samdigi.example/ocds-policy",
    )
    assert pkg["publishedDate"] == "2026-06-04T08:00:00+02:00"
    assert pkg["publisher"]["uid"] == "29189854"
    assert list(pkg)[-1] == "releases"
    assert validate_release_package(pkg, SCHEMA_DIR) == []


# --------------------------------------------------------------------------------------------
# The validator
# --------------------------------------------------------------------------------------------


def test_validator_reports_schema_errors_with_paths():
    pkg = json.loads(json.dumps(package(build_releases(tender(), PREFIX))))
    del pkg["releases"][0]["ocid"]
    pkg["releases"][1]["tag"] = ["notice"]
    pkg["releases"][1]["date"] = "2 March 2026"
    pkg["releases"][2]["tender"]["value"]["currency"] = "KRONER"
    pkg["releases"][3]["tender"]["procurementMethod"] = "negotiated"
    del pkg["publisher"]
    errors = validate_release_package(pkg, SCHEMA_DIR)
    text = "\n".join(errors)
    assert "$: 'publisher' is a required property" in text
    assert "$.releases[0]: 'ocid' is a required property" in text
    assert "$.releases[1].tag[0]: 'notice' is not one of" in text
    assert "$.releases[1].date: '2 March 2026' is not a 'date-time'" in text
    assert "$.releases[2].tender.value.currency: 'KRONER' is not one of" in text
    assert "$.releases[3].tender.procurementMethod: 'negotiated' is not one of" in text
    assert all(len(e) < 400 for e in errors)  # the long currency enum is cut


def test_validator_checks_rules_the_schema_cannot_express():
    releases = build_releases(tender(), PREFIX)
    twice = [releases[0], {**releases[1], "id": releases[0]["id"]}]
    assert any("used twice" in e for e in validate_release_package(package(twice), SCHEMA_DIR))
    hashed = {**releases[0], "id": "x#1", "ocid": "ocds-ABC-1"}
    errors = validate_release_package(package([hashed]), SCHEMA_DIR)
    assert any("must not contain '#'" in e for e in errors)
    assert any("6-character prefix" in e for e in errors)


def test_open_codelist_warnings():
    pkg = package(build_releases(tender(), PREFIX))
    pkg["releases"][0]["parties"][0]["roles"].append("sponsor")
    pkg["releases"][0]["tender"]["submissionMethod"] = ["carrierPigeon"]
    assert validate_release_package(pkg, SCHEMA_DIR) == []  # open codelists: not errors
    warnings = codelist_warnings(pkg, SCHEMA_DIR)
    assert len(warnings) == 2
    assert "'sponsor' is not in the partyRole codelist" in warnings[0]


def codelist_fields(node, path=""):
    if isinstance(node, dict):
        if "codelist" in node:
            yield path, node
        for key, value in node.items():
            yield from codelist_fields(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from codelist_fields(value, f"{path}/{index}")


def test_closed_codelists_are_enums_in_the_schema_and_open_ones_are_not():
    # In 1.1.5 most codelists are open. The closed ones are enums in the schema itself, so the
    # schema validation above enforces them; this checks they match the shipped CSV files.
    schema = json.loads((SCHEMA_DIR / "release-schema.json").read_text(encoding="utf-8"))
    closed, opened = set(), set()
    for path, field in codelist_fields(schema):
        with (SCHEMA_DIR / "codelists" / field["codelist"]).open(encoding="utf-8") as handle:
            codes = {row["Code"] for row in csv.DictReader(handle)}
        enum = field.get("enum") or field.get("items", {}).get("enum")
        if field["openCodelist"]:
            opened.add(field["codelist"])
            assert enum is None, path
        else:
            closed.add(field["codelist"])
            assert set(enum) - {None} == codes, path
    assert closed == {
        "releaseTag.csv",
        "initiationType.csv",
        "tenderStatus.csv",
        "method.csv",
        "procurementCategory.csv",
        "awardStatus.csv",
        "contractStatus.csv",
        "milestoneStatus.csv",
        "currency.csv",
    }
    assert "partyRole.csv" in opened and len(opened) > len(closed)


def test_validation_never_touches_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("validation tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    pkg = package(build_releases(tender(), PREFIX))
    assert validate_release_package(pkg, SCHEMA_DIR) == []


def test_without_the_local_registry_the_release_schema_is_unresolvable():
    # Shows that the reference by URL is resolved only by our registry, never fetched.
    package_schema = json.loads(
        (SCHEMA_DIR / "release-package-schema.json").read_text(encoding="utf-8")
    )
    validator = Draft4Validator(package_schema, registry=Registry())
    with pytest.raises(Unresolvable):
        list(validator.iter_errors(package(build_releases(tender(), PREFIX))))
    registry = load_registry(SCHEMA_DIR)
    url = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
    assert registry[url].contents["title"] == "Schema for an Open Contracting Release"


def test_missing_schema_directory_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        validate_release_package({}, tmp_path)
