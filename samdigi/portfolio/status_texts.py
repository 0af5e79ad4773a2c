"""The traffic lights' reasons in the user's language.

status.py is pure and speaks English; it also returns a rule code and the figures for every
light. A status report stores the code and figures (JSON in its reason fields), and pages and the
API render them here under the request's language.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samdigi.core.texts import local_values
from samdigi.portfolio.rules.status import Rule

COST_TEXTS = {
    Rule.COST_ON_BUDGET: gettext_lazy(
        "Forecast %(forecast)s is within the baseline budget of %(baseline)s."
    ),
    Rule.COST_OVERRUN_WITHIN_LIMITS: gettext_lazy(
        "Forecast %(forecast)s exceeds the baseline budget of %(baseline)s by %(overrun)s"
        "%(share)s, at most %(limit_percent)s %% of the baseline and at most %(limit_amount)s."
    ),
    Rule.COST_OVERRUN_OVER_PERCENTAGE: gettext_lazy(
        "Forecast %(forecast)s exceeds the baseline budget of %(baseline)s by %(overrun)s"
        "%(share)s, more than %(limit_percent)s %% of the baseline."
    ),
    Rule.COST_OVERRUN_OVER_AMOUNT: gettext_lazy(
        "Forecast %(forecast)s exceeds the baseline budget of %(baseline)s by %(overrun)s"
        "%(share)s, more than %(limit_amount)s."
    ),
    Rule.COST_OVERRUN_OVER_PERCENTAGE_AND_AMOUNT: gettext_lazy(
        "Forecast %(forecast)s exceeds the baseline budget of %(baseline)s by %(overrun)s"
        "%(share)s, more than both %(limit_percent)s %% of the baseline and %(limit_amount)s."
    ),
}

SCHEDULE_TEXTS = {
    Rule.SCHEDULE_ON_TIME: gettext_lazy(
        "Forecast end %(forecast_end)s against baseline end %(baseline_end)s: on time."
    ),
    Rule.SCHEDULE_LATE_UNDER_LIMIT: gettext_lazy(
        "Forecast end %(forecast_end)s against baseline end %(baseline_end)s: %(late)s late, "
        "less than %(yellow)s."
    ),
    Rule.SCHEDULE_LATE_WITHIN_LIMITS: gettext_lazy(
        "Forecast end %(forecast_end)s against baseline end %(baseline_end)s: %(late)s late, "
        "at least %(yellow)s and at most %(red)s."
    ),
    Rule.SCHEDULE_LATE_OVER_LIMIT: gettext_lazy(
        "Forecast end %(forecast_end)s against baseline end %(baseline_end)s: %(late)s late, "
        "more than %(red)s."
    ),
}

TEXTS = {**COST_TEXTS, **SCHEDULE_TEXTS}
_MONEY = ("forecast", "baseline", "overrun", "limit_amount")


def _months(n: int) -> str:
    return ngettext("%(count)s month", "%(count)s months", n) % {"count": n}


def _days(n: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", n) % {"count": n}


def reason_text(rule: str, params: dict) -> str:
    """The reason for a light in the active language."""
    try:
        template = TEXTS[Rule(rule)]
    except (ValueError, KeyError):
        return ""
    values = local_values(params, money=_MONEY)
    if params.get("percent") not in (None, ""):
        values["share"] = _(" (%(percent)s %% of the baseline)") % {"percent": values["percent"]}
    else:
        values["share"] = ""
    if "days" in params:
        values["late"] = _days(int(params["days"]))
        values["yellow"] = _months(int(params["yellow_months"]))
        values["red"] = _months(int(params["red_months"]))
    text = str(template) % values
    # An amount ends in "kr." already; a second full stop would read as a typo.
    return text[:-1] if text.endswith("..") else text


# --- stored on the status report ------------------------------------------------------------


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def stored(assessment) -> str:
    """What a status report keeps of an assessment: its rule code and figures, as JSON."""
    return json.dumps(
        {
            "rule": assessment.rule.value,
            "params": {k: _plain(v) for k, v in assessment.params.items()},
        },
        separators=(",", ":"),
    )


def _revived(params: dict) -> dict:
    values = {}
    for name, value in params.items():
        if isinstance(value, str) and name.endswith("_end"):
            value = datetime.date.fromisoformat(value)
        elif isinstance(value, str):
            value = Decimal(value)
        values[name] = value
    return values


def stored_text(value: str) -> str:
    """A stored reason in the active language; a reason stored as text before codes were kept
    is shown as it is."""
    if not value or not value.startswith("{"):
        return value or ""
    try:
        data = json.loads(value)
        return reason_text(data["rule"], _revived(data.get("params") or {}))
    except (ValueError, KeyError, TypeError, ArithmeticError):
        return ""
