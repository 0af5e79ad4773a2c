"""The contract deadline engine: which dates matter for a contract, and whether it is in force.

Pure on purpose: plain dates and a frozen dataclass in, plain values out, nothing from Django. The
rules are the ones in DOMAIN.md ("Contracts: the dates that matter"), and they are easy to get
subtly wrong, so they live in one place that is tested on its own and that the models, views, the
API and the calendar feed all call.

Conventions used throughout:

* Every end date is **inclusive**: it is the last day the contract is in force. The next contract
  therefore starts the day after, which is why the re-tender start is counted back from end + 1 day.
* Month arithmetic is ``dateutil.relativedelta``, which clamps to the last day of a short month
  (31 March − 1 month = 28/29 February; 31 January + 1 month = 28/29 February). Several months are
  always added in one step (expiration + 24 months, never + 12 + 12) so that a clamped February
  does not drag later dates to the 28th.
* Explanations are English sentences built from a template per rule (``RULE_TEXTS``) and its
  parameters, so a caller that wants another language translates the template and formats it with
  ``Deadline.params`` instead of parsing our English.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from dateutil.relativedelta import relativedelta

__all__ = [
    "DEFAULT_LEAD_MONTHS",
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
    the right input instead of showing a generic error.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


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
                raise ContractDatesError(name, f"{name} cannot be negative.")
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
            )
        if self.option_count and not self.option_months:
            raise ContractDatesError(
                "option_months", "An extension option must last at least one month."
            )
        if self.options_used and self.expiration is None:
            raise ContractDatesError(
                "options_used",
                "A running contract (no expiration date) cannot have used extension options.",
            )
        if (
            self.expiration is not None
            and self.valid_from is not None
            and self.expiration < self.valid_from
        ):
            raise ContractDatesError(
                "expiration", "The expiration date is before the date the contract is valid from."
            )

    @property
    def is_running(self) -> bool:
        """A running contract has no expiration date and ends only when notice is given."""
        return self.expiration is None

    @property
    def options_remaining(self) -> int:
        return self.option_count - self.options_used


# --- period arithmetic -------------------------------------------------------------------------


def _months(n: int) -> relativedelta:
    return relativedelta(months=n)


def _shift_months(day: dt.date, months: int) -> dt.date:
    """``day + relativedelta(months=months)``, clamped to the month's last day the same way, without
    relativedelta's generality (this runs for every contract in the country)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _MONTH_DAYS[month] if month != 2 else (29 if calendar.isleap(year) else 28)
    return dt.date(year, month, min(day.day, last))


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def end_of_period(day: dt.date, period: NoticeTo | str) -> dt.date:
    """The last day of the month / quarter / year that contains ``day``; ``day`` itself for none."""
    period = NoticeTo(period)
    if period is NoticeTo.NONE:
        return day
    if period is NoticeTo.MONTH:
        return day + relativedelta(day=31)
    if period is NoticeTo.QUARTER:
        last_month_of_quarter = (day.month - 1) // 3 * 3 + 3
        return dt.date(day.year, last_month_of_quarter, 1) + relativedelta(day=31)
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
    # The association's planning norm, not law (DOMAIN.md, "Procurement law"): needs analysis,
    # market dialogue, specification, tender period, evaluation, standstill and transition.
    "open": 12,
    "restricted": 12,
    "competitive_negotiation": 18,
    "competitive_dialogue": 18,
    "innovation_partnership": 18,
    "negotiated_without_publication": 12,
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
# started says so even if its dates are odd; one ended early by notice is "terminated" rather than
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
    * termination: ``terminated`` once today is after the end that the notice given on
      terminated_on leads to (``effective_end``), if that end is before the current end (or the
      contract is running); otherwise ``notice_given`` while notice is on record, and
      ``not_terminated`` without notice.
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
        # Notice that only confirms the fixed term (it leads to the current end) leaves the
        # ending to the term check, which says "expired"; only notice that cuts the contract
        # short says "terminated", so the status tells the two apart.
        if today > ends_on and (end is None or ends_on < end):
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

    ``lead_months`` None takes the default for the contract's own procedure, a proxy for the
    procedure the re-tender will use. Once notice has been given, the notice deadline and option
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
