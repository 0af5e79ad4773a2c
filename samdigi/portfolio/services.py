"""The ORM side of the portfolio rules: load rows, call the pure modules, store the results.

Gate flow: `request_gate` refuses a request while required documents are missing (with the list);
`record_decision` is the only code that moves a project's phase and sets its baseline, and only
for an approving outcome.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from samdigi.core.models import Attachment
from samdigi.organizations.models import PopulationFigure
from samdigi.portfolio.models import (
    BusinessCase,
    DocumentKind,
    GateDecision,
    GateRequest,
    GateRequirement,
    Participant,
    Phase,
    Project,
)
from samdigi.portfolio.rules import business_case as bc
from samdigi.portfolio.rules import cost_sharing, gantt, gates
from samdigi.portfolio.rules import risk as risk_rules
from samdigi.portfolio.rules import status as status_rules


class GateBlocked(Exception):
    """A gate request or decision that the rules refuse; `missing` lists missing documents,
    `field` names the input at fault when there is one."""

    def __init__(self, message, missing=(), field=None):
        super().__init__(message)
        self.message = message
        self.missing = list(missing)
        self.field = field


# --- documents and gates --------------------------------------------------------------------


def present_documents(project) -> set[str]:
    """The document kinds a project has: uploaded documents by their kind, and the registers kept
    in samdigi itself (a business case version, a risk log, a benefit realisation plan)."""
    kinds = set(
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(Project), object_id=str(project.pk)
        ).values_list("kind", flat=True)
    )
    if project.business_cases.exists():
        kinds.add(DocumentKind.BUSINESS_CASE)
    if project.risks.exists():
        kinds.add(DocumentKind.RISK_LOG)
    if project.benefits.exists():
        kinds.add(DocumentKind.BENEFIT_PLAN)
    return kinds


def missing_documents(project, to_phase) -> list[str]:
    """The labels of the documents required at the gate into `to_phase` that the project lacks."""
    missing = gates.missing_documents(to_phase.required_documents(), present_documents(project))
    return [str(DocumentKind(kind).label) for kind in missing]


def next_phases(project):
    """The phases a gate from the current phase may lead into (the next one, or past skippable
    ones)."""
    phases = list(project.project_model.phases.order_by("order"))
    current = project.phase
    steps = [gates.PhaseStep(p.order, p.skippable) for p in phases]
    return [
        phase
        for phase, step in zip(phases, steps, strict=True)
        if current is None
        or gates.transition_problem(gates.PhaseStep(current.order, current.skippable), step, steps)
        is None
    ]


def _check_transition(project, to_phase):
    if to_phase.project_model_id != project.project_model_id:
        raise GateBlocked(_("The phase belongs to another project model."))
    if to_phase not in next_phases(project):
        raise GateBlocked(
            _("%(phase)s cannot follow %(current)s in the project model.")
            % {"phase": to_phase, "current": project.phase}
        )


def request_gate(project, to_phase, user, **fields) -> GateRequest:
    """Ask for the gate into `to_phase`; refused with the list of missing required documents."""
    _check_transition(project, to_phase)
    missing = missing_documents(project, to_phase)
    if missing:
        raise GateBlocked(
            _("The gate into %(phase)s needs these documents first: %(documents)s.")
            % {"phase": to_phase, "documents": ", ".join(missing)},
            missing,
        )
    if project.gate_requests.filter(status=GateRequest.Status.PENDING).exists():
        raise GateBlocked(_("The project already has a pending gate request."))
    return GateRequest.objects.create(
        project=project,
        from_phase=project.phase,
        to_phase=to_phase,
        requested_by=user,
        created_by=user,
        updated_by=user,
        **fields,
    )


@transaction.atomic
def record_decision(
    project,
    to_phase,
    outcome,
    user,
    *,
    request=None,
    decided_on=None,
    conditions="",
    decision_body="",
    meeting=None,
    baseline_budget=None,
    baseline_end=None,
    baseline_benefits="",
    business_case=None,
) -> GateDecision:
    """Record a gate decision. An approving one moves the project into `to_phase`, sets the
    baseline it approves and freezes the approved business case; any other changes nothing on the
    project. The caller checks that the user may decide (models.can_decide)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_transition(project, to_phase)
    decided_on = decided_on or timezone.localdate()
    problem = decision_date_problem(decided_on, request, meeting)
    if problem:
        raise GateBlocked(problem, field="decided_on")
    approving = gates.moves_phase(outcome)
    if approving:
        missing = missing_documents(project, to_phase)
        if missing:
            raise GateBlocked(
                _("The gate into %(phase)s needs these documents first: %(documents)s.")
                % {"phase": to_phase, "documents": ", ".join(missing)},
                missing,
            )
        if (
            business_case is None
            and DocumentKind.BUSINESS_CASE in to_phase.required_documents()
            and project.business_cases.exists()
        ):
            business_case = project.business_cases.order_by("-number").first()
    decision = GateDecision.objects.create(
        project=project,
        request=request,
        from_phase=project.phase,
        to_phase=to_phase,
        outcome=outcome,
        decided_on=decided_on,
        decided_by=user,
        decision_body=decision_body,
        conditions=conditions,
        meeting=meeting,
        baseline_budget=baseline_budget,
        baseline_end=baseline_end,
        baseline_benefits=baseline_benefits,
        business_case=business_case if approving else None,
        created_by=user,
        updated_by=user,
    )
    if request is not None:
        request.status = (
            GateRequest.Status.PENDING
            if outcome == GateDecision.Outcome.POSTPONED
            else GateRequest.Status.DECIDED
        )
        if outcome == GateDecision.Outcome.POSTPONED:
            request.meeting = None  # back to the next meeting's agenda
        request.save()
    if approving:
        project.phase = to_phase
        if baseline_budget is not None:
            project.baseline_budget = baseline_budget
        if baseline_end is not None:
            project.baseline_end = baseline_end
        if baseline_benefits:
            project.baseline_benefits = baseline_benefits
        project.save_if_current(project.version, user=user)
        if business_case is not None and not business_case.frozen:
            business_case.frozen = True
            business_case.save()
    return decision


def decision_date_problem(decided_on, request=None, meeting=None) -> str | None:
    """The message when a decision may not carry this date (gates.decision_date_problem)."""
    code = gates.decision_date_problem(
        decided_on,
        request.requested_on if request is not None else None,
        meeting.date if meeting is not None else None,
    )
    if code == "before_request":
        return _(
            "A decision cannot be dated before the request it answers (requested on %(date)s)."
        ) % {"date": formats.date_format(request.requested_on, "SHORT_DATE_FORMAT")}
    if code == "before_meeting":
        return _(
            "A decision cannot be dated before the meeting it was taken at (held on %(date)s)."
        ) % {"date": formats.date_format(meeting.date, "SHORT_DATE_FORMAT")}
    return None


# --- the steering committee's agenda ----------------------------------------------------------


def agenda_problem(gate, meeting) -> str | None:
    """The message when this gate request cannot go on this meeting's agenda, or None."""
    code = gates.agenda_problem(
        pending=gate.status == GateRequest.Status.PENDING,
        same_association=gate.project.is_joint and gate.project.owner_id == meeting.owner_id,
        requested_on=gate.requested_on,
        meeting_date=meeting.date,
    )
    messages = {
        "not_pending": _("Only a pending gate request can be put on an agenda."),
        "other_association": _(
            "The meeting is not held by the steering committee of the association that owns the "
            "project."
        ),
        "meeting_before_request": _(
            "The meeting (%(meeting)s) is held before the gate was requested (%(requested)s)."
        ),
    }
    if code is None:
        return None
    return messages[code] % {
        "meeting": formats.date_format(meeting.date, "SHORT_DATE_FORMAT"),
        "requested": formats.date_format(gate.requested_on, "SHORT_DATE_FORMAT"),
    }


def put_on_agenda(gate, meeting, user) -> GateRequest:
    """Put a pending gate request on a meeting's agenda (moving it off any other agenda)."""
    problem = agenda_problem(gate, meeting)
    if problem:
        raise GateBlocked(problem, field="meeting")
    gate.meeting = meeting
    gate.save_if_current(gate.version, user=user)
    return gate


def build_agenda(meeting, user=None) -> int:
    """A new meeting picks up the association's pending gate requests that are on no agenda, or
    on the agenda of a meeting already held that did not decide them."""
    today = timezone.localdate()
    candidates = GateRequest.objects.filter(
        status=GateRequest.Status.PENDING,
        project__kind=Project.Kind.JOINT,
        project__owner_id=meeting.owner_id,
    ).select_related("meeting")
    picked = [
        gate
        for gate in candidates
        if gate.meeting_id != meeting.pk
        and gates.picked_up_by_new_meeting(
            requested_on=gate.requested_on,
            current_meeting_date=gate.meeting.date if gate.meeting else None,
            new_meeting_date=meeting.date,
            today=today,
        )
    ]
    for gate in picked:
        gate.meeting = meeting
        gate.save_if_current(gate.version, user=user)
    return len(picked)


# --- editing a project model ------------------------------------------------------------------

SEQUENCE_MESSAGES = {
    "empty": ("phases", gettext_noop("A project model needs at least one phase.")),
    "duplicate_code": (
        "code",
        gettext_noop("The project model already has a phase with this code."),
    ),
    "closing_not_last": (
        "closes_project",
        gettext_noop("The phase that closes a project must be the last phase of the model."),
    ),
}


def _sequence_message(code):
    field_name, message = SEQUENCE_MESSAGES[code]
    return field_name, _(message)


def phase_sequence_problem(others, changed=None):
    """(field, message) when the model's phases, with `changed` = (order, code, closes_project)
    put in among `others`, would not make a usable model; else None."""
    rows = [(p.order, p.code, p.closes_project) for p in others]
    if changed is not None:
        rows.append(changed)
    rows.sort(key=lambda row: row[0])
    code = gates.phase_sequence_problem(
        [gates.PhaseSpec(code, closes) for _order, code, closes in rows]
    )
    return _sequence_message(code) if code else None


def phase_removal_problem(phase) -> str | None:
    """The message when a phase cannot be removed because the model is in use, or None."""
    projects = phase.projects.count()
    records = (
        GateRequest.objects.filter(Q(to_phase=phase) | Q(from_phase=phase)).count()
        + GateDecision.objects.filter(Q(to_phase=phase) | Q(from_phase=phase)).count()
    )
    code = gates.phase_removal_problem(projects_in_phase=projects, gate_records=records)
    if code == "has_projects":
        return ngettext(
            "%(count)s project is in the phase %(phase)s; it cannot be removed until the project "
            "has moved on.",
            "%(count)s projects are in the phase %(phase)s; it cannot be removed until they have "
            "moved on.",
            projects,
        ) % {"count": projects, "phase": phase.label}
    if code == "has_records":
        return _(
            "Gate requests or decisions name the phase %(phase)s; it is kept for the record. "
            "Rename it instead."
        ) % {"phase": phase.label}
    return None


def set_required_documents(phase, kinds) -> None:
    """The documents the gate into `phase` requires: exactly `kinds`."""
    kinds = list(dict.fromkeys(kinds))
    phase.requirements.exclude(document__in=kinds).delete()
    have = set(phase.requirements.values_list("document", flat=True))
    GateRequirement.objects.bulk_create(
        GateRequirement(phase=phase, document=kind) for kind in kinds if kind not in have
    )


def _renumber(model, ordered_ids) -> None:
    # Two passes: the (model, order) pairs are unique, so the new positions are reached through
    # positions no phase holds.
    offset = max(model.phases.aggregate(top=Max("order"))["top"] or 0, len(ordered_ids)) + 1
    for position, pk in enumerate(ordered_ids, 1):
        Phase.objects.filter(pk=pk).update(order=offset + position)
    for position, pk in enumerate(ordered_ids, 1):
        Phase.objects.filter(pk=pk).update(order=position, version=F("version") + 1)


@transaction.atomic
def reorder_phases(model, codes) -> None:
    """Put the model's phases in the order of `codes` (every phase named once)."""
    phases = {p.code: p for p in model.phases.select_for_update()}
    if sorted(codes) != sorted(phases) or len(set(codes)) != len(codes):
        raise PhaseModelError(
            "phases", _("Name every phase of the model exactly once, in the new order.")
        )
    problem = phase_sequence_problem(
        [
            Phase(order=i, code=c, closes_project=phases[c].closes_project)
            for i, c in enumerate(codes)
        ]
    )
    if problem:
        raise PhaseModelError("phases", problem[1])
    _renumber(model, [phases[code].pk for code in codes])


def move_phase(phase, step: int) -> None:
    """Move a phase one place earlier (-1) or later (+1) in its model."""
    codes = list(phase.project_model.phases.order_by("order").values_list("code", flat=True))
    index = codes.index(phase.code)
    other = index + step
    if not 0 <= other < len(codes):
        return
    codes[index], codes[other] = codes[other], codes[index]
    reorder_phases(phase.project_model, codes)


class PhaseModelError(Exception):
    """A change of a project model's phases that the rules refuse, naming the field."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


@transaction.atomic
def replace_phases(model, specs, user) -> None:
    """Make the model's phases exactly `specs` (dicts: code, name, skippable, closes_project,
    required_documents), in that order. Phases are matched by code: kept ones are renamed and
    reconfigured, new ones created; a phase left out is removed, which is refused while the model
    is in use in it (projects in the phase, gate records naming it)."""
    existing = {p.code: p for p in model.phases.select_for_update()}
    code = gates.phase_sequence_problem(
        [gates.PhaseSpec(s["code"], bool(s.get("closes_project"))) for s in specs]
    )
    if code:
        raise PhaseModelError("phases", _sequence_message(code)[1])
    wanted = {s["code"] for s in specs}
    for phase in existing.values():
        if phase.code not in wanted:
            problem = phase_removal_problem(phase)
            if problem:
                raise PhaseModelError("phases", problem)
    for phase in existing.values():
        if phase.code not in wanted:
            phase.delete()
    top = max((p.order for p in existing.values()), default=0) + len(specs) + 1
    ordered = []
    for position, spec in enumerate(specs, 1):
        phase = existing.get(spec["code"])
        fields = {
            "name": spec["name"],
            "skippable": bool(spec.get("skippable")),
            "closes_project": bool(spec.get("closes_project")),
        }
        if phase is None:
            phase = Phase.objects.create(
                project_model=model,
                code=spec["code"],
                order=top + position,
                created_by=user,
                updated_by=user,
                **fields,
            )
        else:
            for key, value in fields.items():
                setattr(phase, key, value)
            phase.save_if_current(phase.version, user=user)
        set_required_documents(phase, spec.get("required_documents") or [])
        ordered.append(phase.pk)
    _renumber(model, ordered)


# --- participants ---------------------------------------------------------------------------


@transaction.atomic
def invite_all_members(project, user) -> list[Participant]:
    """Invite every current member municipality of the owning association that does not take
    part yet (whatever its status: one that declined or left is not invited again here)."""
    from samdigi.organizations.models import AssociationMember

    taking_part = set(project.participants.values_list("municipality_id", flat=True))
    members = (
        AssociationMember.objects.current()
        .filter(association_id=project.owner_id)
        .exclude(municipality_id__in=taking_part)
        .order_by("municipality__code")
        .values_list("municipality_id", flat=True)
        .distinct()
    )
    return Participant.objects.bulk_create(
        Participant(
            project=project,
            municipality_id=municipality_id,
            status=Participant.Status.INVITED,
            created_by=user,
            updated_by=user,
        )
        for municipality_id in members
    )


def answer_participation(participant, joined: bool, user) -> Participant:
    participant.status = Participant.Status.JOINED if joined else Participant.Status.DECLINED
    participant.responded_on = timezone.localdate()
    participant.responded_by = user
    participant.save_if_current(participant.version, user=user)
    return participant


# --- cost sharing ---------------------------------------------------------------------------


def populations_by_day(municipalities, days) -> dict[datetime.date, dict[int, int]]:
    """Each municipality's population in force on each of `days`, in one query; the current
    figure where no dated figure is that old."""
    municipalities = list(municipalities)
    days = set(days)
    if not days:
        return {}
    figures = defaultdict(list)  # municipality id → [(date, population)], newest first
    for municipality_id, date, population in (
        PopulationFigure.objects.filter(
            municipality_id__in=[m.pk for m in municipalities], date__lte=max(days)
        )
        .order_by("municipality_id", "-date")
        .values_list("municipality_id", "date", "population")
    ):
        figures[municipality_id].append((date, population))
    result = {}
    for day in days:
        in_force = {m.pk: m.population for m in municipalities}
        for municipality_id, dated in figures.items():
            in_force[municipality_id] = next(
                (population for date, population in dated if date <= day),
                in_force[municipality_id],
            )
        result[day] = in_force
    return result


def populations_on(municipalities, day: datetime.date) -> dict[int, int]:
    """Each municipality's population in force on `day` (one query)."""
    return populations_by_day(municipalities, [day])[day]


def joined_participants(project) -> list:
    return [p for p in project.participants.all() if p.status == Participant.Status.JOINED]


def population_day(project) -> datetime.date:
    return project.population_date or timezone.localdate()


def sharing_participants(joined, populations) -> list:
    """The pure cost-sharing module's participants for a project's joined municipalities."""
    return [
        cost_sharing.Participant(
            municipality_code=p.municipality.code,
            population=populations.get(p.municipality_id, p.municipality.population),
            agreed_percentage=p.agreed_percentage,
        )
        for p in joined
    ]


@dataclass
class CostShares:
    total: Decimal = Decimal("0.00")
    shares: list[dict] = field(default_factory=list)  # municipality_code, name, year, amount
    by_municipality: dict[str, Decimal] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    error: str = ""

    def table(self):
        """Rows per municipality with the amount of each year and the total, for the page."""
        grid = defaultdict(dict)
        for share in self.shares:
            grid[share["municipality_code"]][share["year"]] = share["amount"]
        return [
            {
                "code": code,
                "name": self.names.get(code, code),
                "amounts": [grid[code].get(year, Decimal("0.00")) for year in self.years],
                "total": total,
            }
            for code, total in self.by_municipality.items()
        ]


def cost_shares(project, populations: dict[int, int] | None = None) -> CostShares:
    """Each joined participant's share of every cost line, per year, in whole øre.

    Uses prefetched `participants` and `cost_lines` when present. Every line is split on its own
    with the largest remainder method, so each line's shares add up exactly to the line.
    """
    joined = joined_participants(project)
    lines = list(project.cost_lines.all())
    result = CostShares()
    result.total = cost_sharing.from_ore(sum(cost_sharing.to_ore(line.amount) for line in lines))
    result.years = sorted({line.year for line in lines})
    if not joined:
        return result
    if populations is None:
        populations = populations_on([p.municipality for p in joined], population_day(project))
    participants = sharing_participants(joined, populations)
    result.names = {p.municipality.code: p.municipality.name for p in joined}
    per_year: dict[tuple[str, int], int] = defaultdict(int)
    totals = dict.fromkeys(sorted(result.names, key=cost_sharing.code_sort_key), 0)
    try:
        for line in lines:
            for code, ore in cost_sharing.split_cost_ore(
                line.amount, participants, project.cost_key
            ).items():
                per_year[(code, line.year)] += ore
                totals[code] += ore
    except (TypeError, ValueError) as error:
        result.error = sharing_error_text(error, result.names)
        return result
    result.shares = [
        {
            "municipality_code": code,
            "municipality_name": result.names[code],
            "year": year,
            "amount": cost_sharing.from_ore(per_year[(code, year)]),
        }
        for code in totals
        for year in result.years
    ]
    result.by_municipality = {code: cost_sharing.from_ore(ore) for code, ore in totals.items()}
    return result


# --- business case --------------------------------------------------------------------------


def business_case_summary(case: BusinessCase):
    """The key figures of a business case version, and per joined participant for a joint one."""
    lines = case.year_lines()
    summary = bc.summarize(lines, case.discount_rate, case.start_year)
    per_participant = {}
    error = ""
    project = case.project
    if project.is_joint:
        joined = [
            p
            for p in project.participants.select_related("municipality")
            if p.status == Participant.Status.JOINED
        ]
        if joined:
            populations = populations_on([p.municipality for p in joined], population_day(project))
            participants = sharing_participants(joined, populations)
            names = {p.municipality.code: p.municipality.name for p in joined}
            try:
                per_participant = {
                    names[code]: figures
                    for code, figures in bc.participant_summaries(
                        lines,
                        participants,
                        project.cost_key,
                        case.discount_rate,
                        None,
                        case.start_year,
                    ).items()
                }
            except (TypeError, ValueError) as exc:
                error = sharing_error_text(exc, names)
    return summary, per_participant, error


def sharing_error_text(error, names=None) -> str:
    """Why the costs cannot be split, in the user's language (cost_sharing.SharingError, also
    when wrapped by a cost line or a business-case figure)."""
    cause = error
    while cause is not None and not isinstance(cause, cost_sharing.SharingError):
        cause = cause.__cause__
    if cause is None or not cause.code:
        return _(
            "The costs cannot be split with these figures; check the participants and the key."
        )
    names = names or {}
    if cause.code == "percentage_missing":
        return _("No percentage is agreed for: %(municipalities)s.") % {
            "municipalities": ", ".join(
                names.get(code, code) for code in cause.params["municipalities"]
            )
        }
    if cause.code == "percentages_sum":
        return _("The agreed percentages add up to %(total)s %%, not 100 %%.") % {
            # 90.0000 as the percentages are stored reads "90", 99.5 reads "99,5".
            "total": formats.number_format(f"{cause.params['total'].normalize():f}", use_l10n=True)
        }
    return _("The costs cannot be split by population: the participants' population is zero.")


# --- status ---------------------------------------------------------------------------------


def is_stale(project, latest_report_date, today=None) -> bool:
    return status_rules.is_stale(
        latest_report_date,
        today or timezone.localdate(),
        cadence_months=project.project_model.status_cadence_months,
    )


# --- risks ----------------------------------------------------------------------------------


def heat_map_rows(pairs):
    """A 5 × 5 heat map ready for the template: most probable row on top, with cell levels."""
    counts = risk_rules.heat_map(pairs)
    levels = risk_rules.level_matrix()
    fills = {"low": "#c7e9c0", "medium": "#fff3b0", "high": "#fdae6b", "critical": "#fb6a4a"}
    rows = []
    for probability in range(5, 0, -1):
        cells = []
        for consequence in range(1, 6):
            level = levels[probability - 1][consequence - 1]
            cells.append(
                {
                    "count": counts[probability - 1][consequence - 1],
                    "level": level.value,
                    "fill": fills[level.value],
                    "consequence": consequence,
                    "x": 40 + (consequence - 1) * 60,
                    "y": (5 - probability) * 40,
                }
            )
        rows.append({"probability": probability, "cells": cells, "y": (5 - probability) * 40})
    return {"rows": rows, "total": sum(sum(row) for row in counts)}


# --- timeline -------------------------------------------------------------------------------


def project_timeline_rows(project, decisions, milestones, today=None) -> list[gantt.Row]:
    """Phases as bands (from the approving decisions), milestones as points, for one project.
    Rows of dates only: the view lays them out and the template and stylesheet draw them."""
    today = today or timezone.localdate()
    approving = sorted(
        (d for d in decisions if gates.moves_phase(d.outcome)), key=lambda d: (d.decided_on, d.pk)
    )
    start = project.start_date or project.created_at.date()
    end = project.baseline_end or project.planned_end or today
    phases = {p.pk: p for p in Phase.objects.filter(project_model_id=project.project_model_id)}
    first = min(phases.values(), key=lambda p: p.order) if phases else None
    rows = []
    current_start, current_phase = start, (approving[0].from_phase if approving else project.phase)
    current_phase = current_phase or first
    for decision in approving:
        phase = phases.get(current_phase.pk) if current_phase else None
        if phase:
            rows.append(
                gantt.Row(
                    label=phase.label,
                    bands=[
                        gantt.Band(
                            current_start, decision.decided_on, phase.label, phase.order, phase.code
                        )
                    ],
                )
            )
        current_start, current_phase = decision.decided_on, phases.get(decision.to_phase_id)
    if current_phase and not current_phase.closes_project:
        rows.append(
            gantt.Row(
                label=current_phase.label,
                bands=[
                    gantt.Band(
                        current_start,
                        max(end, current_start),
                        current_phase.label,
                        current_phase.order,
                        current_phase.code,
                    )
                ],
            )
        )
    milestone_row = gantt.Row(
        label=_("Milestones"),
        points=[gantt.Point(m.due, m.title, bool(m.done_on)) for m in milestones],
    )
    rows.append(milestone_row)
    return rows


def portfolio_timeline_rows(projects) -> list[gantt.Row]:
    """One row per project: a band from start to planned end, marked with its phase."""
    rows = []
    for project in projects:
        start = project.start_date or project.created_at.date()
        end = project.baseline_end or project.planned_end or start
        phase = project.phase
        rows.append(
            gantt.Row(
                label=project.title,
                url=project.get_absolute_url(),
                bands=[
                    gantt.Band(
                        start,
                        max(start, end),
                        phase.label if phase else "",
                        phase.order if phase else 0,
                        phase.code if phase else "",
                    )
                ],
                points=[
                    gantt.Point(m.due, m.title, bool(m.done_on)) for m in project.milestones.all()
                ],
            )
        )
    return rows
