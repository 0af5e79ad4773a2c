"""Risk scoring: probability 1-5 × consequence 1-5 = score 1-25, its level, and a heat map.

Bands (a score is the product, so only 1-6, 8-10, 12, 15, 16, 20 and 25 occur):
  low       1-4    at most a 2 × 2 risk, or 4 × 1 / 1 × 4: watch it
  medium    5-9    up to 3 × 3; includes the "certain but trivial" 5 × 1 and the "rare but
                   severe" 1 × 5, which deserve an owner but not the steering committee's time
  high      10-16  up to 4 × 4; includes 2 × 5 and 5 × 2: needs a response plan
  critical  17-25  in practice 20 (4 × 5, 5 × 4) and 25: for the steering committee
The cut points sit between products that actually occur, so no band edge is arbitrary within a
gap; scores 11, 13, 14 and 17-19 cannot arise from a product but still map to a band, so that a
score stored elsewhere never crashes the display.

Pure module: no Django, plain values and dataclasses in, plain values out.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

__all__ = [
    "MAX_RATING",
    "MIN_RATING",
    "RiskLevel",
    "heat_map",
    "level_for_score",
    "level_matrix",
    "risk_level",
    "score",
]

MIN_RATING = 1
MAX_RATING = 5
MIN_SCORE = MIN_RATING * MIN_RATING
MAX_SCORE = MAX_RATING * MAX_RATING


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


# (highest score in the band, level), checked in order.
_BANDS: tuple[tuple[int, RiskLevel], ...] = (
    (4, RiskLevel.LOW),
    (9, RiskLevel.MEDIUM),
    (16, RiskLevel.HIGH),
    (MAX_SCORE, RiskLevel.CRITICAL),
)


def _rating(value: int, name: str) -> int:
    # bool is an int in Python; True × True = 1 would be a silent nonsense score.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number from 1 to 5, got {value!r}")
    if not MIN_RATING <= value <= MAX_RATING:
        raise ValueError(f"{name} must be from 1 to 5, got {value}")
    return value


def score(probability: int, consequence: int) -> int:
    """Probability × consequence, both validated to be whole numbers from 1 to 5."""
    return _rating(probability, "probability") * _rating(consequence, "consequence")


def level_for_score(risk_score: int) -> RiskLevel:
    """The level band of a score from 1 to 25 (see the module docstring for the bands)."""
    if isinstance(risk_score, bool) or not isinstance(risk_score, int):
        raise TypeError(f"risk score must be a whole number from 1 to 25, got {risk_score!r}")
    if not MIN_SCORE <= risk_score <= MAX_SCORE:
        raise ValueError(f"risk score must be from 1 to 25, got {risk_score}")
    for highest, level in _BANDS:
        if risk_score <= highest:
            return level
    raise AssertionError("unreachable: the last band ends at the maximum score")


def risk_level(probability: int, consequence: int) -> RiskLevel:
    """The level of a probability/consequence pair."""
    return level_for_score(score(probability, consequence))


def heat_map(assessments: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Count risks per cell: a 5 × 5 matrix indexed [probability - 1][consequence - 1].

    Row 0 is probability 1; a display that puts the most probable row on top reverses the rows.
    Every pair is validated, and the error names its position, so one bad risk cannot silently
    vanish from the map.
    """
    matrix = [[0] * MAX_RATING for _ in range(MAX_RATING)]
    for index, pair in enumerate(assessments):
        try:
            probability, consequence = pair
            score(probability, consequence)
        except (TypeError, ValueError) as error:
            raise type(error)(f"risk {index}: {error}") from error
        matrix[probability - 1][consequence - 1] += 1
    return matrix


def level_matrix() -> list[list[RiskLevel]]:
    """The level of every cell, in the same orientation as `heat_map`, to colour the map."""
    return [
        [risk_level(p, c) for c in range(MIN_RATING, MAX_RATING + 1)]
        for p in range(MIN_RATING, MAX_RATING + 1)
    ]
