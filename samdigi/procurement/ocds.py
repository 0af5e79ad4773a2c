"""Open Contracting Data Standard 1.1.5 releases and release packages for published tenders.

A pure module (no Django): plain dataclasses in, JSON-ready dicts out (``json.dumps`` works on the
result as is). Validation against the official schema lives in ``ocds_validation``.

Choices made here, so that every release validates and means the same thing every time:

* ``ocid`` = "ocds-" + the registered 6-character prefix + "-" + the tender's local id.
* One release per stage reached: planning, tender, award, contract. A release id is
  ``<ocid>-<stage>`` (``-<revision>`` appended for later updates of the same stage), so ids are
  unique within the contracting process and contain no "#".
* Every release is a full snapshot of what is known at that stage, not a diff.
* The lead municipality is ``buyer`` and ``procuringEntity``; the other participants of a joint
  tender are listed in ``parties`` with role ``buyer`` too (release.buyer holds one organisation);
  the supplier appears from the award stage on with role ``supplier``.
* Method: open → open; restricted, competitive negotiation, competitive dialogue and innovation
  partnership → selective; negotiated without publication → limited; direct award → direct;
  national advertisement → open (anyone may tender); framework call-off → selective for a
  mini-competition among the framework's suppliers, direct for a direct call-off. The exact
  Danish procedure goes in ``procurementMethodDetails``.
* Category: supplies → goods; services and social services → services; works → works.
* Dates are ISO 8601 with the Copenhagen offset. A bare date means the start of that day, except
  period ends and deadlines, which mean its end (23:59:59), so a period includes its last day.
* Amounts are JSON numbers: whole kroner as int, otherwise rounded to øre as float.
* Outcome: the vendors that submitted a tender are ``tender.tenderers`` (parties with role
  ``tenderer``) and their count ``tender.numberOfTenderers``, from the award stage on (and in the
  tender release while it is the latest). Every award decision is listed with its status; an
  annulled one stays, ``cancelled``. The first decision is the ``award`` release; each later
  change (a decision annulled, a new decision) is an ``awardUpdate`` release, a snapshot of the
  awards as they stood on that day.
* CPV codes, where given, classify the tender's one item (scheme "CPV"; the first code is the
  classification, the others additional classifications).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .rules.schedule import (
    CATEGORIES,
    COMPETITIVE_DIALOGUE,
    COMPETITIVE_NEGOTIATION,
    DIRECT_AWARD,
    FRAMEWORK_CALL_OFF,
    INNOVATION_PARTNERSHIP,
    NATIONAL,
    NEGOTIATED_WITHOUT_PUBLICATION,
    OPEN,
    PROCEDURES,
    RESTRICTED,
    SOCIAL_SERVICES,
    SUPPLIES,
    WORKS,
    to_decimal,
)

OCDS_VERSION = "1.1"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")

PLANNING = "planning"
TENDER = "tender"
AWARD = "award"
CONTRACT = "contract"
STAGES: tuple[str, ...] = (PLANNING, TENDER, AWARD, CONTRACT)

METHOD: dict[str, str] = {
    OPEN: "open",
    RESTRICTED: "selective",
    COMPETITIVE_NEGOTIATION: "selective",
    COMPETITIVE_DIALOGUE: "selective",
    INNOVATION_PARTNERSHIP: "selective",
    NEGOTIATED_WITHOUT_PUBLICATION: "limited",
    DIRECT_AWARD: "direct",
    NATIONAL: "open",
    FRAMEWORK_CALL_OFF: "selective",  # "direct" for a direct call-off, see procurement_method()
}

METHOD_DETAILS_DA: dict[str, str] = {
    OPEN: "Offentligt udbud",
    RESTRICTED: "Begrænset udbud",
    COMPETITIVE_NEGOTIATION: "Udbud med forhandling",
    COMPETITIVE_DIALOGUE: "Konkurrencepræget dialog",
    INNOVATION_PARTNERSHIP: "Innovationspartnerskab",
    NEGOTIATED_WITHOUT_PUBLICATION: "Udbud med forhandling uden forudgående offentliggørelse",
    NATIONAL: "Annoncering (national)",
    DIRECT_AWARD: "Direkte tildeling",
    FRAMEWORK_CALL_OFF: "Rammeaftale – miniudbud",
}
CALL_OFF_DIRECT_DA = "Rammeaftale – direkte tildeling"

MAIN_CATEGORY: dict[str, str] = {
    SUPPLIES: "goods",
    "services": "services",
    SOCIAL_SERVICES: "services",
    WORKS: "works",
}

# The closed codelists this module writes to; the schema enforces them too, but a clear error at
# build time names the field instead of a JSON path in a validation report.
TENDER_STATUSES = frozenset(
    {"planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn"}
)
AWARD_STATUSES = frozenset({"pending", "active", "cancelled", "unsuccessful"})
CONTRACT_STATUSES = frozenset({"pending", "active", "cancelled", "terminated"})

_PREFIX = re.compile(r"[a-z0-9]{6}")
_CVR = re.compile(r"DK-CVR-(\d{8})")


@dataclass(frozen=True)
class Organisation:
    """A party. ``id`` is unique within the process: "DK-KOMMUNE-101" for a municipality (its
    official code), "DK-CVR-12345678" for a company. A CVR id also yields an ``identifier`` with
    scheme DK-CVR (org-id.guide); pass ``cvr`` to give a municipality its CVR identifier too."""

    name: str
    id: str
    cvr: str | None = None

    def identifier(self) -> dict[str, str] | None:
        match = _CVR.fullmatch(self.id)
        number = match.group(1) if match else self.cvr
        if not number:
            return None
        return {"scheme": "DK-CVR", "id": number, "legalName": self.name}


@dataclass(frozen=True)
class AwardInfo:
    supplier: Organisation
    value: Decimal | int | None
    date: date | datetime
    status: str = "active"
    id: str | None = None  # default "<local id>-award-<n>"
    cancelled_on: dt.date | datetime | None = None  # when an annulled decision was cancelled


@dataclass(frozen=True)
class ContractDetails:
    value: Decimal | int | None
    date_signed: date | datetime | None
    start: date | None
    end: date | None
    max_extent: date | None = None  # latest possible end with all options
    status: str = "active"
    title: str | None = None
    id: str | None = None  # default "<local id>-contract-<n>"


@dataclass(frozen=True)
class TenderInfo:
    """What is known about a tender so far; fill in more as it progresses.

    ``procedure`` and ``category`` use the keys of ``rules.schedule``. ``status`` overrides the tender
    status derived from the stage (planned / active / complete), e.g. "cancelled".
    ``tender_start`` is when the notice was published, ``tender_end`` the tender deadline.
    """

    local_id: str
    title: str
    description: str
    procedure: str
    category: str
    value: Decimal | int | None
    buyer: Organisation
    participants: tuple[Organisation, ...] = ()
    currency: str = "DKK"
    status: str | None = None
    planning_date: date | datetime | None = None
    rationale: str | None = None
    tender_start: date | datetime | None = None
    tender_end: date | datetime | None = None
    award: AwardInfo | None = None
    contracts: tuple[ContractDetails, ...] = ()
    call_off_mini_competition: bool = True
    electronic_submission: bool = True
    language: str = "da"
    # Every award decision, oldest first (``award`` is the shorthand for a single one).
    awards: tuple[AwardInfo, ...] = ()
    tenderers: tuple[Organisation, ...] = ()
    number_of_tenderers: int | None = None
    cpv_codes: tuple[str, ...] = ()
    award_criteria: str | None = None  # an awardCriteria code, e.g. "ratedCriteria"

    def all_awards(self) -> tuple[AwardInfo, ...]:
        if self.awards:
            return self.awards
        return (self.award,) if self.award is not None else ()


def make_ocid(prefix: str, local_id: str) -> str:
    """``ocds-<prefix>-<local id>``; the prefix is the publisher's registered 6 characters."""
    if not _PREFIX.fullmatch(prefix or ""):
        raise ValueError(f"The OCID prefix must be 6 lower-case letters or digits, not {prefix!r}")
    if not local_id or "#" in local_id or local_id != local_id.strip():
        raise ValueError(f"Invalid local tender id {local_id!r}")
    return f"ocds-{prefix}-{local_id}"


def procurement_method(procedure: str, mini_competition: bool = True) -> tuple[str, str]:
    """The OCDS method code and the Danish procedure name for ``procedure``."""
    if procedure not in PROCEDURES:
        raise ValueError(f"Unknown procedure {procedure!r}")
    if procedure == FRAMEWORK_CALL_OFF and not mini_competition:
        return "direct", CALL_OFF_DIRECT_DA
    return METHOD[procedure], METHOD_DETAILS_DA[procedure]


def _moment(value: date | datetime, end_of_day: bool = False) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=COPENHAGEN)
    clock = time(23, 59, 59) if end_of_day else time(0, 0, 0)
    return datetime.combine(value, clock, tzinfo=COPENHAGEN)


def format_datetime(value: date | datetime, end_of_day: bool = False) -> str:
    """ISO 8601 with offset. Naive datetimes and bare dates are Copenhagen local time."""
    return _moment(value, end_of_day).isoformat()


def amount(value: Decimal | int | str | float) -> int | float:
    """A JSON number: whole kroner as int, otherwise rounded to øre."""
    number = to_decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _value(value: Decimal | int | None, currency: str) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"amount": amount(value), "currency": currency}


def _ref(org: Organisation) -> dict[str, str]:
    return {"id": org.id, "name": org.name}


def stages_reached(tender: TenderInfo) -> list[str]:
    """Planning always; tender once the notice is out; award and contract once known."""
    stages = [PLANNING]
    if tender.tender_start is not None:
        stages.append(TENDER)
    if tender.all_awards():
        stages.append(AWARD)
    if tender.contracts:
        stages.append(CONTRACT)
    return stages


def current_stage(tender: TenderInfo) -> str:
    return stages_reached(tender)[-1]


def _stage_date(tender: TenderInfo, stage: str) -> date | datetime | None:
    if stage == PLANNING:
        return tender.planning_date
    if stage == TENDER:
        return tender.tender_start
    if stage == AWARD:
        awards = tender.all_awards()
        return awards[0].date if awards else None
    signed = [c.date_signed for c in tender.contracts if c.date_signed is not None]
    return max(signed, key=_moment) if signed else None


def _check(tender: TenderInfo, stage: str) -> None:
    if stage not in STAGES:
        raise ValueError(f"Unknown stage {stage!r}; expected one of {', '.join(STAGES)}")
    if stage not in stages_reached(tender):
        raise ValueError(f"Tender {tender.local_id!r} has not reached the {stage} stage")
    if tender.category not in CATEGORIES:
        raise ValueError(f"Unknown category {tender.category!r}")
    if tender.status is not None and tender.status not in TENDER_STATUSES:
        raise ValueError(f"Tender status {tender.status!r} is not in the OCDS tenderStatus list")
    for award in tender.all_awards():
        if award.status not in AWARD_STATUSES:
            raise ValueError(f"Award status {award.status!r} is not in the awardStatus list")
    for contract in tender.contracts:
        if contract.status not in CONTRACT_STATUSES:
            raise ValueError(
                f"Contract status {contract.status!r} is not in the contractStatus list"
            )


def _parties(
    tender: TenderInfo,
    with_supplier: bool,
    awards: Sequence[AwardInfo] = (),
    with_tenderers: bool = False,
) -> list[dict[str, Any]]:
    roles: dict[str, list[str]] = {}
    orgs: dict[str, Organisation] = {}

    def add(org: Organisation, *new_roles: str) -> None:
        orgs.setdefault(org.id, org)
        have = roles.setdefault(org.id, [])
        have.extend(r for r in new_roles if r not in have)

    add(tender.buyer, "buyer", "procuringEntity")
    for participant in tender.participants:
        add(participant, "buyer")
    if with_tenderers:
        for tenderer in tender.tenderers:
            add(tenderer, "tenderer")
    if with_supplier:
        for award in awards:
            add(award.supplier, "supplier")
    parties = []
    for org_id, org in orgs.items():
        party: dict[str, Any] = {"id": org_id, "name": org.name, "roles": roles[org_id]}
        identifier = org.identifier()
        if identifier:
            party["identifier"] = identifier
        parties.append(party)
    return parties


def award_id(tender: TenderInfo, index: int) -> str:
    award = tender.all_awards()[index]
    return award.id or f"{tender.local_id}-award-{index + 1}"


def award_events(tender: TenderInfo) -> list[tuple[date | datetime, str, int]]:
    """(day, "new" or "cancel", award index) for every decision and annulment, by date; on the
    same day a decision comes before its annulment and the next decision."""
    events: list[tuple[date | datetime, str, int]] = []
    for index, award in enumerate(tender.all_awards()):
        events.append((award.date, "new", index))
        if award.status == "cancelled":
            events.append((award.cancelled_on or award.date, "cancel", index))
    return sorted(events, key=lambda event: _moment(event[0]))  # stable: keeps the order above


def awards_as_of(tender: TenderInfo, events_seen: int | None = None) -> list[AwardInfo]:
    """The awards as they stood after the first ``events_seen`` events (all when None): a
    decision annulled later is still ``active`` before its annulment."""
    events = award_events(tender)
    seen = events if events_seen is None else events[:events_seen]
    known = [index for _day, kind, index in seen if kind == "new"]
    cancelled = {index for _day, kind, index in seen if kind == "cancel"}
    awards = tender.all_awards()
    snapshot = []
    for index in sorted(known):
        award = awards[index]
        if index in cancelled:
            status = "cancelled"
        elif award.status == "cancelled":
            status = "active"
        else:
            status = award.status
        snapshot.append(
            AwardInfo(
                award.supplier,
                award.value,
                award.date,
                status=status,
                id=award_id(tender, index),
                cancelled_on=award.cancelled_on if index in cancelled else None,
            )
        )
    return snapshot


def _items(tender: TenderInfo) -> list[dict[str, Any]]:
    codes = [code.strip() for code in tender.cpv_codes if code and code.strip()]
    if not codes:
        return []
    item: dict[str, Any] = {
        "id": "1",
        "description": tender.title,
        "classification": {"scheme": "CPV", "id": codes[0]},
    }
    if codes[1:]:
        item["additionalClassifications"] = [{"scheme": "CPV", "id": code} for code in codes[1:]]
    return [item]


def build_release(
    tender: TenderInfo,
    stage: str,
    prefix: str,
    release_date: date | datetime | None = None,
    revision: int = 0,
    *,
    tag: str | None = None,
    awards: Sequence[AwardInfo] | None = None,
) -> dict[str, Any]:
    """One OCDS release for ``stage`` (planning, tender, award or contract).

    The release date is ``release_date`` or else the stage's own date (planning date, notice date,
    award date, latest signature); a stage without one needs ``release_date``. ``tag`` overrides
    the release tag (e.g. "awardUpdate"), ``awards`` the award decisions shown (a snapshot; all,
    with their final status, by default).
    """
    _check(tender, stage)
    ocid = make_ocid(prefix, tender.local_id)
    when = release_date or _stage_date(tender, stage)
    if when is None:
        raise ValueError(f"The {stage} release of {tender.local_id!r} needs a release date")
    index = STAGES.index(stage)
    method, details = procurement_method(tender.procedure, tender.call_off_mini_competition)
    shown_awards = list(awards) if awards is not None else awards_as_of(tender)
    if index < 2:
        shown_awards = []
    with_tenderers = bool(tender.tenderers or tender.number_of_tenderers is not None) and (
        index >= 2 or stage == current_stage(tender)
    )
    default_status = ("planned", "active", "complete", "complete")[index]
    if index == 2 and not any(a.status == "active" for a in shown_awards):
        default_status = "active"  # every decision annulled: the procedure goes on

    tender_block: dict[str, Any] = {
        "id": tender.local_id,
        "title": tender.title,
        "description": tender.description,
        "status": tender.status or default_status,
        "procuringEntity": _ref(tender.buyer),
        "procurementMethod": method,
        "procurementMethodDetails": details,
        "mainProcurementCategory": MAIN_CATEGORY[tender.category],
    }
    items = _items(tender)
    if items:
        tender_block["items"] = items
    value = _value(tender.value, tender.currency)
    if value:
        tender_block["value"] = value
    if tender.award_criteria:
        tender_block["awardCriteria"] = tender.award_criteria
    if tender.electronic_submission:
        tender_block["submissionMethod"] = ["electronicSubmission"]
    if index >= 1 and (tender.tender_start or tender.tender_end):
        period: dict[str, str] = {}
        if tender.tender_start:
            period["startDate"] = format_datetime(tender.tender_start)
        if tender.tender_end:
            period["endDate"] = format_datetime(tender.tender_end, end_of_day=True)
        tender_block["tenderPeriod"] = period
    if with_tenderers:
        if tender.tenderers:
            tender_block["tenderers"] = [_ref(org) for org in tender.tenderers]
        count = tender.number_of_tenderers
        tender_block["numberOfTenderers"] = len(tender.tenderers) if count is None else count

    tag = tag or stage
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{tag}" + (f"-{revision}" if revision else ""),
        "date": format_datetime(when),
        "tag": [tag],
        "initiationType": "tender",
        "language": tender.language,
        "parties": _parties(tender, index >= 2, shown_awards, with_tenderers),
        "buyer": _ref(tender.buyer),
    }
    if tender.rationale:
        release["planning"] = {"rationale": tender.rationale}
    release["tender"] = tender_block

    current_award_id = None
    if shown_awards:
        blocks = []
        for award in shown_awards:
            award_block: dict[str, Any] = {
                "id": award.id,
                "status": award.status,
                "date": format_datetime(award.date),
                "suppliers": [_ref(award.supplier)],
            }
            award_value = _value(award.value, tender.currency)
            if award_value:
                award_block["value"] = award_value
            blocks.append(award_block)
            if award.status != "cancelled" or current_award_id is None:
                current_award_id = award.id
        release["awards"] = blocks
    if index >= 3:
        contracts = []
        for number, contract in enumerate(tender.contracts, start=1):
            block: dict[str, Any] = {
                "id": contract.id or f"{tender.local_id}-contract-{number}",
                "awardID": current_award_id or f"{tender.local_id}-award-1",
                "status": contract.status,
            }
            if contract.title:
                block["title"] = contract.title
            period = {}
            if contract.start:
                period["startDate"] = format_datetime(contract.start)
            if contract.end:
                period["endDate"] = format_datetime(contract.end, end_of_day=True)
            if contract.max_extent:
                period["maxExtentDate"] = format_datetime(contract.max_extent, end_of_day=True)
            if period:
                block["period"] = period
            contract_value = _value(contract.value, tender.currency)
            if contract_value:
                block["value"] = contract_value
            if contract.date_signed:
                block["dateSigned"] = format_datetime(contract.date_signed)
            contracts.append(block)
        release["contracts"] = contracts
    return release


def build_releases(tender: TenderInfo, prefix: str) -> list[dict[str, Any]]:
    """One release per stage reached so far, oldest first: the process's history. After the
    first award decision, each later change of the awards is an ``awardUpdate`` release."""
    releases = []
    for stage in stages_reached(tender):
        if stage != AWARD:
            releases.append(build_release(tender, stage, prefix))
            continue
        events = award_events(tender)
        releases.append(
            build_release(tender, AWARD, prefix, events[0][0], awards=awards_as_of(tender, 1))
        )
        for number, (day, _kind, _index) in enumerate(events[1:], start=1):
            releases.append(
                build_release(
                    tender,
                    AWARD,
                    prefix,
                    day,
                    number,
                    tag="awardUpdate",
                    awards=awards_as_of(tender, number + 1),
                )
            )
    return releases


def release_package(
    releases: Iterable[dict[str, Any]] | Sequence[dict[str, Any]],
    uri: str,
    published_date: date | datetime,
    publisher_name: str,
    *,
    publisher_scheme: str | None = None,
    publisher_uid: str | None = None,
    publisher_uri: str | None = None,
    license: str | None = None,
    publication_policy: str | None = None,
) -> dict[str, Any]:
    """Wrap releases in an OCDS 1.1 release package (the publishing metadata)."""
    items = list(releases)
    if not items:
        raise ValueError("A release package holds at least one release")
    publisher: dict[str, str] = {"name": publisher_name}
    if publisher_scheme:
        publisher["scheme"] = publisher_scheme
    if publisher_uid:
        publisher["uid"] = publisher_uid
    if publisher_uri:
        publisher["uri"] = publisher_uri
    package: dict[str, Any] = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": format_datetime(published_date),
        "publisher": publisher,
    }
    if license:
        package["license"] = license
    if publication_policy:
        package["publicationPolicy"] = publication_policy
    package["releases"] = items
    return package
