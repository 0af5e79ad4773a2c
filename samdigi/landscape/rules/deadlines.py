"""The contract deadline engine: which dates matter for a contract, and whether it is in force.

Pure on purpose: plain dates and a frozen dataclass in, plain values out, nothing from Django. The
rules are the ones in docs/domain.md ("Contracts: the dates that matter"), and they are easy to get
subtly wrong, so they live in one place that is tested on its own and that the models, views, the
API and the calendar feed all call.

Conventions used throughout:

* Every end date is **inclusive**: it is the last day the contract is in force. The next contract
  therefore starts the day after, which is why the re-tender start is counted back from end + 1 day.
* Month arithmetic follows the end-of-month rule of docs/domain.md (``samdigi.core.rules.months``): a
  month-end maps to the target month's end (30 September + 6 months = 31 March; 30 April − 6
  months = 31 October), any other day keeps its number, clamped to a short month. Several months
  are always added in one step (expiration + 24 months, never + 12 + 12) so that a day clamped to
  a short month's end does not turn into a month-end half-way.
* Explanations are English sentences built from a template per rule (``RULE_TEXTS``) and its
  parameters, so a caller that wants another language translates the template and formats it with
  ``Deadline.params`` instead of parsing our English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from samdigi.core.rules.months import add_months, last_day_of_month

if TYPE_CHECKING:
    from samdigi.procurement.rules.schedule import ThresholdPeriod

__all__ = [
    "DEFAULT_LEAD_MONTHS",
    "DERIVED_FIELDS",
    "FALLBACK_LEAD_MONTHS",
    "RULE_TEXTS",
    "ContractDates",
    "ContractDatesError",
    "Deadline",
    "DeadlineKind",
    "NoticeTo",
    "Rule",
    "Validity",
    "ValidityReason",
    "ValidityStatus",
    "current_end",
    "deadlines",
    "derived_dates",
    "estimated_value",
    "required_procedure",
    "retender_lead_months",
    "services_threshold",
    "earliest_end_if_notice_on",
    "effective_end",
    "end_of_period",
    "latest_possible_end",
    "lead_months_for",
    "notice_deadline",
    "option_decision_date",
    "retender_start",
    "validity",
]


class NoticeTo(StrEnum):
    """What a notice period runs to ("opsigelse med 3 måneders varsel til udgangen af et kvartal")."""

    NONE = "none"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class ContractDatesError(ValueError):
    """Raised for contract dates that no rule can make sense of.

    ``field`` names the offending ContractDates attribute so that a form can attach the message to
    the right input instead of showing a generic error; ``code`` and ``params`` let the caller say
    it in the user's language (landscape/explanations.py).
    """

    def __init__(self, field: str, message: str, code: str = "", **params: object) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code
        self.params = params


_DATE_FIELDS = ("concluded", "valid_from", "expiration", "irrevocable_until", "terminated_on")
_COUNT_FIELDS = ("notice_months", "option_count", "option_months", "options_used")


@dataclass(frozen=True, slots=True)
class ContractDates:
    """The date-bearing fields of one contract, as the IT-overview systems record them.

    ``expiration`` None means a running contract (løbende kontrakt) that ends only by notice.
    ``terminated_on`` is the day notice was given, not the day the contract ends; the end follows
    from the notice rules (see ``effective_end``). ``procurement_procedure`` is the key of the
    procedure the current contract was bought with; it picks the default re-tender lead time.
    """

    concluded: dt.date | None = None
    valid_from: dt.date | None = None
    expiration: dt.date | None = None
    irrevocable_until: dt.date | None = None
    notice_months: int = 0
    notice_to_end_of: NoticeTo | str = NoticeTo.NONE
    option_count: int = 0
    option_months: int = 0
    options_used: int = 0
    terminated_on: dt.date | None = None
    procurement_procedure: str | None = None

    def __post_init__(self) -> None:
        for name in _DATE_FIELDS:
            value = getattr(self, name)
            # A datetime is a date subclass, but comparing one with a date raises TypeError deep
            # inside a rule; refusing it here gives the caller a message that names the field.
            if value is not None and (
                not isinstance(value, dt.date) or isinstance(value, dt.datetime)
            ):
                raise ContractDatesError(name, f"{name} must be a date or None, not {value!r}.")
        for name in _COUNT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ContractDatesError(name, f"{name} must be a whole number, not {value!r}.")
            if value < 0:
                raise ContractDatesError(name, f"{name} cannot be negative.", "negative")
        try:
            notice_to = NoticeTo(self.notice_to_end_of)
        except ValueError:
            choices = ", ".join(repr(choice.value) for choice in NoticeTo)
            raise ContractDatesError(
                "notice_to_end_of",
                f"notice_to_end_of must be one of {choices}, not {self.notice_to_end_of!r}.",
            ) from None
        # Normalise so that callers may pass the stored string and still compare with the enum.
        object.__setattr__(self, "notice_to_end_of", notice_to)
        if self.options_used > self.option_count:
            raise ContractDatesError(
                "options_used",
                f"{self.options_used} options used, but the contract has only {self.option_count}.",
                "too_many_options_used",
                used=self.options_used,
                count=self.option_count,
            )
        if self.option_count and not self.option_months:
            raise ContractDatesError(
                "option_months",
                "An extension option must last at least one month.",
                "option_without_months",
            )
        if self.options_used and self.expiration is None:
            raise ContractDatesError(
                "options_used",
                "A running contract (no expiration date) cannot have used extension options.",
                "options_on_running_contract",
            )
        if (
            self.expiration is not None
            and self.valid_from is not None
            and self.expiration < self.valid_from
        ):
            raise ContractDatesError(
                "expiration",
                "The expiration date is before the date the contract is valid from.",
                "expiration_before_start",
            )

    @property
    def is_running(self) -> bool:
        """A running contract has no expiration date and ends only when notice is given."""
        return self.expiration is None

    @property
    def options_remaining(self) -> int:
        return self.option_count - self.options_used


# --- period arithmetic -------------------------------------------------------------------------


_shift_months = add_months


def end_of_period(day: dt.date, period: NoticeTo | str) -> dt.date:
    """The last day of the month / quarter / year that contains ``day``; ``day`` itself for none."""
    period = NoticeTo(period)
    if period is NoticeTo.NONE:
        return day
    if period is NoticeTo.MONTH:
        return last_day_of_month(day)
    if period is NoticeTo.QUARTER:
        last_month_of_quarter = (day.month - 1) // 3 * 3 + 3
        return last_day_of_month(dt.date(day.year, last_month_of_quarter, 1))
    return dt.date(day.year, 12, 31)


# --- the derived dates ---------------------------------------------------------------------------


def current_end(c: ContractDates) -> dt.date | None:
    """Expiration plus the options already used; None for a running contract."""
    if c.expiration is None:
        return None
    return _shift_months(c.expiration, c.options_used * c.option_months)


def latest_possible_end(c: ContractDates) -> dt.date | None:
    """Expiration plus every option; the estimated value for the threshold covers this term."""
    if c.expiration is None:
        return None
    return _shift_months(c.expiration, c.option_count * c.option_months)


def notice_deadline(c: ContractDates) -> dt.date | None:
    """The last day notice can be given on a fixed-term contract so that it ends at current end.

    None for running contracts: they have no end to aim at, only ``earliest_end_if_notice_on``.
    """
    end = current_end(c)
    if end is None:
        return None
    return _shift_months(end, -c.notice_months)


def earliest_end_if_notice_on(c: ContractDates, day: dt.date) -> dt.date:
    """The earliest end if notice is given on ``day``.

    The end of the month/quarter/year (``notice_to_end_of``) containing the later of day + notice
    months and ``irrevocable_until``; with "none", that date itself. The result is deliberately not
    capped by the fixed-term end, so it answers "what does notice buy us"; ``effective_end`` is the
    function that combines both.
    """
    target = _shift_months(day, c.notice_months)
    if c.irrevocable_until is not None and c.irrevocable_until > target:
        target = c.irrevocable_until
    return end_of_period(target, c.notice_to_end_of)


def effective_end(c: ContractDates) -> dt.date | None:
    """The day the contract actually ends, taking notice already given into account.

    Without notice: the current end (None for a running contract). With notice given on
    ``terminated_on``: the earliest end that notice allows, but never later than the current end,
    because a fixed-term contract ends at its term whether or not notice was given.
    """
    end = current_end(c)
    if c.terminated_on is None:
        return end
    by_notice = earliest_end_if_notice_on(c, c.terminated_on)
    return by_notice if end is None else min(by_notice, end)


def option_decision_date(c: ContractDates) -> dt.date | None:
    """The day by which to decide to use the next option or re-tender; None when none remain."""
    if c.expiration is None or c.options_remaining <= 0:
        return None
    return notice_deadline(c)


def retender_start(c: ContractDates, lead_months: int) -> dt.date | None:
    """The day to start buying again so that a new contract is ready the day after this one ends.

    Counted back from ``effective_end`` + 1 day, which equals current end + 1 day until notice is
    given; after notice the (possibly earlier) end is the one the new contract has to meet. None
    for a running contract on which no notice has been given: there is no end to plan for.
    """
    if lead_months < 0:
        raise ValueError("The lead time cannot be negative.")
    end = effective_end(c)
    if end is None:
        return None
    return _shift_months(end + dt.timedelta(days=1), -lead_months)


# --- lead times ----------------------------------------------------------------------------------

DEFAULT_LEAD_MONTHS: dict[str, int] = {
    # The association's planning norm, not law (docs/domain.md, "Procurement law"): needs analysis,
    # market dialogue, specification, tender period, evaluation, standstill and transition.
    "open": 12,
    "restricted": 12,
    "competitive_negotiation": 18,
    "competitive_dialogue": 18,
    "innovation_partnership": 18,
    # docs/domain.md (insights): procedures the norm above does not name get 3 months.
    "negotiated_without_publication": 3,
    "national": 6,
    "framework_call_off": 3,
    "direct_award": 3,
}

# An unknown or missing procedure gets the EU open-procedure norm: short enough not to flood the
# workload view, long enough that an above-threshold re-tender is not started too late.
FALLBACK_LEAD_MONTHS = 12


def lead_months_for(
    procedure: str | None,
    overrides: Mapping[str, int] | None = None,
    fallback: int = FALLBACK_LEAD_MONTHS,
) -> int:
    """The re-tender lead time in months for a procedure key.

    ``overrides`` is the association's own configuration and wins over ``DEFAULT_LEAD_MONTHS``;
    an unknown or missing procedure gets ``fallback``.
    """
    months = fallback
    if procedure is not None:
        if overrides is not None and procedure in overrides:
            months = overrides[procedure]
        else:
            months = DEFAULT_LEAD_MONTHS.get(procedure, fallback)
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise ValueError(f"The lead time for {procedure!r} must be a whole number >= 0.")
    return months


# The procedures the threshold assessment requires for a re-tender (docs/domain.md, "Procurement
# law"): at or above the threshold the EU procedure (open is the default one), below it a national
# advertisement. IT contracts are services.
EU_DEFAULT_PROCEDURE = "open"
BELOW_THRESHOLD_PROCEDURE = "national"


def required_procedure(estimated_value: Decimal | None, threshold: Decimal | None) -> str | None:
    """The procedure the threshold assessment requires for ``estimated_value`` (whole term with
    all options); None when the value or the threshold is unknown. Equal to the threshold is EU
    (directive art. 4: "equal to or greater than")."""
    if estimated_value is None or threshold is None:
        return None
    return EU_DEFAULT_PROCEDURE if estimated_value >= threshold else BELOW_THRESHOLD_PROCEDURE


def services_threshold(
    day: dt.date, periods: Sequence[ThresholdPeriod], eur_rate: Decimal
) -> Decimal:
    """The EU threshold in DKK for services in force on ``day`` among ``periods`` (the pure
    ``procurement.rules.schedule`` periods; the latest known one after the last period)."""
    # Imported here: the threshold rules live with procurement and only this needs them.
    from samdigi.procurement.rules.schedule import SERVICES, find_period

    period, _ = find_period(day, periods)
    return period.amount(SERVICES, eur_rate).dkk


def _money(value: Decimal | int | str | None) -> Decimal | None:
    # Models about to be saved may still hold the string a form or an import gave them; a value
    # that is no number counts as unknown here and is refused by the field's own validation.
    if value is None:
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except ArithmeticError:
        return None
    return amount if amount.is_finite() else None


def estimated_value(
    c: ContractDates,
    annual_value: Decimal | int | str | None,
    total_value: Decimal | int | str | None,
    default_term_years: int = 4,
) -> Decimal | None:
    """The contract's estimated value for the threshold: the whole term with all options.

    The total value covers the term without options; the options add the annual value per month
    of option. With only an annual value, the term runs from valid from (or concluded) to the
    expiration date, or ``default_term_years`` for a running contract or unknown start. None
    when neither value is known.
    """
    annual_value, total_value = _money(annual_value), _money(total_value)
    annual = annual_value or Decimal(0)
    options = annual * c.option_count * c.option_months / 12
    if total_value is not None:
        return total_value + options
    if annual_value is None:
        return None
    start = c.valid_from or c.concluded
    if start is not None and c.expiration is not None:
        months = (c.expiration.year - start.year) * 12 + c.expiration.month - start.month + 1
        return annual * max(months, 1) / 12 + options
    return annual * default_term_years + options


def retender_lead_months(
    c: ContractDates,
    overrides: Mapping[str, int] | None = None,
    *,
    planned_procedure: str | None = None,
    estimated: Decimal | None = None,
    threshold: Decimal | None = None,
) -> int:
    """The lead time of the contract's re-tender (docs/domain.md, "Lead time").

    The procedure planned for the re-tender when one is; by default the one the threshold
    assessment requires for the estimated value (whole term with options); when that cannot be
    assessed (no value), the procedure the current contract was bought with, as a proxy.
    """
    procedure = (
        planned_procedure or required_procedure(estimated, threshold) or c.procurement_procedure
    )
    return lead_months_for(procedure, overrides)


DERIVED_FIELDS = (
    "current_end",
    "ends_on",
    "latest_end",
    "notice_deadline",
    "option_decision",
    "retender_start",
)


def derived_dates(c: ContractDates, lead_months: int) -> dict[str, dt.date | None]:
    """The dates stored on a contract (by field name), so the model and data migrations that
    recompute them use the very same code."""
    return {
        "current_end": current_end(c),
        "ends_on": effective_end(c),
        "latest_end": latest_possible_end(c),
        "notice_deadline": notice_deadline(c),
        "option_decision": option_decision_date(c),
        "retender_start": retender_start(c, lead_months),
    }


# --- validity ------------------------------------------------------------------------------------


class ValidityStatus(StrEnum):
    ACTIVE = "active"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class ValidityReason(StrEnum):
    """One answer per check; three checks (start, term, termination) each give exactly one.

    The first six say "in force as far as this check goes"; the last three say it is not.
    """

    # start check
    STARTED = "started"
    NO_START_DATE = "no_start_date"
    # term check
    WITHIN_TERM = "within_term"
    RUNNING = "running"
    # termination check
    NOT_TERMINATED = "not_terminated"
    NOTICE_GIVEN = "notice_given"
    # the blocking ones
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    TERMINATED = "terminated"

    @property
    def allows_active(self) -> bool:
        return self not in _BLOCKING_REASONS


_BLOCKING_REASONS = frozenset(
    {ValidityReason.NOT_STARTED, ValidityReason.EXPIRED, ValidityReason.TERMINATED}
)

# When several checks block, the status names the most telling one: a contract that has not
# started says so even if its dates are odd; one ended by notice is "terminated" rather than
# "expired" even when its term has also run out, because notice is what ended it.
_STATUS_PRIORITY = (
    (ValidityReason.NOT_STARTED, ValidityStatus.NOT_STARTED),
    (ValidityReason.TERMINATED, ValidityStatus.TERMINATED),
    (ValidityReason.EXPIRED, ValidityStatus.EXPIRED),
)


@dataclass(frozen=True, slots=True)
class Validity:
    """Whether a contract is in force on a day, and why.

    ``reasons`` always has three entries, in the order start, term, termination. The status is
    active exactly when every reason allows it. ``ends_on`` is ``effective_end`` (None for a
    running contract without notice).
    """

    status: ValidityStatus
    reasons: tuple[ValidityReason, ...]
    ends_on: dt.date | None

    @property
    def is_active(self) -> bool:
        return self.status is ValidityStatus.ACTIVE


def validity(c: ContractDates, today: dt.date) -> Validity:
    """Check start, term and termination on ``today``; every check must allow "active".

    * start: ``not_started`` while today is before valid_from (or, if valid_from is empty, before
      concluded, because a signed contract without a start date runs from its signature);
      ``no_start_date`` when both are empty.
    * term: ``expired`` once today is after the current end (end dates are inclusive); ``running``
      for a contract without an expiration date.
    * termination: a contract under notice stays active until the end that the notice given on
      terminated_on produces (``effective_end``): ``notice_given`` up to and including that day,
      ``terminated`` from the day after (docs/domain.md); ``not_terminated`` without notice.
    """
    start = c.valid_from or c.concluded
    if start is None:
        start_reason = ValidityReason.NO_START_DATE
    elif today < start:
        start_reason = ValidityReason.NOT_STARTED
    else:
        start_reason = ValidityReason.STARTED

    end = current_end(c)
    if end is None:
        term_reason = ValidityReason.RUNNING
    elif today > end:
        term_reason = ValidityReason.EXPIRED
    else:
        term_reason = ValidityReason.WITHIN_TERM

    ends_on = effective_end(c)
    if c.terminated_on is None:
        termination_reason = ValidityReason.NOT_TERMINATED
    else:
        assert ends_on is not None  # notice always leads to an end
        # Notice ended the contract, also when the end it produced is the term's own end: from
        # the day after, the status says "terminated" (it outranks "expired").
        if today > ends_on:
            termination_reason = ValidityReason.TERMINATED
        else:
            termination_reason = ValidityReason.NOTICE_GIVEN

    reasons = (start_reason, term_reason, termination_reason)
    status = ValidityStatus.ACTIVE
    for reason, candidate in _STATUS_PRIORITY:
        if reason in reasons:
            status = candidate
            break
    return Validity(status=status, reasons=reasons, ends_on=ends_on)


# --- the deadline list ---------------------------------------------------------------------------


class DeadlineKind(StrEnum):
    NOTICE_DEADLINE = "notice_deadline"
    OPTION_DECISION = "option_decision"
    RETENDER_START = "retender_start"
    EXPIRY = "expiry"


class Rule(StrEnum):
    """Which rule produced a deadline; stable codes a caller can key translations on."""

    NOTICE_DEADLINE = "notice_deadline.current_end_minus_notice"
    OPTION_DECISION = "option_decision.current_end_minus_notice"
    RETENDER_START = "retender_start.end_plus_one_day_minus_lead_time"
    EXPIRY_TERM = "expiry.expiration_plus_used_options"
    EXPIRY_NOTICE = "expiry.notice_given"


RULE_TEXTS: dict[Rule, str] = {
    Rule.NOTICE_DEADLINE: (
        "Last day to give notice: the current end {current_end} minus {notice_months} month(s) "
        "of notice."
    ),
    Rule.OPTION_DECISION: (
        "Decide on option {next_option} of {option_count} or re-tender: the current end "
        "{current_end} minus {notice_months} month(s) of notice."
    ),
    Rule.RETENDER_START: (
        "Start the re-tender: the day after the contract ends ({end}) minus a lead time of "
        "{lead_months} month(s)."
    ),
    Rule.EXPIRY_TERM: (
        "The contract ends: the expiration date {expiration} plus {options_used} used option(s) "
        "of {option_months} month(s)."
    ),
    Rule.EXPIRY_NOTICE: (
        "The contract ends on the earliest day allowed by the notice given on {terminated_on} "
        "({notice_months} month(s) of notice, to the end of: {notice_to_end_of}; irrevocable "
        "until: {irrevocable_until})."
    ),
}

ParamValue = str | int


@dataclass(frozen=True, slots=True)
class Deadline:
    """One dated thing to act on.

    ``explanation`` is the English text of ``rule`` filled with ``params`` (dates as ISO strings);
    ``days_left`` is negative once the day has passed, so a caller can flag overdue ones.
    """

    kind: DeadlineKind
    date: dt.date
    rule: Rule
    params: tuple[tuple[str, ParamValue], ...] = field(default=())
    days_left: int = 0

    @property
    def explanation(self) -> str:
        # Formatted on demand: national lists compute many deadlines and show few explanations.
        return RULE_TEXTS[self.rule].format(**dict(self.params))


_KIND_ORDER = {
    # Same-day deadlines read in the order one acts on them.
    DeadlineKind.RETENDER_START: 0,
    DeadlineKind.OPTION_DECISION: 1,
    DeadlineKind.NOTICE_DEADLINE: 2,
    DeadlineKind.EXPIRY: 3,
}


def _deadline(
    kind: DeadlineKind, day: dt.date, rule: Rule, today: dt.date, **params: ParamValue
) -> Deadline:
    return Deadline(
        kind=kind,
        date=day,
        rule=rule,
        params=tuple(params.items()),
        days_left=(day - today).days,
    )


def deadlines(c: ContractDates, today: dt.date, lead_months: int | None = None) -> list[Deadline]:
    """Every deadline of the contract, sorted by date (past ones included, see ``days_left``).

    ``lead_months`` None takes the default for the contract's own procedure, a proxy; callers that
    know the values pass ``retender_lead_months`` (the procedure the threshold assessment requires),
    as ``Contract.deadlines`` does. Once notice has been given, the notice deadline and option
    decision are moot and left out; the expiry and re-tender start then follow the notice. A running
    contract without notice has no deadlines: nothing happens until someone gives notice.
    """
    if lead_months is None:
        lead_months = lead_months_for(c.procurement_procedure)
    result: list[Deadline] = []
    end = current_end(c)

    if c.terminated_on is None and end is not None:
        assert c.expiration is not None
        if c.notice_months > 0:
            # With no notice period the contract simply ends; a "notice deadline" on the expiry day
            # would only repeat the expiry.
            day = notice_deadline(c)
            assert day is not None
            result.append(
                _deadline(
                    DeadlineKind.NOTICE_DEADLINE,
                    day,
                    Rule.NOTICE_DEADLINE,
                    today,
                    current_end=end.isoformat(),
                    notice_months=c.notice_months,
                )
            )
        decision = option_decision_date(c)
        if decision is not None:
            result.append(
                _deadline(
                    DeadlineKind.OPTION_DECISION,
                    decision,
                    Rule.OPTION_DECISION,
                    today,
                    current_end=end.isoformat(),
                    notice_months=c.notice_months,
                    next_option=c.options_used + 1,
                    option_count=c.option_count,
                )
            )

    ends_on = effective_end(c)
    if ends_on is not None:
        start = retender_start(c, lead_months)
        assert start is not None
        result.append(
            _deadline(
                DeadlineKind.RETENDER_START,
                start,
                Rule.RETENDER_START,
                today,
                end=ends_on.isoformat(),
                lead_months=lead_months,
            )
        )
        if c.terminated_on is not None and (end is None or ends_on < end):
            irrevocable = c.irrevocable_until.isoformat() if c.irrevocable_until else "-"
            result.append(
                _deadline(
                    DeadlineKind.EXPIRY,
                    ends_on,
                    Rule.EXPIRY_NOTICE,
                    today,
                    terminated_on=c.terminated_on.isoformat(),
                    notice_months=c.notice_months,
                    notice_to_end_of=str(c.notice_to_end_of),
                    irrevocable_until=irrevocable,
                )
            )
        else:
            assert c.expiration is not None
            result.append(
                _deadline(
                    DeadlineKind.EXPIRY,
                    ends_on,
                    Rule.EXPIRY_TERM,
                    today,
                    expiration=c.expiration.isoformat(),
                    options_used=c.options_used,
                    option_months=c.option_months,
                )
            )

    result.sort(key=lambda d: (d.date, _KIND_ORDER[d.kind]))
    return result
