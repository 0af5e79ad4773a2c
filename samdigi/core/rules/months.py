"""Month arithmetic with the end-of-month rule, the one month function for every app.

docs/domain.md ("Contracts: the dates that matter"): contracts are read so that a date that is the last
day of its month maps to the last day of the target month (30 September + 6 months = 31 March; six
months' notice before 30 April is 31 October), while any other date keeps its day number, clamped
to the target month's length (30 January + 1 month = 28/29 February). Plain ``relativedelta`` gets
the month-ends wrong (30 September + 6 months = 30 March), so nothing uses it for "± N months".

Pure and cheap on purpose: it runs for every contract in the country (deadline engine, opportunity
finder, tender timelines), so it avoids ``calendar``/``relativedelta`` calls on the common path.
"""

from __future__ import annotations

from datetime import date

__all__ = ["add_months", "is_month_end", "last_day_of_month", "month_length", "months_between"]

# Index 0 is January; February is fixed up for leap years in month_length.
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def month_length(year: int, month: int) -> int:
    """Days in ``month`` (1-12) of ``year``."""
    if month == 2:
        return 29 if _is_leap(year) else 28
    return _MONTH_DAYS[month - 1]


def is_month_end(day: date) -> bool:
    return day.day >= 28 and day.day == month_length(day.year, day.month)


def last_day_of_month(day: date) -> date:
    return date(day.year, day.month, month_length(day.year, day.month))


def add_months(day: date, months: int, *, keep_month_end: bool = True) -> date:
    """``day`` plus ``months`` calendar months (negative to go back) by the end-of-month rule.

    Several months are meant to be added in one call (expiration + 24, not + 12 + 12): a date
    clamped to a short month-end (30.01 + 1 = 28.02) is a month-end from then on.

    ``keep_month_end=False`` only clamps the day to the target month's length (28.02 + 1 =
    28.03, like ``relativedelta``): the portfolio's reporting rules count calendar months so.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    dom = day.day
    # Days 1-27 exist in every month and are never a month-end: the common case stays cheap.
    if dom >= 28:
        last = month_length(year, month0 + 1)
        if dom > last or (keep_month_end and dom == month_length(day.year, day.month)):
            dom = last
    return date(year, month0 + 1, dom)


def months_between(start: date, end: date, *, keep_month_end: bool = True) -> int:
    """Whole calendar months from ``start`` towards ``end`` by ``add_months``, never past ``end``.

    The largest n with ``add_months(start, n) <= end`` when ``end`` is later, and the mirror image
    (a negative count, truncated towards zero) when it is earlier.
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    # add_months(start, months) lands in end's month; one step back towards start is enough.
    if months > 0 and add_months(start, months, keep_month_end=keep_month_end) > end:
        months -= 1
    elif months < 0 and add_months(start, months, keep_month_end=keep_month_end) < end:
        months += 1
    return months
