"""The business case of a project: yearly costs and benefits, net present value and payback.

Money is Decimal all the way. Amounts on the yearly lines are whole øre (as entered and invoiced);
discounting then produces many decimals, which are kept at full precision (50 significant digits)
through every sum and comparison and rounded only once, at the output, to whole øre with
ROUND_HALF_UP (the "commercial" rounding used in Danish public accounts, unlike Python's default
banker's rounding). Because of that, a rounded NPV can differ by 0.01 from the rounded present
value of benefits minus the rounded present value of costs; the NPV is the more exact number.

Pure module: no Django, plain values and dataclasses in, plain values out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext

from samdigi.portfolio.rules.cost_sharing import (
    Participant,
    SharingKey,
    from_ore,
    split_cost,
    to_ore,
)

__all__ = [
    "DEFAULT_DISCOUNT_RATE",
    "BusinessCaseSummary",
    "CostDifference",
    "YearLine",
    "benefit_cost_ratio",
    "cost_line_differences",
    "cumulative_discounted_net",
    "cumulative_net",
    "discount_factor",
    "discounted_payback_year",
    "net_present_value",
    "participant_summaries",
    "payback_year",
    "present_value_benefits",
    "present_value_costs",
    "split_business_case",
    "summarize",
    "yearly_totals",
]

# The Danish Ministry of Finance's discount rate for years 0-35 (Finansministeriet, 2021 guidance).
DEFAULT_DISCOUNT_RATE = Decimal("0.035")

ORE = Decimal("0.01")
RATIO_QUANTUM = Decimal("0.0001")
_PRECISION = 50
_ZERO = Decimal(0)


def _money(value: Decimal | int, name: str) -> Decimal:
    # to_ore refuses floats and sub-øre amounts; re-deriving the Decimal from øre also
    # normalises ints and "5" to "5.00".
    try:
        return from_ore(to_ore(value))
    except (TypeError, ValueError) as error:
        raise type(error)(f"{name}: {error}") from error


def _round_ore(value: Decimal) -> Decimal:
    with localcontext(prec=_PRECISION):
        return value.quantize(ORE, rounding=ROUND_HALF_UP)


def _check_rate(rate: Decimal | int) -> Decimal:
    if isinstance(rate, bool) or not isinstance(rate, Decimal | int):
        raise TypeError(f"discount rate must be a Decimal, got {type(rate).__name__}")
    rate = Decimal(rate)
    if not rate.is_finite() or rate <= -1:
        raise ValueError(f"discount rate must be a finite number above -1, got {rate}")
    return rate


@dataclass(frozen=True)
class YearLine:
    """Costs and benefits of one year; `year` is the index relative to the start year (0, 1, ...).

    Several lines may share a year (e.g. one per cost item); they are added up. Non-monetary
    benefits are text only and never enter a sum. Amounts may be negative (a saved cost, a
    disbenefit) but must be whole øre.
    """

    year: int
    investment: Decimal = _ZERO
    running: Decimal = _ZERO
    budget_releasing: Decimal = _ZERO
    other_economic: Decimal = _ZERO
    non_monetary: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise TypeError(f"year index must be an int, got {type(self.year).__name__}")
        if self.year < 0:
            raise ValueError(f"year index must be 0 or later, got {self.year}")
        for name in ("investment", "running", "budget_releasing", "other_economic"):
            object.__setattr__(self, name, _money(getattr(self, name), f"year {self.year} {name}"))

    @property
    def costs(self) -> Decimal:
        return self.investment + self.running

    @property
    def benefits(self) -> Decimal:
        return self.budget_releasing + self.other_economic

    @property
    def net(self) -> Decimal:
        return self.benefits - self.costs


@dataclass(frozen=True)
class BusinessCaseSummary:
    """The key figures of a business case, everything in kroner rounded to øre.

    `payback_*_calendar_year` are filled only when a start year was given.
    """

    discount_rate: Decimal
    years: int
    total_investment: Decimal
    total_running: Decimal
    total_costs: Decimal
    total_budget_releasing: Decimal
    total_other_economic: Decimal
    total_benefits: Decimal
    total_net: Decimal
    present_value_costs: Decimal
    present_value_benefits: Decimal
    net_present_value: Decimal
    benefit_cost_ratio: Decimal | None
    payback_year: int | None
    discounted_payback_year: int | None
    payback_calendar_year: int | None = None
    discounted_payback_calendar_year: int | None = None
    non_monetary: tuple[str, ...] = field(default_factory=tuple)


def yearly_totals(lines: Iterable[YearLine]) -> list[YearLine]:
    """One line per year from 0 to the last year, adding up lines of the same year.

    Gaps become zero lines so that cumulative figures and payback see every year. Non-monetary
    texts of the same year are joined with newlines. No lines give an empty list.
    """
    by_year: dict[int, YearLine] = {}
    for line in lines:
        if not isinstance(line, YearLine):
            raise TypeError(f"expected YearLine, got {type(line).__name__}")
        previous = by_year.get(line.year)
        if previous is None:
            by_year[line.year] = line
            continue
        texts = [t for t in (previous.non_monetary, line.non_monetary) if t]
        by_year[line.year] = replace(
            previous,
            investment=previous.investment + line.investment,
            running=previous.running + line.running,
            budget_releasing=previous.budget_releasing + line.budget_releasing,
            other_economic=previous.other_economic + line.other_economic,
            non_monetary="\n".join(texts),
        )
    if not by_year:
        return []
    return [by_year.get(year, YearLine(year=year)) for year in range(max(by_year) + 1)]


def discount_factor(year: int, rate: Decimal = DEFAULT_DISCOUNT_RATE) -> Decimal:
    """1 / (1 + rate) ** year at full precision; year 0 is undiscounted (factor exactly 1)."""
    rate = _check_rate(rate)
    if isinstance(year, bool) or not isinstance(year, int) or year < 0:
        raise ValueError(f"year index must be an int of 0 or later, got {year!r}")
    with localcontext(prec=_PRECISION):
        return Decimal(1) / (Decimal(1) + rate) ** year


def _present_values(
    lines: Iterable[YearLine], rate: Decimal
) -> list[tuple[YearLine, Decimal, Decimal]]:
    """(year line, PV of costs, PV of benefits) per year, full precision."""
    rate = _check_rate(rate)
    result = []
    with localcontext(prec=_PRECISION):
        for line in yearly_totals(lines):
            factor = discount_factor(line.year, rate)
            result.append((line, line.costs * factor, line.benefits * factor))
    return result


def present_value_costs(
    lines: Iterable[YearLine], rate: Decimal = DEFAULT_DISCOUNT_RATE
) -> Decimal:
    """Discounted investment and running costs, rounded to øre."""
    with localcontext(prec=_PRECISION):
        return _round_ore(sum((c for _, c, _ in _present_values(lines, rate)), _ZERO))


def present_value_benefits(
    lines: Iterable[YearLine], rate: Decimal = DEFAULT_DISCOUNT_RATE
) -> Decimal:
    """Discounted budget-releasing and other economic benefits, rounded to øre."""
    with localcontext(prec=_PRECISION):
        return _round_ore(sum((b for _, _, b in _present_values(lines, rate)), _ZERO))


def net_present_value(lines: Iterable[YearLine], rate: Decimal = DEFAULT_DISCOUNT_RATE) -> Decimal:
    """Sum over years of (benefits - costs) / (1 + rate) ** year, rounded to øre at the end."""
    with localcontext(prec=_PRECISION):
        return _round_ore(sum((b - c for _, c, b in _present_values(lines, rate)), _ZERO))


def _cumulative(values: Iterable[Decimal]) -> list[Decimal]:
    running_total = _ZERO
    result = []
    with localcontext(prec=_PRECISION):
        for value in values:
            running_total += value
            result.append(running_total)
    return result


def cumulative_net(lines: Iterable[YearLine]) -> list[Decimal]:
    """Undiscounted cumulative net benefit at the end of each year (index = year)."""
    return _cumulative(line.net for line in yearly_totals(lines))


def cumulative_discounted_net(
    lines: Iterable[YearLine], rate: Decimal = DEFAULT_DISCOUNT_RATE
) -> list[Decimal]:
    """Discounted cumulative net benefit at the end of each year, each rounded to øre."""
    exact = _cumulative(b - c for _, c, b in _present_values(lines, rate))
    return [_round_ore(value) for value in exact]


def _first_non_negative(cumulative: Sequence[Decimal]) -> int | None:
    for year, value in enumerate(cumulative):
        if value >= 0:
            return year
    return None


def payback_year(lines: Iterable[YearLine]) -> int | None:
    """The first year index whose undiscounted cumulative net benefit is >= 0, else None.

    This is the *first* such year, as the rule reads: a later reinvestment that pushes the
    cumulative figure below zero again does not move it. A case without costs pays back in
    year 0; a case without any lines never does (None).
    """
    return _first_non_negative(cumulative_net(lines))


def discounted_payback_year(
    lines: Iterable[YearLine], rate: Decimal = DEFAULT_DISCOUNT_RATE
) -> int | None:
    """Like `payback_year` on discounted amounts; compared at full precision, not rounded.

    Comparing unrounded values keeps a case that is still 0.004 kr. short from counting as paid
    back merely because its displayed figure rounds to 0.00.
    """
    return _first_non_negative(_cumulative(b - c for _, c, b in _present_values(lines, rate)))


def benefit_cost_ratio(
    lines: Iterable[YearLine], rate: Decimal = DEFAULT_DISCOUNT_RATE
) -> Decimal | None:
    """PV of benefits / PV of costs, to 4 decimals (ROUND_HALF_UP).

    None when the PV of costs is zero (no ratio exists) or negative (a case that saves costs
    overall; a negative ratio would read as a loss when it is not).
    """
    values = _present_values(lines, rate)
    with localcontext(prec=_PRECISION):
        costs = sum((c for _, c, _ in values), _ZERO)
        benefits = sum((b for _, _, b in values), _ZERO)
        if costs <= 0:
            return None
        return (benefits / costs).quantize(RATIO_QUANTUM, rounding=ROUND_HALF_UP)


def summarize(
    lines: Iterable[YearLine],
    rate: Decimal = DEFAULT_DISCOUNT_RATE,
    start_year: int | None = None,
) -> BusinessCaseSummary:
    """All key figures at once; `start_year` is the calendar year of year index 0."""
    rate = _check_rate(rate)
    totals = yearly_totals(lines)
    payback = payback_year(totals)
    discounted = discounted_payback_year(totals, rate)

    def calendar(index: int | None) -> int | None:
        return None if index is None or start_year is None else start_year + index

    def total(attribute: str) -> Decimal:
        return _money(sum((getattr(t, attribute) for t in totals), _ZERO), attribute)

    return BusinessCaseSummary(
        discount_rate=rate,
        years=len(totals),
        total_investment=total("investment"),
        total_running=total("running"),
        total_costs=total("costs"),
        total_budget_releasing=total("budget_releasing"),
        total_other_economic=total("other_economic"),
        total_benefits=total("benefits"),
        total_net=total("net"),
        present_value_costs=present_value_costs(totals, rate),
        present_value_benefits=present_value_benefits(totals, rate),
        net_present_value=net_present_value(totals, rate),
        benefit_cost_ratio=benefit_cost_ratio(totals, rate),
        payback_year=payback,
        discounted_payback_year=discounted,
        payback_calendar_year=calendar(payback),
        discounted_payback_calendar_year=calendar(discounted),
        non_monetary=tuple(t.non_monetary for t in totals if t.non_monetary),
    )


def split_business_case(
    lines: Iterable[YearLine],
    participants: Sequence[Participant],
    key: SharingKey | str,
    benefit_key: SharingKey | str | None = None,
) -> dict[str, list[YearLine]]:
    """Each participant's own yearly lines, splitting every amount of every year with `key`.

    Benefits are split by `benefit_key` when given (benefits do not always fall where costs do),
    otherwise by `key`. Every amount is split with the largest remainder method, so for each year
    and each kind of amount the participants' lines add up exactly to the joint line. Non-monetary
    texts are copied to every participant. Ordered by municipality code.
    """
    benefit_key = key if benefit_key is None else benefit_key
    totals = yearly_totals(lines)
    result: dict[str, list[YearLine]] = {}
    if not totals:
        # Still validate the participants and keys, so a bad setup fails before any data exists.
        for code in split_cost(_ZERO, participants, key):
            result[code] = []
        split_cost(_ZERO, participants, benefit_key)
        return result
    for line in totals:
        parts = {
            "investment": split_cost(line.investment, participants, key),
            "running": split_cost(line.running, participants, key),
            "budget_releasing": split_cost(line.budget_releasing, participants, benefit_key),
            "other_economic": split_cost(line.other_economic, participants, benefit_key),
        }
        for code in parts["investment"]:
            result.setdefault(code, []).append(
                YearLine(
                    year=line.year,
                    non_monetary=line.non_monetary,
                    **{name: shares[code] for name, shares in parts.items()},
                )
            )
    return result


def participant_summaries(
    lines: Iterable[YearLine],
    participants: Sequence[Participant],
    key: SharingKey | str,
    rate: Decimal = DEFAULT_DISCOUNT_RATE,
    benefit_key: SharingKey | str | None = None,
    start_year: int | None = None,
) -> dict[str, BusinessCaseSummary]:
    """The business case of each participant after the cost-sharing split.

    Each participant's NPV is rounded on its own, so the participants' NPVs may add up to the
    joint NPV give or take a few øre; the undiscounted totals add up exactly.
    """
    split = split_business_case(lines, participants, key, benefit_key)
    return {code: summarize(own, rate, start_year) for code, own in split.items()}


# --- agreement with the project's budget -------------------------------------------------------


@dataclass(frozen=True)
class CostDifference:
    """A calendar year and cost kind ("investment" or "running") in which the business case and
    the project's cost lines disagree."""

    year: int
    kind: str
    business_case: Decimal
    cost_lines: Decimal


def cost_line_differences(
    lines: Iterable[YearLine],
    start_year: int,
    cost_lines: Iterable[tuple[int, str, Decimal | int]],
) -> list[CostDifference]:
    """Where a business case's costs differ from the project's cost lines, per year and kind.

    The cost lines are the project's budget, the money the insights count per year; the business
    case states the same costs year by year (its year 0 is ``start_year``). Both tell one story
    only when every year's investment and running costs agree; years either side leaves out
    count as 0. ``cost_lines`` are (calendar year, "investment" or "running", amount). An empty
    list means they agree.
    """
    case: dict[tuple[int, str], Decimal] = {}
    for line in yearly_totals(lines):
        for kind in ("investment", "running"):
            amount = getattr(line, kind)
            if amount:
                case[(start_year + line.year, kind)] = amount
    budget: dict[tuple[int, str], Decimal] = {}
    for year, kind, amount in cost_lines:
        if kind not in ("investment", "running"):
            raise ValueError(f"cost line kind must be 'investment' or 'running', got {kind!r}")
        key = (year, kind)
        budget[key] = budget.get(key, _ZERO) + _money(amount, f"cost line {year} {kind}")
    return [
        CostDifference(year, kind, case.get((year, kind), _ZERO), budget.get((year, kind), _ZERO))
        for year, kind in sorted(case.keys() | budget.keys())
        if case.get((year, kind), _ZERO) != budget.get((year, kind), _ZERO)
    ]
