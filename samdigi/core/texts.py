"""Values inside translated sentences, shown the local way.

Pure modules return codes with plain parameters (amounts, dates, counts); the rendering layer
picks the translated sentence for the code and formats each parameter here, so that "Status
2026-11-30" reads "Status 30.11.2026" in Danish and "Status 30/11/2026" in English.
"""

import datetime
import decimal

from django.utils import formats

from samdigi.core import formatting


def local_date(value) -> str:
    """A date (or an ISO date string) as the active language writes it."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return "" if value is None else str(value)


def local_number(value, decimal_pos=None) -> str:
    if value is None or value == "":
        return ""
    return formats.number_format(value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)


def local_values(params: dict, money=(), numbers=()) -> dict:
    """Each parameter as text: dates localised; names in ``money`` as "1.234,50 kr."; names in
    ``numbers`` with the local decimal comma; anything else as it is."""
    shown = {}
    for name, value in dict(params).items():
        if name in money:
            shown[name] = formatting.money(value)
        elif name in numbers or isinstance(value, decimal.Decimal):
            shown[name] = local_number(value)
        elif isinstance(value, datetime.date):
            shown[name] = local_date(value)
        else:
            shown[name] = "" if value is None else value
    return shown
