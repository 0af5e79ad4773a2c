"""How near a dated item is: an urgency band from the days left, and items grouped by month.

Deadline lists colour each row by its band and name the band in text, so the urgency never rests
on colour alone. Bands, with the boundaries pinned:

  overdue     days left < 0 (the day has passed)
  within 30   0 <= days left <= 30 (due today counts here: it is not overdue yet)
  within 90   30 < days left <= 90 (the notice period of a typical contract)
  later       days left > 90

Pure module: no Django, plain values in, plain values out.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

__all__ = ["NEAR_DAYS", "SOON_DAYS", "MonthGroup", "Urgency", "group_by_month", "urgency"]

SOON_DAYS = 30
NEAR_DAYS = 90

T = TypeVar("T")


class Urgency(StrEnum):
    OVERDUE = "overdue"
    WITHIN_30 = "within_30"
    WITHIN_90 = "within_90"
    LATER = "later"


def urgency(days_left: int) -> Urgency:
    """The band of an item due in `days_left` days (negative once its day has passed)."""
    if isinstance(days_left, bool) or not isinstance(days_left, int):
        raise TypeError(f"days left must be a whole number, got {type(days_left).__name__}")
    if days_left < 0:
        return Urgency.OVERDUE
    if days_left <= SOON_DAYS:
        return Urgency.WITHIN_30
    if days_left <= NEAR_DAYS:
        return Urgency.WITHIN_90
    return Urgency.LATER


@dataclass(frozen=True)
class MonthGroup(Generic[T]):
    year: int
    month: int
    items: tuple[T, ...]

    @property
    def first_day(self) -> datetime.date:
        """The month's first day, for headings formatted in the reader's language."""
        return datetime.date(self.year, self.month, 1)


def group_by_month(items: Iterable[T], day_of: Callable[[T], datetime.date]) -> list[MonthGroup[T]]:
    """The items in one group per calendar month, months in date order; within a month the items
    keep the order they came in (a list sorted by date stays sorted)."""
    groups: dict[tuple[int, int], list[T]] = {}
    for item in items:
        day = day_of(item)
        groups.setdefault((day.year, day.month), []).append(item)
    return [MonthGroup(year, month, tuple(groups[year, month])) for year, month in sorted(groups)]
