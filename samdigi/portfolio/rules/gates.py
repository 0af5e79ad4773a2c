"""The gate rules of the project model: which documents a gate needs, and which moves are allowed.

A project moves from one phase to a later one only through an approved gate decision. A gate may
jump over phases only when every phase it jumps over may be skipped (Anskaffelse when nothing is
bought). The documents required at the gate into a phase must all be present before the gate can
be requested; the list of missing ones is returned in the order the project model names them.

The steering committee's workflow: a pending request goes on the agenda of a meeting of the
association that owns the project, held on or after the day it was requested; a new meeting picks up
every pending request that is on no agenda or on the agenda of a meeting already held. A decision is
dated on or after the request and on or after the meeting it is taken at.

A project model is a sequence of phases with unique codes; the phase that closes a project comes
last; a phase that projects are in, or that gate records name, cannot be removed.

Pure module: no Django, plain values in, plain values out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "APPROVING_OUTCOMES",
    "Outcome",
    "PhaseSpec",
    "PhaseStep",
    "agenda_problem",
    "decision_date_problem",
    "missing_documents",
    "moves_phase",
    "phase_removal_problem",
    "phase_sequence_problem",
    "picked_up_by_new_meeting",
    "transition_problem",
]


class Outcome(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    POSTPONED = "postponed"
    REJECTED = "rejected"


APPROVING_OUTCOMES = frozenset({Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS})


def moves_phase(outcome: Outcome | str) -> bool:
    """True when a decision with this outcome moves the project into the requested phase."""
    return Outcome(outcome) in APPROVING_OUTCOMES


def missing_documents(required: Iterable[str], present: Iterable[str]) -> list[str]:
    """The required document kinds that are not present, in the order they are required."""
    have = set(present)
    missing: list[str] = []
    for kind in required:
        if kind not in have and kind not in missing:
            missing.append(kind)
    return missing


@dataclass(frozen=True)
class PhaseStep:
    """A phase of a project model as the rules see it."""

    order: int
    skippable: bool = False


def transition_problem(
    current: PhaseStep, target: PhaseStep, phases: Sequence[PhaseStep]
) -> str | None:
    """Why a gate from `current` into `target` is not allowed (a stable code), or None.

    Codes: "not_forward" when the target is not after the current phase; "skips_required" when a
    phase between them may not be skipped.
    """
    if target.order <= current.order:
        return "not_forward"
    between = [p for p in phases if current.order < p.order < target.order]
    if any(not p.skippable for p in between):
        return "skips_required"
    return None


# --- the steering committee's agenda and decisions ---------------------------------------------


def agenda_problem(
    *,
    pending: bool,
    same_association: bool,
    requested_on: date,
    meeting_date: date,
) -> str | None:
    """Why a gate request cannot go on a meeting's agenda (a stable code), or None.

    Codes: "not_pending" (decided or withdrawn); "other_association" (the meeting is not the
    owning association's steering committee); "meeting_before_request" (a meeting held before the
    request could not have discussed it).
    """
    if not pending:
        return "not_pending"
    if not same_association:
        return "other_association"
    if meeting_date < requested_on:
        return "meeting_before_request"
    return None


def picked_up_by_new_meeting(
    *,
    requested_on: date,
    current_meeting_date: date | None,
    new_meeting_date: date,
    today: date,
) -> bool:
    """Whether a pending request moves onto a newly created meeting's agenda: when it is on no
    agenda, or on that of a meeting already held (before today and before the new one) that did
    not decide it; never onto a meeting held before the request."""
    if new_meeting_date < requested_on:
        return False
    if current_meeting_date is None:
        return True
    return current_meeting_date < today and current_meeting_date < new_meeting_date


def decision_date_problem(
    decided_on: date, requested_on: date | None, meeting_date: date | None
) -> str | None:
    """Why a decision cannot carry this date (a stable code), or None.

    Codes: "before_request" (dated before the request it answers); "before_meeting" (dated before
    the meeting it was taken at).
    """
    if requested_on is not None and decided_on < requested_on:
        return "before_request"
    if meeting_date is not None and decided_on < meeting_date:
        return "before_meeting"
    return None


# --- editing a project model ---------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseSpec:
    """A phase of a project model as its editor describes it, in order."""

    code: str
    closes_project: bool = False


def phase_sequence_problem(phases: Sequence[PhaseSpec]) -> str | None:
    """Why this sequence of phases is not a usable project model (a stable code), or None.

    Codes: "empty" (a model needs a phase to start in); "duplicate_code"; "closing_not_last"
    (nothing follows the phase that closes a project).
    """
    if not phases:
        return "empty"
    codes = [p.code for p in phases]
    if len(set(codes)) != len(codes):
        return "duplicate_code"
    if any(p.closes_project for p in phases[:-1]):
        return "closing_not_last"
    return None


def phase_removal_problem(*, projects_in_phase: int, gate_records: int) -> str | None:
    """Why a phase cannot be removed from a model in use (a stable code), or None.

    Codes: "has_projects" (projects are in it: they would lose their phase); "has_records" (gate
    requests or decisions name it, and they are kept for the record).
    """
    if projects_in_phase:
        return "has_projects"
    if gate_records:
        return "has_records"
    return None
