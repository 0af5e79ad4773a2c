"""The ORM side of the pure procurement modules: load rows, call timeline / opportunities / ocds,
store the results. Views and the API call these; they never repeat the rules."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samdigi.core.access import current_membership_q
from samdigi.core.models import ChangeRecord
from samdigi.landscape.models import Contract, LeadTime, lead_time_overrides_for
from samdigi.procurement import ocds, opportunities, timeline
from samdigi.procurement.models import (
    StepKey,
    Tender,
    TenderParticipant,
    TenderStep,
    Threshold,
    eur_rate,
)

#: Planning window of the opportunity finder and the lead time it leaves for running the tender.
OPPORTUNITY_WINDOW_MONTHS = 36
OPPORTUNITY_LEAD_MONTHS = timeline.RETENDER_LEAD_MONTHS[timeline.OPEN]
OPPORTUNITY_MAX_PROLONGATION = 12
#: Years of a new contract when an annual value has to be turned into a whole-term estimate.
DEFAULT_TERM_YEARS = 4
#: Statuses of tenders that are still ahead (the pipeline) and that cover their contracts.
OPEN_STATUSES = (
    Tender.Status.PLANNED,
    Tender.Status.PREPARING,
    Tender.Status.PUBLISHED,
    Tender.Status.EVALUATING,
    Tender.Status.AWARDED,
    Tender.Status.STANDSTILL,
)


class ProcurementError(Exception):
    """A request the rules refuse; `field` names the input at fault."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def ocds_prefix() -> str:
    """The registered OCID prefix, from the OCDS_PREFIX setting ("ocds-" + 6 characters)."""
    raw = getattr(settings, "OCDS_PREFIX", "ocds-xxxxxx")
    return raw[5:] if raw.startswith("ocds-") else raw


# --- thresholds and schedules ------------------------------------------------------------------


def thresholds():
    return Threshold.objects.periods()


def schedule(
    procedure,
    category,
    estimated_value,
    required_start,
    electronic_submission=True,
    prior_information_notice=False,
    lead_months=None,
    today=None,
) -> timeline.Schedule:
    return timeline.schedule(
        procedure,
        category,
        estimated_value,
        required_start,
        electronic_submission,
        prior_information_notice,
        thresholds(),
        eur_rate(),
        lead_months,
        today=today,
    )


def lead_months_for(tender) -> int | None:
    """The association's configured lead time for the tender's procedure, if any."""
    if tender.owner.is_municipality:
        overrides = lead_time_overrides_for(tender.owner_id)
    else:
        overrides = dict(
            LeadTime.objects.filter(association_id=tender.owner_id).values_list(
                "procedure", "months"
            )
        )
    return overrides.get(tender.procedure)


def schedule_tender(tender, user=None) -> timeline.Schedule:
    """Plan the tender backwards from its required start and store the steps (replacing moved
    ones: rescheduling is a deliberate fresh start, recorded in the history)."""
    if tender.required_start is None:
        raise ProcurementError(
            _("Give the date the new contract must start before scheduling."), "required_start"
        )
    result = schedule(
        tender.procedure,
        tender.category,
        tender.estimated_value or 0,
        tender.required_start,
        tender.electronic_submission,
        tender.prior_information_notice,
        lead_months_for(tender),
        today=timezone.localdate(),
    )
    with transaction.atomic():
        tender.steps.all().delete()
        for step in result.steps:
            TenderStep.objects.create(
                tender=tender,
                key=step.key,
                date=step.date,
                rule=step.rule,
                explanation=step.explanation,
                scheduled_date=step.date,
                created_by=user,
                updated_by=user,
            )
        tender.eu_procedure_required = result.classification.eu_required
        tender.classification = "\n".join(
            [result.classification.reason, *result.classification.notes, *result.warnings]
        )
        tender.save_if_current(tender.version, user=user)
    return result


def move_step(step, new_date, reason, user=None) -> None:
    """Move one planned date. The reason is required; dates that break a legal minimum are
    refused. The move is written to the tender's history with its reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ProcurementError(_("Say why the date is moved."), "reason")
    tender = step.tender
    dates = {s.key: s.date for s in tender.steps.all()}
    dates[step.key] = new_date
    violations = timeline.verify_dates(
        tender.procedure, dates, tender.electronic_submission, tender.prior_information_notice
    )
    if violations:
        raise ProcurementError(" ".join(violations), "date")
    old = step.date
    with transaction.atomic():
        step.date = new_date
        step.moved_reason = reason
        step.updated_by = user
        step.save()
        ChangeRecord.objects.create(
            content_type=ContentType.objects.get_for_model(Tender),
            object_id=str(tender.pk),
            object_repr=str(tender)[:255],
            action=ChangeRecord.Action.UPDATE,
            user=user if user is not None and user.is_authenticated else None,
            version=tender.version,
            changes={
                str(step.get_key_display()): [old.isoformat(), new_date.isoformat()],
                str(_("reason for moving")): [None, reason],
            },
        )


# --- award ---------------------------------------------------------------------------------------


def split_value(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` by `weights` in øre with the largest remainder method (ties to the first),
    so the shares add up exactly; equal shares when no weight is given."""
    if not weights:
        return []
    if not any(weights):
        weights = [Decimal(1)] * len(weights)
    cents = int((total * 100).to_integral_value())
    whole = sum(weights)
    raw = [Decimal(cents) * w / whole for w in weights]
    floors = [int(r.to_integral_value(rounding=ROUND_DOWN)) for r in raw]
    left = cents - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for index in order[:left]:
        floors[index] += 1
    return [Decimal(c) / 100 for c in floors]


@transaction.atomic
def award(
    tender,
    vendor,
    awarded_value,
    signed_on,
    contract_start,
    contract_end,
    option_count=0,
    option_months=0,
    user=None,
) -> list[Contract]:
    """Record the outcome and create the resulting contract of every participant in the landscape
    (the lead municipality for a local tender). Refused when contracts were created already."""
    if tender.participants.filter(resulting_contract__isnull=False).exists():
        raise ProcurementError(_("The resulting contracts have already been created."))
    if tender.status == Tender.Status.CANCELLED:
        raise ProcurementError(_("A cancelled tender cannot be awarded."), "status")
    if contract_end is not None and contract_start is not None and contract_end < contract_start:
        raise ProcurementError(_("The contract must end after it starts."), "contract_end")
    participants = list(tender.participants.select_related("municipality", "replaced_contract"))
    if not participants:
        if not tender.owner.is_municipality:
            raise ProcurementError(_("A joint tender needs participants before it is awarded."))
        participants = [
            TenderParticipant.objects.create(
                tender=tender,
                municipality=tender.owner.municipality,
                estimated_value=tender.estimated_value,
            )
        ]
    shares = split_value(
        Decimal(awarded_value or 0), [p.estimated_value or Decimal(0) for p in participants]
    )
    years = None
    if contract_start and contract_end:
        years = max(Decimal((contract_end - contract_start).days + 1) / Decimal("365.25"), 1)
    systems = list(tender.systems.all())
    created = []
    for participant, share in zip(participants, shares, strict=True):
        replaced = participant.replaced_contract
        contract = Contract.objects.create(
            owner=participant.municipality,
            vendor=vendor,
            name=f"{tender.title} – {participant.municipality.name}"[:250],
            contract_number=f"{tender.reference or tender.local_id()}-{participant.municipality.code}"[
                :100
            ],
            contract_type=replaced.contract_type if replaced else Contract.Type.LICENCE,
            procurement_form=tender.procedure,
            concluded=signed_on,
            valid_from=contract_start,
            expiration=contract_end,
            option_count=option_count,
            option_months=option_months,
            total_value=share,
            annual_value=(share / years).quantize(Decimal("0.01")) if years else None,
            notice_months=replaced.notice_months if replaced else 0,
            notes=_("Created by the award of tender %(tender)s.") % {"tender": tender.title},
            created_by=user,
            updated_by=user,
        )
        if systems:
            contract.systems.set(systems)
        participant.resulting_contract = contract
        participant.save()
        created.append(contract)
    tender.winning_vendor = vendor
    tender.awarded_value = awarded_value
    tender.contract_signed_on = signed_on
    tender.award_decision_on = tender.award_decision_on or signed_on
    tender.status = Tender.Status.CONTRACT_SIGNED
    tender.save_if_current(tender.version, user=user)
    return created


# --- opportunities -------------------------------------------------------------------------------


def association_member_ids(association) -> list[int]:
    return list(
        association.members.filter(current_membership_q()).values_list("municipality_id", flat=True)
    )


def covered_contract_ids(contract_ids=None) -> dict[int, int]:
    """Contract id → the tender (not cancelled) that already replaces it."""
    rows = Tender.contracts.through.objects.exclude(tender__status=Tender.Status.CANCELLED)
    if contract_ids is not None:
        rows = rows.filter(contract_id__in=contract_ids)
    return dict(rows.values_list("contract_id", "tender_id"))


def estimated_value(contract) -> Decimal:
    """The whole term with all options: the total value plus the options at the annual value; a
    contract with only an annual value counts the association's default term."""
    annual = contract.annual_value or Decimal(0)
    option_value = annual * (contract.option_count or 0) * (contract.option_months or 0) / 12
    if contract.total_value is not None:
        return (contract.total_value + option_value).quantize(Decimal("0.01"))
    return (annual * DEFAULT_TERM_YEARS + option_value).quantize(Decimal("0.01"))


def contract_info(contract) -> opportunities.ContractInfo:
    systems = sorted(contract.systems.all(), key=lambda s: s.pk)
    areas = sorted({kle.number[:2] for s in systems for kle in s.kle.all()})
    return opportunities.ContractInfo(
        contract_id=str(contract.pk),
        municipality_code=contract.owner.municipality.code,
        system_id=systems[0].pk if systems else None,
        kle_areas=tuple(areas),
        contract_type=contract.contract_type,
        current_end=contract.current_end,
        latest_possible_end=contract.latest_end,
        option_months=contract.option_months or 0,
        options_remaining=max(0, (contract.option_count or 0) - (contract.options_used or 0)),
        annual_value=contract.annual_value or Decimal(0),
        estimated_value=estimated_value(contract),
    )


@dataclass
class OpportunityView:
    """An opportunity with the records behind it, for pages and the API."""

    group: opportunities.Opportunity
    contracts: dict
    eu_procedure_required: bool
    threshold: timeline.ThresholdAmount
    system: object = None

    @property
    def key(self):
        return self.group.key

    def members(self):
        """(plan, contract, how it reaches the date in words) for each member."""
        for plan in self.group.members:
            yield plan, self.contracts[int(plan.contract_id)], plan_text(plan)


@dataclass
class FinderResult:
    association: object
    as_of: datetime.date
    report: opportunities.OpportunityReport
    views: list[OpportunityView]
    contracts: dict
    covered: dict[int, int]
    decisions: list = field(default_factory=list)

    def view(self, key):
        for view in self.views:
            if view.key == key:
                return view
        return None


def find_for_association(association, user, as_of=None) -> FinderResult:
    """Run the finder over the association's member contracts that the user can see; contracts
    that a tender already replaces are left out with that reason."""
    from samdigi.landscape.models import ItSystem

    as_of = as_of or timezone.localdate()
    contracts = {
        c.pk: c
        for c in Contract.objects.visible_to(user)
        .filter(owner__in=association_member_ids(association))
        .select_related("owner__municipality", "vendor")
        .prefetch_related("systems__kle")
    }
    covered = covered_contract_ids(list(contracts))
    infos = [contract_info(c) for pk, c in contracts.items() if pk not in covered]
    periods = thresholds()
    rate = eur_rate()
    report = opportunities.find_opportunities(
        infos,
        as_of,
        window_months=OPPORTUNITY_WINDOW_MONTHS,
        max_prolongation=OPPORTUNITY_MAX_PROLONGATION,
        min_lead_months=OPPORTUNITY_LEAD_MONTHS,
        thresholds=periods,
        eur_rate=rate,
    )
    system_ids = {g.system_id for g in report.groups if g.system_id is not None}
    systems = ItSystem.objects.in_bulk(system_ids)
    views = []
    for group in report.groups:
        classification = timeline.classify(
            timeline.OPEN,
            timeline.SERVICES,
            group.combined_estimated_value,
            group.joint_start,
            periods,
            rate,
        )
        views.append(
            OpportunityView(
                group=group,
                contracts={int(cid): contracts[int(cid)] for cid in group.contract_ids},
                eu_procedure_required=classification.eu_required,
                threshold=classification.threshold,
                system=systems.get(group.system_id),
            )
        )
    decisions = []
    for pk, contract in sorted(
        contracts.items(), key=lambda item: (item[1].owner.name, item[1].name)
    ):
        if pk in covered:
            decisions.append((contract, False, None, "covered", covered[pk]))
            continue
        decision = report.decisions[str(pk)]
        decisions.append(
            (contract, decision.included, decision.group_key, decision_text(decision), None)
        )
    return FinderResult(association, as_of, report, views, contracts, covered, decisions)


@transaction.atomic
def plan_opportunity(association, key, user) -> Tender:
    """Turn a group into a planned joint tender of the association with its participants and
    contracts, scheduled backwards from the common start."""
    result = find_for_association(association, user)
    view = result.view(key)
    if view is None:
        raise ProcurementError(_("This opportunity no longer exists; look at the list again."))
    group = view.group
    procedure = timeline.OPEN if view.eu_procedure_required else timeline.NATIONAL
    subject = view.system.name if view.system else group.kle_area
    tender = Tender.objects.create(
        owner=association,
        title=_("Joint tender: %(subject)s") % {"subject": subject},
        description=_(
            "Planned from the opportunity finder: %(count)s contracts of %(municipalities)s "
            "municipalities can reach the common date %(date)s."
        )
        % {
            "count": len(group.members),
            "municipalities": len(group.municipality_codes),
            "date": group.target_date.isoformat(),
        },
        procedure=procedure,
        category=timeline.SERVICES,
        estimated_value=group.combined_estimated_value,
        required_start=group.joint_start,
        coordinator=user,
        opportunity_key=key,
        created_by=user,
        updated_by=user,
    )
    tender.contracts.set(view.contracts.values())
    if view.system:
        tender.systems.set([view.system])
    by_municipality = defaultdict(list)
    for plan, contract, _text in view.members():
        by_municipality[contract.owner_id].append((plan, contract))
    for municipality_id, rows in by_municipality.items():
        TenderParticipant.objects.create(
            tender=tender,
            municipality_id=municipality_id,
            estimated_value=sum((plan.estimated_value for plan, _c in rows), Decimal(0)),
            replaced_contract=rows[0][1],
            options_needed=sum(plan.options_to_use for plan, _c in rows),
            created_by=user,
            updated_by=user,
        )
    tender.refresh_from_db()
    schedule_tender(tender, user)
    return tender


# --- pipeline and gaps ---------------------------------------------------------------------------


def quarter_of(day: datetime.date) -> str:
    return f"{day.year} K{(day.month - 1) // 3 + 1}"


def pipeline_scope(user, municipality=None, association=None):
    """Tenders ahead and the organisation filter for contracts, for one municipality or one
    association (all the user can see when neither is given)."""
    tenders = Tender.objects.visible_to(user).filter(status__in=OPEN_STATUSES)
    contracts = Contract.objects.visible_to(user)
    if municipality is not None:
        tenders = tenders.filter(
            Q(owner=municipality) | Q(participants__municipality=municipality)
        ).distinct()
        contracts = contracts.filter(owner=municipality)
    elif association is not None:
        members = association_member_ids(association)
        tenders = tenders.filter(Q(owner=association) | Q(owner__in=members))
        contracts = contracts.filter(owner__in=members)
    return tenders, contracts


def pipeline(tenders):
    """Tenders grouped by the quarter of their notice (or, lacking one, of the contract start)."""
    quarters = defaultdict(list)
    undated = []
    for tender in tenders.select_related("owner").prefetch_related("steps"):
        steps = {s.key: s.date for s in tender.steps.all()}
        day = (
            tender.notice_published_on
            or steps.get(StepKey.NOTICE_PUBLICATION)
            or steps.get(StepKey.INVITATION_TO_TENDER)
            or tender.required_start
        )
        tender.pipeline_date = day
        if day is None:
            undated.append(tender)
        else:
            quarters[quarter_of(day)].append(tender)
    ordered = [
        (label, sorted(items, key=lambda t: t.pipeline_date))
        for label, items in sorted(quarters.items())
    ]
    return ordered, undated


def gap_list(contracts, today=None, months=24):
    """Contracts whose re-tender start falls before the horizon (passed ones too, while the
    contract runs) and that no tender replaces yet."""
    today = today or timezone.localdate()
    horizon = timeline.add_months(today, months)
    covered = Tender.contracts.through.objects.exclude(
        tender__status=Tender.Status.CANCELLED
    ).values("contract_id")
    return (
        contracts.filter(retender_start__lte=horizon)
        .filter(Q(ends_on__gte=today) | Q(ends_on__isnull=True, current_end__gte=today))
        .exclude(pk__in=covered)
        .select_related("owner", "vendor")
        .order_by("retender_start", "owner__name")
    )


# --- OCDS ----------------------------------------------------------------------------------------


def _organisation(org) -> ocds.Organisation:
    if org.is_municipality:
        return ocds.Organisation(org.name, f"DK-KOMMUNE-{org.municipality.code}")
    return ocds.Organisation(org.name, f"DK-SAMDIGI-{org.pk}")


def _vendor(vendor) -> ocds.Organisation:
    if vendor.cvr:
        return ocds.Organisation(vendor.name, f"DK-CVR-{vendor.cvr}")
    return ocds.Organisation(vendor.name, f"SAMDIGI-VENDOR-{vendor.pk}")


def tender_info(tender) -> ocds.TenderInfo:
    participants = list(tender.participants.all())
    steps = {s.key: s.date for s in tender.steps.all()}
    award_info = None
    contracts = ()
    if tender.winning_vendor_id and (tender.award_decision_on or tender.contract_signed_on):
        award_info = ocds.AwardInfo(
            supplier=_vendor(tender.winning_vendor),
            value=tender.awarded_value,
            date=tender.award_decision_on or tender.contract_signed_on,
        )
        contracts = tuple(
            ocds.ContractDetails(
                value=p.resulting_contract.total_value,
                date_signed=p.resulting_contract.concluded,
                start=p.resulting_contract.valid_from,
                end=p.resulting_contract.expiration,
                max_extent=p.resulting_contract.latest_end,
                title=p.resulting_contract.name,
                id=f"{tender.local_id()}-contract-{p.municipality.code}",
            )
            for p in participants
            if p.resulting_contract is not None
        )
    return ocds.TenderInfo(
        local_id=tender.local_id(),
        title=tender.title,
        description=tender.description or tender.title,
        procedure=tender.procedure,
        category=tender.category,
        value=tender.estimated_value,
        buyer=_organisation(tender.owner),
        participants=tuple(
            _organisation(p.municipality)
            for p in participants
            if p.municipality_id != tender.owner_id
        ),
        status="cancelled" if tender.status == Tender.Status.CANCELLED else None,
        planning_date=timezone.localtime(tender.created_at),
        rationale=tender.classification.split("\n")[0] if tender.classification else None,
        tender_start=tender.notice_published_on,
        tender_end=tender.tender_deadline_on or steps.get(StepKey.TENDER_DEADLINE),
        award=award_info,
        contracts=contracts,
        electronic_submission=tender.electronic_submission,
    )


def ocds_queryset():
    return Tender.objects.select_related("owner__municipality", "winning_vendor").prefetch_related(
        "participants__municipality",
        "participants__resulting_contract",
        "steps",
    )


def releases_for(tender) -> list[dict]:
    return ocds.build_releases(tender_info(tender), ocds_prefix())


def package_for(releases, uri, published=None) -> dict:
    published = published or timezone.now()
    name = getattr(settings, "OCDS_PUBLISHER_NAME", "samdigi")
    if not releases:
        return {
            "uri": uri,
            "version": ocds.OCDS_VERSION,
            "publishedDate": ocds.format_datetime(timezone.localtime(published)),
            "publisher": {"name": name},
            "releases": [],
        }
    return ocds.release_package(releases, uri, timezone.localtime(published), name)


# --- explanations in the user's language --------------------------------------------------------


def _d(day):
    from django.utils import formats

    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else ""


def plan_text(plan) -> str:
    """How a member reaches the common date, in the user's language."""
    from samdigi.core.formatting import money

    parts = []
    if not plan.options_to_use and not plan.prolongation_months:
        parts.append(_("no extension needed: the current end is the common date"))
    if plan.options_to_use:
        parts.append(
            _("use %(used)s of %(left)s remaining options of %(months)s months")
            % {
                "used": plan.options_to_use,
                "left": plan.options_remaining,
                "months": plan.option_months,
            }
        )
    if plan.prolongation_months:
        parts.append(
            _(
                "prolong %(months)s months under § 180 (value %(value)s, below the limit of "
                "%(limit)s)"
            )
            % {
                "months": plan.prolongation_months,
                "value": money(plan.prolongation_value),
                "limit": money(plan.prolongation_limit),
            }
        )
    text = _(" and ").join(parts)
    if plan.covered_until > plan.target_date:
        text += _("; covered until %(date)s, so the municipality joins the joint contract then") % {
            "date": _d(plan.covered_until)
        }
    return text


def reason_text(reason) -> str:
    """One finder reason (opportunities.Reason) in the user's language."""
    code = reason.code
    values = {"day": _d(reason.day), "target": _d(reason.target)}
    if code == opportunities.IN_GROUP:
        text = _("in a group with the common date %(target)s") % values
        if reason.plan is not None:
            text += ": " + plan_text(reason.plan)
        return text
    if code == opportunities.NO_END_DATE:
        return _(
            "no current end date (a running contract): give notice first to place it in a "
            "re-tender window"
        )
    if code == opportunities.NOTHING_TO_MATCH:
        return _("no catalogue system and no KLE task area with contract type to match on")
    if code == opportunities.AFTER_WINDOW:
        return (
            _("outside the planning window: the current end %(day)s is after %(target)s") % values
        )
    if code == opportunities.BEFORE_WINDOW:
        return (
            _(
                "outside the planning window: even with all options and an allowed prolongation "
                "it ends %(day)s, before the earliest common date %(target)s"
            )
            % values
        )
    if code == opportunities.ONLY_ONE_MUNICIPALITY:
        return _("no other member municipality has a contract for the same thing")
    if code == opportunities.OTHERS_ALREADY_GROUPED:
        return _("the other municipalities' contracts for the same thing are already in a group")
    if code == opportunities.NO_COMMON_DATE:
        return _("no common date with another municipality for the same thing")
    if code == opportunities.ENDS_AFTER_TARGET:
        return (
            _("cannot join the group's date %(target)s: the current end %(day)s is later") % values
        )
    if code == opportunities.CANNOT_EXTEND_TO_TARGET:
        return (
            _(
                "cannot reach the group's date %(target)s: with all options and an allowed "
                "prolongation it ends %(day)s"
            )
            % values
        )
    return reason.text


def decision_text(decision) -> str:
    return "; ".join(dict.fromkeys(reason_text(r) for r in decision.reasons))
