"""The contract deadline engine: table tests with concrete dates, then properties over all dates."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samdigi.core.rules.months import add_months
from samdigi.landscape.rules.deadlines import (
    DEFAULT_LEAD_MONTHS,
    FALLBACK_LEAD_MONTHS,
    RULE_TEXTS,
    ContractDates,
    ContractDatesError,
    DeadlineKind,
    NoticeTo,
    Rule,
    ValidityReason,
    ValidityStatus,
    current_end,
    deadlines,
    earliest_end_if_notice_on,
    effective_end,
    end_of_period,
    latest_possible_end,
    lead_months_for,
    notice_deadline,
    option_decision_date,
    retender_start,
    validity,
)

D = dt.date
ROOT = Path(__file__).resolve().parents[3]
PROPERTY_SETTINGS = settings(
    database=None,  # keep hypothesis from writing .hypothesis/ into the working tree
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow],
)


def fixed(expiration: dt.date, **kwargs: object) -> ContractDates:
    kwargs.setdefault("valid_from", D(2020, 1, 1))
    return ContractDates(expiration=expiration, **kwargs)


# --- month arithmetic, the thing that goes wrong first -----------------------------------------


@pytest.mark.parametrize(
    ("expiration", "option_months", "used", "expected"),
    [
        (D(2027, 1, 31), 1, 1, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, 1, D(2028, 2, 29)),  # leap year
        (D(2026, 12, 31), 12, 2, D(2028, 12, 31)),
        (D(2028, 2, 29), 12, 1, D(2029, 2, 28)),
        (D(2027, 3, 31), 6, 0, D(2027, 3, 31)),
        # Options are added in one step: 31 Aug + 2 x 6 months is 31 Aug, not 28 Aug via February.
        (D(2026, 8, 31), 6, 2, D(2027, 8, 31)),
        # ...and 30 Nov + 3 x 1 month is 28 Feb, not 28 Feb via 30 Dec and 30 Jan.
        (D(2026, 11, 30), 1, 3, D(2027, 2, 28)),
    ],
)
def test_current_end(expiration, option_months, used, expected):
    c = fixed(expiration, option_count=3, option_months=option_months, options_used=used)
    assert current_end(c) == expected


def test_current_and_latest_end_of_running_contract_are_none():
    c = ContractDates(valid_from=D(2020, 1, 1), notice_months=3)
    assert c.is_running
    assert current_end(c) is None
    assert latest_possible_end(c) is None
    assert notice_deadline(c) is None
    assert option_decision_date(c) is None
    assert effective_end(c) is None
    assert retender_start(c, 12) is None


@pytest.mark.parametrize(
    ("expiration", "count", "months", "used", "expected"),
    [
        (D(2026, 12, 31), 2, 12, 0, D(2028, 12, 31)),
        (D(2026, 12, 31), 2, 12, 1, D(2028, 12, 31)),  # used options do not change it
        # 28 Feb 2027 is a month-end, so 12 months on is the month-end 29 Feb 2028 (end-of-month
        # rule; the old clamping gave 28 Feb).
        (D(2027, 2, 28), 1, 12, 0, D(2028, 2, 29)),
        (D(2027, 3, 31), 0, 0, 0, D(2027, 3, 31)),
        (D(2026, 8, 31), 4, 6, 0, D(2028, 8, 31)),
    ],
)
def test_latest_possible_end(expiration, count, months, used, expected):
    c = fixed(expiration, option_count=count, option_months=months, options_used=used)
    assert latest_possible_end(c) == expected


@pytest.mark.parametrize(
    ("end", "notice", "expected"),
    [
        (D(2026, 3, 31), 1, D(2026, 2, 28)),  # 31 March minus a month
        (D(2028, 3, 31), 1, D(2028, 2, 29)),  # ...in a leap year
        (D(2027, 5, 31), 3, D(2027, 2, 28)),
        (D(2026, 12, 31), 6, D(2026, 6, 30)),
        (D(2026, 12, 31), 3, D(2026, 9, 30)),
        (D(2026, 6, 15), 0, D(2026, 6, 15)),
        (D(2028, 12, 31), 12, D(2027, 12, 31)),
    ],
)
def test_notice_deadline(end, notice, expected):
    assert notice_deadline(fixed(end, notice_months=notice)) == expected


def test_notice_deadline_counts_from_current_end_including_used_options():
    c = fixed(D(2026, 3, 31), notice_months=3, option_count=2, option_months=12, options_used=1)
    assert current_end(c) == D(2027, 3, 31)
    assert notice_deadline(c) == D(2026, 12, 31)


@pytest.mark.parametrize(
    ("notice_to", "expected"),
    [
        ("none", D(2026, 4, 15)),
        ("month", D(2026, 4, 30)),
        ("quarter", D(2026, 6, 30)),
        ("year", D(2026, 12, 31)),
    ],
)
def test_earliest_end_if_notice_on_each_period(notice_to, expected):
    c = ContractDates(notice_months=3, notice_to_end_of=notice_to)
    assert earliest_end_if_notice_on(c, D(2026, 1, 15)) == expected


@pytest.mark.parametrize(
    ("notice", "notice_to", "irrevocable", "day", "expected"),
    [
        # Notice on 30 Nov 2027 + 3 months lands on 29 Feb 2028 (leap year), a month end.
        (3, "month", None, D(2027, 11, 30), D(2028, 2, 29)),
        (3, "none", None, D(2027, 11, 30), D(2028, 2, 29)),
        (3, "quarter", None, D(2027, 11, 30), D(2028, 3, 31)),
        # 31 Dec + 2 months is 28 Feb (not 3 March); its quarter ends 31 March.
        (2, "quarter", None, D(2026, 12, 31), D(2027, 3, 31)),
        (1, "month", None, D(2026, 1, 31), D(2026, 2, 28)),
        # Already on a quarter end: stays there.
        (0, "quarter", None, D(2026, 9, 30), D(2026, 9, 30)),
        (3, "quarter", None, D(2026, 6, 30), D(2026, 9, 30)),
        (3, "quarter", None, D(2026, 7, 1), D(2026, 12, 31)),
        # Year end crossing.
        (6, "year", None, D(2026, 7, 1), D(2027, 12, 31)),
        (6, "year", None, D(2026, 6, 30), D(2026, 12, 31)),
        # The irrevocable period wins when it is later...
        (3, "quarter", D(2027, 6, 30), D(2026, 1, 15), D(2027, 6, 30)),
        (3, "quarter", D(2027, 7, 1), D(2026, 1, 15), D(2027, 9, 30)),
        (3, "none", D(2027, 7, 1), D(2026, 1, 15), D(2027, 7, 1)),
        # ...and does nothing when it is earlier.
        (3, "month", D(2026, 2, 1), D(2026, 1, 15), D(2026, 4, 30)),
        (0, "none", None, D(2026, 5, 5), D(2026, 5, 5)),
    ],
)
def test_earliest_end_if_notice_on(notice, notice_to, irrevocable, day, expected):
    c = ContractDates(
        notice_months=notice, notice_to_end_of=notice_to, irrevocable_until=irrevocable
    )
    assert earliest_end_if_notice_on(c, day) == expected


@pytest.mark.parametrize(
    ("day", "period", "expected"),
    [
        (D(2028, 2, 1), "month", D(2028, 2, 29)),
        (D(2027, 2, 1), "month", D(2027, 2, 28)),
        (D(2026, 1, 1), "quarter", D(2026, 3, 31)),
        (D(2026, 4, 1), "quarter", D(2026, 6, 30)),
        (D(2026, 8, 15), "quarter", D(2026, 9, 30)),
        (D(2026, 12, 31), "quarter", D(2026, 12, 31)),
        (D(2026, 1, 1), "year", D(2026, 12, 31)),
        (D(2026, 1, 1), "none", D(2026, 1, 1)),
    ],
)
def test_end_of_period(day, period, expected):
    assert end_of_period(day, period) == expected


@pytest.mark.parametrize(
    ("used", "expected"),
    [
        (0, D(2026, 12, 31)),  # 31 March 2027 minus 3 months
        (1, D(2027, 12, 31)),  # 31 March 2028 minus 3 months
        (2, None),  # no options left
    ],
)
def test_option_decision_date(used, expected):
    c = fixed(D(2027, 3, 31), notice_months=3, option_count=2, option_months=12, options_used=used)
    assert option_decision_date(c) == expected


def test_option_decision_date_without_options_is_none():
    assert option_decision_date(fixed(D(2027, 3, 31), notice_months=3)) is None


def test_option_decision_in_leap_year():
    c = fixed(D(2028, 3, 31), notice_months=1, option_count=1, option_months=12)
    assert option_decision_date(c) == D(2028, 2, 29)


@pytest.mark.parametrize(
    ("end", "lead", "expected"),
    [
        (D(2027, 12, 31), 12, D(2027, 1, 1)),
        (D(2027, 12, 31), 18, D(2026, 7, 1)),
        (D(2027, 12, 31), 6, D(2027, 7, 1)),
        (D(2027, 12, 31), 3, D(2027, 10, 1)),
        (D(2028, 2, 28), 12, D(2027, 2, 28)),  # 29 Feb 2028 minus 12 months
        (D(2027, 3, 30), 1, D(2027, 2, 28)),  # 31 March minus a month
        (D(2028, 3, 30), 1, D(2028, 2, 29)),
        (D(2027, 6, 30), 0, D(2027, 7, 1)),  # no lead time: the day after the end
    ],
)
def test_retender_start(end, lead, expected):
    assert retender_start(fixed(end), lead) == expected


def test_retender_start_rejects_negative_lead_time():
    with pytest.raises(ValueError, match="negative"):
        retender_start(fixed(D(2027, 1, 1)), -1)


def test_retender_start_follows_notice_given():
    # Running contract, notice given 15 Jan 2026, 3 months to the end of a quarter: ends 30 June.
    c = ContractDates(
        valid_from=D(2020, 1, 1),
        notice_months=3,
        notice_to_end_of="quarter",
        terminated_on=D(2026, 1, 15),
    )
    assert effective_end(c) == D(2026, 6, 30)
    assert retender_start(c, 3) == D(2026, 4, 1)


# --- effective end and validity ------------------------------------------------------------------


def test_effective_end_of_fixed_term_is_capped_by_current_end():
    c = fixed(
        D(2026, 3, 31), notice_months=6, notice_to_end_of="month", terminated_on=D(2026, 1, 10)
    )
    assert earliest_end_if_notice_on(c, D(2026, 1, 10)) == D(2026, 7, 31)
    assert effective_end(c) == D(2026, 3, 31)


def test_effective_end_of_fixed_term_cut_short_by_notice():
    c = fixed(
        D(2028, 12, 31), notice_months=3, notice_to_end_of="month", terminated_on=D(2026, 1, 10)
    )
    assert effective_end(c) == D(2026, 4, 30)


@pytest.mark.parametrize(
    ("contract", "today", "status", "reasons"),
    [
        pytest.param(
            fixed(D(2027, 12, 31), valid_from=D(2026, 1, 1)),
            D(2025, 12, 31),
            "not_started",
            ("not_started", "within_term", "not_terminated"),
            id="day-before-start",
        ),
        pytest.param(
            fixed(D(2027, 12, 31), valid_from=D(2026, 1, 1)),
            D(2026, 1, 1),
            "active",
            ("started", "within_term", "not_terminated"),
            id="first-day",
        ),
        pytest.param(
            fixed(D(2027, 12, 31)),
            D(2027, 12, 31),
            "active",
            ("started", "within_term", "not_terminated"),
            id="last-day-is-inclusive",
        ),
        pytest.param(
            fixed(D(2027, 12, 31)),
            D(2028, 1, 1),
            "expired",
            ("started", "expired", "not_terminated"),
            id="day-after-end",
        ),
        pytest.param(
            fixed(D(2027, 12, 31), option_count=1, option_months=12, options_used=1),
            D(2028, 6, 1),
            "active",
            ("started", "within_term", "not_terminated"),
            id="extended-by-option",
        ),
        pytest.param(
            ContractDates(valid_from=D(2020, 1, 1)),
            D(2040, 1, 1),
            "active",
            ("started", "running", "not_terminated"),
            id="running",
        ),
        pytest.param(
            ContractDates(),
            D(2026, 1, 1),
            "active",
            ("no_start_date", "running", "not_terminated"),
            id="no-dates-at-all",
        ),
        pytest.param(
            ContractDates(concluded=D(2026, 5, 1)),
            D(2026, 4, 30),
            "not_started",
            ("not_started", "running", "not_terminated"),
            id="concluded-stands-in-for-valid-from",
        ),
        pytest.param(
            ContractDates(
                valid_from=D(2020, 1, 1),
                notice_months=3,
                notice_to_end_of="quarter",
                terminated_on=D(2026, 1, 15),
            ),
            D(2026, 6, 30),
            "active",
            ("started", "running", "notice_given"),
            id="running-notice-given-last-day",
        ),
        pytest.param(
            ContractDates(
                valid_from=D(2020, 1, 1),
                notice_months=3,
                notice_to_end_of="quarter",
                terminated_on=D(2026, 1, 15),
            ),
            D(2026, 7, 1),
            "terminated",
            ("started", "running", "terminated"),
            id="running-terminated",
        ),
        pytest.param(
            fixed(
                D(2028, 12, 31),
                notice_months=3,
                notice_to_end_of="month",
                terminated_on=D(2026, 1, 10),
            ),
            D(2026, 5, 1),
            "terminated",
            ("started", "within_term", "terminated"),
            id="fixed-term-cut-short",
        ),
        pytest.param(
            fixed(
                D(2026, 3, 31),
                notice_months=3,
                notice_to_end_of="month",
                terminated_on=D(2025, 12, 1),
            ),
            D(2026, 4, 1),
            # docs/domain.md: "terminated" applies from the day after the end the notice produces,
            # also when that end is the term's own end (it was "expired"/"notice_given" before).
            "terminated",
            ("started", "expired", "terminated"),
            id="notice-to-prevent-rollover-then-term-ends",
        ),
        pytest.param(
            fixed(
                D(2027, 12, 31),
                valid_from=D(2027, 1, 1),
                notice_months=1,
                terminated_on=D(2026, 1, 10),
            ),
            D(2026, 6, 1),
            "not_started",
            ("not_started", "within_term", "terminated"),
            id="not-started-wins-over-terminated",
        ),
        pytest.param(
            fixed(D(2026, 12, 31), notice_months=1, terminated_on=D(2026, 1, 10)),
            D(2027, 6, 1),
            "terminated",
            ("started", "expired", "terminated"),
            id="terminated-wins-over-expired",
        ),
    ],
)
def test_validity(contract, today, status, reasons):
    result = validity(contract, today)
    assert result.status == status
    assert result.reasons == reasons
    assert result.is_active == (status == "active")
    assert result.ends_on == effective_end(contract)


# --- the deadline list ---------------------------------------------------------------------------


def test_deadlines_fixed_term_with_options():
    c = fixed(
        D(2027, 3, 31),
        notice_months=3,
        option_count=2,
        option_months=12,
        procurement_procedure="open",
    )
    result = deadlines(c, today=D(2026, 1, 1))
    assert [(d.kind, d.date) for d in result] == [
        ("retender_start", D(2026, 4, 1)),
        ("option_decision", D(2026, 12, 31)),
        ("notice_deadline", D(2026, 12, 31)),
        ("expiry", D(2027, 3, 31)),
    ]
    assert [d.days_left for d in result] == [90, 364, 364, 454]
    by_kind = {d.kind: d for d in result}
    assert by_kind["retender_start"].rule is Rule.RETENDER_START
    assert dict(by_kind["retender_start"].params) == {"end": "2027-03-31", "lead_months": 12}
    assert "12 month(s)" in by_kind["retender_start"].explanation
    assert "option 1 of 2" in by_kind["option_decision"].explanation
    assert by_kind["expiry"].rule is Rule.EXPIRY_TERM


def test_deadlines_use_explicit_lead_time_over_procedure_default():
    c = fixed(D(2027, 12, 31), procurement_procedure="competitive_dialogue")
    assert deadlines(c, D(2026, 1, 1))[0].date == D(2026, 7, 1)  # 18 months
    assert deadlines(c, D(2026, 1, 1), lead_months=3)[0].date == D(2027, 10, 1)


def test_deadlines_leave_out_notice_deadline_without_notice_period():
    kinds = [d.kind for d in deadlines(fixed(D(2027, 12, 31)), D(2026, 1, 1), 12)]
    assert kinds == ["retender_start", "expiry"]


def test_deadlines_of_running_contract_without_notice_are_empty():
    assert deadlines(ContractDates(notice_months=3), D(2026, 1, 1), 12) == []


def test_deadlines_after_notice_drop_notice_and_option_and_follow_the_notice():
    c = fixed(
        D(2028, 12, 31),
        notice_months=3,
        notice_to_end_of="month",
        option_count=1,
        option_months=12,
        terminated_on=D(2026, 1, 10),
    )
    result = deadlines(c, D(2026, 2, 1), lead_months=3)
    assert [(d.kind, d.date) for d in result] == [
        ("retender_start", D(2026, 2, 1)),
        ("expiry", D(2026, 4, 30)),
    ]
    assert result[0].days_left == 0
    assert result[1].rule is Rule.EXPIRY_NOTICE
    assert "2026-01-10" in result[1].explanation


def test_deadlines_report_past_ones_with_negative_days_left():
    result = deadlines(fixed(D(2025, 12, 31), notice_months=1), D(2026, 1, 10), 12)
    assert all(d.days_left < 0 for d in result)
    assert result[-1].days_left == -10


def test_every_rule_has_a_text_and_every_text_is_one_sentence():
    assert set(RULE_TEXTS) == set(Rule)
    for text in RULE_TEXTS.values():
        assert text.endswith(".")


# --- lead times ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("procedure", "months"),
    [
        ("open", 12),
        ("restricted", 12),
        ("competitive_negotiation", 18),
        ("competitive_dialogue", 18),
        ("innovation_partnership", 18),
        ("national", 6),
        ("framework_call_off", 3),
        ("direct_award", 3),
        ("negotiated_without_publication", 3),  # docs/domain.md insights: 3 months (was 12)
    ],
)
def test_default_lead_months(procedure, months):
    assert DEFAULT_LEAD_MONTHS[procedure] == months
    assert lead_months_for(procedure) == months


def test_lead_months_for_overrides_unknown_and_missing():
    assert lead_months_for("open", {"open": 9}) == 9
    assert lead_months_for("national", {"open": 9}) == 6
    assert lead_months_for("design_contest") == FALLBACK_LEAD_MONTHS
    assert lead_months_for(None) == FALLBACK_LEAD_MONTHS
    assert lead_months_for(None, fallback=4) == 4
    assert lead_months_for("open", {"open": 0}) == 0


@pytest.mark.parametrize("bad", [-1, 1.5, True, "12"])
def test_lead_months_for_rejects_bad_overrides(bad):
    with pytest.raises(ValueError, match="lead time"):
        lead_months_for("open", {"open": bad})


# --- input checks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"notice_months": -1}, "notice_months"),
        ({"option_count": -1}, "option_count"),
        ({"notice_months": 1.5}, "notice_months"),
        ({"notice_months": True}, "notice_months"),
        ({"notice_to_end_of": "week"}, "notice_to_end_of"),
        ({"option_count": 1, "options_used": 2, "option_months": 12}, "options_used"),
        ({"option_count": 2, "option_months": 0}, "option_months"),
        ({"option_count": 1, "option_months": 12, "options_used": 1}, "options_used"),
        ({"valid_from": D(2026, 1, 2), "expiration": D(2026, 1, 1)}, "expiration"),
        ({"terminated_on": dt.datetime(2026, 1, 1, 12)}, "terminated_on"),
        ({"expiration": "2026-01-01"}, "expiration"),
    ],
)
def test_contract_dates_refuses_nonsense(kwargs, field):
    with pytest.raises(ContractDatesError) as info:
        ContractDates(**kwargs)
    assert info.value.field == field
    assert isinstance(info.value, ValueError)


def test_notice_to_end_of_accepts_the_stored_string():
    c = ContractDates(notice_to_end_of="quarter")
    assert c.notice_to_end_of is NoticeTo.QUARTER
    assert c.notice_to_end_of == "quarter"


def test_contract_dates_is_frozen():
    c = ContractDates()
    with pytest.raises(AttributeError):
        c.notice_months = 3  # type: ignore[misc]


# --- properties ----------------------------------------------------------------------------------

dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2080, 12, 31))
notice_to = st.sampled_from(list(NoticeTo))


@st.composite
def contracts(draw: st.DrawFn, running: bool | None = None) -> ContractDates:
    valid_from = draw(st.none() | dates)
    if running is None:
        running = draw(st.booleans())
    expiration = None
    if not running:
        expiration = draw(dates)
        if valid_from is not None and expiration < valid_from:
            valid_from, expiration = expiration, valid_from
    option_count = 0 if running else draw(st.integers(0, 5))
    option_months = draw(st.integers(1, 36)) if option_count else draw(st.integers(0, 36))
    return ContractDates(
        concluded=draw(st.none() | dates),
        valid_from=valid_from,
        expiration=expiration,
        irrevocable_until=draw(st.none() | dates),
        notice_months=draw(st.integers(0, 36)),
        notice_to_end_of=draw(notice_to),
        option_count=option_count,
        option_months=option_months,
        options_used=draw(st.integers(0, option_count)),
        terminated_on=draw(st.none() | dates),
        procurement_procedure=draw(st.none() | st.sampled_from(sorted(DEFAULT_LEAD_MONTHS))),
    )


def is_period_end(day: dt.date, period: NoticeTo) -> bool:
    tomorrow = day + dt.timedelta(days=1)
    if period is NoticeTo.MONTH:
        return tomorrow.day == 1
    if period is NoticeTo.QUARTER:
        return tomorrow.day == 1 and tomorrow.month in (1, 4, 7, 10)
    if period is NoticeTo.YEAR:
        return (day.month, day.day) == (12, 31)
    return True


@PROPERTY_SETTINGS
@given(contracts(running=False))
def test_property_notice_deadline_le_current_end_le_latest_end(c):
    assert notice_deadline(c) <= current_end(c) <= latest_possible_end(c)
    assert c.expiration <= current_end(c)


@PROPERTY_SETTINGS
@given(contracts(), dates)
def test_property_earliest_end_if_notice_on(c, day):
    end = earliest_end_if_notice_on(c, day)
    target = add_months(day, c.notice_months)
    assert end >= target
    if c.irrevocable_until is not None:
        assert end >= c.irrevocable_until
        target = max(target, c.irrevocable_until)
    assert is_period_end(end, c.notice_to_end_of)
    if c.notice_to_end_of is NoticeTo.NONE:
        assert end == target
    else:
        # It is the first period end on or after the target, not a later one.
        assert end == end_of_period(target, c.notice_to_end_of)
        assert (end - target).days < 366


@PROPERTY_SETTINGS
@given(contracts(), dates, dates)
def test_property_earlier_notice_never_ends_later(c, first, second):
    first, second = sorted((first, second))
    assert earliest_end_if_notice_on(c, first) <= earliest_end_if_notice_on(c, second)


@PROPERTY_SETTINGS
@given(contracts(running=False), st.integers(1, 36))
def test_property_retender_start_before_end(c, lead):
    start = retender_start(c, lead)
    assert start <= effective_end(c) <= current_end(c)
    # Months do not round-trip off month-ends (30 March - 1 month + 1 month = 31 March), so bound
    # the lead time in days instead: a month is 28 to 31 days, and clamping adds at most 3.
    lead_days = (effective_end(c) + dt.timedelta(days=1) - start).days
    assert 28 * lead <= lead_days <= 31 * lead + 3


@PROPERTY_SETTINGS
@given(contracts())
def test_property_option_decision_only_with_options_left(c):
    decision = option_decision_date(c)
    if c.is_running or c.options_used == c.option_count:
        assert decision is None
    else:
        assert decision == notice_deadline(c)
        assert decision <= current_end(c)


@PROPERTY_SETTINGS
@given(contracts(), dates)
def test_property_validity_is_active_only_if_every_reason_says_so(c, today):
    result = validity(c, today)
    assert len(result.reasons) == 3
    assert result.is_active == all(reason.allows_active for reason in result.reasons)
    if result.status is not ValidityStatus.ACTIVE:
        assert ValidityReason(result.status.value) in result.reasons
    if result.is_active and result.ends_on is not None:
        assert today <= result.ends_on


@PROPERTY_SETTINGS
@given(contracts(), dates, st.none() | st.integers(0, 36))
def test_property_deadlines_sorted_and_well_formed(c, today, lead):
    result = deadlines(c, today, lead)
    assert [d.date for d in result] == sorted(d.date for d in result)
    kinds = [d.kind for d in result]
    assert len(kinds) == len(set(kinds))
    assert set(kinds) <= set(DeadlineKind)
    for d in result:
        assert d.days_left == (d.date - today).days
        assert d.explanation == RULE_TEXTS[d.rule].format(**dict(d.params))
    if effective_end(c) is not None:
        assert kinds[-1] == "expiry" or lead == 0
        expiry = next(d for d in result if d.kind == "expiry")
        assert expiry.date == effective_end(c)
    if c.terminated_on is not None:
        assert not {"notice_deadline", "option_decision"} & set(kinds)


def test_deadlines_of_running_contract_after_notice():
    c = ContractDates(
        valid_from=D(2020, 1, 1),
        notice_months=6,
        notice_to_end_of="year",
        irrevocable_until=D(2027, 6, 30),
        terminated_on=D(2026, 3, 1),
        procurement_procedure="national",
    )
    result = deadlines(c, D(2026, 3, 1))
    assert [(d.kind, d.date) for d in result] == [
        ("retender_start", D(2027, 7, 1)),  # 6 months before 1 January 2028
        ("expiry", D(2027, 12, 31)),  # irrevocable until mid-2027, then to the end of the year
    ]
    assert dict(result[1].params)["irrevocable_until"] == "2027-06-30"


def test_engine_modules_import_nothing_from_django():
    code = (
        "import sys\n"
        "import samdigi.landscape.rules.cvr, samdigi.landscape.rules.deadlines, samdigi.landscape.rules.kle\n"
        "import samdigi.core.rules.months, samdigi.procurement.rules.opportunities\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'rest_framework'})\n"
        "assert not bad, bad\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT, timeout=60)


# --- the end-of-month rule (docs/domain.md, issue 8) -------------------------------------------


def test_option_from_a_month_end_runs_to_the_month_end():
    # The joint tender's case: 30.09.2028 + one 6-month option is 31.03.2029, not 30.03.
    c = fixed(D(2028, 9, 30), option_count=2, option_months=6, options_used=1)
    assert current_end(c) == D(2029, 3, 31)
    assert latest_possible_end(c) == D(2029, 9, 30)


@pytest.mark.parametrize(
    ("end", "notice", "expected"),
    [
        (D(2027, 4, 30), 6, D(2026, 10, 31)),  # docs/domain.md's example
        (D(2027, 4, 30), 1, D(2027, 3, 31)),
        (D(2027, 6, 30), 3, D(2027, 3, 31)),
        (D(2027, 9, 30), 1, D(2027, 8, 31)),
        (D(2027, 11, 30), 1, D(2027, 10, 31)),
        (D(2027, 2, 28), 1, D(2027, 1, 31)),
        (D(2028, 2, 29), 12, D(2027, 2, 28)),
        (D(2027, 4, 29), 1, D(2027, 3, 29)),  # not a month-end: keeps its day
    ],
)
def test_notice_deadline_before_a_short_month_end_is_not_a_day_early(end, notice, expected):
    c = fixed(end, notice_months=notice, option_count=1, option_months=12)
    assert notice_deadline(c) == expected
    assert option_decision_date(c) == expected


def test_earliest_end_from_notice_on_a_month_end():
    c = ContractDates(valid_from=D(2020, 1, 1), notice_months=6)
    assert earliest_end_if_notice_on(c, D(2026, 4, 30)) == D(2026, 10, 31)
    assert earliest_end_if_notice_on(c, D(2026, 8, 31)) == D(2027, 2, 28)


def test_retender_start_counts_back_from_the_day_after_the_end_by_the_rule():
    # The day after 27.02.2027 is 28.02, a month-end: one month back is 31.01 (clamping: 28.01).
    assert retender_start(fixed(D(2027, 2, 27)), 1) == D(2027, 1, 31)


@pytest.mark.parametrize(
    ("today", "status", "reasons"),
    [
        (D(2026, 6, 30), "active", ("started", "within_term", "notice_given")),
        (D(2026, 7, 31), "active", ("started", "within_term", "notice_given")),  # the last day
        (D(2026, 8, 1), "terminated", ("started", "within_term", "terminated")),  # day after
    ],
)
def test_contract_under_notice_stays_active_until_the_end_the_notice_produces(
    today, status, reasons
):
    c = fixed(
        D(2028, 12, 31), notice_months=3, notice_to_end_of="month", terminated_on=D(2026, 4, 30)
    )
    assert effective_end(c) == D(2026, 7, 31)
    result = validity(c, today)
    assert (result.status, result.reasons) == (status, reasons)


# --- lead time from the threshold assessment ---------------------------------------------------


def test_required_procedure_follows_the_threshold():
    from decimal import Decimal

    from samdigi.landscape.rules.deadlines import required_procedure

    threshold = Decimal("1644638")
    assert required_procedure(threshold, threshold) == "open"  # equal is EU (art. 4)
    assert required_procedure(threshold - 1, threshold) == "national"
    assert required_procedure(None, threshold) is None


def test_estimated_value_is_the_whole_term_with_options():
    from decimal import Decimal

    from samdigi.landscape.rules.deadlines import estimated_value

    c = fixed(D(2027, 12, 31), valid_from=D(2024, 1, 1), option_count=2, option_months=12)
    assert estimated_value(c, Decimal(100_000), Decimal(400_000)) == Decimal(600_000)
    # Only an annual value: 4 years of term (2024-2027) plus 2 years of options.
    assert estimated_value(c, Decimal(100_000), None) == Decimal(600_000)
    assert estimated_value(c, None, None) is None


def test_lead_time_is_for_the_procedure_the_threshold_requires_not_the_current_one():
    from decimal import Decimal

    from samdigi.landscape.rules.deadlines import retender_lead_months

    # Bought by direct award, but worth more than the threshold over its whole term: the
    # re-tender is an EU procedure and needs 12 months.
    c = fixed(D(2027, 12, 31), procurement_procedure="direct_award")
    big = {"estimated": Decimal(2_000_000), "threshold": Decimal(1_644_638)}
    small = {"estimated": Decimal(500_000), "threshold": Decimal(1_644_638)}
    assert retender_lead_months(c, **big) == 12
    assert retender_lead_months(c, **small) == 6  # national advertisement
    assert retender_lead_months(c, {"open": 9}, **big) == 9  # the association's own norm
    assert retender_lead_months(c, planned_procedure="competitive_dialogue", **small) == 18
    assert retender_lead_months(c) == 3  # no value known: the current procedure as a proxy


@pytest.mark.parametrize(
    ("annual", "total", "expected"),
    [
        ("100000", "400000", 400_000),  # a model about to be saved may still hold strings
        (None, "lots", None),
        ("NaN", None, None),
        (None, "", None),
    ],
)
def test_estimated_value_tolerates_unvalidated_input(annual, total, expected):
    from decimal import Decimal

    from samdigi.landscape.rules.deadlines import estimated_value

    result = estimated_value(fixed(D(2027, 12, 31)), annual, total)
    assert result == (None if expected is None else Decimal(expected))
