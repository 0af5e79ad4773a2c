"""Quarters as the user writes them: "K4 2026" in Danish, "Q4 2026" in English."""

import datetime

from django.utils.translation import gettext as _


def quarter_number(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_key(day: datetime.date) -> tuple[int, int]:
    """(year, quarter): sorts in time order whatever the language."""
    return day.year, quarter_number(day)


def quarter_label(day_or_key) -> str:
    """The quarter of a date, or of a (year, quarter) key, in the active language."""
    year, number = quarter_key(day_or_key) if isinstance(day_or_key, datetime.date) else day_or_key
    # Translators: a calendar quarter, e.g. "Q4 2026"; Danish writes "K4 2026".
    return _("Q%(quarter)s %(year)s") % {"quarter": number, "year": year}
