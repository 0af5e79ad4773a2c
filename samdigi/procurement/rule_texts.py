"""The procurement rules' explanations in the user's language.

schedule.py is pure and speaks English; it also returns a code and parameters for every step,
threshold assessment, warning and actual-date check. Here those codes become translated texts
that cite udbudsloven (with the directive's article in brackets) or lov om Klagenævnet for Udbud,
with dates and amounts shown the local way. Pages and the API call these under the request's
language; the OCDS ``planning.rationale`` (language "da") calls them under Danish.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samdigi.procurement.rules import schedule

# --- citations ------------------------------------------------------------------------------------


def citation(rule: str, procedure: str = "") -> str:
    """The legal basis of a rule code, e.g. "udbudslovens § 57 (direktivets art. 27)" in Danish."""
    if rule == "law_standstill":
        return _("lov om Klagenævnet for Udbud § 3, stk. 1, nr. 1")
    section, article = schedule.legal_basis(rule, procedure)
    if section and article:
        return _("udbudsloven %(section)s (directive art. %(article)s)") % {
            "section": section,
            "article": article,
        }
    if article:
        return _("directive 2014/24/EU art. %(article)s") % {"article": article}
    return ""


# --- values -----------------------------------------------------------------------------------------


def _day(value) -> str:
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return "" if value is None else str(value)


def _kr(amount: Decimal) -> str:
    from samdigi.core.formatting import money

    return money(amount)


def step_label(key: str) -> str:
    from samdigi.procurement.models import StepKey

    try:
        return str(StepKey(key).label)
    except ValueError:
        return key


def procedure_label(procedure: str) -> str:
    from samdigi.landscape.models import ProcurementProcedure

    try:
        return str(ProcurementProcedure(procedure).label)
    except ValueError:
        return procedure


def category_label(category: str) -> str:
    from samdigi.procurement.models import Category

    try:
        return str(Category(category).label)
    except ValueError:
        return category


NOTE_DAYS = {
    schedule.CONSTITUTION_DAY: gettext_lazy("Constitution Day (5 June)"),
    schedule.CHRISTMAS_EVE: gettext_lazy("Christmas Eve (24 December)"),
    schedule.NEW_YEARS_EVE: gettext_lazy("New Year's Eve (31 December)"),
}


def day_note(note: str, day: datetime.date) -> str:
    """A deadline on 5 June, 24 or 31 December: it stands, with a note."""
    if not note:
        return ""
    return _(
        "%(date)s is %(day)s: a working day in law, so the date does not move; many offices are "
        "closed that day."
    ) % {"date": _day(day), "day": NOTE_DAYS.get(note, note)}


# --- steps ------------------------------------------------------------------------------------------

STEP_TEXTS = {
    "required_start": gettext_lazy("The new contract must start this day."),
    "transition": gettext_lazy(
        "%(days)s days of transition before the contract starts (planning norm)."
    ),
    "standstill_end": gettext_lazy(
        "Standstill of %(days)s calendar days from the day after the award decision is sent "
        "electronically (%(citation)s); a period ending on a Saturday, Sunday or public holiday "
        "ends on the next working day."
    ),
    "voluntary_standstill_end": gettext_lazy(
        "Voluntary standstill of %(days)s calendar days from the day after the award decision, "
        "with a transparency notice (lov om Klagenævnet for Udbud § 4); a period ending on a "
        "Saturday, Sunday or public holiday ends on the next working day."
    ),
    "award_with_standstill": gettext_lazy(
        "Latest working day for the award decision so that the standstill period has ended "
        "before the contract is signed on %(signature)s."
    ),
    "award_without_standstill": gettext_lazy(
        "No standstill is required for this procedure; %(days)s days are planned from the award "
        "decision to signature."
    ),
    "evaluation": gettext_lazy(
        "%(days)s days of evaluation before the award decision (planning norm)."
    ),
    "open_tender_period": gettext_lazy(
        "Minimum tender period of %(days)s days (%(citation)s), counted from the day after the "
        "contract notice is sent; a period ending on a non-working day runs to the next working "
        "day."
    ),
    "invitation_tender_period": gettext_lazy(
        "Minimum tender period of %(days)s days (%(citation)s), counted from the day after the "
        "invitation to tender is sent."
    ),
    "participation_period": gettext_lazy(
        "Minimum of %(days)s days for requests to participate (%(citation)s), counted from the "
        "day after the contract notice is sent."
    ),
    "selection": gettext_lazy(
        "%(days)s days to select the candidates before inviting them to tender (planning norm)."
    ),
    "negotiation": gettext_lazy(
        "%(days)s days of negotiation before the final tenders (planning norm)."
    ),
    "dialogue": gettext_lazy(
        "%(days)s days of dialogue or negotiation before the final tenders; the law sets no "
        "minimum here."
    ),
    "national_tender_period": gettext_lazy(
        "%(days)s days of tender period: a national advertisement needs an appropriate period, "
        "not a fixed minimum."
    ),
    "invited_tender_period": gettext_lazy(
        "%(days)s days for the invited suppliers to tender; no notice is published."
    ),
    "preparation": gettext_lazy(
        "Lead time of %(months)s months before the contract must start (planning norm)."
    ),
}

_LAW_RULE_OF_CODE = {
    "standstill_end": "law_standstill",
    "open_tender_period": "law_open_tender_time_limit",
    "invitation_tender_period": "law_tender_time_limit",
    "participation_period": "law_participation_time_limit",
}


def step_text(step: schedule.Step, procedure: str) -> str:
    """A planned step's explanation in the active language, with the moves that shaped it."""
    template = STEP_TEXTS.get(step.code)
    if template is None:
        return step.explanation
    params = dict(step.params)
    values = {name: _day(value) for name, value in params.items()}
    values["citation"] = citation(_LAW_RULE_OF_CODE.get(step.code, ""), procedure)
    if params.get("buffer"):
        values["days"] = f"{params['days']} + {params['buffer']}"
    text = str(template) % values
    if "fixed_from" in params:
        return _(
            "A date set by hand or entered as the actual date; the rules plan %(planned)s."
        ) % {"planned": _day(params["fixed_from"])} + (
            " " + day_note(step.note, step.date) if step.note else ""
        )
    raw = params.get("raw")
    if isinstance(raw, datetime.date) and "pushed_from" not in params and raw != step.date:
        text += " " + _("%(raw)s is not a working day, so %(date)s.") % {
            "raw": _day(raw),
            "date": _day(step.date),
        }
    if "pushed_from" in params:
        text += " " + _("Moved from %(old)s because the %(after)s is now on %(after_date)s.") % {
            "old": _day(params["pushed_from"]),
            "after": step_label(str(params["after"])),
            "after_date": _day(params["after_date"]),
        }
    if step.note:
        text += " " + day_note(step.note, step.date)
    return text


# --- threshold assessment ------------------------------------------------------------------------


def assessment_lines(classification: schedule.Classification) -> list[str]:
    """The threshold assessment: the reason, then the notes, in the active language."""
    c = classification
    threshold = _("%(dkk)s (EUR %(eur)s)") % {
        "dkk": _kr(c.threshold.dkk),
        "eur": formats.number_format(c.threshold.eur, 0, force_grouping=True),
    }
    values = {
        "value": _kr(c.estimated_value),
        "period": c.period.label,
        "category": category_label(c.category),
        "threshold": threshold,
        "citation": citation("threshold"),
        "procedure": procedure_label(c.procedure),
        "date": _day(c.notice_date),
    }
    if c.code == "call_off":
        reason = _(
            "A call-off from a framework agreement is not a new procedure, so no EU notice is "
            "needed for it; for reference, the %(period)s threshold for %(category)s is "
            "%(threshold)s and the estimated value %(value)s."
        )
    elif c.eu_required:
        reason = _(
            "An EU procedure is required: the estimated value of %(value)s is equal to or "
            "greater than the %(period)s threshold for %(category)s of %(threshold)s "
            "(%(citation)s)."
        )
        if not c.procedure_fits:
            reason += " " + _("The procedure “%(procedure)s” is only lawful below the threshold.")
    else:
        reason = _(
            "An EU procedure is not required: the estimated value of %(value)s is below the "
            "%(period)s threshold for %(category)s of %(threshold)s (%(citation)s)."
        )
        if c.procedure in schedule.EU_PROCEDURES:
            reason += " " + _("The EU procedure is used voluntarily.")
    lines = [reason % values]
    lines.append(
        _(
            "The threshold is the one in force on %(date)s, the day the call for competition is "
            "sent or, without a call, the procedure starts (%(moment)s)."
        )
        % {"date": values["date"], "moment": citation("threshold_moment")}
    )
    notes = {
        "period_assumed": _(
            "No threshold period covers %(date)s; the %(period)s figures are assumed until newer "
            "ones are entered."
        ),
        "dkk_estimated": _(
            "The DKK threshold for %(period)s is converted from EUR at %(rate)s; check the "
            "official figure."
        ),
        "framework_itself_eu": _(
            "The framework agreement itself must have been tendered under EU rules."
        ),
        "negotiated_grounds": _(
            "A negotiated procedure without prior publication is lawful only on the grounds of "
            "directive 2014/24/EU art. 32; document them."
        ),
        "cross_border_interest": _(
            "If the contract has a certain cross-border interest it must still be advertised "
            "(national advertisement)."
        ),
        "light_regime": _(
            "Social and other specific services follow the light regime (udbudsloven part III): "
            "a notice is required, the procedure is largely free."
        ),
    }
    values["rate"] = formats.number_format(c.threshold.eur_rate or 0, 5)
    for code in c.note_codes:
        if code in notes:
            lines.append(notes[code] % values)
    return lines


def warning_text(code: str, params) -> str:
    values = {name: _day(value) for name, value in dict(params).items()}
    if "step" in values:
        values["step"] = step_label(values["step"])
    texts = {
        "standstill_left_out": _(
            "The standstill period is left out although the law requires it for this procedure; "
            "that is lawful only in the exceptions of lov om Klagenævnet for Udbud § 4."
        ),
        "lead_time_short": _(
            "The lead time of %(months)s months is shorter than the procedure needs: the "
            "procedure must start on %(start)s, preparation starts %(preparation)s."
        ),
        "too_late": _(
            "Too late: the procedure had to start on %(start)s to reach %(required_start)s with "
            "the legal minimums and these norms."
        ),
        "preparation_missed": _("Preparation should have started on %(preparation)s."),
        "contract_start_later": _(
            "The contract can start on %(start)s at the earliest, after the required start "
            "%(required_start)s, because earlier steps moved."
        ),
        "move_dropped": _(
            "The move of the %(step)s to %(date)s was undone: it is earlier than the law allows "
            "(%(earliest)s at the earliest)."
        ),
    }
    template = texts.get(code)
    return template % values if template else ""


def schedule_warnings(result: schedule.Schedule) -> list[str]:
    """The schedule's warnings in the active language (the misfit is in the assessment)."""
    return [
        text
        for code, params in result.warning_codes
        if code != "procedure_misfit" and (text := warning_text(code, params))
    ]


# --- actual dates -----------------------------------------------------------------------------------


def date_warning_text(warning: schedule.DateWarning, procedure: str) -> str:
    values = {
        "step": step_label(warning.step),
        "actual": _day(warning.actual),
        "minimum": _day(warning.minimum),
        "event": step_label(warning.event),
        "event_date": _day(warning.event_date),
        "days": warning.days,
        "citation": citation(warning.rule, procedure),
    }
    if warning.is_note:
        return day_note(warning.note, warning.actual)
    if warning.code == "standstill_not_over":
        return (
            _(
                "The contract was signed on %(actual)s, within the standstill period after the "
                "award decision of %(event_date)s: it may be signed from %(minimum)s "
                "(%(citation)s)."
            )
            % values
        )
    if warning.code == "before_event":
        return _("The %(step)s (%(actual)s) comes before the %(event)s (%(event_date)s).") % values
    return (
        _(
            "The %(step)s (%(actual)s) is earlier than the legal minimum: at least %(days)s days "
            "counted from the day after the %(event)s (%(event_date)s), so %(minimum)s at the "
            "earliest (%(citation)s)."
        )
        % values
    )


def in_language(language: str, function, *args):
    """``function(*args)`` rendered in ``language`` (e.g. "da" for OCDS)."""
    with translation.override(language):
        return function(*args)
