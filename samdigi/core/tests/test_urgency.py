"""Urgency bands and month groups for deadline lists (the pure rule, boundaries pinned)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samdigi.core.rules.urgency import Urgency, group_by_month, urgency


@pytest.mark.parametrize(
    ("days", "band"),
    [
        (-365, Urgency.OVERDUE),
        (-1, Urgency.OVERDUE),
        (0, Urgency.WITHIN_30),  # due today is not overdue yet
        (30, Urgency.WITHIN_30),
        (31, Urgency.WITHIN_90),
        (90, Urgency.WITHIN_90),
        (91, Urgency.LATER),
        (5000, Urgency.LATER),
    ],
)
def test_urgency_bands_at_their_boundaries(days, band):
    assert urgency(days) is band


@pytest.mark.parametrize("value", [1.5, "3", True, None])
def test_urgency_refuses_anything_but_whole_days(value):
    with pytest.raises(TypeError):
        urgency(value)


def test_group_by_month_keeps_order_within_a_month_and_sorts_months():
    days = [
        datetime.date(2027, 1, 31),
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
        datetime.date(2026, 12, 31),
    ]
    groups = group_by_month(days, lambda day: day)
    assert [(g.year, g.month) for g in groups] == [(2026, 12), (2027, 1)]
    assert groups[0].items == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    assert groups[1].items == (datetime.date(2027, 1, 31), datetime.date(2027, 1, 1))
    assert groups[1].first_day == datetime.date(2027, 1, 1)
    assert group_by_month([], lambda day: day) == []


@given(
    st.lists(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31)))
)
def test_group_by_month_loses_and_invents_nothing(days):
    groups = group_by_month(sorted(days), lambda day: day)
    assert [day for group in groups for day in group.items] == sorted(days)
    for group in groups:
        assert all((day.year, day.month) == (group.year, group.month) for day in group.items)
    assert len({(g.year, g.month) for g in groups}) == len(groups)
