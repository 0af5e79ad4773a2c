"""Procurement timeline rules: thresholds, EU-or-national classification and backward schedules.

A pure module: it imports nothing from Django, so the rules can be tested as a table and reused by
views, the API, exports and management commands alike. Plain values, ``Decimal`` and ``date`` go in;
frozen dataclasses and plain values come out.

Legal basis (Denmark): udbudsloven (the Public Procurement Act, implementing directive
2014/24/EU) and lov om Klagenævnet for Udbud (the Act on the Complaints Board, implementing the remedies
directive). Where the law only says "appropriate" or leaves a step to the buyer, the number
here is a *planning norm* of the association and is a parameter with a default (see
``PlanningNorms`` and ``RETENDER_LEAD_MONTHS``).

Working days are Monday to Friday except the Danish public holidays known to the ``holidays``
package's ``Denmark`` calendar, used as is. That calendar follows the law on public holidays
(helligdagsloven): it has Maundy Thursday, Good Friday, Easter Monday, Ascension Day, Whit Monday,
Christmas Day and Boxing Day, and Great Prayer Day only until 2023 (abolished from 2024). It does
*not* have 5 June (Constitution Day), 24 December or 31 December: many offices close then, but they
are not public holidays, so a deadline falling on them does not move. A municipality that wants
them treated as closed days can plan a buffer in the norms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import holidays

from samdigi.core.rules.months import add_months as _add_months

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

SUPPLIES = "supplies"
SERVICES = "services"
WORKS = "works"
SOCIAL_SERVICES = "social_services"
CATEGORIES: tuple[str, ...] = (SUPPLIES, SERVICES, WORKS, SOCIAL_SERVICES)

OPEN = "open"
RESTRICTED = "restricted"
COMPETITIVE_NEGOTIATION = "competitive_negotiation"
COMPETITIVE_DIALOGUE = "competitive_dialogue"
INNOVATION_PARTNERSHIP = "innovation_partnership"
NEGOTIATED_WITHOUT_PUBLICATION = "negotiated_without_publication"
NATIONAL = "national"
DIRECT_AWARD = "direct_award"
FRAMEWORK_CALL_OFF = "framework_call_off"
PROCEDURES: tuple[str, ...] = (
    OPEN,
    RESTRICTED,
    COMPETITIVE_NEGOTIATION,
    COMPETITIVE_DIALOGUE,
    INNOVATION_PARTNERSHIP,
    NEGOTIATED_WITHOUT_PUBLICATION,
    NATIONAL,
    DIRECT_AWARD,
    FRAMEWORK_CALL_OFF,
)

#: Procedures of the directive (udbudsloven part II). Used voluntarily below the threshold too.
EU_PROCEDURES = frozenset(
    {
        OPEN,
        RESTRICTED,
        COMPETITIVE_NEGOTIATION,
        COMPETITIVE_DIALOGUE,
        INNOVATION_PARTNERSHIP,
        NEGOTIATED_WITHOUT_PUBLICATION,
    }
)
#: Only lawful below the threshold.
BELOW_THRESHOLD_PROCEDURES = frozenset({NATIONAL, DIRECT_AWARD})
#: Two-stage procedures: a notice invites requests to participate, then selected candidates tender.
TWO_STAGE_PROCEDURES = frozenset(
    {RESTRICTED, COMPETITIVE_NEGOTIATION, COMPETITIVE_DIALOGUE, INNOVATION_PARTNERSHIP}
)

#: The association's planning norm for how long before the new contract must start the work on a
#: re-tender begins (needs analysis, market dialogue, specifications, tender period, evaluation,
#: standstill, transition). Not law. The last three entries are this module's own choices: the
#: brief gives no figure for them.
RETENDER_LEAD_MONTHS: dict[str, int] = {
    OPEN: 12,
    RESTRICTED: 12,
    COMPETITIVE_NEGOTIATION: 18,
    COMPETITIVE_DIALOGUE: 18,
    INNOVATION_PARTNERSHIP: 18,
    NATIONAL: 6,
    FRAMEWORK_CALL_OFF: 3,
    NEGOTIATED_WITHOUT_PUBLICATION: 6,
    DIRECT_AWARD: 3,
}

#: ERM II central rate of the Danish krone (DKK per EUR). Used only where no official DKK threshold
#: is known; the result is then flagged as estimated.
DEFAULT_EUR_RATE = Decimal("7.46038")

#: Framework agreements may run at most four years (udbudsloven § 95, stk. 2, directive art. 33(1)).
FRAMEWORK_MAX_YEARS = 4


def _check_procedure(procedure: str) -> None:
    if procedure not in PROCEDURES:
        raise ValueError(
            f"Unknown procedure {procedure!r}; expected one of {', '.join(PROCEDURES)}"
        )


def _check_category(category: str) -> None:
    if category not in CATEGORIES:
        raise ValueError(f"Unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")


def to_decimal(value: Decimal | int | str | float) -> Decimal:
    """Money arrives from forms, the ORM and tests in several types; compare it only as Decimal.

    Floats go through ``str`` so that 0.1 becomes Decimal("0.1"), not its binary approximation.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("A boolean is not an amount of money")
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def _kr(amount: Decimal) -> str:
    return f"{amount:,.2f} DKK"


def _whole_kr(amount: Decimal) -> str:
    return f"{amount:,.0f} DKK"


# --------------------------------------------------------------------------------------------
# Month arithmetic and working days
# --------------------------------------------------------------------------------------------


# One month-arithmetic function for every app: the end-of-month rule of docs/domain.md (30.09 + 6
# months = 31.03). Re-exported here because the schedules and the opportunity finder import it.
add_months = _add_months


def months_to_reach(start: date, target: date) -> int:
    """The fewest whole months m with ``add_months(start, m) >= target`` (0 when already there)."""
    if target <= start:
        return 0
    # add_months(start, diff) lands in target's month; if it is before target, one more month
    # lands in the next month and so after it. add_months is monotone in m, so this is the least.
    months = (target.year - start.year) * 12 + target.month - start.month
    if add_months(start, months) < target:
        months += 1
    return months


@lru_cache(maxsize=256)
def _danish_holidays(year: int) -> dict[date, str]:
    # One immutable dict per year: cheaper than the holidays object's lazy expansion on every
    # lookup, and safe to share between threads.
    return dict(holidays.Denmark(years=year).items())


def holiday_name(day: date) -> str | None:
    """The Danish public holiday on ``day`` (English name from ``holidays``), or None."""
    return _danish_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    """Monday–Friday and not a Danish public holiday (24/12, 31/12 and 5/6 are working days)."""
    return day.weekday() < 5 and day not in _danish_holidays(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _why_not_working(day: date) -> str:
    name = holiday_name(day)
    if name:
        return f"{day.isoformat()} is a public holiday ({name})"
    return f"{day.isoformat()} is a {day.strftime('%A')}"


def standstill_end(award_decision: date, days: int = 10) -> date:
    """Last day of the standstill period after an award decision notified electronically.

    Lov om Klagenævnet for Udbud § 3, stk. 1, nr. 1: ``days`` calendar days counted from the day
    after the notification is
    sent; a period ending on a Saturday, Sunday or public holiday ends on the next working day
    (Regulation 1182/71 art. 3(4), which the Danish rules follow). The contract may be signed from
    the day after this date.
    """
    return next_working_day(award_decision + timedelta(days=days))


# --------------------------------------------------------------------------------------------
# Thresholds
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    """A threshold as published: EUR always, DKK when the official figure is known."""

    eur: Decimal
    dkk: Decimal | None = None


@dataclass(frozen=True)
class ThresholdAmount:
    """A threshold resolved for one category, always with a DKK figure to compare with.

    ``estimated`` is True when the DKK figure was converted from EUR at ``eur_rate`` because no
    official figure is known; screens must say so.
    """

    period_label: str
    category: str
    eur: Decimal
    dkk: Decimal
    estimated: bool
    eur_rate: Decimal | None = None

    def describe(self) -> str:
        text = f"{_whole_kr(self.dkk)} ({self.eur:,.0f} EUR"
        if self.estimated:
            text += f"; DKK converted at {self.eur_rate} DKK/EUR, not an official figure"
        return text + ")"


@dataclass(frozen=True)
class ThresholdPeriod:
    """Thresholds for sub-central authorities (municipalities), excl. VAT, for one period.

    Supplies and services share one amount for municipalities; they are separate fields so that a
    caller can ask for any category without knowing that.
    """

    label: str
    valid_from: date
    valid_to: date
    supplies: Amount
    services: Amount
    works: Amount
    social_services: Amount
    source: str = ""

    def contains(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to

    def raw(self, category: str) -> Amount:
        _check_category(category)
        amount: Amount = getattr(self, category)
        return amount

    def amount(self, category: str, eur_rate: Decimal = DEFAULT_EUR_RATE) -> ThresholdAmount:
        """The category's threshold with a DKK figure; converted and flagged if not official."""
        raw = self.raw(category)
        if raw.dkk is not None:
            return ThresholdAmount(self.label, category, raw.eur, raw.dkk, estimated=False)
        rate = to_decimal(eur_rate)
        if rate <= 0:
            raise ValueError("The EUR rate must be positive")
        # Official DKK thresholds are whole kroner; round the same way.
        dkk = (raw.eur * rate).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        return ThresholdAmount(self.label, category, raw.eur, dkk, estimated=True, eur_rate=rate)


def threshold_period(
    label: str,
    valid_from: date,
    valid_to: date,
    supplies_services: Amount,
    works: Amount,
    social_services: Amount,
    source: str = "",
) -> ThresholdPeriod:
    """Build a period the way thresholds are published: one amount for supplies and services."""
    return ThresholdPeriod(
        label=label,
        valid_from=valid_from,
        valid_to=valid_to,
        supplies=supplies_services,
        services=supplies_services,
        works=works,
        social_services=social_services,
        source=source,
    )


def _a(eur: int, dkk: int | None = None) -> Amount:
    return Amount(Decimal(eur), None if dkk is None else Decimal(dkk))


#: Thresholds for municipalities, oldest first. DKK figures are the official ones published by the
#: Commission / Konkurrence- og Forbrugerstyrelsen where they are known here; None means "convert
#: from EUR and flag as estimated". 2022–2023 and the works DKK figures for 2018–2023 were checked
#: against two published sources each (the official rate of a period is the same for every
#: category: 1,601,944 / 215,000 = 40,100,744 / 5,382,000 = 7.4509). Social services 2022–2023,
#: works 2024–2025 and all of 2026–2027 in DKK are not confirmed here and are left to conversion.
DEFAULT_THRESHOLDS: tuple[ThresholdPeriod, ...] = (
    threshold_period(
        "2018-2019",
        date(2018, 1, 1),
        date(2019, 12, 31),
        _a(221_000, 1_645_367),
        _a(5_548_000, 41_305_415),
        _a(750_000, 5_583_825),
        source="Commission communication 2017/C 438/01",
    ),
    threshold_period(
        "2020-2021",
        date(2020, 1, 1),
        date(2021, 12, 31),
        _a(214_000, 1_595_391),
        _a(5_350_000, 39_884_785),
        _a(750_000, 5_591_325),
        source="Commission communication 2019/C 370/01",
    ),
    threshold_period(
        "2022-2023",
        date(2022, 1, 1),
        date(2023, 12, 31),
        _a(215_000, 1_601_944),
        _a(5_382_000, 40_100_744),
        _a(750_000),
        source="Delegated regulation (EU) 2021/1952; DKK as published November 2021",
    ),
    threshold_period(
        "2024-2025",
        date(2024, 1, 1),
        date(2025, 12, 31),
        _a(221_000, 1_644_638),
        _a(5_538_000),
        _a(750_000, 5_581_350),
        source="Delegated regulation (EU) 2023/2495; Commission communication C/2023/902",
    ),
    threshold_period(
        "2026-2027",
        date(2026, 1, 1),
        date(2027, 12, 31),
        _a(216_000),
        _a(5_404_000),
        _a(750_000),
        source="Delegated regulation (EU) 2025/2152 (EUR); DKK not yet confirmed here",
    ),
)


def find_period(
    day: date, thresholds: Sequence[ThresholdPeriod] = DEFAULT_THRESHOLDS
) -> tuple[ThresholdPeriod, bool]:
    """The threshold period in force on ``day`` and whether it had to be assumed.

    The period containing ``day`` wins. Failing that (a date after the last known period, or in a
    gap) the latest period that started before ``day`` is used, because thresholds are published
    only shortly before they apply and the latest known figures are the best estimate; a date
    before every period uses the earliest. The second value is True in those fallback cases.
    """
    if not thresholds:
        raise ValueError("No threshold periods given")
    ordered = sorted(thresholds, key=lambda p: p.valid_from)
    for period in ordered:
        if period.contains(day):
            return period, False
    started = [p for p in ordered if p.valid_from <= day]
    return (started[-1] if started else ordered[0]), True


# --------------------------------------------------------------------------------------------
# Time limits and planning norms
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeLimits:
    """Legal minimum time limits in calendar days, counted from the day after the notice (or the
    invitation to tender) is sent. None where the law sets no minimum."""

    participation_days: int | None
    tender_days: int | None
    tender_rule: str
    explanation: str


def minimum_time_limits(
    procedure: str,
    electronic_submission: bool = True,
    prior_information_notice: bool = False,
    agreed_tender_days: int | None = None,
) -> TimeLimits:
    """Minimum time limits of directive 2014/24/EU arts. 27–31 as enacted in udbudsloven.

    ``agreed_tender_days``: in a restricted procedure or competitive negotiation a sub-central
    authority may agree the tender time limit with all selected candidates (art. 28(4)), but never
    below 10 days. Urgency reductions are not modelled: they need a documented justification.
    """
    _check_procedure(procedure)
    if procedure == OPEN:
        if prior_information_notice:
            days, why = 15, "15 days with a prior information notice (§ 57; art. 27(2))"
        elif electronic_submission:
            days, why = 30, "35 days, reduced by 5 for electronic submission (§ 57; art. 27(1),(4))"
        else:
            days, why = 35, "35 days (udbudsloven § 57; directive art. 27(1))"
        return TimeLimits(None, days, "law_open_tender_time_limit", why)
    if procedure in (RESTRICTED, COMPETITIVE_NEGOTIATION):
        if agreed_tender_days is not None:
            if agreed_tender_days < 10:
                raise ValueError("An agreed tender time limit must be at least 10 days")
            days, why = agreed_tender_days, f"{agreed_tender_days} days agreed with the candidates"
            why += " (art. 28(4))"
        elif prior_information_notice:
            days, why = 10, "10 days with a prior information notice (§ 60; art. 28(3))"
        elif electronic_submission:
            days, why = 25, "30 days, reduced by 5 for electronic submission (§ 60; art. 28(2),(5))"
        else:
            days, why = 30, "30 days (udbudsloven § 60; directive art. 28(2))"
        return TimeLimits(
            30,
            days,
            "law_tender_time_limit",
            "30 days for requests to participate; tenders: " + why,
        )
    if procedure in (COMPETITIVE_DIALOGUE, INNOVATION_PARTNERSHIP):
        return TimeLimits(
            30,
            None,
            "",
            "30 days for requests to participate (arts. 30(1), 31(1)); no legal minimum for "
            "tenders",
        )
    return TimeLimits(None, None, "", "no legal minimum time limit for this procedure")


@dataclass(frozen=True)
class PlanningNorms:
    """The association's planning norms (not law), in calendar days. All configurable."""

    #: tender deadline → award decision (evaluation, approval of the decision).
    evaluation_days: int = 30
    #: deadline for requests to participate → invitation to tender (selection).
    selection_days: int = 14
    #: initial tender deadline → final tender deadline in a competitive negotiation.
    negotiation_days: int = 60
    #: invitation to dialogue → final tender deadline (competitive dialogue, innovation
    #: partnership).
    dialogue_days: int = 90
    #: tender period of a national advertisement (the law only requires an appropriate period).
    national_tender_days: int = 21
    #: tender period when suppliers are invited directly (framework mini-competition, negotiated
    #: procedure without publication).
    invited_tender_days: int = 14
    #: extra days on top of a legal minimum tender period (0 = plan with the minimum itself).
    tender_buffer_days: int = 0
    #: standstill length for electronic notification (lov om Klagenævnet for Udbud § 3).
    standstill_days: int = 10
    #: days from the end of the standstill period to signature (1 = the next day, moved to a
    #: working day).
    signature_days_after_standstill: int = 1
    #: days from award decision to signature where no standstill applies.
    signature_days_without_standstill: int = 5
    #: signature → contract start (implementation, migration, training).
    transition_days: int = 60

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 0:
                raise ValueError(f"Planning norm {name} cannot be negative")
        if self.standstill_days < 10:
            raise ValueError("The standstill period is at least 10 days")
        if self.signature_days_after_standstill < 1:
            raise ValueError(
                "A contract can be signed at the earliest the day after the standstill"
            )


def default_norms(procedure: str) -> PlanningNorms:
    """The planning norms used when a caller gives none.

    A framework call-off and a direct award are short affairs within a 3-month lead time: they get
    14 days of evaluation and 30 days of transition instead of 30 and 60, because the supplier
    market and the contract terms are already settled. Everything else gets the general defaults.
    """
    _check_procedure(procedure)
    if procedure in (FRAMEWORK_CALL_OFF, DIRECT_AWARD):
        return PlanningNorms(evaluation_days=14, transition_days=30)
    return PlanningNorms()


# --------------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    """Which threshold applies, whether an EU procedure is required, and why."""

    procedure: str
    category: str
    estimated_value: Decimal
    notice_date: date
    period: ThresholdPeriod
    period_assumed: bool
    threshold: ThresholdAmount
    eu_required: bool
    procedure_fits: bool
    reason: str
    notes: tuple[str, ...] = ()
    #: ``reason`` and ``notes`` as codes (see ``classify``), so that a caller can say them in the
    #: user's language from the fields above.
    code: str = ""
    note_codes: tuple[str, ...] = ()


_CATEGORY_WORDS = {
    SUPPLIES: "supplies",
    SERVICES: "services",
    WORKS: "works",
    SOCIAL_SERVICES: "social and other specific services",
}


def classify(
    procedure: str,
    category: str,
    estimated_value: Decimal | int | str,
    required_start: date,
    thresholds: Sequence[ThresholdPeriod] = DEFAULT_THRESHOLDS,
    eur_rate: Decimal = DEFAULT_EUR_RATE,
    *,
    notice_date: date | None = None,
) -> Classification:
    """Decide the threshold period and whether the value requires an EU procedure.

    The threshold that applies is the one in force when the procedure is started, i.e. when the
    contract notice is sent (udbudsloven: the value is assessed at that moment). ``notice_date`` is
    that planned date; when None it is taken from the backward schedule with default norms
    (for procedures without a notice: the invitation to tender, or the award decision for a direct
    award). ``estimated_value`` is the whole term including all options and, for a joint tender,
    the sum over all participants, in DKK excl. VAT. A value *equal to* the threshold requires an
    EU procedure: the directive applies to values "equal to or greater than" the thresholds.
    """
    _check_procedure(procedure)
    _check_category(category)
    value = to_decimal(estimated_value)
    if value < 0:
        raise ValueError("The estimated value cannot be negative")
    if notice_date is None:
        notice_date = _procedure_start(_backward(procedure, required_start))
    period, assumed = find_period(notice_date, thresholds)
    threshold = period.amount(category, eur_rate)
    eu_required = value >= threshold.dkk
    words = _CATEGORY_WORDS[category]
    notes: list[str] = []
    codes: list[str] = []
    if assumed:
        codes.append("period_assumed")
        notes.append(
            f"No threshold period covers {notice_date.isoformat()}; the {period.label} figures "
            "are assumed until newer ones are entered."
        )
    if threshold.estimated:
        codes.append("dkk_estimated")
        notes.append(
            f"The DKK threshold for {period.label} is converted from EUR at {threshold.eur_rate}; "
            "check the official figure."
        )
    comparison = (
        f"the estimated value of {_kr(value)} is "
        + ("equal to or greater than" if eu_required else "below")
        + f" the {period.label} threshold for {words} of {threshold.describe()}"
    )
    if procedure == FRAMEWORK_CALL_OFF:
        fits = True
        code = "call_off"
        reason = (
            "A call-off from a framework agreement is not a new procedure, so no EU notice is "
            f"needed for it; for reference, {comparison}."
        )
        if eu_required:
            codes.append("framework_itself_eu")
            notes.append("The framework agreement itself must have been tendered under EU rules.")
    elif eu_required:
        fits = procedure in EU_PROCEDURES
        code = "eu_required" if fits else "eu_required_wrong_procedure"
        reason = f"An EU procedure is required: {comparison}."
        if not fits:
            reason += f" The procedure '{procedure}' is only lawful below the threshold."
        if procedure == NEGOTIATED_WITHOUT_PUBLICATION:
            codes.append("negotiated_grounds")
            notes.append(
                "A negotiated procedure without prior publication is lawful only on the grounds "
                "of udbudsloven § 80 (directive art. 32); document them."
            )
    else:
        fits = True
        code = "eu_voluntary" if procedure in EU_PROCEDURES else "eu_not_required"
        reason = f"An EU procedure is not required: {comparison}."
        if procedure in EU_PROCEDURES:
            reason += " The EU procedure is used voluntarily."
        elif procedure == DIRECT_AWARD:
            codes.append("cross_border_interest")
            notes.append(
                "If the contract has a certain cross-border interest it must still be advertised "
                "(national advertisement)."
            )
    if category == SOCIAL_SERVICES and eu_required:
        codes.append("light_regime")
        notes.append(
            "Social and other specific services follow the light regime (udbudsloven part III): "
            "a notice is required, the procedure is largely free."
        )
    return Classification(
        procedure=procedure,
        category=category,
        estimated_value=value,
        notice_date=notice_date,
        period=period,
        period_assumed=assumed,
        threshold=threshold,
        eu_required=eu_required,
        procedure_fits=fits,
        reason=reason,
        notes=tuple(notes),
        code=code,
        note_codes=tuple(codes),
    )


# --------------------------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------------------------

PREPARATION_START = "preparation_start"
NOTICE_PUBLICATION = "notice_publication"
PARTICIPATION_DEADLINE = "participation_deadline"
INVITATION_TO_TENDER = "invitation_to_tender"
INITIAL_TENDER_DEADLINE = "initial_tender_deadline"
TENDER_DEADLINE = "tender_deadline"
AWARD_DECISION = "award_decision"
STANDSTILL_END = "standstill_end"
CONTRACT_SIGNATURE = "contract_signature"
CONTRACT_START = "contract_start"
STEP_ORDER: tuple[str, ...] = (
    PREPARATION_START,
    NOTICE_PUBLICATION,
    PARTICIPATION_DEADLINE,
    INVITATION_TO_TENDER,
    INITIAL_TENDER_DEADLINE,
    TENDER_DEADLINE,
    AWARD_DECISION,
    STANDSTILL_END,
    CONTRACT_SIGNATURE,
    CONTRACT_START,
)


@dataclass(frozen=True)
class Step:
    """One dated step of a schedule.

    ``rule`` names what produced the date: codes starting with ``law_`` are legal minimums,
    ``norm_`` planning norms, ``required_start`` the given start. ``legal_earliest`` is the
    earliest date the law allows for this step given the earlier steps (None where the law sets
    none).
    """

    key: str
    date: date
    rule: str
    explanation: str
    legal_earliest: dt.date | None = None  # "date" is the field above in here
    #: ``code`` and ``params`` let a caller render ``explanation`` in another language: the code
    #: names a text in ``TEXT_CODES``, the params fill it (dates as ``date``). ``note`` is a code
    #: from ``working_day_note`` when the date falls on a day that is a working day in law but
    #: commonly closed.
    code: str = ""
    params: tuple[tuple[str, object], ...] = ()
    note: str = ""

    @property
    def legal(self) -> bool:
        return self.rule.startswith("law_")


@dataclass(frozen=True)
class Schedule:
    """A backward schedule, verified forwards. ``violations`` lists broken legal minimums (empty
    for a schedule built by ``schedule``); ``warnings`` lists planning problems."""

    procedure: str
    category: str
    required_start: date
    lead_months: int
    classification: Classification
    steps: tuple[Step, ...]
    violations: tuple[str, ...]
    warnings: tuple[str, ...]
    too_late: bool = False
    #: ``warnings`` as (code, params) pairs for callers that speak another language.
    warning_codes: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()
    #: Only from ``plan``: moves that were left out because they break a legal minimum, as
    #: (step key, the moved date, the earliest lawful date).
    dropped_moves: tuple[tuple[str, date, date | None], ...] = ()

    @property
    def feasible(self) -> bool:
        return not self.violations and not self.too_late

    def get(self, key: str) -> Step | None:
        for step in self.steps:
            if step.key == key:
                return step
        return None

    def dates(self) -> dict[str, date]:
        return {step.key: step.date for step in self.steps}


def standstill_applies(procedure: str) -> bool:
    """Whether the law requires a standstill period before signature.

    Required after an award decision in the directive's procedures with a notice (lov om
    Klagenævnet for Udbud § 3). Not required for a negotiated procedure without prior publication, a national
    advertisement, a direct award or a framework call-off; the association may still plan one
    voluntarily (``schedule(..., standstill=True)``), which protects against ineffectiveness.
    """
    _check_procedure(procedure)
    return procedure in EU_PROCEDURES and procedure != NEGOTIATED_WITHOUT_PUBLICATION


def _moved(original: date, moved_to: date) -> str:
    if original == moved_to:
        return ""
    return f" ({_why_not_working(original)}, so {moved_to.isoformat()})"


def _latest_start(target: date, days: int) -> date:
    """Latest working day N whose time limit N + ``days`` (moved to a working day) ends by
    ``target``."""
    start = previous_working_day(target - timedelta(days=days))
    while next_working_day(start + timedelta(days=days)) > target:
        start = previous_working_day(start - timedelta(days=1))
    return start


def _earliest_signature(award: date, norms: PlanningNorms) -> date:
    end = standstill_end(award, norms.standstill_days)
    return next_working_day(end + timedelta(days=norms.signature_days_after_standstill))


def _backward(
    procedure: str,
    required_start: date,
    limits: TimeLimits | None = None,
    norms: PlanningNorms | None = None,
    with_standstill: bool | None = None,
    lead_months: int | None = None,
) -> dict[str, Step]:
    """Work back from the required start; each step is the latest date its successor allows."""
    norms = norms or default_norms(procedure)
    limits = limits or minimum_time_limits(procedure)
    if with_standstill is None:
        with_standstill = standstill_applies(procedure) or procedure == (
            NEGOTIATED_WITHOUT_PUBLICATION
        )
    steps: dict[str, Step] = {}

    def add(
        key: str, day: date, rule: str, explanation: str, code: str = "", **params: object
    ) -> date:
        steps[key] = Step(key, day, rule, explanation, code=code, params=tuple(params.items()))
        return day

    add(
        CONTRACT_START,
        required_start,
        "required_start",
        "The new contract must start this day.",
        "required_start",
    )
    raw = required_start - timedelta(days=norms.transition_days)
    signature = add(
        CONTRACT_SIGNATURE,
        previous_working_day(raw),
        "norm_transition",
        f"{norms.transition_days} days of transition before the contract starts"
        + _moved(raw, previous_working_day(raw))
        + ".",
        "transition",
        days=norms.transition_days,
        raw=raw,
    )
    if with_standstill:
        award = previous_working_day(
            signature
            - timedelta(days=norms.standstill_days + norms.signature_days_after_standstill)
        )
        while _earliest_signature(award, norms) > signature:
            award = previous_working_day(award - timedelta(days=1))
        end_raw = award + timedelta(days=norms.standstill_days)
        end = standstill_end(award, norms.standstill_days)
        legal = standstill_applies(procedure)
        rule = "law_standstill" if legal else "norm_voluntary_standstill"
        basis = (
            "lov om Klagenævnet for Udbud § 3"
            if legal
            else "voluntary, with a transparency notice (lov om Klagenævnet for Udbud § 4)"
        )
        add(
            STANDSTILL_END,
            end,
            rule,
            f"Standstill of {norms.standstill_days} calendar days from the day after the award "
            f"decision is sent electronically ({basis}); a period ending on a Saturday, Sunday or "
            f"public holiday ends on the next working day{_moved(end_raw, end)}.",
            "standstill_end" if legal else "voluntary_standstill_end",
            days=norms.standstill_days,
            raw=end_raw,
        )
        add(
            AWARD_DECISION,
            award,
            rule,
            "Latest working day for the award decision so that the standstill period ends before "
            f"the contract is signed on {signature.isoformat()}.",
            "award_with_standstill",
            signature=signature,
        )
    else:
        gap = norms.signature_days_without_standstill
        award = _latest_start(signature, gap)
        add(
            AWARD_DECISION,
            award,
            "norm_signature",
            f"No standstill is required for this procedure; {gap} days are planned from the "
            "award decision to signature.",
            "award_without_standstill",
            days=gap,
        )
    if procedure == DIRECT_AWARD:
        _add_preparation(steps, procedure, required_start, lead_months)
        return steps

    raw = award - timedelta(days=norms.evaluation_days)
    tender = add(
        TENDER_DEADLINE,
        previous_working_day(raw),
        "norm_evaluation",
        f"{norms.evaluation_days} days of evaluation before the award decision"
        + _moved(raw, previous_working_day(raw))
        + ".",
        "evaluation",
        days=norms.evaluation_days,
        raw=raw,
    )
    buffer = norms.tender_buffer_days
    buffer_text = f" plus a planned buffer of {buffer} days" if buffer else ""

    if procedure == OPEN:
        days = limits.tender_days or 0
        add(
            NOTICE_PUBLICATION,
            _latest_start(tender, days + buffer),
            limits.tender_rule,
            f"Minimum tender period of {limits.explanation}{buffer_text}, counted from the day "
            "after the notice is sent; a limit ending on a non-working day runs to the next one.",
            "open_tender_period",
            days=days,
            buffer=buffer,
        )
    elif procedure in (RESTRICTED, COMPETITIVE_NEGOTIATION):
        tender_target = tender
        if procedure == COMPETITIVE_NEGOTIATION:
            raw = tender - timedelta(days=norms.negotiation_days)
            tender_target = add(
                INITIAL_TENDER_DEADLINE,
                previous_working_day(raw),
                "norm_negotiation",
                f"{norms.negotiation_days} days of negotiation before the final tenders"
                + _moved(raw, previous_working_day(raw))
                + ".",
                "negotiation",
                days=norms.negotiation_days,
                raw=raw,
            )
        days = limits.tender_days or 0
        invitation = add(
            INVITATION_TO_TENDER,
            _latest_start(tender_target, days + buffer),
            limits.tender_rule,
            f"Minimum tender period of {days} days{buffer_text} from the day after the "
            f"invitation is sent ({limits.explanation}).",
            "invitation_tender_period",
            days=days,
            buffer=buffer,
        )
        _add_two_stage_front(steps, invitation, norms)
    elif procedure in (COMPETITIVE_DIALOGUE, INNOVATION_PARTNERSHIP):
        raw = tender - timedelta(days=norms.dialogue_days)
        invitation = add(
            INVITATION_TO_TENDER,
            previous_working_day(raw),
            "norm_dialogue",
            f"{norms.dialogue_days} days of dialogue or negotiation before the final tenders; the "
            "law sets no minimum here" + _moved(raw, previous_working_day(raw)) + ".",
            "dialogue",
            days=norms.dialogue_days,
            raw=raw,
        )
        _add_two_stage_front(steps, invitation, norms)
    elif procedure == NATIONAL:
        raw = tender - timedelta(days=norms.national_tender_days)
        add(
            NOTICE_PUBLICATION,
            previous_working_day(raw),
            "norm_national_tender_period",
            f"{norms.national_tender_days} days of tender period: the law requires an appropriate "
            "period for a national advertisement, not a fixed minimum"
            + _moved(raw, previous_working_day(raw))
            + ".",
            "national_tender_period",
            days=norms.national_tender_days,
            raw=raw,
        )
    else:  # FRAMEWORK_CALL_OFF, NEGOTIATED_WITHOUT_PUBLICATION: suppliers are invited directly.
        raw = tender - timedelta(days=norms.invited_tender_days)
        add(
            INVITATION_TO_TENDER,
            previous_working_day(raw),
            "norm_invited_tender_period",
            f"{norms.invited_tender_days} days for the invited suppliers to tender; no notice is "
            "published" + _moved(raw, previous_working_day(raw)) + ".",
            "invited_tender_period",
            days=norms.invited_tender_days,
            raw=raw,
        )
    _add_preparation(steps, procedure, required_start, lead_months)
    return steps


def _add_two_stage_front(steps: dict[str, Step], invitation: date, norms: PlanningNorms) -> None:
    raw = invitation - timedelta(days=norms.selection_days)
    participation = previous_working_day(raw)
    steps[PARTICIPATION_DEADLINE] = Step(
        PARTICIPATION_DEADLINE,
        participation,
        "norm_selection",
        f"{norms.selection_days} days to select candidates before inviting them to tender"
        + _moved(raw, participation)
        + ".",
        code="selection",
        params=(("days", norms.selection_days), ("raw", raw)),
    )
    steps[NOTICE_PUBLICATION] = Step(
        NOTICE_PUBLICATION,
        _latest_start(participation, 30),
        "law_participation_time_limit",
        "Minimum of 30 days for requests to participate, counted from the day after the notice is "
        "sent (directive arts. 28–31).",
        code="participation_period",
        params=(("days", 30),),
    )


def _add_preparation(
    steps: dict[str, Step], procedure: str, required_start: date, lead_months: int | None
) -> None:
    months = RETENDER_LEAD_MONTHS[procedure] if lead_months is None else lead_months
    raw = add_months(required_start, -months)
    day = previous_working_day(raw)
    steps[PREPARATION_START] = Step(
        PREPARATION_START,
        day,
        "norm_lead_time",
        f"Lead time of {months} months before the contract must start (planning norm for "
        f"'{procedure}')" + _moved(raw, day) + ".",
        code="preparation",
        params=(("months", months), ("raw", raw)),
    )


def _procedure_start(steps: dict[str, Step]) -> date:
    """The date the procedure is started towards the market: the threshold in force then applies."""
    for key in (NOTICE_PUBLICATION, INVITATION_TO_TENDER, AWARD_DECISION):
        if key in steps:
            return steps[key].date
    raise AssertionError("A schedule always has an award decision")


def _verify(
    steps: dict[str, Step], limits: TimeLimits, norms: PlanningNorms, procedure: str
) -> tuple[dict[str, Step], list[str]]:
    """Walk forwards and check every legal minimum against the dates actually planned.

    Returns the steps with ``legal_earliest`` filled in, and the violations found.
    """
    dates = {key: step.date for key, step in steps.items()}
    earliest: dict[str, tuple[date, str]] = {}

    def need(key: str, day: date, why: str) -> None:
        if key in dates and (key not in earliest or day > earliest[key][0]):
            earliest[key] = (day, why)

    notice = dates.get(NOTICE_PUBLICATION)
    if procedure == OPEN and notice and limits.tender_days:
        need(
            TENDER_DEADLINE,
            next_working_day(notice + timedelta(days=limits.tender_days)),
            f"tender period of at least {limits.tender_days} days after the notice",
        )
    if procedure in TWO_STAGE_PROCEDURES and notice and limits.participation_days:
        need(
            PARTICIPATION_DEADLINE,
            next_working_day(notice + timedelta(days=limits.participation_days)),
            f"at least {limits.participation_days} days for requests to participate",
        )
    if PARTICIPATION_DEADLINE in dates:
        need(
            INVITATION_TO_TENDER,
            dates[PARTICIPATION_DEADLINE],
            "candidates cannot be invited before the deadline for requests to participate",
        )
    if procedure in (RESTRICTED, COMPETITIVE_NEGOTIATION) and limits.tender_days:
        target = (
            INITIAL_TENDER_DEADLINE if procedure == COMPETITIVE_NEGOTIATION else TENDER_DEADLINE
        )
        need(
            target,
            next_working_day(dates[INVITATION_TO_TENDER] + timedelta(days=limits.tender_days)),
            f"tender period of at least {limits.tender_days} days after the invitation",
        )
    if TENDER_DEADLINE in dates:
        need(
            AWARD_DECISION,
            dates[TENDER_DEADLINE],
            "the award decision cannot come before the tender deadline",
        )
    if STANDSTILL_END in dates:
        end = standstill_end(dates[AWARD_DECISION], norms.standstill_days)
        need(STANDSTILL_END, end, "the standstill period runs to this day")
        need(
            CONTRACT_SIGNATURE,
            end + timedelta(days=1),
            "the contract may not be signed before the standstill period has ended",
        )

    violations: list[str] = []
    verified: dict[str, Step] = {}
    for key, step in steps.items():
        if key in earliest:
            day, why = earliest[key]
            step = replace(step, legal_earliest=day)
            if step.date < day:
                violations.append(
                    f"{key} on {step.date.isoformat()} is earlier than the law allows "
                    f"({day.isoformat()}: {why})."
                )
        verified[key] = step
    outward = [k for k in STEP_ORDER if k in dates and k != PREPARATION_START]
    for before, after in zip(outward, outward[1:], strict=False):
        if dates[after] < dates[before]:
            violations.append(f"{after} ({dates[after]}) comes before {before} ({dates[before]}).")
    return verified, violations


def schedule(
    procedure: str,
    category: str,
    estimated_value: Decimal | int | str,
    required_start: date,
    electronic_submission: bool = True,
    prior_information_notice: bool = False,
    thresholds: Sequence[ThresholdPeriod] = DEFAULT_THRESHOLDS,
    eur_rate: Decimal = DEFAULT_EUR_RATE,
    lead_months: int | None = None,
    *,
    norms: PlanningNorms | None = None,
    agreed_tender_days: int | None = None,
    standstill: bool | None = None,
    today: date | None = None,
    call_date: date | None = None,
) -> Schedule:
    """Plan a procedure backwards from the date the new contract must start, then verify it.

    Steps, latest first: the contract starts on ``required_start``; it is signed ``transition_days``
    before; the award decision is the latest day whose standstill ends before signature (a period
    ending on a weekend or public holiday runs to the next working day); the tender deadline is
    ``evaluation_days`` before that; the notice (or invitation) is the latest day that still gives
    the legal minimum time limit; preparation starts ``lead_months`` before the contract start.
    Every planned date is a working day. ``norms`` default to ``default_norms(procedure)``.
    Then a forward pass checks each legal minimum against the planned dates; for a schedule
    built here ``violations`` is empty, and ``too_late`` says that the first outward step is
    already before ``today``.

    Steps per procedure: open — notice, tender deadline; restricted — notice, participation
    deadline, invitation, tender deadline; competitive negotiation — as restricted plus an initial
    tender deadline; dialogue and innovation partnership — notice, participation deadline,
    invitation (to dialogue), final tender deadline; national — notice, tender deadline, no
    standstill; framework call-off and negotiated without publication — invitation, tender
    deadline (the latter with a voluntary standstill by default); direct award — award decision,
    signature, start. ``standstill`` forces a voluntary standstill on or off where the law does
    not require one; switching it off where the law requires it gives a warning.

    ``call_date`` is the day the call for competition was actually sent (or, for a procedure
    without a call, the day it actually started): the threshold period in force that day applies
    (Directive 2014/24/EU art. 5(4); docs/domain.md on the brief citing 5(2)) instead of the one
    on the planned date.
    """
    _check_procedure(procedure)
    _check_category(category)
    norms = norms or default_norms(procedure)
    if agreed_tender_days is not None and procedure not in (RESTRICTED, COMPETITIVE_NEGOTIATION):
        raise ValueError(
            "A tender time limit can be agreed only in two-stage procedures with tenders"
        )
    limits = minimum_time_limits(
        procedure, electronic_submission, prior_information_notice, agreed_tender_days
    )
    months = RETENDER_LEAD_MONTHS[procedure] if lead_months is None else lead_months
    if months < 0:
        raise ValueError("Lead time cannot be negative")
    warnings: list[str] = []
    codes: list[tuple[str, tuple[tuple[str, object], ...]]] = []
    with_standstill = standstill
    if standstill is False and standstill_applies(procedure):
        codes.append(("standstill_left_out", ()))
        warnings.append(
            "The standstill period is left out although the law requires it for this procedure; "
            "that is lawful only in the exceptions of lov om Klagenævnet for Udbud § 4 (e.g. a "
            "single tenderer)."
        )
    if standstill is None:
        with_standstill = standstill_applies(procedure) or procedure == (
            NEGOTIATED_WITHOUT_PUBLICATION
        )
    steps = _backward(procedure, required_start, limits, norms, with_standstill, months)
    steps, violations = _verify(steps, limits, norms, procedure)

    start = _procedure_start(steps)
    classification = classify(
        procedure,
        category,
        estimated_value,
        required_start,
        thresholds,
        eur_rate,
        notice_date=call_date or start,
    )
    if not classification.procedure_fits:
        codes.append(("procedure_misfit", ()))
        warnings.append(classification.reason)
    if steps[PREPARATION_START].date >= start:
        codes.append(
            (
                "lead_time_short",
                (
                    ("months", months),
                    ("start", start),
                    ("preparation", steps[PREPARATION_START].date),
                ),
            )
        )
        warnings.append(
            f"The lead time of {months} months is shorter than the procedure needs: the procedure "
            f"must start on {start.isoformat()}, preparation starts "
            f"{steps[PREPARATION_START].date.isoformat()}."
        )
    too_late = False
    if today is not None:
        if start < today:
            too_late = True
            codes.append(("too_late", (("start", start), ("required_start", required_start))))
            warnings.append(
                f"Too late: the procedure had to start on {start.isoformat()} to reach "
                f"{required_start.isoformat()} with the legal minimums and these norms."
            )
        elif steps[PREPARATION_START].date < today:
            codes.append(("preparation_missed", (("preparation", steps[PREPARATION_START].date),)))
            warnings.append(
                f"Preparation should have started on {steps[PREPARATION_START].date.isoformat()}."
            )
    ordered = tuple(_with_note(steps[key]) for key in STEP_ORDER if key in steps)
    return Schedule(
        procedure=procedure,
        category=category,
        required_start=required_start,
        lead_months=months,
        classification=classification,
        steps=ordered,
        violations=tuple(violations),
        warnings=tuple(warnings),
        too_late=too_late,
        warning_codes=tuple(codes),
    )


def verify_dates(
    procedure: str,
    dates: dict[str, date],
    electronic_submission: bool = True,
    prior_information_notice: bool = False,
    *,
    norms: PlanningNorms | None = None,
    agreed_tender_days: int | None = None,
) -> list[str]:
    """Check dates a user entered (e.g. a moved tender deadline) against the legal minimums.

    ``dates`` maps step keys to dates; steps that are missing are not checked.
    """
    _check_procedure(procedure)
    norms = norms or default_norms(procedure)
    limits = minimum_time_limits(
        procedure, electronic_submission, prior_information_notice, agreed_tender_days
    )
    steps = {key: Step(key, day, "given", "") for key, day in dates.items()}
    return _verify(steps, limits, norms, procedure)[1]


# --------------------------------------------------------------------------------------------
# Days that are working days in law but commonly closed
# --------------------------------------------------------------------------------------------

CONSTITUTION_DAY = "constitution_day"
CHRISTMAS_EVE = "christmas_eve"
NEW_YEARS_EVE = "new_years_eve"
_CLOSED_BUT_WORKING = {(6, 5): CONSTITUTION_DAY, (12, 24): CHRISTMAS_EVE, (12, 31): NEW_YEARS_EVE}


def working_day_note(day: date) -> str:
    """A code when ``day`` is 5 June, 24 or 31 December on a weekday, else "".

    These days are working days in law (not helligdage), so a time limit ending on one does not
    move; many offices are closed, so a deadline there deserves a note, never a different date.
    """
    if not is_working_day(day):
        return ""
    return _CLOSED_BUT_WORKING.get((day.month, day.day), "")


def _with_note(step: Step) -> Step:
    # Notes are for deadlines and dates sent out, not for internal planning dates.
    note = "" if step.key in (PREPARATION_START, CONTRACT_START) else working_day_note(step.date)
    if note == step.note:
        return step
    return replace(step, note=note)


# --------------------------------------------------------------------------------------------
# Legal basis of each rule
# --------------------------------------------------------------------------------------------

#: (section of udbudsloven or "", article of directive 2014/24/EU) per (rule, procedure); the
#: procedure "" is the fallback. Checked against published texts of the consolidated act:
#: restricted requests § 59, stk. 2, restricted tenders § 60 (agreed limit stk. 5), thresholds
#: § 6 ("mindst svarer til"), de minimis modifications § 180, framework term § 95, stk. 2 (§ 93
#: is the general rule on time limits). Open § 57 follows the act's order (§ 59/§ 60 are the
#: restricted procedure's) but was not seen verbatim. The moment of valuation is cited by the
#: directive only (art. 5(4)). For the other two-stage procedures only the directive is cited.
LEGAL_BASIS: dict[tuple[str, str], tuple[str, str]] = {
    ("law_open_tender_time_limit", ""): ("§ 57", "27"),
    ("law_participation_time_limit", RESTRICTED): ("§ 59, stk. 2", "28(1)"),
    ("law_participation_time_limit", COMPETITIVE_NEGOTIATION): ("", "29(1)"),
    ("law_participation_time_limit", COMPETITIVE_DIALOGUE): ("", "30(1)"),
    ("law_participation_time_limit", INNOVATION_PARTNERSHIP): ("", "31(1)"),
    ("law_participation_time_limit", ""): ("", "28(1)"),
    ("law_tender_time_limit", RESTRICTED): ("§ 60", "28(2)–(6)"),
    ("law_tender_time_limit", ""): ("", "29(1), 28(2)–(6)"),
    ("law_standstill", ""): ("", ""),
    ("threshold", ""): ("§ 6", "4"),
    ("threshold_moment", ""): ("", "5(4)"),
    ("framework_term", ""): ("§ 95, stk. 2", "33(1)"),
    ("modification_de_minimis", ""): ("§ 180", "72(2)"),
}


def legal_basis(rule: str, procedure: str = "") -> tuple[str, str]:
    """(udbudsloven section, directive article) for a rule code; ("", "") when none.

    The standstill is not in udbudsloven: it is lov om Klagenævnet for Udbud § 3, stk. 1, nr. 1
    (remedies directive 89/665/EEC art. 2a(2)); callers cite it by the rule code.
    """
    return LEGAL_BASIS.get((rule, procedure)) or LEGAL_BASIS.get((rule, ""), ("", ""))


# --------------------------------------------------------------------------------------------
# Re-planning: the schedule with moved and actual dates flowing forwards
# --------------------------------------------------------------------------------------------


def _forward_earliest(
    procedure: str,
    key: str,
    d: dict[str, date],
    limits: TimeLimits,
    norms: PlanningNorms,
) -> tuple[date, str] | None:
    """The earliest date of ``key`` that the rules allow after its predecessor's date in ``d``
    (law or planning norm), and the predecessor's key; None where nothing precedes it.

    The backward schedule keeps exactly these gaps, so a schedule nobody moved stays unchanged.
    """
    buffer = norms.tender_buffer_days

    def after(event: str, days: int, working: bool = True) -> tuple[date, str] | None:
        if event not in d:
            return None
        day = d[event] + timedelta(days=days)
        return (next_working_day(day) if working else day), event

    if key == PARTICIPATION_DEADLINE:
        return after(NOTICE_PUBLICATION, limits.participation_days or 30)
    if key == INVITATION_TO_TENDER and procedure in TWO_STAGE_PROCEDURES:
        return after(PARTICIPATION_DEADLINE, norms.selection_days)
    if key == INITIAL_TENDER_DEADLINE:
        return after(INVITATION_TO_TENDER, (limits.tender_days or 0) + buffer)
    if key == TENDER_DEADLINE:
        if procedure == OPEN:
            return after(NOTICE_PUBLICATION, (limits.tender_days or 0) + buffer)
        if procedure == RESTRICTED:
            return after(INVITATION_TO_TENDER, (limits.tender_days or 0) + buffer)
        if procedure == COMPETITIVE_NEGOTIATION:
            return after(INITIAL_TENDER_DEADLINE, norms.negotiation_days)
        if procedure in (COMPETITIVE_DIALOGUE, INNOVATION_PARTNERSHIP):
            return after(INVITATION_TO_TENDER, norms.dialogue_days)
        if procedure == NATIONAL:
            return after(NOTICE_PUBLICATION, norms.national_tender_days)
        return after(INVITATION_TO_TENDER, norms.invited_tender_days)
    if key == AWARD_DECISION:
        return after(TENDER_DEADLINE, norms.evaluation_days)
    if key == STANDSTILL_END and AWARD_DECISION in d:
        return standstill_end(d[AWARD_DECISION], norms.standstill_days), AWARD_DECISION
    if key == CONTRACT_SIGNATURE:
        if STANDSTILL_END in d:
            return after(STANDSTILL_END, norms.signature_days_after_standstill)
        return after(AWARD_DECISION, norms.signature_days_without_standstill)
    if key == CONTRACT_START:
        return after(CONTRACT_SIGNATURE, norms.transition_days, working=False)
    return None


def _reflow(
    procedure: str,
    base: dict[str, Step],
    fixed: dict[str, date],
    limits: TimeLimits,
    norms: PlanningNorms,
) -> dict[str, Step]:
    """Walk forwards: a fixed date stays; any other step keeps its planned date unless a moved
    predecessor pushes it later. The standstill end is always the one the award decision gives."""
    final: dict[str, date] = {}
    out: dict[str, Step] = {}
    for key in STEP_ORDER:
        if key not in base:
            continue
        step = base[key]
        params = dict(step.params)
        if key in fixed:
            day = fixed[key]
            if day != step.date:
                # The rule's text explains the planned date, not this one.
                params.pop("raw", None)
                params["fixed_from"] = step.date
        else:
            day = step.date
            need = _forward_earliest(procedure, key, final, limits, norms)
            if need is not None:
                earliest, event = need
                if key == STANDSTILL_END or earliest > day:
                    if earliest != day:
                        params["pushed_from"] = step.date
                        params["after"] = event
                        params["after_date"] = final[event]
                    day = earliest
        final[key] = day
        out[key] = replace(step, date=day, params=tuple(params.items()))
    # Texts that name another step's date name the final one.
    if AWARD_DECISION in out and out[AWARD_DECISION].code == "award_with_standstill":
        award = out[AWARD_DECISION]
        params = dict(award.params)
        params["signature"] = final[CONTRACT_SIGNATURE]
        out[AWARD_DECISION] = replace(award, params=tuple(params.items()))
    return out


def plan(
    procedure: str,
    category: str,
    estimated_value: Decimal | int | str,
    required_start: date,
    electronic_submission: bool = True,
    prior_information_notice: bool = False,
    thresholds: Sequence[ThresholdPeriod] = DEFAULT_THRESHOLDS,
    eur_rate: Decimal = DEFAULT_EUR_RATE,
    lead_months: int | None = None,
    *,
    moves: dict[str, date] | None = None,
    actual: dict[str, date] | None = None,
    norms: PlanningNorms | None = None,
    today: date | None = None,
) -> Schedule:
    """The schedule of a tender as it stands: planned backwards, then the user's moves and the
    actual dates flow forwards into every later step.

    ``actual`` dates (notice sent, tender deadline, award decision, signature) are facts: they
    are kept even when they break a minimum (``check_actual_dates`` warns about that), and the
    actual notice date decides the threshold period. ``moves`` are the user's planned dates: a
    move is kept while it is lawful given the steps before it; one that breaks a legal minimum
    or comes before its predecessor is left out and listed in ``dropped_moves``. Moves and actual
    dates of steps the procedure does not have are ignored. The contract start is pushed later
    when the steps before it are, with a warning.
    """
    norms = norms or default_norms(procedure)
    actual = dict(actual or {})
    call_date = actual.get(NOTICE_PUBLICATION)
    base = schedule(
        procedure,
        category,
        estimated_value,
        required_start,
        electronic_submission,
        prior_information_notice,
        thresholds,
        eur_rate,
        lead_months,
        norms=norms,
        today=today if call_date is None else None,
        call_date=call_date,
    )
    limits = minimum_time_limits(procedure, electronic_submission, prior_information_notice)
    steps = {step.key: step for step in base.steps}
    actual = {k: v for k, v in actual.items() if k in steps}
    kept = {k: v for k, v in (moves or {}).items() if k in steps and k not in actual}
    dropped: list[tuple[str, date, date | None]] = []
    while True:
        flowed = _reflow(procedure, steps, {**kept, **actual}, limits, norms)
        verified, violations = _verify(flowed, limits, norms, procedure)
        bad = _first_unlawful_move(verified, kept)
        if bad is None:
            break
        dropped.append((bad, kept.pop(bad), verified[bad].legal_earliest))
    warnings = list(base.warnings)
    codes = list(base.warning_codes)
    start = verified[CONTRACT_START].date
    if start > required_start:
        codes.append(
            ("contract_start_later", (("start", start), ("required_start", required_start)))
        )
        warnings.append(
            f"The contract can start on {start.isoformat()} at the earliest, after the required "
            f"start {required_start.isoformat()}, because earlier steps moved."
        )
    for key, day, earliest in dropped:
        codes.append(("move_dropped", (("step", key), ("date", day), ("earliest", earliest))))
        warnings.append(
            f"The move of {key} to {day.isoformat()} was left out: it is earlier than the law "
            f"allows ({earliest.isoformat() if earliest else 'after the step before it'})."
        )
    ordered = tuple(_with_note(verified[key]) for key in STEP_ORDER if key in verified)
    return replace(
        base,
        steps=ordered,
        violations=tuple(violations),
        warnings=tuple(warnings),
        warning_codes=tuple(codes),
        dropped_moves=tuple(dropped),
    )


def _first_unlawful_move(verified: dict[str, Step], kept: dict[str, date]) -> str | None:
    outward = [k for k in STEP_ORDER if k in verified and k != PREPARATION_START]
    previous: date | None = None
    for key in outward:
        step = verified[key]
        if key in kept and (
            (step.legal_earliest is not None and step.date < step.legal_earliest)
            or (previous is not None and step.date < previous)
        ):
            return key
        previous = step.date
    return None


# --------------------------------------------------------------------------------------------
# Actual dates against the legal minimums
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateWarning:
    """An actual date that breaks a legal minimum (or the order of a procedure), or a note.

    ``step`` is the date checked, ``event``/``event_date`` what its time limit runs from (the day
    after it), ``days`` the minimum in calendar days, ``minimum`` the earliest lawful date after
    moving a last day on a non-working day to the next working day. ``rule`` is the rule code
    whose legal basis ``legal_basis`` gives. ``code``: ``below_minimum``, ``before_event``,
    ``standstill_not_over`` or ``closed_day_note`` (then only a note, not a breach).
    """

    code: str
    step: str
    actual: date
    rule: str = ""
    minimum: date | None = None
    event: str = ""
    event_date: date | None = None
    days: int | None = None
    note: str = ""

    @property
    def is_note(self) -> bool:
        return self.code == "closed_day_note"

    @property
    def message(self) -> str:
        if self.is_note:
            return (
                f"{self.step} on {self.actual.isoformat()} ({self.note}) is a working day in law."
            )
        if self.code == "standstill_not_over":
            return (
                f"{self.step} on {self.actual.isoformat()} is within the standstill period after "
                f"the award decision of {self.event_date}: sign from {self.minimum} at the earliest."
            )
        if self.code == "before_event":
            return f"{self.step} on {self.actual.isoformat()} comes before {self.event} ({self.event_date})."
        return (
            f"{self.step} on {self.actual.isoformat()} is earlier than the legal minimum of "
            f"{self.days} days after {self.event} ({self.event_date}): {self.minimum} at the "
            f"earliest ({self.rule})."
        )


def check_actual_dates(
    procedure: str,
    actual: dict[str, date],
    electronic_submission: bool = True,
    prior_information_notice: bool = False,
    *,
    agreed_tender_days: int | None = None,
    standstill_days: int = 10,
) -> list[DateWarning]:
    """Check the dates that really happened against the legal minimums, from the events that
    start them (each counted from the day after; a last day on a Saturday, Sunday or public
    holiday runs to the next working day).

    ``actual`` maps step keys to dates; typically the notice, the tender deadline, the award
    decision and the signature. In a two-stage procedure without a known invitation date the
    tender deadline is checked against the shortest lawful chain from the notice: the 30 days
    for requests to participate, then the tender time limit from an invitation sent on the last
    of them. Dates on 5 June, 24 or 31 December get a note, not a warning.
    """
    _check_procedure(procedure)
    limits = minimum_time_limits(
        procedure, electronic_submission, prior_information_notice, agreed_tender_days
    )
    found: list[DateWarning] = []

    def minimum(step: str, event: str, days: int, rule: str, start: date | None = None) -> None:
        start = start or actual.get(event)
        if step not in actual or start is None:
            return
        earliest = next_working_day(start + timedelta(days=days))
        if actual[step] < earliest:
            found.append(
                DateWarning(
                    "below_minimum",
                    step,
                    actual[step],
                    rule,
                    earliest,
                    event,
                    actual.get(event, start),
                    days,
                )
            )

    notice = actual.get(NOTICE_PUBLICATION)
    if procedure == OPEN and limits.tender_days:
        minimum(TENDER_DEADLINE, NOTICE_PUBLICATION, limits.tender_days, limits.tender_rule)
    if procedure in TWO_STAGE_PROCEDURES and limits.participation_days:
        minimum(
            PARTICIPATION_DEADLINE,
            NOTICE_PUBLICATION,
            limits.participation_days,
            "law_participation_time_limit",
        )
        minimum(
            INVITATION_TO_TENDER,
            NOTICE_PUBLICATION,
            limits.participation_days,
            "law_participation_time_limit",
        )
    if procedure in (RESTRICTED, COMPETITIVE_NEGOTIATION) and limits.tender_days:
        first = INITIAL_TENDER_DEADLINE if INITIAL_TENDER_DEADLINE in actual else TENDER_DEADLINE
        if INVITATION_TO_TENDER in actual:
            minimum(first, INVITATION_TO_TENDER, limits.tender_days, limits.tender_rule)
        elif notice is not None and first in actual:
            invited = next_working_day(notice + timedelta(days=limits.participation_days or 30))
            earliest = next_working_day(invited + timedelta(days=limits.tender_days))
            if actual[first] < earliest:
                found.append(
                    DateWarning(
                        "below_minimum",
                        first,
                        actual[first],
                        limits.tender_rule,
                        earliest,
                        NOTICE_PUBLICATION,
                        notice,
                        (limits.participation_days or 30) + limits.tender_days,
                    )
                )
    if procedure in (COMPETITIVE_DIALOGUE, INNOVATION_PARTNERSHIP):
        minimum(TENDER_DEADLINE, NOTICE_PUBLICATION, 30, "law_participation_time_limit")
    award, deadline = actual.get(AWARD_DECISION), actual.get(TENDER_DEADLINE)
    if award and deadline and award < deadline:
        found.append(
            DateWarning(
                "before_event", AWARD_DECISION, award, "", deadline, TENDER_DEADLINE, deadline
            )
        )
    signed = actual.get(CONTRACT_SIGNATURE)
    if award and signed and standstill_applies(procedure):
        earliest = standstill_end(award, standstill_days) + timedelta(days=1)
        if signed < earliest:
            found.append(
                DateWarning(
                    "standstill_not_over",
                    CONTRACT_SIGNATURE,
                    signed,
                    "law_standstill",
                    earliest,
                    AWARD_DECISION,
                    award,
                    standstill_days,
                )
            )
    for key in (PARTICIPATION_DEADLINE, INITIAL_TENDER_DEADLINE, TENDER_DEADLINE):
        if key in actual and working_day_note(actual[key]):
            found.append(
                DateWarning("closed_day_note", key, actual[key], note=working_day_note(actual[key]))
            )
    return found


def retender_lead_months(procedure: str, overrides: dict[str, int] | None = None) -> int:
    """The planning norm for a re-tender's lead time, with the association's overrides."""
    _check_procedure(procedure)
    if overrides and procedure in overrides:
        return overrides[procedure]
    return RETENDER_LEAD_MONTHS[procedure]


def retender_start(
    current_end: date, procedure: str, overrides: dict[str, int] | None = None
) -> date:
    """When work on a re-tender must begin: current end + 1 day − the procedure's lead time.

    The new contract must start the day after the current one ends; the lead time (a planning
    norm, see ``RETENDER_LEAD_MONTHS``) is counted back from that day.
    """
    months = retender_lead_months(procedure, overrides)
    return add_months(current_end + timedelta(days=1), -months)


# --------------------------------------------------------------------------------------------
# Modifications (§ 180) and framework term
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModificationCheck:
    """Result of the de minimis test of udbudsloven § 180 (directive art. 72(2))."""

    allowed: bool
    net_value: Decimal
    threshold: Decimal
    percent: Decimal
    percent_limit: Decimal
    limit: Decimal
    reason: str


def modification_allowed(
    original_value: Decimal | int | str,
    cumulative_modifications: Decimal | int | str | Iterable[Decimal | int | str],
    threshold: Decimal | int | str | ThresholdAmount,
    category: str,
) -> ModificationCheck:
    """Whether modifications may be made without a new tender under the de minimis rule.

    The net cumulative value of all modifications (a single amount, or the individual amounts,
    which are summed with their signs) must be *below both* the threshold and 10 % of the original
    contract value (15 % for works). Exactly at a limit is not below it. This is the quantitative
    test only: a modification may also never alter the overall nature of the contract.
    """
    _check_category(category)
    original = to_decimal(original_value)
    if original < 0:
        raise ValueError("The original value cannot be negative")
    if isinstance(cumulative_modifications, Decimal | int | str | float):
        net = to_decimal(cumulative_modifications)
    else:
        net = sum((to_decimal(v) for v in cumulative_modifications), Decimal(0))
    # A reduction changes the contract as much as an increase; the size of the net change counts.
    net = abs(net)
    threshold_dkk = (
        threshold.dkk if isinstance(threshold, ThresholdAmount) else to_decimal(threshold)
    )
    percent = Decimal(15) if category == WORKS else Decimal(10)
    percent_limit = original * percent / Decimal(100)
    limit = min(threshold_dkk, percent_limit)
    allowed = net < limit
    if allowed:
        reason = (
            f"The net cumulative modifications of {_kr(net)} are below both the threshold of "
            f"{_kr(threshold_dkk)} and {percent} % of the original value ({_kr(percent_limit)}): "
            "allowed under § 180 if the overall nature of the contract is unchanged."
        )
    else:
        reason = (
            f"The net cumulative modifications of {_kr(net)} reach the limit of {_kr(limit)}, "
            f"the lower of the threshold ({_kr(threshold_dkk)}) and {percent} % of the original "
            f"value ({_kr(percent_limit)}): a new tender (or another legal basis) is needed."
        )
    return ModificationCheck(allowed, net, threshold_dkk, percent, percent_limit, limit, reason)


@dataclass(frozen=True)
class FrameworkTermCheck:
    ok: bool
    latest_allowed_end: date
    reason: str


def framework_term_check(
    start: date, latest_end: date, max_years: int = FRAMEWORK_MAX_YEARS
) -> FrameworkTermCheck:
    """Whether a framework agreement, including all extension options, stays within 4 years.

    A term of four years from 1 January 2026 ends on 31 December 2029, so the last allowed end is
    the day before the fourth anniversary. A longer term needs a justified exception
    (udbudsloven § 95, stk. 2).
    """
    if latest_end < start:
        raise ValueError("The framework cannot end before it starts")
    latest_allowed = add_months(start, 12 * max_years) - timedelta(days=1)
    ok = latest_end <= latest_allowed
    if ok:
        reason = (
            f"The framework runs to {latest_end.isoformat()} including options, within "
            f"{max_years} years (last allowed day {latest_allowed.isoformat()})."
        )
    else:
        reason = (
            f"The framework runs to {latest_end.isoformat()} including options, beyond the "
            f"{max_years}-year maximum ({latest_allowed.isoformat()}); this needs a justified "
            "exception (udbudsloven § 95, stk. 2; directive art. 33(1))."
        )
    return FrameworkTermCheck(ok, latest_allowed, reason)
