"""How values look on pages and in exports: Danish money, dates, yes/no."""

import datetime
import decimal

from django.utils import formats
from django.utils.translation import gettext as _


def money(value, with_unit: bool = True) -> str:
    """1234567.89 → '1.234.567,89 kr.' (Danish) or '1,234,567.89 kr.' (English)."""
    if value is None or value == "":
        return ""
    amount = decimal.Decimal(value).quantize(decimal.Decimal("0.01"))
    text = formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text} kr." if with_unit else text


def number(value) -> str:
    if value is None or value == "":
        return ""
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def display(value) -> str:
    """A plain value as text for a table cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, decimal.Decimal):
        return money(value)
    if isinstance(value, int):
        return number(value)
    return str(value)
