"""Traffic lights at every boundary of the state IT council's rules, and staleness."""

import datetime
from decimal import Decimal

import pytest

from samdigi.portfolio.rules.status import (
    DEFAULT_RULES,
    Light,
    Rule,
    StatusRules,
    assess,
    cost_light,
    is_stale,
    schedule_light,
    worst,
)

D = Decimal
date = datetime.date
GREEN, YELLOW, RED = Light.GREEN, Light.YELLOW, Light.RED

# ---------------------------------------------------------------------------- cost


@pytest.mark.parametrize(
    ("baseline", "forecast", "light", "rule"),
    [
        # Under and on budget.
        ("1000000.00", "900000.00", GREEN, Rule.COST_ON_BUDGET),
        ("1000000.00", "999999.99", GREEN, Rule.COST_ON_BUDGET),
        ("1000000.00", "1000000.00", GREEN, Rule.COST_ON_BUDGET),
        # Any overrun at all is yellow.
        ("1000000.00", "1000000.01", YELLOW, Rule.COST_OVERRUN_WITHIN_LIMITS),
        # 10 %: exactly 10 % is yellow, one øre more is red.
        ("1000000.00", "1099999.99", YELLOW, Rule.COST_OVERRUN_WITHIN_LIMITS),
        ("1000000.00", "1100000.00", YELLOW, Rule.COST_OVERRUN_WITHIN_LIMITS),
        ("1000000.00", "1100000.01", RED, Rule.COST_OVERRUN_OVER_PERCENTAGE),
        # 10 % of a baseline that is not a round number.
        ("333.33", "366.66", YELLOW, Rule.COST_OVERRUN_WITHIN_LIMITS),  # 33.33 < 33.333
        ("333.33", "366.67", RED, Rule.COST_OVERRUN_OVER_PERCENTAGE),  # 33.34 > 33.333
        # 6 million kr. on a baseline where that is only 6 %.
        ("100000000.00", "105999999.99", YELLOW, Rule.COST_OVERRUN_WITHIN_LIMITS),
        ("100000000.00", "106000000.00", YELLOW, Rule.COST_OVERRUN_WITHIN_LIMITS),
        ("100000000.00", "106000000.01", RED, Rule.COST_OVERRUN_OVER_AMOUNT),
        # Both limits at once: 10 % of 60 million is exactly 6 million.
        ("60000000.00", "66000000.00", YELLOW, Rule.COST_OVERRUN_WITHIN_LIMITS),
        ("60000000.00", "66000000.01", RED, Rule.COST_OVERRUN_OVER_PERCENTAGE_AND_AMOUNT),
        ("100000000.00", "120000000.00", RED, Rule.COST_OVERRUN_OVER_PERCENTAGE_AND_AMOUNT),
        # A baseline of nothing: any overrun exceeds 10 % of it.
        ("0", "0", GREEN, Rule.COST_ON_BUDGET),
        ("0", "0.01", RED, Rule.COST_OVERRUN_OVER_PERCENTAGE),
    ],
)
def test_cost_light_boundaries(baseline, forecast, light, rule):
    result = cost_light(D(baseline), D(forecast))
    assert (result.light, result.rule) == (light, rule)
    assert result.overrun == D(forecast) - D(baseline)


def test_cost_reason_and_figures():
    result = cost_light(D("1000000"), D("1100000.01"))
    assert result.overrun_percent == D("10.01")  # rounded up, never shown as exactly 10 %
    assert result.reason == (
        "Forecast 1,100,000.01 kr. exceeds the baseline budget of 1,000,000.00 kr. by "
        "100,000.01 kr. (10.01 % of the baseline), more than 10 % of the baseline."
    )
    yellow = cost_light(D("100000000"), D("106000000"))
    assert yellow.reason.endswith("at most 10 % of the baseline and at most 6,000,000.00 kr.")
    assert cost_light(D("1000"), D("900")).reason == (
        "Forecast 900.00 kr. is within the baseline budget of 1,000.00 kr."
    )


def test_cost_percent_is_none_for_a_zero_baseline():
    assert cost_light(D("0"), D("5")).overrun_percent is None
    assert "% of the baseline)" not in cost_light(D("0"), D("5")).reason


def test_cost_accepts_ints():
    assert cost_light(100, 111).light is RED


@pytest.mark.parametrize(
    ("baseline", "forecast", "error"),
    [
        (D("-1"), D("0"), ValueError),
        (D("0"), D("-1"), ValueError),
        (D("NaN"), D("0"), ValueError),
        (1000.0, D("0"), TypeError),
        (D("0"), "5", TypeError),
        (True, D("0"), TypeError),
    ],
)
def test_cost_refusals(baseline, forecast, error):
    with pytest.raises(error):
        cost_light(baseline, forecast)


def test_cost_rules_are_configurable():
    rules = StatusRules(cost_red_fraction=D("0.05"), cost_red_amount=D("1000"))
    assert cost_light(D("10000"), D("10500"), rules).light is YELLOW
    assert cost_light(D("10000"), D("10500.01"), rules).rule is Rule.COST_OVERRUN_OVER_PERCENTAGE
    assert cost_light(D("100000"), D("101000.01"), rules).rule is Rule.COST_OVERRUN_OVER_AMOUNT


def test_default_rules_are_the_state_it_councils():
    assert StatusRules(D("0.10"), D("6000000"), 1, 3) == DEFAULT_RULES


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cost_red_fraction": D("-0.1")},
        {"schedule_yellow_months": 0},
        {"schedule_yellow_months": 4, "schedule_red_months": 3},
    ],
)
def test_rules_refuse_nonsense(kwargs):
    with pytest.raises(ValueError):
        StatusRules(**kwargs)


# ---------------------------------------------------------------------------- schedule


@pytest.mark.parametrize(
    ("baseline", "forecast", "light", "rule"),
    [
        # On time and early.
        (date(2025, 6, 15), date(2025, 6, 15), GREEN, Rule.SCHEDULE_ON_TIME),
        (date(2025, 6, 15), date(2025, 3, 1), GREEN, Rule.SCHEDULE_ON_TIME),
        # Plain mid-month dates: 1 month minus 1 day / exactly 1 / exactly 3 / 3 months + 1 day.
        (date(2025, 6, 15), date(2025, 6, 16), GREEN, Rule.SCHEDULE_LATE_UNDER_LIMIT),
        (date(2025, 6, 15), date(2025, 7, 14), GREEN, Rule.SCHEDULE_LATE_UNDER_LIMIT),
        (date(2025, 6, 15), date(2025, 7, 15), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        (date(2025, 6, 15), date(2025, 9, 15), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        (date(2025, 6, 15), date(2025, 9, 16), RED, Rule.SCHEDULE_LATE_OVER_LIMIT),
        # 31 January + 1 month is 28 February in a common year ...
        (date(2025, 1, 31), date(2025, 2, 27), GREEN, Rule.SCHEDULE_LATE_UNDER_LIMIT),
        (date(2025, 1, 31), date(2025, 2, 28), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        # ... and 29 February in a leap year.
        (date(2024, 1, 31), date(2024, 2, 28), GREEN, Rule.SCHEDULE_LATE_UNDER_LIMIT),
        (date(2024, 1, 31), date(2024, 2, 29), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        # 31 January + 3 months is 30 April.
        (date(2025, 1, 31), date(2025, 4, 30), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        (date(2025, 1, 31), date(2025, 5, 1), RED, Rule.SCHEDULE_LATE_OVER_LIMIT),
        # From a leap day: + 1 month is 29 March, + 3 months is 29 May.
        (date(2024, 2, 29), date(2024, 3, 28), GREEN, Rule.SCHEDULE_LATE_UNDER_LIMIT),
        (date(2024, 2, 29), date(2024, 3, 29), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        (date(2024, 2, 29), date(2024, 5, 29), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        (date(2024, 2, 29), date(2024, 5, 30), RED, Rule.SCHEDULE_LATE_OVER_LIMIT),
        # Onto a leap day: 30 November + 3 months is 29 February 2024, 28 February 2025.
        (date(2023, 11, 30), date(2024, 2, 29), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        (date(2023, 11, 30), date(2024, 3, 1), RED, Rule.SCHEDULE_LATE_OVER_LIMIT),
        (date(2024, 11, 30), date(2025, 2, 28), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        (date(2024, 11, 30), date(2025, 3, 1), RED, Rule.SCHEDULE_LATE_OVER_LIMIT),
        # 28 February + 1 month is 28 March, not the end of March.
        (date(2025, 2, 28), date(2025, 3, 27), GREEN, Rule.SCHEDULE_LATE_UNDER_LIMIT),
        (date(2025, 2, 28), date(2025, 3, 28), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        # Month ends across the new year: 31 December + 3 months is 31 March.
        (date(2025, 12, 31), date(2026, 1, 30), GREEN, Rule.SCHEDULE_LATE_UNDER_LIMIT),
        (date(2025, 12, 31), date(2026, 1, 31), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        (date(2025, 12, 31), date(2026, 3, 31), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        (date(2025, 12, 31), date(2026, 4, 1), RED, Rule.SCHEDULE_LATE_OVER_LIMIT),
        # 31 October + 3 months is 31 January.
        (date(2025, 10, 31), date(2026, 1, 31), YELLOW, Rule.SCHEDULE_LATE_WITHIN_LIMITS),
        (date(2025, 10, 31), date(2026, 2, 1), RED, Rule.SCHEDULE_LATE_OVER_LIMIT),
        # Years late.
        (date(2025, 6, 15), date(2027, 6, 15), RED, Rule.SCHEDULE_LATE_OVER_LIMIT),
    ],
)
def test_schedule_light_boundaries(baseline, forecast, light, rule):
    result = schedule_light(baseline, forecast)
    assert (result.light, result.rule) == (light, rule)
    assert result.days_late == (forecast - baseline).days


def test_schedule_figures_and_reason():
    result = schedule_light(date(2025, 1, 31), date(2025, 2, 28))
    assert result.days_late == 28
    assert result.months_late == 1
    assert result.reason == (
        "Forecast end 2025-02-28 against baseline end 2025-01-31: 28 days late, "
        "at least 1 month and at most 3 months."
    )
    assert schedule_light(date(2025, 1, 1), date(2025, 1, 2)).reason.endswith(
        "1 day late, less than 1 month."
    )
    assert schedule_light(date(2025, 6, 15), date(2027, 7, 1)).months_late == 24
    assert schedule_light(date(2025, 6, 15), date(2025, 3, 1)).months_late == -3


def test_schedule_counts_a_datetime_by_its_date():
    result = schedule_light(
        datetime.datetime(2025, 6, 15, 23, 59), datetime.datetime(2025, 7, 15, 0, 1)
    )
    assert result.light is YELLOW
    assert result.days_late == 30


def test_schedule_refuses_non_dates():
    with pytest.raises(TypeError, match="forecast end"):
        schedule_light(date(2025, 1, 1), "2025-02-01")


def test_schedule_rules_are_configurable():
    rules = StatusRules(schedule_yellow_months=2, schedule_red_months=6)
    assert schedule_light(date(2025, 1, 31), date(2025, 3, 30), rules).light is GREEN
    assert schedule_light(date(2025, 1, 31), date(2025, 3, 31), rules).light is YELLOW
    assert schedule_light(date(2025, 1, 31), date(2025, 7, 31), rules).light is YELLOW
    assert schedule_light(date(2025, 1, 31), date(2025, 8, 1), rules).light is RED


# ---------------------------------------------------------------------------- staleness


@pytest.mark.parametrize(
    ("report", "today", "cadence", "stale"),
    [
        (date(2025, 1, 1), date(2025, 1, 31), {"cadence_days": 30}, False),  # due today
        (date(2025, 1, 1), date(2025, 2, 1), {"cadence_days": 30}, True),
        (date(2025, 1, 1), date(2025, 1, 1), {"cadence_days": 1}, False),
        (date(2025, 3, 1), date(2025, 1, 1), {"cadence_days": 1}, False),  # dated ahead
        (date(2025, 1, 15), date(2025, 2, 15), {"cadence_months": 1}, False),
        (date(2025, 1, 15), date(2025, 2, 16), {"cadence_months": 1}, True),
        # Month ends: 31 January + 1 month is 28 February, or 29 in a leap year.
        (date(2025, 1, 31), date(2025, 2, 28), {"cadence_months": 1}, False),
        (date(2025, 1, 31), date(2025, 3, 1), {"cadence_months": 1}, True),
        (date(2024, 1, 31), date(2024, 2, 29), {"cadence_months": 1}, False),
        (date(2024, 1, 31), date(2024, 3, 1), {"cadence_months": 1}, True),
        (date(2024, 2, 29), date(2024, 5, 29), {"cadence_months": 3}, False),
        (date(2024, 2, 29), date(2024, 5, 30), {"cadence_months": 3}, True),
        (None, date(2025, 1, 1), {"cadence_days": 30}, True),  # never reported
    ],
)
def test_is_stale(report, today, cadence, stale):
    assert is_stale(report, today, **cadence) is stale


@pytest.mark.parametrize(
    "cadence",
    [{}, {"cadence_days": 7, "cadence_months": 1}, {"cadence_days": 0}, {"cadence_months": -1}],
)
def test_is_stale_needs_exactly_one_positive_cadence(cadence):
    with pytest.raises(ValueError):
        is_stale(date(2025, 1, 1), date(2025, 1, 2), **cadence)


# ---------------------------------------------------------------------------- overview


def test_assess_keeps_the_managers_rating_beside_the_computed_lights():
    overview = assess(
        D("1000000"), D("1050000"), date(2025, 6, 30), date(2025, 10, 31), manager_rating="green"
    )
    assert overview.cost.light is YELLOW
    assert overview.schedule.light is RED
    assert overview.computed is RED
    assert overview.manager_rating is GREEN
    assert overview.manager_differs is True


def test_assess_without_manager_rating():
    overview = assess(D("100"), D("100"), date(2025, 6, 30), date(2025, 6, 30))
    assert overview.computed is GREEN
    assert overview.manager_rating is None
    assert overview.manager_differs is False
    assert (
        assess(D("100"), D("100"), date(2025, 6, 30), date(2025, 6, 30), "").manager_rating is None
    )


def test_assess_manager_agrees():
    overview = assess(D("100"), D("101"), date(2025, 6, 30), date(2025, 6, 30), Light.YELLOW)
    assert overview.computed is YELLOW
    assert overview.manager_differs is False


def test_assess_refuses_an_unknown_rating():
    with pytest.raises(ValueError, match="unknown manager rating 'amber'"):
        assess(D("100"), D("100"), date(2025, 6, 30), date(2025, 6, 30), "amber")


def test_worst():
    assert worst(GREEN, YELLOW) is YELLOW
    assert worst(RED, GREEN, YELLOW) is RED
    assert worst(GREEN) is GREEN
    with pytest.raises(ValueError):
        worst()


def test_lights_are_plain_strings():
    assert Light.RED == "red"
    assert Rule.COST_ON_BUDGET == "cost.on_budget"
