"""The end-of-month rule (docs/domain.md, "Contracts: the dates that matter"): examples, then
properties over every month-end of 2024-2032 and over arbitrary dates."""

import calendar
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from samdigi.core.rules.months import (
    add_months,
    is_month_end,
    last_day_of_month,
    month_length,
    months_between,
)

D = dt.date
ROOT = Path(__file__).resolve().parents[3]
PROPERTY_SETTINGS = settings(database=None, deadline=None, max_examples=500)

MONTH_ENDS = [
    D(year, month, calendar.monthrange(year, month)[1])
    for year in range(2024, 2033)
    for month in range(1, 13)
]
month_ends = st.sampled_from(MONTH_ENDS)
any_dates = st.dates(min_value=D(1900, 3, 1), max_value=D(2200, 12, 31))
shifts = st.integers(-240, 240)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2028, 9, 30), 6, D(2029, 3, 31)),  # issue 8: not 30.03.2029
        (D(2027, 4, 30), -6, D(2026, 10, 31)),  # 6 months' notice before 30 April
        (D(2027, 6, 30), -1, D(2027, 5, 31)),
        (D(2027, 9, 30), -6, D(2027, 3, 31)),
        (D(2027, 11, 30), -1, D(2027, 10, 31)),
        (D(2027, 2, 28), -1, D(2027, 1, 31)),
        (D(2027, 2, 28), 12, D(2028, 2, 29)),  # a month-end stays one, also into a leap year
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2024, 1, 30), 1, D(2024, 2, 29)),  # 30 January + 1 = 28/29 February
        (D(2025, 1, 30), 1, D(2025, 2, 28)),
        (D(2024, 2, 28), 1, D(2024, 3, 28)),  # 28 Feb of a leap year is not a month-end
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 3, 15), 0, D(2026, 3, 15)),
        (D(2026, 12, 31), -12, D(2025, 12, 31)),
        (D(2026, 1, 29), -2, D(2025, 11, 29)),
    ],
)
def test_examples(day, months, expected):
    assert add_months(day, months) == expected


@PROPERTY_SETTINGS
@given(month_ends, shifts)
def test_month_end_maps_to_month_end(day, months):
    result = add_months(day, months)
    assert is_month_end(result)
    assert result == last_day_of_month(result)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months


@PROPERTY_SETTINGS
@given(month_ends, shifts)
def test_month_ends_round_trip(day, months):
    assert add_months(add_months(day, months), -months) == day


@PROPERTY_SETTINGS
@given(month_ends, shifts, shifts)
def test_month_ends_compose(day, first, second):
    assert add_months(add_months(day, first), second) == add_months(day, first + second)


@PROPERTY_SETTINGS
@given(any_dates, shifts)
def test_other_days_keep_their_number_or_clamp(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    if is_month_end(day):
        assert result.day == month_length(result.year, result.month)
    else:
        assert result.day == min(day.day, month_length(result.year, result.month))


@PROPERTY_SETTINGS
@given(any_dates, st.integers(0, 240))
def test_monotone_in_months(day, months):
    assert add_months(day, months) <= add_months(day, months + 1)


@PROPERTY_SETTINGS
@given(any_dates, any_dates, shifts)
def test_monotone_in_the_day(a, b, months):
    a, b = sorted((a, b))
    assert add_months(a, months) <= add_months(b, months)


@PROPERTY_SETTINGS
@given(any_dates)
def test_month_length_and_month_end_agree_with_calendar(day):
    assert month_length(day.year, day.month) == calendar.monthrange(day.year, day.month)[1]
    assert is_month_end(day) == ((day + dt.timedelta(days=1)).day == 1)


def test_every_month_end_2024_2032_plus_6_and_minus_6():
    for day in MONTH_ENDS:
        for months in (-6, 6):
            result = add_months(day, months)
            assert result + dt.timedelta(days=1) == D(
                result.year + result.month // 12, result.month % 12 + 1, 1
            ), (day, months)


def test_one_month_function_for_all_apps():
    from samdigi.landscape.rules import deadlines
    from samdigi.portfolio.rules import status
    from samdigi.procurement.rules import opportunities, schedule

    assert schedule.add_months is add_months
    assert opportunities.add_months is add_months
    assert deadlines.add_months is add_months
    # The portfolio's schedule light and report cadence no longer use relativedelta.
    assert status.add_months is add_months
    assert status.months_between is months_between


def test_rules_import_nothing_from_django():
    code = (
        "import sys\n"
        "import samdigi.core.rules.months\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'rest_framework'})\n"
        "assert not bad, bad\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT, timeout=60)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 1, 15), D(2026, 1, 31), 0),
        (D(2026, 1, 15), D(2026, 2, 14), 0),
        (D(2026, 1, 15), D(2026, 2, 15), 1),
        (D(2026, 1, 31), D(2026, 2, 28), 1),  # a month-end + 1 month is the next month-end
        (D(2026, 4, 30), D(2026, 5, 30), 0),  # ... so 30 May is not yet a month after 30 April
        (D(2026, 4, 30), D(2026, 5, 31), 1),
        (D(2026, 3, 20), D(2026, 1, 15), -2),  # earlier: truncated towards zero
        (D(2026, 3, 20), D(2026, 1, 25), -1),
        (D(2025, 6, 1), D(2027, 6, 1), 24),
    ],
)
def test_months_between_examples(start, end, expected):
    assert months_between(start, end) == expected


@PROPERTY_SETTINGS
@given(any_dates, any_dates)
def test_months_between_is_the_whole_months_add_months_can_go_without_passing_end(start, end):
    n = months_between(start, end)
    if end >= start:
        assert n >= 0
        assert add_months(start, n) <= end < add_months(start, n + 1)
    else:
        assert n <= 0
        assert add_months(start, n - 1) < end <= add_months(start, n)


@PROPERTY_SETTINGS
@given(any_dates, shifts)
def test_without_keeping_month_ends_add_months_is_relativedelta(day, months):
    # The portfolio's reporting rules (portfolio/rules/status.py) count months like this.
    assert add_months(day, months, keep_month_end=False) == day + relativedelta(months=months)


@PROPERTY_SETTINGS
@given(any_dates, any_dates)
def test_without_keeping_month_ends_months_between_is_relativedeltas_whole_months(start, end):
    delta = relativedelta(end, start)
    assert months_between(start, end, keep_month_end=False) == delta.years * 12 + delta.months
