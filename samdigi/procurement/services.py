"""The ORM side of the pure procurement modules: load rows, call rules.schedule / opportunities / ocds,
store the results. Views and the API call these; they never repeat the rules."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samdigi.core.access import (
    AssociationScopedPolicy,
    current_membership_q,
    policy_of,
    scope_for,
)
from samdigi.core.quarters import quarter_key, quarter_label
from samdigi.core.rules import apportion
from samdigi.landscape.models import Contract, LeadTime, lead_time_overrides_for
from samdigi.procurement import ocds
from samdigi.procurement.models import (
    AwardCriteria,
    AwardDecision,
    Complaint,
    StepKey,
    Tender,
    TenderParticipant,
    Threshold,
    eur_rate,
)
from samdigi.procurement.rules import opportunities
from samdigi.procurement.rules import schedule as schedule_rules

#: Planning window of the opportunity finder and the lead time it leaves for running the tender.
OPPORTUNITY_WINDOW_MONTHS = 36
OPPORTUNITY_LEAD_MONTHS = schedule_rules.RETENDER_LEAD_MONTHS[schedule_rules.OPEN]
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


class AwardNotAllowed(ProcurementError):
    """The user may not create contracts in some participants' landscapes (403)."""


def ocds_prefix() -> str:
    """The registered OCID prefix, from the OCDS_PREFIX setting ("ocds-" + 6 characters)."""
    raw = settings.OCDS_PREFIX
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
) -> schedule_rules.Schedule:
    return schedule_rules.schedule(
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


def schedule_tender(tender, user=None) -> schedule_rules.Schedule:
    """Plan the tender afresh backwards from its required start and store the steps (dropping
    manual moves: rescheduling is a deliberate fresh start, recorded in the history). Edits
    re-plan by themselves (replanning.py), keeping lawful moves."""
    from samdigi.procurement import replanning

    if tender.required_start is None:
        raise ProcurementError(
            _("Give the date the new contract must start before scheduling."), "required_start"
        )
    result = replanning.replan(tender, user, fresh=True)
    tender.save_if_current(tender.version, user=user)
    return result


def move_step(step, new_date, reason, user=None) -> None:
    """Move one planned date; later steps follow (replanning.py). The reason is required; dates
    that break a legal minimum are refused. The move is written to the history with its reason."""
    from samdigi.procurement import replanning

    reason = (reason or "").strip()
    if not reason:
        raise ProcurementError(_("Say why the date is moved."), "reason")
    try:
        replanning.move_step(step, new_date, reason, user)
    except replanning.MoveRefused as error:
        raise ProcurementError(error.message, "date") from error


# --- award ---------------------------------------------------------------------------------------


def split_value(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` by `weights` in øre with the largest remainder method (ties to the first),
    so the shares add up exactly; equal shares when no weight is given."""
    if not weights:
        return []
    if not any(weights):
        weights = [Decimal(1)] * len(weights)
    cents = int((total * 100).to_integral_value())
    # A negative total is split like the matching positive one and negated (as cost sharing does).
    sign = -1 if cents < 0 else 1
    shares = apportion.largest_remainder(abs(cents), dict(enumerate(weights)))
    return [Decimal(sign * shares[index]) / 100 for index in range(len(weights))]


def may_create_contracts_for(user, tender, municipality_id) -> bool:
    """Whether the award may write the participant's contract into its landscape for this user:
    its own admins and editors may, and for a joint tender the association's admins (the
    association's own role); a municipality's staff never write into another member's landscape."""
    if user is None:
        return True  # system actions (demo data, management commands)
    from samdigi.landscape.models import Contract

    scope = scope_for(user)
    if policy_of(Contract).can_create(scope, Contract, municipality_id):
        return True
    # The association's own role: its admins (the policy of the association's own rows).
    return not tender.owner.is_municipality and AssociationScopedPolicy().can_create(
        scope, Contract, tender.owner_id
    )


def contract_start_default(tender):
    """The schedule's contract start, else the date the new contract must start."""
    step = tender.steps.filter(key=StepKey.CONTRACT_START).first()
    return step.date if step else tender.required_start


def active_award(tender):
    return tender.award_decisions.filter(status=AwardDecision.Status.ACTIVE).first()


def catalogue_for(tender):
    """The association whose catalogue a new winning product goes into: the tender's own
    association, or the lead municipality's (first current) association."""
    from samdigi.organizations.models import Association

    if not tender.owner.is_municipality:
        return Association.objects.get(pk=tender.owner_id)
    return (
        Association.objects.filter(
            members__municipality_id=tender.owner_id,
        )
        .filter(current_membership_q("members__"))
        .order_by("pk")
        .first()
    )


def winning_product(tender, vendor, product=None, new_product="", user=None):
    """The catalogue system chosen, or a new one created in the association's catalogue."""
    from samdigi.landscape.models import ItSystem

    name = (new_product or "").strip()
    if product is not None or not name:
        return product
    association = catalogue_for(tender)
    if association is None:
        raise ProcurementError(
            _("The lead municipality belongs to no association whose catalogue could hold it."),
            "new_product",
        )
    if user is not None and not policy_of(ItSystem).can_create(
        scope_for(user), ItSystem, association.pk
    ):
        raise ProcurementError(
            _("You may not add systems to %(association)s's catalogue.")
            % {"association": association.name},
            "new_product",
        )
    system, created = ItSystem.objects.get_or_create(
        owner=association,
        name=name[:200],
        defaults={"vendor": vendor, "created_by": user, "updated_by": user},
    )
    return system


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
    *,
    starts=None,
    criteria=None,
    decided_on=None,
    product=None,
    new_product="",
) -> list[Contract]:
    """Record the award decision and create the resulting contract of every participant in the
    landscape (the lead municipality for a local tender), all or nothing.

    `starts` maps a municipality id to its own contract start (roll-out in waves; default
    `contract_start`). The award decision in force is reused (its vendor must be the winner);
    without one a new active decision is recorded. Refused when contracts were created already,
    and with AwardNotAllowed when the user may not create a participant's contract."""
    starts = starts or {}
    if tender.participants.filter(resulting_contract__isnull=False).exists():
        raise ProcurementError(_("The resulting contracts have already been created."))
    if tender.status == Tender.Status.CANCELLED:
        raise ProcurementError(_("A cancelled tender cannot be awarded."), "status")
    participants = list(tender.participants.select_related("municipality", "replaced_contract"))
    if not participants and not tender.owner.is_municipality:
        raise ProcurementError(_("A joint tender needs participants before it is awarded."))
    municipality_ids = [p.municipality_id for p in participants] or [tender.owner_id]
    refused = [pk for pk in municipality_ids if not may_create_contracts_for(user, tender, pk)]
    if refused:
        from samdigi.organizations.models import Municipality

        names = ", ".join(
            Municipality.objects.filter(pk__in=refused)
            .order_by("name")
            .values_list("name", flat=True)
        )
        raise AwardNotAllowed(
            _(
                "You may not create contracts in the landscape of %(municipalities)s; the "
                "association's admins award a joint tender. Nothing was created."
            )
            % {"municipalities": names}
        )
    for municipality_id in municipality_ids:
        start = starts.get(municipality_id) or contract_start
        if contract_end is not None and start is not None and contract_end < start:
            field = "starts" if municipality_id in starts else "contract_end"
            raise ProcurementError(_("The contract must end after it starts."), field)
    decision = active_award(tender)
    if decision is not None and decision.vendor_id != vendor.pk:
        raise ProcurementError(
            _(
                "The award decision in force names %(vendor)s. Annul it (an upheld complaint) "
                "before awarding to another vendor."
            )
            % {"vendor": decision.vendor.name},
            "vendor",
        )
    product = winning_product(tender, vendor, product, new_product, user)
    if not participants:
        participants = [
            TenderParticipant.objects.create(
                tender=tender,
                municipality=tender.owner.municipality,
                estimated_value=tender.estimated_value,
                created_by=user,
                updated_by=user,
            )
        ]
    if decision is None:
        decision = AwardDecision.objects.create(
            tender=tender,
            vendor=vendor,
            decided_on=decided_on or tender.award_decision_on or signed_on,
            criteria=criteria or AwardCriteria.BEST_PRICE_QUALITY,
            value=awarded_value,
            product=product,
            created_by=user,
            updated_by=user,
        )
    else:
        decision.value = awarded_value
        decision.product = product or decision.product
        if criteria:
            decision.criteria = criteria
        decision.save_if_current(decision.version, user=user)
    shares = split_value(
        Decimal(awarded_value or 0), [p.estimated_value or Decimal(0) for p in participants]
    )
    systems = [decision.product] if decision.product else list(tender.systems.all())
    created = []
    for participant, share in zip(participants, shares, strict=True):
        replaced = participant.replaced_contract
        start = starts.get(participant.municipality_id) or contract_start
        years = None
        if start and contract_end:
            years = max(Decimal((contract_end - start).days + 1) / Decimal("365.25"), 1)
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
            valid_from=start,
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
        participant.updated_by = user
        participant.save()
        created.append(contract)
    if decision.product:
        tender.systems.add(decision.product)
    tender.refresh_from_db()
    tender.winning_vendor = vendor
    tender.awarded_value = awarded_value
    tender.contract_signed_on = signed_on
    tender.award_decision_on = decision.decided_on
    tender.status = Tender.Status.CONTRACT_SIGNED
    tender.save_if_current(tender.version, user=user)
    return created


# --- outcome -------------------------------------------------------------------------------------

#: Statuses a tender may be moved on from when an award decision is recorded or annulled.
BEFORE_CONTRACT = (
    Tender.Status.PLANNED,
    Tender.Status.PREPARING,
    Tender.Status.PUBLISHED,
    Tender.Status.EVALUATING,
    Tender.Status.AWARDED,
    Tender.Status.STANDSTILL,
)


def sync_award(tender, user=None) -> None:
    """Keep the tender's summary fields (winner, value, decision date, status) in step with the
    award decision in force, after a decision was recorded, changed or annulled."""
    tender = Tender.objects.get(pk=tender.pk)
    decision = active_award(tender)
    if decision is not None:
        tender.winning_vendor = decision.vendor
        tender.awarded_value = decision.value
        tender.award_decision_on = decision.decided_on
        if tender.status in BEFORE_CONTRACT:
            tender.status = Tender.Status.AWARDED
    elif tender.status != Tender.Status.CONTRACT_SIGNED:
        tender.winning_vendor = None
        tender.awarded_value = None
        tender.award_decision_on = None
        if tender.status in (Tender.Status.AWARDED, Tender.Status.STANDSTILL):
            tender.status = Tender.Status.EVALUATING
    tender.save_if_current(tender.version, user=user)


@transaction.atomic
def apply_complaint(complaint, user=None) -> None:
    """Carry out an upheld complaint's consequence: "award annulled" and "re-evaluation" cancel
    the award decision in force (it stays, cancelled; the re-evaluation is a new decision),
    "procedure cancelled" cancels it and the tender. Running it twice changes nothing more."""
    if complaint.outcome != Complaint.Outcome.UPHELD:
        return
    if complaint.consequence == Complaint.Consequence.NONE:
        return
    tender = complaint.tender
    day = complaint.decided_on or timezone.localdate()
    decision = complaint.award if complaint.award_id else active_award(tender)
    if decision is not None and decision.status == AwardDecision.Status.ACTIVE:
        decision.status = AwardDecision.Status.CANCELLED
        decision.cancelled_on = max(day, decision.decided_on)
        decision.save_if_current(decision.version, user=user)
    if complaint.consequence == Complaint.Consequence.PROCEDURE_CANCELLED:
        tender = Tender.objects.get(pk=tender.pk)
        if tender.status != Tender.Status.CANCELLED:
            tender.status = Tender.Status.CANCELLED
            tender.save_if_current(tender.version, user=user)
        return
    sync_award(tender, user)


def outcome_summary(tender) -> dict:
    """The counts the tender page and the OCDS show."""
    requests = tender.participation_requests.all()
    bids = tender.bids.all()
    return {
        "requests": requests.count(),
        "candidates": requests.filter(selected=True).count(),
        "bids": bids.count(),
        "compliant_bids": bids.filter(compliant=True).count(),
        "complaints": tender.complaints.count(),
    }


# --- opportunities -------------------------------------------------------------------------------


def association_member_ids(association) -> list[int]:
    return list(association.current_members().values_list("municipality_id", flat=True))


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
        option_decision=contract.option_decision,
    )


@dataclass
class OpportunityView:
    """An opportunity with the records behind it, for pages and the API."""

    group: opportunities.Opportunity
    contracts: dict
    eu_procedure_required: bool
    threshold: schedule_rules.ThresholdAmount
    system: object = None

    @property
    def key(self):
        return self.group.key

    def members(self):
        """(plan, contract, how it reaches the date in words) for each member."""
        for plan in self.group.members:
            yield plan, self.contracts[int(plan.contract_id)], plan_text(plan)

    def gaps(self):
        """(gap, contract, why in words) for contracts of the same thing whose option decision
        date has passed: not members, shown with the gap they leave."""
        for gap in self.group.gaps:
            yield gap, self.contracts[int(gap.contract_id)], gap_text(gap)


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
        classification = schedule_rules.classify(
            schedule_rules.OPEN,
            schedule_rules.SERVICES,
            group.combined_estimated_value,
            group.joint_start,
            periods,
            rate,
        )
        views.append(
            OpportunityView(
                group=group,
                contracts={
                    int(cid): contracts[int(cid)]
                    for cid in (*group.contract_ids, *(g.contract_id for g in group.gaps))
                },
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


@dataclass
class PlanPreview:
    """What planning a group as a joint tender will create, shown before anything is created."""

    view: OpportunityView
    title: str
    description: str
    procedure: str
    estimated_value: Decimal
    required_start: datetime.date
    #: (municipality, [(plan, contract)], estimated value, options needed) per participant.
    participants: list
    #: Every contract the tender replaces (the members', and those that leave a gap).
    contracts: list
    schedule: schedule_rules.Schedule | None = None

    @property
    def procedure_label(self):
        from samdigi.procurement import rule_texts

        return rule_texts.procedure_label(self.procedure)

    @property
    def steps(self):
        """(label, date) of the planned steps, earliest first."""
        from samdigi.procurement import rule_texts

        if self.schedule is None:
            return []
        return [(rule_texts.step_label(step.key), step.date) for step in self.schedule.steps]


def plan_preview(association, key, user, with_schedule=True) -> PlanPreview:
    """The tender, participants and dates that `plan_opportunity` would create for a group."""
    result = find_for_association(association, user)
    view = result.view(key)
    if view is None:
        raise ProcurementError(_("This opportunity no longer exists; look at the list again."))
    group = view.group
    procedure = schedule_rules.OPEN if view.eu_procedure_required else schedule_rules.NATIONAL
    subject = view.system.name if view.system else group.kle_area
    by_municipality = defaultdict(list)
    for plan, contract, _text in view.members():
        by_municipality[contract.owner_id].append((plan, contract))
    participants = [
        (
            rows[0][1].owner,
            rows,
            sum((plan.estimated_value for plan, _c in rows), Decimal(0)),
            sum(plan.options_to_use for plan, _c in rows),
        )
        for rows in by_municipality.values()
    ]
    schedule_result = None
    if with_schedule:
        # As schedule_tender will plan it: backwards from the common start, with the
        # association's own lead time for the procedure where it has one.
        lead = (
            LeadTime.objects.filter(association_id=association.pk, procedure=procedure)
            .values_list("months", flat=True)
            .first()
        )
        schedule_result = schedule(
            procedure,
            schedule_rules.SERVICES,
            group.combined_estimated_value,
            group.joint_start,
            lead_months=lead,
        )
    return PlanPreview(
        view=view,
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
        estimated_value=group.combined_estimated_value,
        required_start=group.joint_start,
        participants=participants,
        contracts=sorted(view.contracts.values(), key=lambda c: (c.owner.name, c.name)),
        schedule=schedule_result,
    )


@transaction.atomic
def plan_opportunity(association, key, user) -> Tender:
    """Turn a group into a planned joint tender of the association with its participants and
    contracts, scheduled backwards from the common start (what `plan_preview` showed)."""
    preview = plan_preview(association, key, user, with_schedule=False)
    view = preview.view
    tender = Tender.objects.create(
        owner=association,
        title=preview.title,
        description=preview.description,
        procedure=preview.procedure,
        category=schedule_rules.SERVICES,
        estimated_value=preview.estimated_value,
        required_start=preview.required_start,
        coordinator=user,
        opportunity_key=key,
        created_by=user,
        updated_by=user,
    )
    tender.contracts.set(view.contracts.values())
    if view.system:
        tender.systems.set([view.system])
    for municipality, rows, value, options in preview.participants:
        TenderParticipant.objects.create(
            tender=tender,
            municipality_id=municipality.pk,
            estimated_value=value,
            replaced_contract=rows[0][1],
            options_needed=options,
            created_by=user,
            updated_by=user,
        )
    tender.refresh_from_db()
    schedule_tender(tender, user)
    return tender


# --- pipeline and gaps ---------------------------------------------------------------------------


def quarter_of(day: datetime.date) -> str:
    return quarter_label(day)


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
            quarters[quarter_key(day)].append(tender)
    ordered = [
        (quarter_label(key), sorted(items, key=lambda t: t.pipeline_date))
        for key, items in sorted(quarters.items())
    ]
    return ordered, undated


def gap_list(contracts, today=None, months=24):
    """Contracts whose re-tender start falls before the horizon (passed ones too, while the
    contract runs) and that no tender replaces yet."""
    today = today or timezone.localdate()
    horizon = schedule_rules.add_months(today, months)
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
    from samdigi.procurement import replanning

    participants = list(tender.participants.all())
    steps = {s.key: s.date for s in tender.steps.all()}
    award_info = None
    contracts = ()
    decisions = list(tender.award_decisions.all())
    awards = tuple(
        ocds.AwardInfo(
            supplier=_vendor(d.vendor),
            value=d.value,
            date=d.decided_on,
            status=d.status,
            id=f"{tender.local_id()}-award-{number}",
            cancelled_on=d.cancelled_on,
        )
        for number, d in enumerate(decisions, start=1)
    )
    bids = list(tender.bids.all())
    if (
        not awards
        and tender.winning_vendor_id
        and (tender.award_decision_on or tender.contract_signed_on)
    ):
        award_info = ocds.AwardInfo(
            supplier=_vendor(tender.winning_vendor),
            value=tender.awarded_value,
            date=tender.award_decision_on or tender.contract_signed_on,
        )
    if awards or award_info:
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
        rationale=replanning.rationale_da(tender),
        tender_start=tender.notice_published_on,
        tender_end=tender.tender_deadline_on or steps.get(StepKey.TENDER_DEADLINE),
        award=award_info,
        awards=awards,
        contracts=contracts,
        electronic_submission=tender.electronic_submission,
        tenderers=tuple(dict.fromkeys(_vendor(b.vendor) for b in bids)),
        number_of_tenderers=len(bids) if bids else None,
        cpv_codes=tuple(c.strip() for c in tender.cpv_codes.split(",") if c.strip()),
        award_criteria=OCDS_CRITERIA.get(decisions[-1].criteria) if decisions else None,
    )


#: The award criteria in OCDS's awardCriteria codelist.
OCDS_CRITERIA = {
    AwardCriteria.BEST_PRICE_QUALITY: "ratedCriteria",
    AwardCriteria.LOWEST_PRICE: "priceOnly",
}


def ocds_queryset():
    return Tender.objects.select_related("owner__municipality", "winning_vendor").prefetch_related(
        "participants__municipality",
        "participants__resulting_contract",
        "steps",
        "bids__vendor",
        "award_decisions__vendor",
    )


def releases_for(tender) -> list[dict]:
    return ocds.build_releases(tender_info(tender), ocds_prefix())


def package_for(releases, uri, published=None) -> dict:
    published = published or timezone.now()
    name = settings.OCDS_PUBLISHER_NAME
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


def gap_text(gap) -> str:
    """Why a contract cannot reach the common date although it has options, in the user's
    language (opportunities.MemberGap)."""
    return _(
        "the decision date %(decision)s for its next option has passed, so it cannot be "
        "extended: it ends %(end)s and leaves a gap of %(days)s days until the joint contract "
        "starts %(start)s"
    ) % {
        "decision": _d(gap.option_decision),
        "end": _d(gap.current_end),
        "days": gap.gap_days,
        "start": _d(gap.joint_start),
    }


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
    if code == opportunities.OPTION_DECISION_PASSED:
        if reason.gap is not None:
            why = gap_text(reason.gap)
            return _("cannot reach the group's date %(target)s: %(why)s") % {**values, "why": why}
        return (
            _(
                "the decision date %(day)s for its next option has passed: its options can no "
                "longer be used"
            )
            % values
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
