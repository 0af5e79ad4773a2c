"""Traffic lights for a project's status report, by the Danish state IT council's rules.

Both lights are measured against the approved baseline (the budget and end date approved at the
last gate), never against the previous report, so a project cannot drift into green by small
steps. Boundaries, pinned because the rules are read aloud at steering-committee meetings:

Cost (overrun = forecast - baseline budget):
  green   overrun <= 0
  yellow  0 < overrun, overrun <= 10 % of the baseline AND overrun <= 6,000,000 kr.
  red     overrun > 10 % of the baseline OR overrun > 6,000,000 kr.
  So exactly 10 % and exactly 6,000,000 kr. are still yellow; one øre more is red. A baseline of
  0 kr. makes any overrun red (it exceeds 10 % of nothing).

Schedule, in calendar months added to the baseline end with core/rules/months.py's add_months
without the contracts' end-of-month rule (clamped to the month's last day, so 31 January + 1 month
is 28 or 29 February, but 28 February + 1 month is 28 March):
  green   forecast end < baseline end + 1 month (on time, early, or up to 1 month minus 1 day late)
  yellow  baseline end + 1 month <= forecast end <= baseline end + 3 months
  red     forecast end > baseline end + 3 months (3 months and 1 day or more)

The project manager's own rating is reported beside the computed lights, never instead of them.
Reasons are plain English; for the user's language the caller renders `rule` (a stable code) with
`params` (plain amounts, dates and counts), as samdigi.portfolio.status_texts does.

Pure module: no Django, plain values and dataclasses in, plain values out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from samdigi.core.rules.months import add_months, months_between

__all__ = [
    "DEFAULT_RULES",
    "CostAssessment",
    "Light",
    "Rule",
    "ScheduleAssessment",
    "StatusOverview",
    "StatusRules",
    "assess",
    "cost_light",
    "is_stale",
    "schedule_light",
    "worst",
]


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


_SEVERITY = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


class Rule(StrEnum):
    """Which rule decided a light; stable codes for translation and for tests."""

    COST_ON_BUDGET = "cost.on_budget"
    COST_OVERRUN_WITHIN_LIMITS = "cost.overrun_within_limits"
    COST_OVERRUN_OVER_PERCENTAGE = "cost.overrun_over_percentage"
    COST_OVERRUN_OVER_AMOUNT = "cost.overrun_over_amount"
    COST_OVERRUN_OVER_PERCENTAGE_AND_AMOUNT = "cost.overrun_over_percentage_and_amount"
    SCHEDULE_ON_TIME = "schedule.on_time"
    SCHEDULE_LATE_UNDER_LIMIT = "schedule.late_under_limit"
    SCHEDULE_LATE_WITHIN_LIMITS = "schedule.late_within_limits"
    SCHEDULE_LATE_OVER_LIMIT = "schedule.late_over_limit"


@dataclass(frozen=True)
class StatusRules:
    """The thresholds; the state IT council's values are the default, an association may differ."""

    cost_red_fraction: Decimal = Decimal("0.10")
    cost_red_amount: Decimal = Decimal("6000000")
    schedule_yellow_months: int = 1
    schedule_red_months: int = 3

    def __post_init__(self) -> None:
        if self.cost_red_fraction < 0 or self.cost_red_amount < 0:
            raise ValueError("cost thresholds must not be negative")
        if not 0 < self.schedule_yellow_months <= self.schedule_red_months:
            raise ValueError("schedule thresholds must satisfy 0 < yellow months <= red months")


DEFAULT_RULES = StatusRules()


@dataclass(frozen=True)
class CostAssessment:
    light: Light
    rule: Rule
    reason: str
    overrun: Decimal
    # None when the baseline is 0 kr.: a percentage of nothing does not exist.
    overrun_percent: Decimal | None
    # The figures of the reason, for rendering it in another language.
    params: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ScheduleAssessment:
    light: Light
    rule: Rule
    reason: str
    days_late: int
    # Whole calendar months late (months_between), negative when early; for display only.
    months_late: int
    params: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class StatusOverview:
    """Computed lights and the manager's rating side by side; neither replaces the other."""

    cost: CostAssessment
    schedule: ScheduleAssessment
    computed: Light
    manager_rating: Light | None

    @property
    def manager_differs(self) -> bool:
        """True when the manager rated differently from the computed overall light."""
        return self.manager_rating is not None and self.manager_rating != self.computed


def _amount(value: Decimal | int, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, got {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite() or value < 0:
        raise ValueError(f"{name} must be a finite amount of at least 0, got {value}")
    return value


def _sentence(text: str) -> str:
    # Amounts end in "kr." already; a second full stop would read as a typo.
    return text if text.endswith(".") else text + "."


def _kr(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,} kr."


def worst(*lights: Light) -> Light:
    """The most severe of the lights (red over yellow over green)."""
    if not lights:
        raise ValueError("worst() needs at least one light")
    return max(lights, key=lambda light: _SEVERITY[Light(light)])


def cost_light(
    baseline_budget: Decimal | int,
    forecast_cost: Decimal | int,
    rules: StatusRules = DEFAULT_RULES,
) -> CostAssessment:
    """The cost light of a forecast total cost against the baseline budget."""
    baseline = _amount(baseline_budget, "baseline budget")
    forecast = _amount(forecast_cost, "forecast cost")
    overrun = forecast - baseline
    percent = None
    if baseline > 0:
        # Rounded up, so that an overrun just over the limit never displays as exactly the limit
        # (10.0001 % shows as 10.01 %, not as a red light next to "10.00 %").
        percent = (overrun * 100 / baseline).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    params = {
        "forecast": forecast,
        "baseline": baseline,
        "overrun": overrun,
        "percent": percent,
        "limit_percent": (rules.cost_red_fraction * 100).normalize(),
        "limit_amount": rules.cost_red_amount,
    }
    if overrun <= 0:
        return CostAssessment(
            Light.GREEN,
            Rule.COST_ON_BUDGET,
            _sentence(f"Forecast {_kr(forecast)} is within the baseline budget of {_kr(baseline)}"),
            overrun,
            percent,
            params,
        )
    # Fractions: exact comparison at the boundary, whatever the Decimal context precision is.
    over_fraction = Fraction(overrun) > Fraction(baseline) * Fraction(rules.cost_red_fraction)
    over_amount = Fraction(overrun) > Fraction(rules.cost_red_amount)
    limit_pct = f"{(rules.cost_red_fraction * 100).normalize():f} %"
    limit_amount = _kr(rules.cost_red_amount)
    share = f" ({percent} % of the baseline)" if percent is not None else ""
    head = f"Forecast {_kr(forecast)} exceeds the baseline budget of {_kr(baseline)} by {_kr(overrun)}{share}"
    if over_fraction and over_amount:
        rule = Rule.COST_OVERRUN_OVER_PERCENTAGE_AND_AMOUNT
        tail = f"more than both {limit_pct} of the baseline and {limit_amount}"
    elif over_fraction:
        rule = Rule.COST_OVERRUN_OVER_PERCENTAGE
        tail = f"more than {limit_pct} of the baseline"
    elif over_amount:
        rule = Rule.COST_OVERRUN_OVER_AMOUNT
        tail = f"more than {limit_amount}"
    else:
        return CostAssessment(
            Light.YELLOW,
            Rule.COST_OVERRUN_WITHIN_LIMITS,
            _sentence(f"{head}, at most {limit_pct} of the baseline and at most {limit_amount}"),
            overrun,
            percent,
            params,
        )
    return CostAssessment(Light.RED, rule, _sentence(f"{head}, {tail}"), overrun, percent, params)


def schedule_light(
    baseline_end: datetime.date,
    forecast_end: datetime.date,
    rules: StatusRules = DEFAULT_RULES,
) -> ScheduleAssessment:
    """The schedule light of a forecast end date against the baseline end date."""
    for name, value in (("baseline end", baseline_end), ("forecast end", forecast_end)):
        if not isinstance(value, datetime.date):
            raise TypeError(f"{name} must be a date, got {type(value).__name__}")
    # Time of day is no part of the rule; a datetime counts by its date.
    if isinstance(baseline_end, datetime.datetime):
        baseline_end = baseline_end.date()
    if isinstance(forecast_end, datetime.datetime):
        forecast_end = forecast_end.date()
    days_late = (forecast_end - baseline_end).days
    months_late = months_between(baseline_end, forecast_end, keep_month_end=False)
    yellow_from = add_months(baseline_end, rules.schedule_yellow_months, keep_month_end=False)
    red_after = add_months(baseline_end, rules.schedule_red_months, keep_month_end=False)
    yellow_n, red_n = rules.schedule_yellow_months, rules.schedule_red_months
    base = (
        f"Forecast end {forecast_end.isoformat()} against baseline end {baseline_end.isoformat()}"
    )
    if forecast_end <= baseline_end:
        light, rule = Light.GREEN, Rule.SCHEDULE_ON_TIME
        reason = f"{base}: on time."
    elif forecast_end < yellow_from:
        light, rule = Light.GREEN, Rule.SCHEDULE_LATE_UNDER_LIMIT
        reason = f"{base}: {_days(days_late)} late, less than {_months(yellow_n)}."
    elif forecast_end <= red_after:
        light, rule = Light.YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS
        reason = (
            f"{base}: {_days(days_late)} late, at least {_months(yellow_n)} "
            f"and at most {_months(red_n)}."
        )
    else:
        light, rule = Light.RED, Rule.SCHEDULE_LATE_OVER_LIMIT
        reason = f"{base}: {_days(days_late)} late, more than {_months(red_n)}."
    params = {
        "forecast_end": forecast_end,
        "baseline_end": baseline_end,
        "days": days_late,
        "yellow_months": yellow_n,
        "red_months": red_n,
    }
    return ScheduleAssessment(light, rule, reason, days_late, months_late, params)


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


def is_stale(
    report_date: datetime.date | None,
    today: datetime.date,
    cadence_days: int | None = None,
    cadence_months: int | None = None,
) -> bool:
    """True when the latest report is older than its cadence (give days or months, not both).

    A report exactly one cadence old is still current: it is due today, not overdue. Months are
    calendar months (add_months without the end-of-month rule, clamped to the month's length),
    matching monthly reporting. No report at all counts as stale, because a project that never
    reported has nothing current to show.
    """
    if (cadence_days is None) == (cadence_months is None):
        raise ValueError("give exactly one of cadence_days and cadence_months")
    cadence = cadence_days if cadence_days is not None else cadence_months
    if isinstance(cadence, bool) or not isinstance(cadence, int) or cadence <= 0:
        raise ValueError(f"the cadence must be a positive whole number, got {cadence!r}")
    if report_date is None:
        return True
    if cadence_days is not None:
        due = report_date + datetime.timedelta(days=cadence_days)
    else:
        due = add_months(report_date, cadence, keep_month_end=False)  # = cadence_months here
    return today > due


def assess(
    baseline_budget: Decimal | int,
    forecast_cost: Decimal | int,
    baseline_end: datetime.date,
    forecast_end: datetime.date,
    manager_rating: Light | str | None = None,
    rules: StatusRules = DEFAULT_RULES,
) -> StatusOverview:
    """Both computed lights, their worst as the computed overall light, and the manager's rating."""
    cost = cost_light(baseline_budget, forecast_cost, rules)
    schedule = schedule_light(baseline_end, forecast_end, rules)
    rating = None
    if manager_rating is not None and manager_rating != "":
        try:
            rating = Light(manager_rating)
        except ValueError:
            allowed = ", ".join(repr(light.value) for light in Light)
            raise ValueError(
                f"unknown manager rating {manager_rating!r}; expected one of {allowed}"
            ) from None
    return StatusOverview(cost, schedule, worst(cost.light, schedule.light), rating)
