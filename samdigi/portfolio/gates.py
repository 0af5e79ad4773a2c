"""The gate rules of the project model: which documents a gate needs, and which moves are allowed.

A project moves from one phase to a later one only through an approved gate decision. A gate may
jump over phases only when every phase it jumps over may be skipped (Anskaffelse when nothing is
bought). The documents required at the gate into a phase must all be present before the gate can
be requested; the list of missing ones is returned in the order the project model names them.

Pure module: no Django, plain values in, plain values out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "APPROVING_OUTCOMES",
    "Outcome",
    "PhaseStep",
    "missing_documents",
    "moves_phase",
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
