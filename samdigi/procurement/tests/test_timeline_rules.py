"""The procurement time-limit rules as docs/domain.md states them: the events that start each limit,
the move of a last day off a weekend or holiday, the days that are working days in law, the
threshold period of the call for competition, re-planning with moves and actual dates, and the
check of actual dates. Pure: no database.
"""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from samdigi.procurement.rules import schedule as tl

D = Decimal
PROCEDURES_WITH_STEPS = tl.PROCEDURES


# --- working days ----------------------------------------------------------------------------


def test_store_bededag_is_a_holiday_in_2023_and_a_working_day_from_2024():
    assert tl.holiday_name(date(2023, 5, 5)) == "Great Prayer Day"
    assert not tl.is_working_day(date(2023, 5, 5))
    # The fourth Friday after Easter 2024 would have been Store Bededag: abolished.
    assert tl.is_working_day(date(2024, 4, 26))
    # A standstill whose last day is Store Bededag 2023 runs to Monday 8 May (Sat, Sun between);
    # the same calendar position in 2024 ends on the Friday itself.
    assert tl.standstill_end(date(2023, 4, 25)) == date(2023, 5, 8)
    assert tl.standstill_end(date(2024, 4, 16)) == date(2024, 4, 26)


def test_a_standstill_ending_on_saturday_ends_on_monday():
    award = date(2027, 3, 3)  # Wednesday; day 10 is Saturday 13 March
    assert (award + timedelta(days=10)).weekday() == 5
    assert tl.standstill_end(award) == date(2027, 3, 15)


def test_a_standstill_ending_on_christmas_eve_stays_with_a_note():
    award = date(2027, 12, 14)  # day 10 is Friday 24 December 2027
    end = tl.standstill_end(award)
    assert end == date(2027, 12, 24)
    assert tl.working_day_note(end) == tl.CHRISTMAS_EVE
    s = tl.schedule("open", "services", D("5e6"), date(2028, 2, 21))
    noted = [step for step in s.steps if step.note]
    assert all(tl.working_day_note(step.date) == step.note for step in noted)


def test_working_day_notes_only_on_weekdays():
    assert tl.working_day_note(date(2026, 6, 5)) == tl.CONSTITUTION_DAY  # Friday
    assert tl.working_day_note(date(2026, 12, 31)) == tl.NEW_YEARS_EVE  # Thursday
    assert tl.working_day_note(date(2027, 6, 5)) == ""  # Saturday: not a working day at all
    assert tl.working_day_note(date(2026, 12, 23)) == ""
    assert tl.is_working_day(date(2026, 12, 24))


@settings(max_examples=200, deadline=None)
@given(event=st.dates(date(2023, 1, 1), date(2032, 12, 31)), days=st.sampled_from([10, 25, 30, 35]))
def test_every_time_limit_ends_on_the_first_working_day_on_or_after_its_last_day(event, days):
    last = event + timedelta(days=days)
    end = tl.next_working_day(last)
    assert end >= last and tl.is_working_day(end)
    assert all(not tl.is_working_day(last + timedelta(n)) for n in range((end - last).days))
    if days == 10:
        assert tl.standstill_end(event) == end


# --- thresholds -------------------------------------------------------------------------------


def test_the_threshold_of_the_day_the_call_is_sent_applies():
    # 1,620,000 DKK: below the 2024–2025 supplies/services threshold (1,644,638), above the
    # 2026–2027 one converted from 216,000 EUR (about 1,611,442).
    value = D("1620000")
    planned_2025 = tl.schedule("open", "services", value, date(2026, 3, 1))
    assert planned_2025.classification.notice_date.year == 2025
    assert not planned_2025.classification.eu_required
    sent_2026 = tl.plan(
        "open", "services", value, date(2026, 3, 1), actual={"notice_publication": date(2026, 1, 5)}
    )
    assert sent_2026.classification.period.label == "2026-2027"
    assert sent_2026.classification.eu_required
    assert sent_2026.classification.code == "eu_required"


def test_a_value_equal_to_the_threshold_requires_the_eu_procedure():
    at = tl.classify(
        "national", "services", D("1644638"), date(2025, 6, 1), notice_date=date(2025, 1, 6)
    )
    assert at.eu_required and not at.procedure_fits and at.code == "eu_required_wrong_procedure"
    below = tl.classify(
        "national", "services", D("1644637.99"), date(2025, 6, 1), notice_date=date(2025, 1, 6)
    )
    assert not below.eu_required and below.code == "eu_not_required"


def test_without_a_call_the_procedure_start_decides_the_period():
    s = tl.schedule("direct_award", "services", D("100000"), date(2026, 2, 1))
    assert s.classification.notice_date == s.get("award_decision").date
    nwp = tl.schedule("negotiated_without_publication", "services", D("100000"), date(2026, 2, 1))
    assert nwp.classification.notice_date == nwp.get("invitation_to_tender").date


# --- re-planning -------------------------------------------------------------------------------


@settings(max_examples=120, deadline=None)
@given(
    procedure=st.sampled_from(PROCEDURES_WITH_STEPS),
    start=st.dates(date(2024, 1, 1), date(2032, 12, 31)),
    electronic=st.booleans(),
    pin=st.booleans(),
)
def test_a_plan_nobody_moved_is_the_backward_schedule(procedure, start, electronic, pin):
    base = tl.schedule(procedure, "services", D("2e6"), start, electronic, pin)
    planned = tl.plan(procedure, "services", D("2e6"), start, electronic, pin)
    assert planned.dates() == base.dates()
    assert planned.violations == () and planned.dropped_moves == ()


@settings(max_examples=120, deadline=None)
@given(
    procedure=st.sampled_from(PROCEDURES_WITH_STEPS),
    start=st.dates(date(2025, 1, 1), date(2031, 12, 31)),
    delay=st.integers(1, 120),
    data=st.data(),
)
def test_a_later_step_follows_a_moved_step_and_keeps_every_minimum(procedure, start, delay, data):
    base = tl.schedule(procedure, "services", D("2e6"), start)
    keys = [s.key for s in base.steps if s.key not in ("preparation_start", "contract_start")]
    key = data.draw(st.sampled_from(keys))
    moved = tl.next_working_day(base.get(key).date + timedelta(days=delay))
    if key == "standstill_end":
        moved = base.get(key).date  # the standstill end is derived, never moved on its own
    planned = tl.plan(procedure, "services", D("2e6"), start, moves={key: moved})
    d = planned.dates()
    assert d[key] == moved and planned.dropped_moves == ()
    assert planned.violations == ()
    outward = [s for s in planned.steps if s.key != "preparation_start"]
    for before, after in zip(outward, outward[1:], strict=False):
        assert before.date <= after.date
    if "standstill_end" in d:
        assert d["standstill_end"] == tl.standstill_end(d["award_decision"])
        assert d["contract_signature"] > d["standstill_end"]
    if d["contract_start"] > start:
        assert any(code == "contract_start_later" for code, _ in planned.warning_codes)


def test_moving_the_award_decision_pushes_standstill_signature_and_start():
    base = tl.schedule("open", "services", D("5e6"), date(2027, 9, 1))
    award = base.get("award_decision").date + timedelta(days=21)
    planned = tl.plan(
        "open", "services", D("5e6"), date(2027, 9, 1), moves={"award_decision": award}
    )
    d = planned.dates()
    assert d["standstill_end"] == tl.standstill_end(award)
    assert d["contract_signature"] == tl.next_working_day(d["standstill_end"] + timedelta(days=1))
    assert d["contract_start"] == d["contract_signature"] + timedelta(days=60)
    assert d["contract_start"] > date(2027, 9, 1)
    signature_text = dict(planned.get("award_decision").params)["signature"]
    assert signature_text == d["contract_signature"]
    assert (
        dict(planned.get("standstill_end").params)["pushed_from"] == base.get("standstill_end").date
    )


def test_an_unlawful_move_is_dropped_and_said():
    base = tl.schedule("restricted", "services", D("5e6"), date(2027, 9, 1))
    notice = base.get("notice_publication").date
    too_early = notice + timedelta(days=20)
    planned = tl.plan(
        "restricted",
        "services",
        D("5e6"),
        date(2027, 9, 1),
        moves={"participation_deadline": too_early},
    )
    assert planned.get("participation_deadline").date == base.get("participation_deadline").date
    assert planned.dropped_moves == (
        ("participation_deadline", too_early, tl.next_working_day(notice + timedelta(days=30))),
    )
    assert any(code == "move_dropped" for code, _ in planned.warning_codes)


def test_an_actual_notice_date_flows_into_the_later_steps():
    base = tl.schedule("restricted", "services", D("5e6"), date(2027, 9, 1))
    late_notice = base.get("notice_publication").date + timedelta(days=28)
    planned = tl.plan(
        "restricted",
        "services",
        D("5e6"),
        date(2027, 9, 1),
        actual={"notice_publication": late_notice},
    )
    d = planned.dates()
    assert d["notice_publication"] == late_notice
    assert d["participation_deadline"] == tl.next_working_day(late_notice + timedelta(days=30))
    assert d["tender_deadline"] >= d["invitation_to_tender"] + timedelta(days=25)


def test_moves_of_steps_the_procedure_does_not_have_are_ignored():
    planned = tl.plan(
        "open",
        "services",
        D("5e6"),
        date(2027, 9, 1),
        moves={"participation_deadline": date(2027, 1, 4)},
    )
    assert planned.get("participation_deadline") is None and planned.dropped_moves == ()


# --- actual dates -------------------------------------------------------------------------------


def test_a_tender_deadline_21_days_after_a_restricted_notice_is_warned():
    notice = date(2027, 3, 1)  # Monday
    warnings = tl.check_actual_dates(
        "restricted", {"notice_publication": notice, "tender_deadline": notice + timedelta(days=21)}
    )
    assert len(warnings) == 1
    w = warnings[0]
    assert (w.code, w.step, w.rule, w.event) == (
        "below_minimum",
        "tender_deadline",
        "law_tender_time_limit",
        "notice_publication",
    )
    # 30 days for requests (31 March), then 25 days for tenders (25 April, a Sunday → Monday).
    assert w.minimum == date(2027, 4, 26) and w.days == 55
    assert tl.legal_basis(w.rule, "restricted") == ("§ 60", "28(2)–(6)")


def test_open_procedure_minimum_counts_from_the_day_after_the_notice():
    notice = date(2027, 3, 1)
    ok = {"notice_publication": notice, "tender_deadline": notice + timedelta(days=30)}
    assert tl.check_actual_dates("open", ok) == []
    short = {"notice_publication": notice, "tender_deadline": notice + timedelta(days=29)}
    (w,) = tl.check_actual_dates("open", short)
    assert w.rule == "law_open_tender_time_limit" and w.days == 30
    assert tl.legal_basis(w.rule, "open") == ("§ 57", "27")
    paper = tl.check_actual_dates("open", ok, electronic_submission=False)
    assert paper[0].minimum == notice + timedelta(days=35)


def test_a_minimum_ending_on_a_holiday_runs_to_the_next_working_day():
    # + 30 days = Easter Sunday 28 March 2027; Easter Monday is a holiday too → Tuesday 30.
    notice = date(2027, 2, 26)
    (w,) = tl.check_actual_dates(
        "open", {"notice_publication": notice, "tender_deadline": date(2027, 3, 28)}
    )
    assert w.minimum == date(2027, 3, 30)
    # Notice 25 Nov 2027 + 30 = Saturday 25 Dec → Sun 26 → Mon 27 December.
    w, note = tl.check_actual_dates(
        "open", {"notice_publication": date(2027, 11, 25), "tender_deadline": date(2027, 12, 24)}
    )
    assert w.minimum == date(2027, 12, 27)
    assert note.is_note and note.note == tl.CHRISTMAS_EVE


def test_signing_within_the_standstill_is_warned_and_christmas_eve_gets_a_note():
    award = date(2027, 12, 14)
    warnings = tl.check_actual_dates(
        "open",
        {
            "notice_publication": date(2027, 10, 1),
            "tender_deadline": date(2027, 12, 24),
            "award_decision": award,
            "contract_signature": date(2027, 12, 24),
        },
    )
    codes = {(w.code, w.step) for w in warnings}
    assert ("standstill_not_over", "contract_signature") in codes
    assert ("closed_day_note", "tender_deadline") in codes
    assert ("before_event", "award_decision") in codes
    standstill = next(w for w in warnings if w.code == "standstill_not_over")
    # Signing is lawful from the day after the standstill, even on a Saturday.
    assert standstill.minimum == date(2027, 12, 25)
    note = next(w for w in warnings if w.is_note)
    assert note.note == tl.CHRISTMAS_EVE and "working day in law" in note.message
    # A national advertisement has no standstill.
    assert (
        tl.check_actual_dates("national", {"award_decision": award, "contract_signature": award})
        == []
    )


@settings(max_examples=200, deadline=None)
@given(
    notice=st.dates(date(2023, 1, 1), date(2032, 12, 31)),
    gap=st.integers(0, 90),
    electronic=st.booleans(),
    pin=st.booleans(),
)
def test_an_open_tender_deadline_is_warned_exactly_when_below_the_minimum(
    notice, gap, electronic, pin
):
    deadline = notice + timedelta(days=gap)
    days = tl.minimum_time_limits("open", electronic, pin).tender_days
    found = tl.check_actual_dates(
        "open",
        {"notice_publication": notice, "tender_deadline": deadline},
        electronic,
        pin,
    )
    breaches = [w for w in found if not w.is_note]
    earliest = tl.next_working_day(notice + timedelta(days=days))
    assert bool(breaches) == (deadline < earliest)
    for w in breaches:
        assert w.minimum == earliest and tl.is_working_day(w.minimum)
        assert w.days == days and w.event_date == notice


@settings(max_examples=200, deadline=None)
@given(notice=st.dates(date(2023, 1, 1), date(2032, 12, 31)), gap=st.integers(0, 120))
def test_a_restricted_tender_deadline_needs_both_periods_from_the_notice(notice, gap):
    deadline = notice + timedelta(days=gap)
    found = [
        w
        for w in tl.check_actual_dates(
            "restricted", {"notice_publication": notice, "tender_deadline": deadline}
        )
        if not w.is_note
    ]
    invited = tl.next_working_day(notice + timedelta(days=30))
    earliest = tl.next_working_day(invited + timedelta(days=25))
    assert bool(found) == (deadline < earliest)
    assert earliest >= notice + timedelta(days=55)
