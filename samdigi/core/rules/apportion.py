"""Splitting a whole number of units (øre) in proportion to weights: the largest remainder method.

The one split for every app: a joint project's cost lines between municipalities
(portfolio/rules/cost_sharing.py) and a joint tender's awarded value between its participants
(procurement's award). Everyone first gets the floor of their exact quota; the few units left over
(fewer than the number of positive weights) go one each to the largest remainders (Hare–Niemeyer),
so the shares always add up exactly to the total. Ties go by ``tie_key``, by default the order of
the weights, so the result never depends on hash order.

Exact integer arithmetic throughout: a rounded weight or quota could flip which participant gets
the last øre. Pure: plain values in and out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

__all__ = ["largest_remainder"]

K = TypeVar("K", bound=Hashable)


def largest_remainder(
    total: int,
    weights: Mapping[K, int | Fraction | Decimal],
    tie_key: Callable[[K], Any] | None = None,
) -> dict[K, int]:
    """Allocate ``total`` (>= 0) whole units in proportion to ``weights``, in the weights' order.

    A zero weight never receives a unit: the leftover is smaller than the number of positive
    remainders. Negative totals are refused rather than floored (flooring a negative quota would
    move the leftover to other participants); negate around the call instead.
    """
    if total < 0:
        raise ValueError("largest_remainder needs a non-negative total; negate around it")
    if any(weight < 0 for weight in weights.values()):
        raise ValueError("weights must not be negative")
    # Scale every weight to a common denominator, so each quota is total × w / W with integers:
    # the same result as Fractions, about ten times faster. Populations are integers already.
    integer_weights: dict[K, int]
    if all(type(weight) is int for weight in weights.values()):
        integer_weights = {key: int(weight) for key, weight in weights.items()}
    else:
        fractions = {key: Fraction(weight) for key, weight in weights.items()}
        denominator = math.lcm(*(f.denominator for f in fractions.values())) if fractions else 1
        integer_weights = {
            key: f.numerator * (denominator // f.denominator) for key, f in fractions.items()
        }
    total_weight = sum(integer_weights.values())
    if total_weight <= 0:
        raise ValueError("the weights sum to zero; there is nothing to split in proportion to")
    floors: dict[K, int] = {}
    remainders: dict[K, int] = {}
    for key, weight in integer_weights.items():
        floors[key], remainders[key] = divmod(total * weight, total_weight)
    leftover = total - sum(floors.values())
    if leftover:
        position = {key: index for index, key in enumerate(integer_weights)}
        order: Callable[[K], Any] = tie_key or position.__getitem__
        ranked = sorted(integer_weights, key=lambda key: (-remainders[key], order(key)))
        for key in ranked[:leftover]:
            floors[key] += 1
    return floors
