"""Thresholds, classification, Danish working days and backward schedules: a table at every edge.

No database: the timeline module is pure.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from samdigi.procurement.rules import schedule as tl
from samdigi.procurement.rules.schedule import (
    DEFAULT_THRESHOLDS,
    PROCEDURES,
    STEP_ORDER,
    Amount,
    PlanningNorms,
    add_months,
    classify,
    find_period,
    framework_term_check,
    holiday_name,
    is_working_day,
    minimum_time_limits,
    modification_allowed,
    months_to_reach,
    next_working_day,
    previous_working_day,
    schedule,
    standstill_end,
    threshold_period,
    verify_dates,
)

D = Decimal


def period(label: str) -> tl.ThresholdPeriod:
    return next(p for p in DEFAULT_THRESHOLDS if p.label == label)


# --------------------------------------------------------------------------------------------
# Threshold data
# --------------------------------------------------------------------------------------------


def test_default_periods_are_contiguous_and_ordered():
    labels = [p.label for p in DEFAULT_THRESHOLDS]
    assert labels == ["2018-2019", "2020-2021", "2022-2023", "2024-2025", "2026-2027"]
    for before, after in zip(DEFAULT_THRESHOLDS, DEFAULT_THRESHOLDS[1:], strict=False):
        assert after.valid_from == before.valid_to + timedelta(days=1)
    for p in DEFAULT_THRESHOLDS:
        assert p.valid_from == date(int(p.label[:4]), 1, 1)
        assert p.valid_to == date(int(p.label[5:]), 12, 31)


@pytest.mark.parametrize("p", DEFAULT_THRESHOLDS, ids=lambda p: p.label)
def test_supplies_and_services_share_one_amount_for_municipalities(p):
    assert p.supplies == p.services


@pytest.mark.parametrize(
    ("label", "category", "eur", "dkk"),
    [
        ("2018-2019", "services", 221_000, 1_645_367),
        ("2018-2019", "works", 5_548_000, 41_305_415),
        ("2018-2019", "social_services", 750_000, 5_583_825),
        ("2020-2021", "supplies", 214_000, 1_595_391),
        ("2020-2021", "works", 5_350_000, 39_884_785),
        ("2020-2021", "social_services", 750_000, 5_591_325),
        ("2022-2023", "services", 215_000, 1_601_944),
        ("2022-2023", "works", 5_382_000, 40_100_744),
        ("2024-2025", "services", 221_000, 1_644_638),
        ("2024-2025", "social_services", 750_000, 5_581_350),
    ],
)
def test_official_dkk_figures(label, category, eur, dkk):
    amount = period(label).amount(category)
    assert (amount.eur, amount.dkk, amount.estimated) == (D(eur), D(dkk), False)
    assert amount.eur_rate is None


@pytest.mark.parametrize(
    ("label", "category", "eur"),
    [
        ("2022-2023", "social_services", 750_000),
        ("2024-2025", "works", 5_538_000),
        ("2026-2027", "supplies", 216_000),
        ("2026-2027", "services", 216_000),
        ("2026-2027", "works", 5_404_000),
        ("2026-2027", "social_services", 750_000),
    ],
)
def test_missing_dkk_figures_are_converted_and_flagged(label, category, eur):
    amount = period(label).amount(category, D("7.46038"))
    assert amount.estimated is True
    assert amount.eur == D(eur)
    assert amount.eur_rate == D("7.46038")
    assert amount.dkk == (D(eur) * D("7.46038")).quantize(D("1"))
    assert "not an official figure" in amount.describe()


def test_conversion_rounds_half_up_to_whole_kroner():
    p = threshold_period(
        "x", date(2030, 1, 1), date(2031, 12, 31), Amount(D(1)), Amount(D(3)), Amount(D(5))
    )
    assert p.amount("services", D("2.5")).dkk == D(3)
    assert p.amount("works", D("2.5")).dkk == D(8)  # 7.5 rounds up
    assert p.amount("services", D("7.46")).dkk == D(7)


def test_official_figures_of_a_period_share_one_exchange_rate():
    # The Commission converts every category with the same rate; a figure that does not fit it
    # is a typing error (the brief's 1,599,157 / 40,032,826 for 2022-2023 failed this check).
    for p in DEFAULT_THRESHOLDS:
        rates = {
            (a.dkk / a.eur).quantize(D("0.0001"))
            for a in (p.services, p.works, p.social_services)
            if a.dkk is not None
        }
        assert len(rates) <= 1, (p.label, rates)


def test_amount_rejects_bad_input():
    with pytest.raises(ValueError):
        period("2026-2027").amount("services", D(0))
    with pytest.raises(ValueError):
        period("2026-2027").amount("goods")


@pytest.mark.parametrize(
    ("day", "label", "assumed"),
    [
        (date(2018, 1, 1), "2018-2019", False),
        (date(2019, 12, 31), "2018-2019", False),
        (date(2020, 1, 1), "2020-2021", False),
        (date(2023, 6, 15), "2022-2023", False),
        (date(2025, 12, 31), "2024-2025", False),
        (date(2026, 1, 1), "2026-2027", False),
        (date(2027, 12, 31), "2026-2027", False),
        (date(2028, 1, 1), "2026-2027", True),  # after the last known period: latest
        (date(2035, 6, 1), "2026-2027", True),
        (date(2017, 12, 31), "2018-2019", True),  # before every period: earliest
    ],
)
def test_find_period(day, label, assumed):
    found, was_assumed = find_period(day)
    assert (found.label, was_assumed) == (label, assumed)


def test_find_period_in_a_gap_uses_the_latest_period_started_before():
    without_2022 = [p for p in DEFAULT_THRESHOLDS if p.label != "2022-2023"]
    found, assumed = find_period(date(2022, 7, 1), without_2022)
    assert (found.label, assumed) == ("2020-2021", True)
    with pytest.raises(ValueError):
        find_period(date(2022, 7, 1), [])


# --------------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------------

NOTICE_2025 = date(2025, 3, 3)
NOTICE_2026 = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("category", "value", "notice", "eu"),
    [
        ("services", D("1644638"), NOTICE_2025, True),  # exactly at the threshold
        ("services", D("1644637.99"), NOTICE_2025, False),  # one øre below
        ("supplies", D("1644638.00"), NOTICE_2025, True),
        ("supplies", D("1644637.99"), NOTICE_2025, False),
        ("social_services", D("5581350"), NOTICE_2025, True),
        ("social_services", D("5581349.99"), NOTICE_2025, False),
        ("services", D("1611442"), NOTICE_2026, True),  # estimated 2026-2027 threshold
        ("services", D("1611441.99"), NOTICE_2026, False),
        ("works", D("40315894"), NOTICE_2026, True),  # 5,404,000 EUR × 7.46038, rounded up
        ("works", D("40315893.99"), NOTICE_2026, False),
        ("services", D("0"), NOTICE_2026, False),
    ],
)
def test_value_exactly_at_the_threshold_requires_eu(category, value, notice, eu):
    result = classify("open", category, value, date(2027, 1, 1), notice_date=notice)
    assert result.eu_required is eu
    words = "equal to or greater than" if eu else "below"
    assert words in result.reason


def test_estimated_threshold_is_said_in_the_reason_and_notes():
    result = classify("open", "services", D("2000000"), date(2027, 1, 1), notice_date=NOTICE_2026)
    assert result.threshold.estimated
    assert "converted" in result.reason
    assert any("converted from EUR" in note for note in result.notes)


def test_custom_rate_moves_the_estimated_threshold():
    value = D("1620000")
    low = classify("open", "services", value, date(2027, 1, 1), eur_rate=D("7.45"))
    high = classify("open", "services", value, date(2027, 1, 1), eur_rate=D("7.50"))
    assert low.threshold.dkk == D("1609200") and low.eu_required
    assert high.threshold.dkk == D("1620000") and high.eu_required  # equal counts
    higher = classify("open", "services", value, date(2027, 1, 1), eur_rate=D("7.51"))
    assert not higher.eu_required


def test_threshold_period_is_the_one_in_force_when_the_notice_is_sent():
    # Contract start in 2026, but the open procedure's notice goes out in autumn 2025: the
    # 2024-2025 threshold applies, not the 2026-2027 one.
    result = classify("open", "services", D("1630000"), date(2026, 3, 2))
    assert result.notice_date.year == 2025
    assert result.period.label == "2024-2025"
    assert result.eu_required is False  # 1,630,000 < 1,644,638
    later = classify("open", "services", D("1630000"), date(2026, 3, 2), notice_date=NOTICE_2026)
    assert later.period.label == "2026-2027" and later.eu_required  # ≥ 1,611,442


def test_period_assumed_after_the_last_known_period():
    result = classify("open", "services", D("1"), date(2030, 1, 1), notice_date=date(2029, 6, 1))
    assert result.period_assumed and result.period.label == "2026-2027"
    assert any("assumed" in note for note in result.notes)


@pytest.mark.parametrize(
    ("procedure", "value", "eu", "fits", "phrase"),
    [
        ("open", D("5000000"), True, True, "An EU procedure is required"),
        ("restricted", D("5000000"), True, True, "An EU procedure is required"),
        ("national", D("5000000"), True, False, "only lawful below the threshold"),
        ("direct_award", D("5000000"), True, False, "only lawful below the threshold"),
        ("national", D("500000"), False, True, "not required"),
        ("direct_award", D("500000"), False, True, "not required"),
        ("open", D("500000"), False, True, "used voluntarily"),
        ("framework_call_off", D("5000000"), True, True, "call-off from a framework"),
        ("framework_call_off", D("500000"), False, True, "call-off from a framework"),
        ("negotiated_without_publication", D("5000000"), True, True, "required"),
    ],
)
def test_procedure_fits_the_value(procedure, value, eu, fits, phrase):
    result = classify(procedure, "services", value, date(2027, 1, 1), notice_date=NOTICE_2026)
    assert (result.eu_required, result.procedure_fits) == (eu, fits)
    assert phrase in result.reason


def test_notes_for_special_cases():
    nwp = classify(
        "negotiated_without_publication",
        "services",
        D("5e6"),
        date(2027, 1, 1),
        notice_date=NOTICE_2026,
    )
    assert any("§ 80" in n for n in nwp.notes)
    direct = classify("direct_award", "services", D("100000"), date(2027, 1, 1))
    assert any("cross-border" in n for n in direct.notes)
    social = classify(
        "open", "social_services", D("9e6"), date(2027, 1, 1), notice_date=NOTICE_2026
    )
    assert any("light regime" in n for n in social.notes)
    call_off = classify("framework_call_off", "services", D("9e6"), date(2027, 1, 1))
    assert any("framework agreement itself" in n for n in call_off.notes)


def test_classify_accepts_int_and_str_and_rejects_nonsense():
    assert classify("open", "services", 2_000_000, date(2027, 1, 1)).eu_required
    assert classify("open", "services", "2000000.00", date(2027, 1, 1)).eu_required
    with pytest.raises(ValueError):
        classify("open", "services", -1, date(2027, 1, 1))
    with pytest.raises(ValueError):
        classify("auction", "services", 1, date(2027, 1, 1))
    with pytest.raises(ValueError):
        classify("open", "goods", 1, date(2027, 1, 1))
    with pytest.raises(TypeError):
        classify("open", "services", True, date(2027, 1, 1))


# --------------------------------------------------------------------------------------------
# Working days and the standstill period
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working", "name"),
    [
        (date(2027, 3, 25), False, "Maundy Thursday"),
        (date(2027, 3, 26), False, "Good Friday"),
        (date(2027, 3, 29), False, "Easter Monday"),
        (date(2027, 3, 30), True, None),
        (date(2027, 5, 6), False, "Ascension Day"),
        (date(2027, 5, 17), False, "Pentecost Monday"),
        (date(2026, 12, 24), True, None),  # Christmas Eve: not a public holiday
        (date(2026, 12, 25), False, "Christmas Day"),
        (date(2026, 12, 31), True, None),  # New Year's Eve: not a public holiday
        (date(2027, 1, 1), False, "New Year's Day"),
        (date(2026, 6, 5), True, None),  # Constitution Day: not a public holiday
        (date(2023, 5, 5), False, "Great Prayer Day"),
        (date(2024, 4, 26), True, None),  # Great Prayer Day abolished from 2024
        (date(2026, 3, 7), False, None),  # Saturday
        (date(2026, 3, 8), False, None),  # Sunday
    ],
)
def test_danish_working_days(day, working, name):
    assert is_working_day(day) is working
    assert holiday_name(day) == name


@pytest.mark.parametrize(
    ("award", "end"),
    [
        # Easter 2027: Sunday 28 March, so Easter Monday is 29 March.
        (date(2027, 3, 19), date(2027, 3, 30)),  # day 10 is Easter Monday → Tuesday
        (date(2027, 3, 15), date(2027, 3, 30)),  # Maundy Thursday … Easter Monday → Tuesday
        (date(2027, 3, 16), date(2027, 3, 30)),  # Good Friday
        (date(2027, 3, 20), date(2027, 3, 30)),  # already a working day
        # Christmas week 2026
        (date(2026, 12, 14), date(2026, 12, 24)),  # 24 December is a working day here
        (date(2026, 12, 15), date(2026, 12, 28)),  # Christmas Day → Boxing Day (Sat) → Sunday
        (date(2026, 12, 16), date(2026, 12, 28)),  # Boxing Day on a Saturday
        (date(2026, 12, 21), date(2026, 12, 31)),  # 31 December is a working day here
        (date(2026, 12, 22), date(2027, 1, 4)),  # New Year's Day (Fri) → Monday
        (date(2026, 5, 26), date(2026, 6, 5)),  # Constitution Day is not moved
        (date(2026, 3, 4), date(2026, 3, 16)),  # Saturday → Monday
        (date(2026, 3, 5), date(2026, 3, 16)),  # Sunday → Monday
    ],
)
def test_standstill_end(award, end):
    assert standstill_end(award) == end
    assert is_working_day(end)


def test_next_and_previous_working_day():
    assert next_working_day(date(2027, 3, 25)) == date(2027, 3, 30)
    assert previous_working_day(date(2027, 3, 29)) == date(2027, 3, 24)
    assert next_working_day(date(2027, 3, 30)) == date(2027, 3, 30)
    assert previous_working_day(date(2026, 12, 27)) == date(2026, 12, 24)


@settings(max_examples=300, deadline=None)
@given(st.dates(date(1990, 1, 1), date(2060, 12, 31)), st.integers(-600, 600))
def test_add_months_matches_relativedelta_except_at_month_ends(day, months):
    # The end-of-month rule (samdigi.core.rules.months): a month's last day maps to the target
    # month's last day; any other day behaves as relativedelta.
    expected = day + relativedelta(months=months)
    if (day + timedelta(days=1)).day == 1:
        expected = expected + relativedelta(day=31)
    assert add_months(day, months) == expected


@settings(max_examples=300, deadline=None)
@given(st.dates(date(2000, 1, 1), date(2050, 12, 31)), st.integers(-100, 4000))
def test_months_to_reach_is_the_least_number(start, offset):
    target = start + timedelta(days=offset)
    months = months_to_reach(start, target)
    assert add_months(start, months) >= target
    if months:
        assert add_months(start, months - 1) < target


# --------------------------------------------------------------------------------------------
# Time limits
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("procedure", "electronic", "pin", "participation", "tender"),
    [
        ("open", False, False, None, 35),
        ("open", True, False, None, 30),
        ("open", True, True, None, 15),
        ("open", False, True, None, 15),
        ("restricted", False, False, 30, 30),
        ("restricted", True, False, 30, 25),
        ("restricted", True, True, 30, 10),
        ("competitive_negotiation", True, False, 30, 25),
        ("competitive_negotiation", False, True, 30, 10),
        ("competitive_dialogue", True, False, 30, None),
        ("innovation_partnership", True, False, 30, None),
        ("national", True, False, None, None),
        ("direct_award", True, False, None, None),
        ("framework_call_off", True, False, None, None),
        ("negotiated_without_publication", True, False, None, None),
    ],
)
def test_minimum_time_limits(procedure, electronic, pin, participation, tender):
    limits = minimum_time_limits(procedure, electronic, pin)
    assert (limits.participation_days, limits.tender_days) == (participation, tender)


def test_agreed_tender_time_limit_is_at_least_ten_days():
    assert minimum_time_limits("restricted", agreed_tender_days=10).tender_days == 10
    assert minimum_time_limits("competitive_negotiation", agreed_tender_days=18).tender_days == 18
    with pytest.raises(ValueError):
        minimum_time_limits("restricted", agreed_tender_days=9)
    with pytest.raises(ValueError):
        schedule("open", "services", 1, date(2027, 6, 1), agreed_tender_days=20)


def test_planning_norms_are_validated():
    with pytest.raises(ValueError):
        PlanningNorms(evaluation_days=-1)
    with pytest.raises(ValueError):
        PlanningNorms(standstill_days=9)
    with pytest.raises(ValueError):
        PlanningNorms(signature_days_after_standstill=0)


# --------------------------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------------------------


def dates_of(s: tl.Schedule) -> dict[str, date]:
    return s.dates()


def test_open_schedule_backwards_from_the_start():
    s = schedule("open", "services", D("2000000"), date(2027, 4, 1))
    assert s.feasible and not s.violations and not s.warnings
    assert dates_of(s) == {
        "preparation_start": date(2026, 4, 1),
        "notice_publication": date(2026, 11, 18),
        "tender_deadline": date(2026, 12, 18),
        "award_decision": date(2027, 1, 18),
        "standstill_end": date(2027, 1, 28),
        "contract_signature": date(2027, 1, 29),
        "contract_start": date(2027, 4, 1),
    }
    rules = {step.key: step.rule for step in s.steps}
    assert rules["notice_publication"] == "law_open_tender_time_limit"
    assert rules["standstill_end"] == "law_standstill"
    assert rules["tender_deadline"] == "norm_evaluation"
    assert rules["contract_signature"] == "norm_transition"
    assert rules["preparation_start"] == "norm_lead_time"
    assert s.get("tender_deadline").legal_earliest == date(2026, 12, 18)  # the minimum is tight
    assert s.classification.period.label == "2026-2027" and s.classification.eu_required


def test_standstill_ending_on_easter_monday_2027_rolls_to_tuesday():
    # Signature planned 31 March 2027 (60 days before 30 May): the latest award decision is
    # Friday 19 March; day 10 of the standstill is Easter Monday 29 March, so it ends Tuesday.
    s = schedule("open", "services", D("2000000"), date(2027, 5, 30))
    assert s.get("award_decision").date == date(2027, 3, 19)
    end = s.get("standstill_end")
    assert end.date == date(2027, 3, 30)
    assert "Easter Monday" in end.explanation
    assert s.get("contract_signature").date == date(2027, 3, 31)
    assert s.get("contract_signature").legal_earliest == date(2027, 3, 31)
    assert not s.violations


def test_award_decision_on_christmas_eve_and_standstill_over_new_year():
    # 24 December is not a public holiday in the holidays package, so it is a working day.
    s = schedule("open", "services", D("2000000"), date(2027, 3, 6))
    assert s.get("award_decision").date == date(2026, 12, 24)
    assert s.get("standstill_end").date == date(2027, 1, 4)  # 3 January is a Sunday
    assert s.get("contract_signature").date == date(2027, 1, 5)
    assert not s.violations


def test_tender_deadline_in_christmas_week_moves_back_over_the_holidays():
    s = schedule("open", "services", D("2000000"), date(2027, 4, 6))
    deadline = s.get("tender_deadline")
    assert deadline.date == date(2026, 12, 24)  # 26 and 25 December are holidays
    assert "Second Day of Christmas" in deadline.explanation
    assert s.get("notice_publication").date == date(2026, 11, 24)  # 30 days, tight
    assert deadline.legal_earliest == date(2026, 12, 24)


def test_minimum_period_ending_on_christmas_day_runs_to_the_next_working_day():
    notice = date(2026, 11, 25)  # + 30 days = Christmas Day
    assert verify_dates(
        "open", {"notice_publication": notice, "tender_deadline": date(2026, 12, 24)}
    )
    assert verify_dates(
        "open", {"notice_publication": notice, "tender_deadline": date(2026, 12, 25)}
    )
    assert not verify_dates(
        "open", {"notice_publication": notice, "tender_deadline": date(2026, 12, 28)}
    )


@pytest.mark.parametrize(
    ("electronic", "pin", "days"),
    [(True, False, 30), (False, False, 35), (True, True, 15), (False, True, 15)],
)
def test_open_notice_is_the_latest_day_that_keeps_the_minimum(electronic, pin, days):
    s = schedule(
        "open",
        "services",
        D("3000000"),
        date(2027, 9, 1),
        electronic_submission=electronic,
        prior_information_notice=pin,
    )
    notice = s.get("notice_publication").date
    deadline = s.get("tender_deadline").date
    assert (deadline - notice).days >= days
    one_later = next_working_day(notice + timedelta(days=1))
    assert next_working_day(one_later + timedelta(days=days)) > deadline


def test_restricted_schedule_has_both_time_limits():
    s = schedule("restricted", "services", D("3000000"), date(2027, 9, 1))
    d = dates_of(s)
    assert list(d) == [
        "preparation_start",
        "notice_publication",
        "participation_deadline",
        "invitation_to_tender",
        "tender_deadline",
        "award_decision",
        "standstill_end",
        "contract_signature",
        "contract_start",
    ]
    assert (d["participation_deadline"] - d["notice_publication"]).days >= 30
    assert (d["tender_deadline"] - d["invitation_to_tender"]).days >= 25
    assert s.get("participation_deadline").rule == "norm_selection"
    assert s.get("notice_publication").rule == "law_participation_time_limit"
    assert s.get("invitation_to_tender").rule == "law_tender_time_limit"
    assert d["preparation_start"] == date(2026, 9, 1)


def test_restricted_with_agreed_time_limit_and_pin():
    agreed = schedule(
        "restricted", "services", D("3000000"), date(2027, 9, 1), agreed_tender_days=12
    )
    d = dates_of(agreed)
    assert (d["tender_deadline"] - d["invitation_to_tender"]).days >= 12
    pin = schedule(
        "restricted", "services", D("3000000"), date(2027, 9, 1), prior_information_notice=True
    )
    assert (pin.dates()["tender_deadline"] - pin.dates()["invitation_to_tender"]).days >= 10


def test_negotiation_and_dialogue_steps():
    neg = schedule("competitive_negotiation", "services", D("3e6"), date(2028, 1, 3))
    assert "initial_tender_deadline" in neg.dates()
    assert neg.get("tender_deadline").date > neg.get("initial_tender_deadline").date
    assert neg.lead_months == 18
    dialogue = schedule("competitive_dialogue", "services", D("3e6"), date(2028, 1, 3))
    assert "initial_tender_deadline" not in dialogue.dates()
    assert dialogue.get("invitation_to_tender").rule == "norm_dialogue"
    innovation = schedule("innovation_partnership", "services", D("3e6"), date(2028, 1, 3))
    assert innovation.get("notice_publication").rule == "law_participation_time_limit"


def test_national_has_no_standstill():
    s = schedule("national", "services", D("500000"), date(2027, 9, 1))
    assert "standstill_end" not in s.dates()
    assert s.get("award_decision").rule == "norm_signature"
    assert s.get("notice_publication").rule == "norm_national_tender_period"
    assert s.lead_months == 6 and not s.warnings


def test_voluntary_standstill_and_leaving_a_mandatory_one_out():
    voluntary = schedule("national", "services", D("500000"), date(2027, 9, 1), standstill=True)
    assert voluntary.get("standstill_end").rule == "norm_voluntary_standstill"
    nwp = schedule("negotiated_without_publication", "services", D("5e6"), date(2027, 9, 1))
    assert nwp.get("standstill_end").rule == "norm_voluntary_standstill"
    assert "notice_publication" not in nwp.dates()
    left_out = schedule("open", "services", D("5e6"), date(2027, 9, 1), standstill=False)
    assert "standstill_end" not in left_out.dates()
    assert any("lov om Klagenævnet for Udbud § 4" in w for w in left_out.warnings)


def test_direct_award_and_framework_call_off_have_fewer_steps():
    direct = schedule("direct_award", "services", D("300000"), date(2027, 9, 1))
    assert list(direct.dates()) == [
        "preparation_start",
        "award_decision",
        "contract_signature",
        "contract_start",
    ]
    call_off = schedule("framework_call_off", "services", D("3e6"), date(2027, 9, 1))
    assert list(call_off.dates()) == [
        "preparation_start",
        "invitation_to_tender",
        "tender_deadline",
        "award_decision",
        "contract_signature",
        "contract_start",
    ]
    assert call_off.lead_months == 3 and not call_off.warnings
    assert call_off.classification.notice_date == call_off.get("invitation_to_tender").date


def test_warnings_for_a_wrong_procedure_a_short_lead_time_and_lateness():
    wrong = schedule("national", "services", D("5000000"), date(2027, 9, 1))
    assert any("only lawful below the threshold" in w for w in wrong.warnings)
    short = schedule("open", "services", D("5e6"), date(2027, 9, 1), lead_months=2)
    assert any("shorter than the procedure needs" in w for w in short.warnings)
    late = schedule("open", "services", D("5e6"), date(2027, 9, 1), today=date(2027, 6, 1))
    assert late.too_late and not late.feasible
    prep_missed = schedule("open", "services", D("5e6"), date(2027, 9, 1), today=date(2026, 12, 1))
    assert not prep_missed.too_late
    assert any("Preparation should have started" in w for w in prep_missed.warnings)


def test_norms_are_parameters():
    norms = PlanningNorms(evaluation_days=45, transition_days=120, tender_buffer_days=10)
    s = schedule("open", "services", D("5e6"), date(2027, 9, 1), norms=norms)
    d = s.dates()
    assert (date(2027, 9, 1) - d["contract_signature"]).days >= 120
    assert (d["award_decision"] - d["tender_deadline"]).days >= 45
    assert (d["tender_deadline"] - d["notice_publication"]).days >= 40
    assert not s.violations


def test_verify_dates_reports_broken_minimums():
    problems = verify_dates(
        "restricted",
        {
            "notice_publication": date(2026, 3, 2),
            "participation_deadline": date(2026, 3, 20),
            "invitation_to_tender": date(2026, 3, 25),
            "tender_deadline": date(2026, 4, 10),
            "award_decision": date(2026, 5, 1),
            "standstill_end": date(2026, 5, 11),
            "contract_signature": date(2026, 5, 11),
        },
    )
    text = " ".join(problems)
    assert "participation_deadline" in text  # 18 days < 30
    assert "tender_deadline" in text  # 16 days < 25
    assert "contract_signature" in text  # signed on the last standstill day
    order = verify_dates(
        "open",
        {"notice_publication": date(2026, 3, 2), "tender_deadline": date(2026, 2, 1)},
    )
    assert any("comes before" in p for p in order)


@settings(max_examples=150, deadline=None)
@given(
    procedure=st.sampled_from(PROCEDURES),
    start=st.dates(date(2024, 1, 1), date(2032, 12, 31)),
    electronic=st.booleans(),
    pin=st.booleans(),
    evaluation=st.integers(0, 90),
    selection=st.integers(0, 30),
    transition=st.integers(0, 200),
    buffer=st.integers(0, 20),
)
def test_every_schedule_keeps_every_legal_minimum(
    procedure, start, electronic, pin, evaluation, selection, transition, buffer
):
    norms = PlanningNorms(
        evaluation_days=evaluation,
        selection_days=selection,
        transition_days=transition,
        tender_buffer_days=buffer,
    )
    s = schedule(
        procedure,
        "services",
        D("2500000"),
        start,
        electronic_submission=electronic,
        prior_information_notice=pin,
        norms=norms,
    )
    assert s.violations == ()
    keys = [step.key for step in s.steps]
    assert keys == [k for k in STEP_ORDER if k in keys]
    outward = [step for step in s.steps if step.key != "preparation_start"]
    for before, after in zip(outward, outward[1:], strict=False):
        assert before.date <= after.date, (before, after)
    for step in s.steps:
        assert step.rule and step.explanation
        if step.key != "contract_start":
            assert is_working_day(step.date), step
        if step.legal_earliest is not None:
            assert step.date >= step.legal_earliest
    d = s.dates()
    limits = minimum_time_limits(procedure, electronic, pin)
    if procedure == "open":
        assert d["tender_deadline"] >= d["notice_publication"] + timedelta(limits.tender_days)
    if procedure in ("restricted", "competitive_negotiation"):
        first = "initial_tender_deadline" if procedure == "competitive_negotiation" else None
        deadline = d[first or "tender_deadline"]
        assert deadline >= d["invitation_to_tender"] + timedelta(limits.tender_days)
    if limits.participation_days:
        assert d["participation_deadline"] >= d["notice_publication"] + timedelta(30)
    if "standstill_end" in d:
        assert d["standstill_end"] >= d["award_decision"] + timedelta(10)
        assert d["contract_signature"] > d["standstill_end"]
        assert d["standstill_end"] == standstill_end(d["award_decision"])


# --------------------------------------------------------------------------------------------
# Re-tender lead times, § 180 and framework term
# --------------------------------------------------------------------------------------------


def test_retender_lead_months():
    assert [tl.retender_lead_months(p) for p in ("open", "restricted")] == [12, 12]
    assert tl.retender_lead_months("competitive_negotiation") == 18
    assert tl.retender_lead_months("competitive_dialogue") == 18
    assert tl.retender_lead_months("national") == 6
    assert tl.retender_lead_months("framework_call_off") == 3
    assert tl.retender_lead_months("open", {"open": 15}) == 15
    s = schedule("open", "services", D("5e6"), date(2027, 9, 1), lead_months=15)
    assert s.get("preparation_start").date == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("end", "procedure", "start"),
    [
        (date(2027, 12, 31), "open", date(2027, 1, 1)),
        (date(2027, 12, 31), "competitive_dialogue", date(2026, 7, 1)),
        (date(2027, 3, 30), "national", date(2026, 9, 30)),  # 31 March − 6 months
        (date(2027, 5, 30), "framework_call_off", date(2027, 2, 28)),  # 31 May − 3 months
    ],
)
def test_retender_start(end, procedure, start):
    assert tl.retender_start(end, procedure) == start
    assert tl.retender_start(end, "open", {"open": 0}) == end + timedelta(days=1)


@pytest.mark.parametrize(
    ("original", "modifications", "threshold", "category", "allowed"),
    [
        # 10 % of 10 m = 1 m is below the threshold, so 1 m is the limit.
        (D("10000000"), D("999999.99"), D("1644638"), "services", True),
        (D("10000000"), D("1000000"), D("1644638"), "services", False),
        # 10 % of 100 m is above the threshold, so the threshold is the limit.
        (D("100000000"), D("1644637.99"), D("1644638"), "services", True),
        (D("100000000"), D("1644638"), D("1644638"), "services", False),
        # Works: 15 %.
        (D("10000000"), D("1499999.99"), D("41305415"), "works", True),
        (D("10000000"), D("1500000"), D("41305415"), "works", False),
        (D("10000000"), D("1000000"), D("41305415"), "works", True),
        # Successive modifications count with their signs (net), and a net cut counts too.
        (D("10000000"), [D("600000"), D("-200000"), D("500000")], D("1644638"), "services", True),
        (D("10000000"), [D("600000"), D("500000")], D("1644638"), "services", False),
        (D("10000000"), D("-1200000"), D("1644638"), "services", False),
        (D("0"), D("0"), D("1644638"), "services", False),
    ],
)
def test_modification_allowed(original, modifications, threshold, category, allowed):
    result = modification_allowed(original, modifications, threshold, category)
    assert result.allowed is allowed
    assert result.percent == (D(15) if category == "works" else D(10))
    assert ("are below both" in result.reason) is allowed
    assert ("reach the limit" in result.reason) is not allowed


def test_modification_allowed_takes_a_resolved_threshold():
    threshold = period("2024-2025").amount("services")
    result = modification_allowed(D("50000000"), D("1644637"), threshold, "services")
    assert result.allowed and result.threshold == D("1644638") and result.limit == D("1644638")


@pytest.mark.parametrize(
    ("start", "end", "ok", "last"),
    [
        (date(2026, 1, 1), date(2029, 12, 31), True, date(2029, 12, 31)),
        (date(2026, 1, 1), date(2030, 1, 1), False, date(2029, 12, 31)),
        (date(2026, 3, 15), date(2030, 3, 14), True, date(2030, 3, 14)),
        (date(2024, 2, 29), date(2028, 2, 28), True, date(2028, 2, 28)),
        (date(2024, 2, 29), date(2028, 2, 29), False, date(2028, 2, 28)),
    ],
)
def test_framework_term_check(start, end, ok, last):
    result = framework_term_check(start, end)
    assert (result.ok, result.latest_allowed_end) == (ok, last)
    with pytest.raises(ValueError):
        framework_term_check(end, start - timedelta(days=1))
