"""Split a joint project's cost between the participating municipalities.

A joint cost must be invoiced in whole øre and the invoices must add up to exactly the cost,
otherwise someone pays for a rounding difference that nobody agreed to. So every split is done in
integer øre with the largest remainder method (Hare–Niemeyer): everyone first gets the floor of
their exact quota, and the few øre left over go one each to the largest remainders. Ties go to the
lower municipality code, so the result never depends on the order the participants come in.

Pure module: no Django, plain values and dataclasses in, plain values out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from samdigi.core.rules import apportion

__all__ = [
    "CostLine",
    "Participant",
    "SharingKey",
    "code_sort_key",
    "exact_quotas",
    "from_ore",
    "largest_remainder",
    "split_cost",
    "split_cost_ore",
    "split_costs",
    "to_ore",
    "weights",
]

ONE_HUNDRED = Decimal(100)
_ORE_PER_KRONE = 100


class SharingError(ValueError):
    """A split the participants' data does not allow (not a programming error): ``code`` and
    ``params`` let the caller say it in the user's language."""

    def __init__(self, message: str, code: str = "", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class SharingKey(StrEnum):
    """The cost-sharing keys (fordelingsnøgler) the association uses."""

    POPULATION = "population"
    EQUAL = "equal"
    AGREED = "agreed"


@dataclass(frozen=True)
class Participant:
    """A municipality taking part in a joint cost.

    `population` is only read by the population key and `agreed_percentage` only by the agreed key,
    so a caller can build one list of participants and try every key on it.
    """

    municipality_code: str
    population: int = 0
    agreed_percentage: Decimal | None = None


@dataclass(frozen=True)
class CostLine:
    """One amount to split, e.g. one invoice or one budget line.

    `participants` overrides the split's default participants for this line only, for a cost that
    concerns a subset of the project's municipalities.
    """

    amount: Decimal
    key: SharingKey | str = SharingKey.POPULATION
    description: str = ""
    participants: tuple[Participant, ...] | None = None


def code_sort_key(code: str) -> tuple[int, int, str]:
    """Order municipality codes numerically, so "99" sorts before "101" should one ever appear.

    All official codes have three digits, where numeric and text order agree; non-numeric codes
    (test data, typos) sort after the numeric ones rather than crash.
    """
    if code.isdigit():
        return (0, int(code), code)
    return (1, 0, code)


def to_ore(amount: Decimal | int) -> int:
    """Kroner to integer øre, refusing anything that is not a whole number of øre.

    Floats are refused because 0.1 kr. is not exactly representable as a float; silently rounding
    a sub-øre amount would hide an upstream bug, so that is refused too.
    """
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"amount must be a Decimal or int, got {type(amount).__name__}")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"amount must be a finite number, got {value}")
    ore = value * _ORE_PER_KRONE
    if ore != ore.to_integral_value():
        raise ValueError(f"amount {value} has more than 2 decimals; it must be whole øre")
    return int(ore)


def from_ore(ore: int) -> Decimal:
    """Integer øre to kroner with exactly two decimals (so 100 øre prints as 1.00, not 1)."""
    return (Decimal(ore) / _ORE_PER_KRONE).quantize(Decimal("0.01"))


def _as_key(key: SharingKey | str) -> SharingKey:
    try:
        return SharingKey(key)
    except ValueError:
        allowed = ", ".join(repr(k.value) for k in SharingKey)
        raise ValueError(f"unknown cost-sharing key {key!r}; expected one of {allowed}") from None


def _check_participants(participants: Sequence[Participant]) -> None:
    if not participants:
        raise ValueError("cannot split a cost between no participants: the list is empty")
    seen: set[str] = set()
    for participant in participants:
        code = participant.municipality_code
        if not isinstance(code, str):
            raise TypeError(f"municipality code must be a str, got {type(code).__name__}")
        if not code:
            raise ValueError("a participant has an empty municipality code")
        if code in seen:
            raise ValueError(f"municipality {code} takes part twice; each may appear only once")
        seen.add(code)


def weights(
    participants: Sequence[Participant], key: SharingKey | str
) -> dict[str, Fraction | int]:
    """Each participant's exact, non-negative weight under `key` (not normalised).

    Fractions keep the weights exact: the largest remainder method compares remainders, and a
    rounded weight could flip which municipality gets the last øre.
    """
    key = _as_key(key)
    _check_participants(participants)
    if key is SharingKey.EQUAL:
        return {p.municipality_code: Fraction(1) for p in participants}
    if key is SharingKey.POPULATION:
        for p in participants:
            if isinstance(p.population, bool) or not isinstance(p.population, int):
                raise TypeError(
                    f"population of municipality {p.municipality_code} must be an int, "
                    f"got {type(p.population).__name__}"
                )
            if p.population < 0:
                raise ValueError(
                    f"population of municipality {p.municipality_code} is negative ({p.population})"
                )
        if sum(p.population for p in participants) == 0:
            raise SharingError(
                "cannot split by population: the participants' total population is zero",
                "population_zero",
            )
        return {p.municipality_code: p.population for p in participants}
    # Agreed percentages: they are a negotiated contract, so they must be complete and add up to
    # exactly 100 rather than being quietly normalised.
    missing = [p.municipality_code for p in participants if p.agreed_percentage is None]
    if missing:
        missing = sorted(missing, key=code_sort_key)
        raise SharingError(
            "cannot split by agreed percentages: no percentage agreed for municipality "
            + ", ".join(missing),
            "percentage_missing",
            municipalities=tuple(missing),
        )
    total = Decimal(0)
    for p in participants:
        pct = p.agreed_percentage
        if not isinstance(pct, Decimal | int) or isinstance(pct, bool):
            raise TypeError(
                f"agreed percentage of municipality {p.municipality_code} must be a Decimal, "
                f"got {type(pct).__name__}"
            )
        pct = Decimal(pct)
        if not pct.is_finite() or pct < 0:
            raise ValueError(
                f"agreed percentage of municipality {p.municipality_code} must be a finite "
                f"number of at least 0, got {pct}"
            )
        total += pct
    if total != ONE_HUNDRED:
        raise SharingError(
            f"agreed percentages must sum to exactly 100, but they sum to {total}",
            "percentages_sum",
            total=total,
        )
    return {
        # Checked above: every percentage is a number.
        p.municipality_code: Fraction(Decimal(p.agreed_percentage or 0))
        for p in participants
    }


def largest_remainder(
    total_ore: int, shares_by_code: Mapping[str, Fraction | int]
) -> dict[str, int]:
    """Allocate `total_ore` (>= 0) in proportion to the weights, in whole øre.

    The project's one largest remainder split (core/rules/apportion.py), with ties to the lower
    municipality code and the result ordered by municipality code.
    """
    allocation = apportion.largest_remainder(total_ore, shares_by_code, tie_key=code_sort_key)
    return {code: allocation[code] for code in sorted(allocation, key=code_sort_key)}


def exact_quotas(
    total: Decimal | int, participants: Sequence[Participant], key: SharingKey | str
) -> dict[str, Fraction]:
    """The unrounded share of each participant in øre, to explain or check a split."""
    total_ore = to_ore(total)
    weight_by_code = weights(participants, key)
    total_weight = sum(weight_by_code.values(), Fraction(0))
    return {
        code: Fraction(total_ore) * weight / total_weight
        for code, weight in sorted(weight_by_code.items(), key=lambda item: code_sort_key(item[0]))
    }


def split_cost_ore(
    total: Decimal | int, participants: Sequence[Participant], key: SharingKey | str
) -> dict[str, int]:
    """Like `split_cost` but in integer øre."""
    total_ore = to_ore(total)
    weight_by_code = weights(participants, key)
    # A credit (negative total) is split like the matching cost and negated, so a refund of an
    # invoice gives each municipality back exactly what it paid rather than a differently rounded
    # amount (flooring a negative quota would move the leftover øre to other municipalities).
    allocation = largest_remainder(abs(total_ore), weight_by_code)
    if total_ore < 0:
        return {code: -ore for code, ore in allocation.items()}
    return allocation


def split_cost(
    total: Decimal | int, participants: Sequence[Participant], key: SharingKey | str
) -> dict[str, Decimal]:
    """Split `total` kroner between `participants` by `key`; shares add up exactly to `total`.

    Returns municipality code → share in kroner (two decimals), ordered by municipality code.
    A zero total gives everyone 0.00; a negative total (a credit) gives everyone the negation of
    their share of the matching positive cost.
    """
    return {code: from_ore(ore) for code, ore in split_cost_ore(total, participants, key).items()}


def split_costs(
    lines: Iterable[CostLine], participants: Sequence[Participant] = ()
) -> dict[str, Decimal]:
    """Split many cost lines and add up what each municipality pays in total.

    Each line is split on its own, so every line can be checked against its invoice and the
    totals add up exactly to the sum of the lines. A line with its own `participants` is split
    between those only. Every default participant appears in the result (with 0.00 if nothing
    fell to it), ordered by municipality code.
    """
    totals: dict[str, int] = {p.municipality_code: 0 for p in participants}
    for index, line in enumerate(lines):
        line_participants = line.participants if line.participants is not None else participants
        try:
            allocation = split_cost_ore(line.amount, line_participants, line.key)
        except (TypeError, ValueError) as error:
            label = f" ({line.description})" if line.description else ""
            raise type(error)(f"cost line {index}{label}: {error}") from error
        for code, ore in allocation.items():
            totals[code] = totals.get(code, 0) + ore
    return {code: from_ore(totals[code]) for code in sorted(totals, key=code_sort_key)}
