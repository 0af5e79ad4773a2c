"""Business case: hand-computed present values, rounding, payback edge cases, the split."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samdigi.portfolio.rules.business_case import (
    DEFAULT_DISCOUNT_RATE,
    YearLine,
    benefit_cost_ratio,
    cumulative_discounted_net,
    cumulative_net,
    discount_factor,
    discounted_payback_year,
    net_present_value,
    participant_summaries,
    payback_year,
    present_value_benefits,
    present_value_costs,
    split_business_case,
    summarize,
    yearly_totals,
)
from samdigi.portfolio.rules.cost_sharing import Participant

D = Decimal


def net_lines(*nets):
    """Year lines from a net figure per year: negative as investment, positive as benefit."""
    return [
        YearLine(year, investment=-D(net)) if D(net) < 0 else YearLine(year, other_economic=D(net))
        for year, net in enumerate(nets)
    ]


# A typical case: 1,000,000 kr. invested in year 0; in years 1-3 it releases 400,000 kr. a year
# and costs 50,000 kr. a year to run.
TYPICAL = [
    YearLine(0, investment=D("1000000")),
    *[YearLine(t, running=D("50000"), budget_releasing=D("400000")) for t in (1, 2, 3)],
]


# ---------------------------------------------------------------------------- discounting


def test_default_rate_is_the_ministry_of_finance_rate():
    assert D("0.035") == DEFAULT_DISCOUNT_RATE


def test_year_zero_is_undiscounted():
    assert discount_factor(0) == 1
    assert discount_factor(0, D("0.5")) == 1


def test_discount_factors():
    assert discount_factor(1, D("0.25")) == D("0.8")
    assert discount_factor(2, D("0.25")) == D("0.64")
    assert discount_factor(1).quantize(D("0.000001")) == D("0.966184")
    assert discount_factor(3).quantize(D("0.000001")) == D("0.901943")


def test_npv_hand_computed_exact_example():
    # -1000 now, +1100 in a year at 10 %: 1100 / 1.1 = 1000, so NPV 0.
    assert net_present_value(net_lines("-1000", "1100"), D("0.10")) == D("0.00")
    # 1562.50 in year 2 at 25 %: 1562.50 / 1.5625 = 1000.
    assert net_present_value([YearLine(2, budget_releasing=D("1562.50"))], D("0.25")) == D(
        "1000.00"
    )


def test_npv_hand_computed_at_the_default_rate():
    # Factors 1/1.035^t: 0.966184, 0.933511, 0.901943; their sum is 2.801637.
    # Net 350,000 a year in years 1-3: 350,000 × 2.8016370 = 980,572.94.
    # NPV = -1,000,000 + 980,572.94 = -19,427.06.
    assert net_present_value(TYPICAL) == D("-19427.06")
    # PV costs = 1,000,000 + 50,000 × 2.801637 = 1,140,081.85.
    assert present_value_costs(TYPICAL) == D("1140081.85")
    # PV benefits = 400,000 × 2.801637 = 1,120,654.79.
    assert present_value_benefits(TYPICAL) == D("1120654.79")
    # 1,120,654.79 / 1,140,081.85 = 0.98296 → 0.9830.
    assert benefit_cost_ratio(TYPICAL) == D("0.9830")


def test_npv_at_rate_zero_is_the_plain_sum():
    assert net_present_value(TYPICAL, D("0")) == D("50000.00")


def test_npv_rounds_half_up_at_the_output_only():
    # 0.01 kr. discounted a year at 100 % is exactly 0.005: half up gives 0.01, not banker's 0.00.
    assert net_present_value([YearLine(1, other_economic=D("0.01"))], D("1")) == D("0.01")
    assert net_present_value([YearLine(1, running=D("0.01"))], D("1")) == D("-0.01")
    # Three half-øre (0.01/2, 0.02/4, 0.04/8) add up to 0.015 → 0.02; rounding each year
    # first would give 0.03.
    lines = [YearLine(t, other_economic=D(f"0.0{2 ** (t - 1)}")) for t in (1, 2, 3)]
    assert net_present_value(lines, D("1")) == D("0.02")


def test_non_monetary_benefits_never_enter_the_sums():
    lines = [YearLine(0, investment=D("100"), non_monetary="Happier citizens")]
    assert net_present_value(lines) == D("-100.00")
    assert summarize(lines).non_monetary == ("Happier citizens",)


def test_empty_case_is_all_zero():
    assert net_present_value([]) == D("0.00")
    assert present_value_costs([]) == D("0.00")
    assert benefit_cost_ratio([]) is None
    assert payback_year([]) is None
    assert discounted_payback_year([]) is None
    assert cumulative_net([]) == []


@pytest.mark.parametrize("rate", [D("-1"), D("-2"), D("NaN"), D("Infinity")])
def test_rate_must_be_above_minus_one_and_finite(rate):
    with pytest.raises(ValueError, match="discount rate"):
        net_present_value(TYPICAL, rate)


def test_rate_must_not_be_a_float():
    with pytest.raises(TypeError, match="discount rate"):
        net_present_value(TYPICAL, 0.035)


# ---------------------------------------------------------------------------- year lines


def test_lines_of_the_same_year_add_up_and_gaps_are_filled():
    lines = [
        YearLine(2, running=D("10"), non_monetary="a"),
        YearLine(0, investment=D("5")),
        YearLine(2, running=D("1.50"), budget_releasing=D("3"), non_monetary="b"),
    ]
    totals = yearly_totals(lines)
    assert [t.year for t in totals] == [0, 1, 2]
    assert totals[1] == YearLine(1)
    assert totals[2].running == D("11.50")
    assert totals[2].budget_releasing == D("3")
    assert totals[2].non_monetary == "a\nb"
    assert totals[2].costs == D("11.50")
    assert totals[2].benefits == D("3")
    assert totals[2].net == D("-8.50")


def test_year_line_normalises_ints_to_kroner_with_two_decimals():
    line = YearLine(0, investment=5)
    assert str(line.investment) == "5.00"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"year": -1}, ValueError),
        ({"year": 1.0}, TypeError),
        ({"year": True}, TypeError),
        ({"year": 0, "investment": 0.5}, TypeError),
        ({"year": 0, "running": D("0.001")}, ValueError),
        ({"year": 0, "other_economic": D("NaN")}, ValueError),
    ],
)
def test_year_line_validation(kwargs, error):
    with pytest.raises(error):
        YearLine(**kwargs)


def test_year_line_errors_name_the_field():
    with pytest.raises(ValueError, match="year 3 running"):
        YearLine(3, running=D("1.234"))


# ---------------------------------------------------------------------------- payback


@pytest.mark.parametrize(
    ("nets", "expected"),
    [
        (["-1000", "400", "400", "400"], 3),  # cumulative -1000, -600, -200, +200
        (["-1000", "500", "500"], 2),  # cumulative reaches exactly 0: counts as paid back
        (["-1000", "500", "499.99"], None),  # 1 øre short: never
        (["-1000"], None),
        (["0", "0"], 0),  # nothing spent: paid back at once
        (["100", "-50"], 0),  # benefits before costs
        (["-100", "200", "-500", "1000"], 1),  # the FIRST year it is >= 0, even if it dips later
        (["0.01"], 0),
        (["-0.01"], None),
    ],
)
def test_payback_year(nets, expected):
    assert payback_year(net_lines(*nets)) == expected


def test_payback_sees_empty_years_in_between():
    lines = [YearLine(0, investment=D("100")), YearLine(4, other_economic=D("100"))]
    assert payback_year(lines) == 4
    assert cumulative_net(lines) == [D("-100")] * 4 + [D("0")]


def test_discounted_payback_comes_later_than_undiscounted():
    lines = net_lines("-1000", "400", "400", "400", "400")
    assert payback_year(lines) == 3
    # At 10 %: -1000 + 363.64 + 330.58 + 300.53 = -5.26 after year 3, +267.95 after year 4.
    assert discounted_payback_year(lines, D("0.10")) == 4
    assert cumulative_discounted_net(lines, D("0.10"))[3] == D("-5.26")


def test_discounted_payback_may_never_come_when_undiscounted_is_exactly_zero():
    lines = net_lines("-1000", "500", "500")
    assert payback_year(lines) == 2
    assert discounted_payback_year(lines) is None


def test_discounted_payback_at_an_exact_zero():
    assert discounted_payback_year(net_lines("-1000", "1100"), D("0.10")) == 1


def test_discounted_payback_compares_unrounded_values():
    # Discounted cumulative is -0.005 after year 1: displays as -0.01 and is not paid back.
    lines = [YearLine(0, investment=D("0.01")), YearLine(1, other_economic=D("0.01"))]
    assert discounted_payback_year(lines, D("1")) is None
    assert cumulative_discounted_net(lines, D("1")) == [D("-0.01"), D("-0.01")]


def test_discounted_payback_at_rate_zero_equals_plain_payback():
    lines = net_lines("-1000", "400", "400", "400")
    assert discounted_payback_year(lines, D("0")) == payback_year(lines) == 3


# ---------------------------------------------------------------------------- ratio and summary


def test_benefit_cost_ratio_none_without_costs():
    assert benefit_cost_ratio([YearLine(1, other_economic=D("10"))]) is None


def test_benefit_cost_ratio_none_for_negative_costs():
    assert benefit_cost_ratio([YearLine(0, running=D("-10"), other_economic=D("10"))]) is None


def test_benefit_cost_ratio_exact():
    assert benefit_cost_ratio(net_lines("-1000", "1100"), D("0.10")) == D("1.0000")
    assert benefit_cost_ratio([YearLine(0, investment=D("3"), budget_releasing=D("1"))]) == D(
        "0.3333"
    )


def test_summary():
    summary = summarize(TYPICAL, start_year=2026)
    assert summary.discount_rate == D("0.035")
    assert summary.years == 4
    assert summary.total_investment == D("1000000.00")
    assert summary.total_running == D("150000.00")
    assert summary.total_costs == D("1150000.00")
    assert summary.total_budget_releasing == D("1200000.00")
    assert summary.total_other_economic == D("0.00")
    assert summary.total_benefits == D("1200000.00")
    assert summary.total_net == D("50000.00")
    assert summary.net_present_value == D("-19427.06")
    assert summary.present_value_costs == D("1140081.85")
    assert summary.present_value_benefits == D("1120654.79")
    assert summary.benefit_cost_ratio == D("0.9830")
    # Cumulative: -1,000,000, -650,000, -300,000, +50,000.
    assert summary.payback_year == 3
    assert summary.payback_calendar_year == 2029
    assert summary.discounted_payback_year is None
    assert summary.discounted_payback_calendar_year is None


def test_summary_without_start_year_has_no_calendar_years():
    summary = summarize(net_lines("-1", "2"))
    assert summary.payback_year == 1
    assert summary.payback_calendar_year is None


# ---------------------------------------------------------------------------- per participant

PARTICIPANTS = [Participant("101", 2), Participant("147", 1), Participant("151", 1)]


def test_split_business_case_adds_up_exactly_per_year_and_kind():
    lines = [
        YearLine(0, investment=D("1000.01"), non_monetary="Better data"),
        YearLine(1, running=D("99.99"), budget_releasing=D("500"), other_economic=D("0.03")),
    ]
    split = split_business_case(lines, PARTICIPANTS, "population")
    assert list(split) == ["101", "147", "151"]
    assert split["101"][0].investment == D("500.01")
    assert split["147"][0].investment == D("250.00")
    assert split["151"][0].investment == D("250.00")
    for kind in ("investment", "running", "budget_releasing", "other_economic"):
        for year, joint in enumerate(yearly_totals(lines)):
            assert sum(getattr(own[year], kind) for own in split.values()) == getattr(joint, kind)
    assert all(own[0].non_monetary == "Better data" for own in split.values())


def test_benefits_can_be_split_by_another_key():
    lines = [YearLine(0, investment=D("400"), budget_releasing=D("300"))]
    split = split_business_case(lines, PARTICIPANTS, "population", benefit_key="equal")
    assert [own[0].investment for own in split.values()] == [D("200"), D("100"), D("100")]
    assert [own[0].budget_releasing for own in split.values()] == [D("100")] * 3


def test_participant_summaries():
    summaries = participant_summaries(TYPICAL, PARTICIPANTS, "population", start_year=2026)
    assert summaries["101"].total_investment == D("500000.00")
    assert summaries["101"].net_present_value == D("-9713.53")
    assert summaries["147"].net_present_value == D("-4856.76")
    assert summaries["101"].payback_calendar_year == 2029
    total = sum(s.net_present_value for s in summaries.values())
    assert abs(total - net_present_value(TYPICAL)) <= D("0.01") * len(PARTICIPANTS)


def test_split_of_an_empty_case_still_checks_the_participants():
    assert split_business_case([], PARTICIPANTS, "equal") == {"101": [], "147": [], "151": []}
    with pytest.raises(ValueError, match="no percentage agreed"):
        split_business_case([], PARTICIPANTS, "equal", benefit_key="agreed")
    with pytest.raises(ValueError, match="no participants"):
        split_business_case(TYPICAL, [], "equal")


# ---------------------------------------------------------------------------- properties

amounts = st.integers(min_value=-(10**9), max_value=10**9).map(lambda ore: D(ore) / 100)
year_lines = st.builds(
    YearLine,
    year=st.integers(min_value=0, max_value=35),
    investment=amounts,
    running=amounts,
    budget_releasing=amounts,
    other_economic=amounts,
)


@given(st.lists(year_lines, max_size=12))
def test_npv_at_rate_zero_is_the_total_net(lines):
    assert net_present_value(lines, D("0")) == summarize(lines, D("0")).total_net


@given(st.lists(year_lines, max_size=12), st.randoms(use_true_random=False))
def test_line_order_does_not_matter(lines, rnd):
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    first, second = summarize(lines), summarize(shuffled)
    # Texts may be joined in another order; every number must be the same.
    assert first.net_present_value == second.net_present_value
    assert first.payback_year == second.payback_year
    assert first.discounted_payback_year == second.discounted_payback_year
    assert first.benefit_cost_ratio == second.benefit_cost_ratio


@given(st.lists(year_lines, max_size=12))
def test_split_lines_add_up_to_the_joint_totals(lines):
    split = split_business_case(lines, PARTICIPANTS, "population")
    joint = summarize(lines)
    own = [summarize(own_lines) for own_lines in split.values()]
    assert sum(s.total_costs for s in own) == joint.total_costs
    assert sum(s.total_benefits for s in own) == joint.total_benefits


@pytest.mark.parametrize("year", [-1, 1.5, True])
def test_discount_factor_needs_a_year_index(year):
    with pytest.raises(ValueError, match="year index"):
        discount_factor(year)
