"""The deadline engine's explanations in the user's language.

deadlines.py explains each date with an English template per rule; here the same templates are
marked for translation, and the ISO dates in their parameters are shown the local way.
"""

import datetime

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from samdigi.landscape.rules.deadlines import Rule

TEXTS = {
    Rule.NOTICE_DEADLINE: _(
        "Last day to give notice: the current end %(current_end)s minus %(notice_months)s month(s) "
        "of notice."
    ),
    Rule.OPTION_DECISION: _(
        "Decide on option %(next_option)s of %(option_count)s or re-tender: the current end "
        "%(current_end)s minus %(notice_months)s month(s) of notice."
    ),
    Rule.RETENDER_START: _(
        "Start the re-tender: the day after the contract ends (%(end)s) minus a lead time of "
        "%(lead_months)s month(s)."
    ),
    Rule.EXPIRY_TERM: _(
        "The contract ends: the expiration date %(expiration)s plus %(options_used)s used option(s) "
        "of %(option_months)s month(s)."
    ),
    Rule.EXPIRY_NOTICE: _(
        "The contract ends on the earliest day allowed by the notice given on %(terminated_on)s "
        "(%(notice_months)s month(s) of notice, to the end of: %(notice_to_end_of)s; irrevocable "
        "until: %(irrevocable_until)s)."
    ),
}

PERIOD_NAMES = {
    "none": _("no period end"),
    "month": _("month"),
    "quarter": _("quarter"),
    "year": _("year"),
}


def _show(name, value):
    if isinstance(value, str):
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            pass
        if name == "notice_to_end_of":
            return str(PERIOD_NAMES.get(value, value))
    return value


def explain(deadline) -> str:
    params = {name: _show(name, value) for name, value in deadline.params}
    return str(TEXTS[deadline.rule]) % params


DATE_ERRORS = {
    "negative": _("The number cannot be negative."),
    "too_many_options_used": _("%(used)s options used, but the contract has only %(count)s."),
    "option_without_months": _("An extension option must last at least one month."),
    "options_on_running_contract": _(
        "A running contract (no expiration date) cannot have used extension options."
    ),
    "expiration_before_start": _(
        "The expiration date is before the date the contract is valid from."
    ),
}


def date_error_text(error) -> str:
    """A ContractDatesError in the user's language (its English message when it has no code:
    values no form lets through)."""
    template = DATE_ERRORS.get(getattr(error, "code", ""))
    return str(template) % error.params if template is not None else error.message
