"""The joint-tender opportunity finder: hand-built cases, properties and speed. No database."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samdigi.procurement.rules import opportunities as op
from samdigi.procurement.rules.opportunities import (
    ContractInfo,
    find_opportunities,
    group_key,
    max_prolongation_months,
    prolongation_limit,
)
from samdigi.procurement.rules.schedule import add_months, modification_allowed

D = Decimal
AS_OF = date(2026, 1, 1)
HUNDRED_THOUSAND = D("100000")


def contract(
    cid: str,
    muni: str,
    end: date | None,
    *,
    system: str | None = "ESDH",
    kle: tuple[str, ...] = ("85.02",),
    ctype: str = "drift",
    options: int = 0,
    option_months: int = 12,
    latest: date | None = None,
    annual: Decimal = HUNDRED_THOUSAND,
    estimated: Decimal | None = None,
    category: str = "services",
) -> ContractInfo:
    return ContractInfo(
        contract_id=cid,
        municipality_code=muni,
        system_id=system,
        kle_areas=kle,
        contract_type=ctype,
        current_end=end,
        latest_possible_end=latest,
        option_months=option_months,
        options_remaining=options,
        annual_value=annual,
        estimated_value=annual * 4 if estimated is None else estimated,
        category=category,
    )


def run(contracts, **kwargs):
    kwargs.setdefault("window_months", 60)
    kwargs.setdefault("max_prolongation", 0)
    return find_opportunities(contracts, AS_OF, **kwargs)


def codes(report, cid):
    """The reason codes of a decision: one per match key the contract was tried in."""
    return {r.code for r in report.decisions[cid].reasons}


# --------------------------------------------------------------------------------------------
# Hand-built cases
# --------------------------------------------------------------------------------------------


def test_two_municipalities_with_the_same_system_meet_at_a_common_date():
    a = contract("A", "101", date(2027, 6, 30), options=2)
    b = contract("B", "147", date(2028, 6, 30))
    report = run([a, b])
    assert len(report.groups) == 1
    group = report.groups[0]
    assert group.target_date == date(2028, 6, 30)
    assert group.joint_start == date(2028, 7, 1)
    assert group.basis == op.SYSTEM and group.basis_label == "same system ESDH"
    assert group.system_id == "ESDH" and group.kle_area is None
    assert group.municipality_codes == ("101", "147")
    assert group.key == group_key(["B", "A"], date(2028, 6, 30))
    assert group.rank == 1
    assert group.combined_estimated_value == D("800000")
    assert group.combined_annual_value == D("200000")
    plans = {p.contract_id: p for p in group.members}
    assert (plans["A"].options_to_use, plans["A"].prolongation_months) == (1, 0)
    assert plans["A"].covered_until == date(2028, 6, 30) and plans["A"].overshoot_days == 0
    assert "use 1 of 2 remaining option(s)" in plans["A"].explanation
    assert (plans["B"].options_to_use, plans["B"].prolongation_months) == (0, 0)
    assert "no extension needed" in plans["B"].explanation
    decision = report.decisions["A"]
    assert decision.included and decision.group_key == group.key
    assert decision.plan is plans["A"]
    assert "in group" in decision.reason and "same system ESDH" in decision.reason


def test_group_key_is_stable_and_order_free():
    assert group_key(["A", "B"], date(2027, 1, 1)) == group_key(["B", "A"], date(2027, 1, 1))
    assert group_key(["A", "B"], date(2027, 1, 1)) != group_key(["A", "B"], date(2027, 1, 2))
    assert group_key(["A", "B"], date(2027, 1, 1)) != group_key(["A", "C"], date(2027, 1, 1))
    assert len(group_key(["A"], date(2027, 1, 1))) == 16


def test_one_municipality_alone_is_no_joint_tender():
    report = run([contract("A", "101", date(2027, 6, 30)), contract("B", "101", date(2027, 6, 30))])
    assert report.groups == ()
    for cid in ("A", "B"):
        assert codes(report, cid) == {op.ONLY_ONE_MUNICIPALITY}
        assert "only one municipality (101)" in report.decisions[cid].reason


def test_different_systems_meet_on_kle_task_area_and_contract_type():
    a = contract("A", "101", date(2027, 1, 31), system="X", kle=("27.24",))
    b = contract("B", "147", date(2027, 1, 31), system="Y", kle=("27.24",))
    report = run([a, b])
    assert len(report.groups) == 1
    group = report.groups[0]
    assert group.basis == op.KLE_CONTRACT_TYPE
    assert (group.kle_area, group.contract_type, group.system_id) == ("27.24", "drift", None)
    assert group.basis_label == "same KLE task area 27.24 and contract type drift"


def test_same_kle_but_another_contract_type_does_not_match():
    a = contract("A", "101", date(2027, 1, 31), system="X", kle=("27.24",), ctype="drift")
    b = contract("B", "147", date(2027, 1, 31), system="Y", kle=("27.24",), ctype="licens")
    report = run([a, b])
    assert report.groups == ()
    assert codes(report, "A") == {op.ONLY_ONE_MUNICIPALITY}
    assert "same system X" in report.decisions["A"].reason
    assert "contract type drift" in report.decisions["A"].reason


def test_kle_matching_can_be_switched_off():
    a = contract("A", "101", date(2027, 1, 31), system=None, kle=("27.24",))
    b = contract("B", "147", date(2027, 1, 31), system=None, kle=("27.24",))
    assert len(run([a, b]).groups) == 1
    off = run([a, b], match_on_kle=False)
    assert off.groups == () and codes(off, "A") == {op.NOTHING_TO_MATCH}


def test_a_contract_in_a_system_group_is_not_used_again_for_kle():
    a = contract("A", "101", date(2027, 1, 31), system="X")
    b = contract("B", "147", date(2027, 1, 31), system="X")
    c = contract("C", "153", date(2027, 1, 31), system="Y")
    report = run([a, b, c])
    assert [g.contract_ids for g in report.groups] == [("A", "B")]
    assert not report.decisions["C"].included
    assert codes(report, "C") == {op.ONLY_ONE_MUNICIPALITY, op.OTHERS_ALREADY_GROUPED}
    assert "already in another group" in report.decisions["C"].reason


def test_contracts_without_a_shared_system_all_meet_on_kle():
    a = contract("A", "101", date(2027, 1, 31), system="X")
    b = contract("B", "147", date(2027, 1, 31), system=None)
    c = contract("C", "153", date(2027, 1, 31), system="Y")
    report = run([a, b, c])
    assert [g.contract_ids for g in report.groups] == [("A", "B", "C")]
    assert report.groups[0].basis == op.KLE_CONTRACT_TYPE


def test_prolongation_within_section_180_bridges_the_gap():
    # 10 % of 400,000 = 40,000; a month costs 8,333.33, so up to 4 months are below the limit.
    a = contract("A", "101", date(2027, 3, 31))
    b = contract("B", "147", date(2027, 6, 30))
    report = run([a, b], max_prolongation=12)
    assert len(report.groups) == 1
    group = report.groups[0]
    assert group.target_date == date(2027, 6, 30)
    plan = next(p for p in group.members if p.contract_id == "A")
    assert (plan.options_to_use, plan.prolongation_months) == (0, 3)
    assert plan.prolongation_value == D("25000.00")
    assert plan.prolongation_limit == D("40000")
    assert plan.covered_until == date(2027, 6, 30)
    assert plan.latest_reachable_end == date(2027, 7, 31)
    assert "prolong 3 month(s) under § 180" in plan.explanation


def test_no_prolongation_allowed_means_no_group():
    a = contract("A", "101", date(2027, 3, 31))
    b = contract("B", "147", date(2027, 6, 30))
    report = run([a, b], max_prolongation=0)
    assert report.groups == ()
    assert codes(report, "A") == {op.NO_COMMON_DATE}


def test_prolongation_blocked_by_the_value_test():
    # A one-year contract: 10 % of its value buys barely more than a month of prolongation.
    a = contract("A", "101", date(2027, 3, 31), annual=D("1200000"), estimated=D("1200000"))
    b = contract("B", "147", date(2027, 6, 30))
    report = run([a, b], max_prolongation=12)
    assert report.groups == ()
    assert max_prolongation_months(a, D("1611442"), 12) == 1


@pytest.mark.parametrize(
    ("annual", "estimated", "category", "expected"),
    [
        # limit = min(threshold, 10 % of 12 m) = 1.2 m; a month is 100,000: 11 months < 1.2 m.
        (D("1200000"), D("12000000"), "services", 11),
        (D("1200000"), D("12000000"), "works", 12),  # 15 %: 1.8 m, capped by the 12 asked
        # The threshold binds: 10 % of 48 m is 4.8 m > 1,611,442; a month is 1 m.
        (D("12000000"), D("48000000"), "services", 1),
        (D("0"), D("1000"), "services", 12),  # nothing is paid: no value limit
        (D("1000"), D("0"), "services", 0),  # no value to take 10 % of
    ],
)
def test_max_prolongation_months_agrees_with_modification_allowed(
    annual, estimated, category, expected
):
    info = contract("A", "101", date(2027, 1, 1), annual=annual, estimated=estimated)
    info = ContractInfo(**{**info.__dict__, "category": category})
    threshold = D("1611442") if category != "works" else D("40315894")
    months = max_prolongation_months(info, threshold, 12)
    assert months == expected
    if months and annual:
        assert modification_allowed(estimated, annual * months / 12, threshold, category).allowed
    if months < 12 and annual:
        extra = annual * (months + 1) / 12
        assert not modification_allowed(estimated, extra, threshold, category).allowed
    assert prolongation_limit(info, threshold) <= threshold


def test_latest_possible_end_caps_the_options():
    a = contract("A", "101", date(2027, 1, 31), options=3, latest=date(2028, 1, 31))
    b = contract("B", "147", date(2028, 6, 30))
    report = run([a, b])
    assert report.groups == ()
    assert codes(report, "A") == {op.NO_COMMON_DATE}
    c = contract("C", "147", date(2028, 1, 31))
    report = run([a, c])
    plan = next(p for p in report.groups[0].members if p.contract_id == "A")
    assert plan.options_to_use == 1 and plan.latest_reachable_end == date(2028, 1, 31)


def test_reasons_for_contracts_left_out_before_matching():
    contracts = [
        contract("late", "101", date(2028, 6, 30)),
        contract("gone", "101", date(2025, 6, 30)),
        contract("running", "101", None),
        contract("bare", "101", date(2027, 1, 1), system=None, kle=()),
        contract("untyped", "101", date(2027, 1, 1), system=None, ctype=""),
    ]
    report = find_opportunities(contracts, AS_OF, window_months=24, max_prolongation=0)
    assert report.window_start == AS_OF and report.window_end == date(2028, 1, 1)
    assert codes(report, "late") == {op.AFTER_WINDOW}
    assert "after the window ends (2028-01-01)" in report.decisions["late"].reason
    assert codes(report, "gone") == {op.BEFORE_WINDOW}
    assert "2025-06-30" in report.decisions["gone"].reason
    assert codes(report, "running") == {op.NO_END_DATE}
    assert codes(report, "bare") == {op.NOTHING_TO_MATCH}
    assert codes(report, "untyped") == {op.NOTHING_TO_MATCH}
    assert list(report.decisions) == ["late", "gone", "running", "bare", "untyped"]


def test_min_lead_months_moves_the_window_start():
    a = contract("A", "101", date(2026, 6, 30))
    b = contract("B", "147", date(2026, 6, 30))
    assert len(run([a, b]).groups) == 1
    report = run([a, b], min_lead_months=12)
    assert report.window_start == date(2027, 1, 1)
    assert report.groups == () and codes(report, "A") == {op.BEFORE_WINDOW}


def test_most_municipalities_then_value_decide_the_target():
    a = contract("A", "101", date(2027, 1, 31), options=2)  # reaches 2029-01-31
    b = contract("B", "147", date(2027, 6, 30), annual=D("100000"))
    c = contract("C", "153", date(2027, 12, 31), annual=D("200000"))
    report = run([a, b, c])
    assert [(g.target_date, g.contract_ids) for g in report.groups] == [
        (date(2027, 12, 31), ("A", "C"))
    ]
    assert codes(report, "B") == {op.CANNOT_EXTEND_TO_TARGET, op.OTHERS_ALREADY_GROUPED}
    assert "is before the target" in report.decisions["B"].reason
    plan = next(p for p in report.groups[0].members if p.contract_id == "A")
    assert plan.covered_until == date(2028, 1, 31) and plan.overshoot_days == 31
    assert "joins the joint contract then" in plan.explanation

    b_rich = contract("B", "147", date(2027, 6, 30), annual=D("300000"))
    report = run([a, b_rich, c])
    assert [(g.target_date, g.contract_ids) for g in report.groups] == [
        (date(2027, 6, 30), ("A", "B"))
    ]
    assert codes(report, "C") == {op.ENDS_AFTER_TARGET, op.OTHERS_ALREADY_GROUPED}
    assert "current end 2027-12-31 is after the target" in report.decisions["C"].reason


def test_three_municipalities_beat_two_and_ties_take_the_earliest_day():
    a = contract("A", "101", date(2027, 1, 31), options=2)
    b = contract("B", "147", date(2027, 6, 30), options=1)
    c = contract("C", "153", date(2027, 9, 30))
    d = contract("D", "101", date(2027, 3, 31), annual=D("900000"))  # rich but same municipality
    report = run([a, b, c, d])
    assert report.groups[0].target_date == date(2027, 9, 30)
    assert report.groups[0].contract_ids == ("A", "B", "C")
    pair = run([a, b])
    assert pair.groups[0].target_date == date(2027, 6, 30)  # first day both can reach


def test_several_groups_in_one_key_are_ranked_by_value():
    small = [contract("A", "101", date(2027, 1, 31)), contract("B", "147", date(2027, 1, 31))]
    big = [
        contract("C", "101", date(2028, 6, 30), annual=D("500000")),
        contract("D", "147", date(2028, 6, 30), annual=D("500000")),
    ]
    report = run(small + big)
    assert [(g.rank, g.contract_ids) for g in report.groups] == [(1, ("C", "D")), (2, ("A", "B"))]
    assert report.group(report.groups[1].key) is report.groups[1]
    assert report.group("missing") is None


def test_ranking_prefers_more_members_on_equal_value():
    two = [
        contract("A", "101", date(2027, 1, 31), system="X", annual=D("300000")),
        contract("B", "147", date(2027, 1, 31), system="X", annual=D("300000")),
    ]
    three = [
        contract("C", "101", date(2027, 1, 31), system="Y", kle=("00.01",)),
        contract("D", "147", date(2027, 1, 31), system="Y", kle=("00.01",)),
        contract("E", "153", date(2027, 1, 31), system="Y", kle=("00.01",), annual=D("400000")),
    ]
    report = run(two + three)
    assert [g.combined_estimated_value for g in report.groups] == [D("2400000"), D("2400000")]
    assert [len(g.members) for g in report.groups] == [3, 2]


def test_bad_input_is_refused():
    a = contract("A", "101", date(2027, 1, 31))
    with pytest.raises(ValueError):
        run([a, a])
    with pytest.raises(ValueError):
        run([a], window_months=-1)
    with pytest.raises(ValueError):
        run([ContractInfo(**{**a.__dict__, "category": "goods"})])


def test_input_order_does_not_change_the_groups():
    contracts = make_country(600, municipalities=12, systems=15, seed=7)
    first = find_opportunities(contracts, AS_OF, 48, 12)
    shuffled = contracts[:]
    random.Random(1).shuffle(shuffled)
    second = find_opportunities(shuffled, AS_OF, 48, 12)
    assert [g.key for g in first.groups] == [g.key for g in second.groups]
    assert {c: d.included for c, d in first.decisions.items()} == {
        c: d.included for c, d in second.decisions.items()
    }


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

MUNICIPALITIES = ["101", "147", "151", "153", "155"]


@st.composite
def contracts_strategy(draw):
    count = draw(st.integers(0, 25))
    result = []
    for index in range(count):
        has_end = draw(st.integers(0, 9)) > 0
        end = draw(st.dates(date(2025, 6, 1), date(2030, 12, 31))) if has_end else None
        options = draw(st.integers(0, 3))
        option_months = draw(st.sampled_from([0, 1, 6, 12, 24]))
        latest = None
        if end and draw(st.booleans()):
            latest = add_months(end, draw(st.integers(0, 48)))
        annual = D(draw(st.integers(0, 3_000_000)))
        estimated = D(draw(st.integers(0, 15_000_000)))
        result.append(
            ContractInfo(
                contract_id=f"c{index}",
                municipality_code=draw(st.sampled_from(MUNICIPALITIES)),
                system_id=draw(st.sampled_from([None, "S1", "S2", 3])),
                kle_areas=tuple(draw(st.sets(st.sampled_from(["85.02", "27.24", "29.30"])))),
                contract_type=draw(st.sampled_from(["", "drift", "licens"])),
                current_end=end,
                latest_possible_end=latest,
                option_months=option_months,
                options_remaining=options,
                annual_value=annual,
                estimated_value=estimated,
                category=draw(st.sampled_from(["services", "supplies", "works"])),
                option_decision=draw(st.none() | st.dates(date(2024, 6, 1), date(2028, 12, 31))),
            )
        )
    return result


@settings(max_examples=200, deadline=None)
@given(
    contracts=contracts_strategy(),
    window=st.integers(0, 72),
    lead=st.integers(0, 18),
    prolong=st.integers(0, 18),
)
def test_every_member_can_reach_the_common_target(contracts, window, lead, prolong):
    report = find_opportunities(
        contracts, AS_OF, window, prolong, min_lead_months=lead, match_on_kle=True
    )
    by_id = {c.contract_id: c for c in contracts}
    assert list(report.decisions) == list(by_id)
    seen: set[str] = set()
    for rank, group in enumerate(report.groups, start=1):
        assert group.rank == rank
        assert len(set(group.municipality_codes)) >= 2
        assert group.municipality_codes == tuple(
            sorted({p.municipality_code for p in group.members})
        )
        assert report.window_start <= group.target_date <= report.window_end
        assert group.key == group_key(group.contract_ids, group.target_date)
        assert group.combined_estimated_value == sum(
            (by_id[p.contract_id].estimated_value for p in group.members), D(0)
        )
        for plan in group.members:
            info = by_id[plan.contract_id]
            assert plan.contract_id not in seen
            seen.add(plan.contract_id)
            assert info.current_end <= group.target_date <= plan.latest_reachable_end
            assert plan.options_to_use <= info.options_remaining
            if plan.options_to_use:  # never an option whose decision date has passed
                assert info.option_decision is None or info.option_decision >= AS_OF
            if info.latest_possible_end is not None and plan.options_to_use:
                assert add_months(info.current_end, plan.options_to_use * info.option_months) <= (
                    info.latest_possible_end
                )
            assert 0 <= plan.prolongation_months <= prolong
            end = add_months(info.current_end, plan.options_to_use * info.option_months)
            if plan.prolongation_months:
                end = add_months(end, plan.prolongation_months)
                value = info.annual_value * plan.prolongation_months / 12
                threshold = D("40315894") if info.category == "works" else D("1611442")
                assert modification_allowed(
                    info.estimated_value, value, threshold, info.category
                ).allowed
            assert end == plan.covered_until >= group.target_date
            if group.basis == op.SYSTEM:
                assert info.system_id == group.system_id
            else:
                assert group.kle_area in info.kle_areas
                assert info.contract_type == group.contract_type
        for gap in group.gaps:
            info = by_id[gap.contract_id]
            assert gap.contract_id not in {p.contract_id for p in group.members}
            assert info.option_decision < AS_OF
            assert info.current_end == gap.current_end < group.target_date == gap.gap_end
            assert gap.gap_days == (group.joint_start - gap.gap_start).days > 0
            assert report.decisions[gap.contract_id].reasons[0].code == op.OPTION_DECISION_PASSED
    for cid, decision in report.decisions.items():
        assert decision.included == (cid in seen)
        assert decision.reasons and decision.reason
        assert (decision.plan is not None) == decision.included


@settings(max_examples=150, deadline=None)
@given(
    ends=st.lists(
        st.tuples(
            st.sampled_from(MUNICIPALITIES),
            st.dates(date(2026, 1, 1), date(2029, 12, 31)),
            st.integers(0, 2),
            st.integers(0, 5),
        ),
        min_size=2,
        max_size=9,
    )
)
def test_best_group_of_a_key_has_the_best_score_of_any_day(ends):
    contracts = [
        contract(f"c{i}", muni, end, options=opts, annual=D(1000 + weight))
        for i, (muni, end, opts, weight) in enumerate(ends)
    ]
    report = run(contracts, window_months=72, match_on_kle=False)
    reach = {c.contract_id: add_months(c.current_end, c.options_remaining * 12) for c in contracts}

    def score(day):
        members = [c for c in contracts if c.current_end <= day <= reach[c.contract_id]]
        munis = {c.municipality_code for c in members}
        return (len(munis), len(members), sum((c.estimated_value for c in members), D(0)))

    days = sorted({c.current_end for c in contracts})
    best = max((score(day) for day in days), default=(0, 0, D(0)))
    found = max(
        (
            (len(g.municipality_codes), len(g.members), g.combined_estimated_value)
            for g in report.groups
        ),
        default=None,
    )
    if best[0] >= 2:
        assert found == best
    else:
        assert found is None


# --------------------------------------------------------------------------------------------
# Speed
# --------------------------------------------------------------------------------------------


def make_country(count: int, municipalities: int = 98, systems: int = 400, seed: int = 1):
    rnd = random.Random(seed)
    codes_ = [str(101 + i) for i in range(municipalities)]
    base = date(2026, 1, 1)
    result = []
    for i in range(count):
        annual = D(rnd.randrange(50_000, 3_000_000))
        result.append(
            ContractInfo(
                contract_id=f"c{i}",
                municipality_code=rnd.choice(codes_),
                system_id=rnd.randrange(systems) if rnd.random() < 0.7 else None,
                kle_areas=(f"{rnd.randrange(0, 90):02d}.{rnd.randrange(0, 20):02d}",),
                contract_type=rnd.choice(["drift", "licens", "udvikling"]),
                current_end=base + timedelta(days=rnd.randrange(0, 365 * 6)),
                latest_possible_end=None,
                option_months=rnd.choice([0, 6, 12, 12, 24]),
                options_remaining=rnd.randrange(0, 3),
                annual_value=annual,
                estimated_value=annual * 4,
            )
        )
    return result


def test_forty_thousand_contracts_give_a_decision_for_each_and_many_groups():
    # Speed is measured by `make bench` (samdigi/procurement/bench.py), never asserted here.
    contracts = make_country(40_000)
    report = find_opportunities(contracts, AS_OF, window_months=48, max_prolongation=12)
    assert len(report.decisions) == 40_000
    assert len(report.groups) > 1000
    for group in report.groups[:50]:
        assert len(set(group.municipality_codes)) >= 2


# --------------------------------------------------------------------------------------------
# The end-of-month rule and options whose decision date has passed (issue 8)
# --------------------------------------------------------------------------------------------


def test_option_from_a_month_end_reaches_the_month_end_target():
    # 30.09.2028 + one 6-month option is 31.03.2029: no overshoot, no second option.
    a = contract("A", "101", date(2028, 9, 30), options=2, option_months=6)
    b = contract("B", "147", date(2029, 3, 31))
    report = find_opportunities([a, b], date(2027, 1, 1), window_months=60, max_prolongation=0)
    plan = next(p for p in report.groups[0].members if p.contract_id == "A")
    assert report.groups[0].target_date == date(2029, 3, 31)
    assert (plan.options_to_use, plan.covered_until) == (1, date(2029, 3, 31))


def test_section_180_prolongation_from_a_month_end_is_not_a_month_too_long():
    # Clamping made 30.09.2028 + 6 = 30.03.2029, one day short, so 7 months were recommended
    # (and their value counted against the § 180 limit).
    a = contract("A", "101", date(2028, 9, 30), annual=D("60000"), estimated=D("2000000"))
    b = contract("B", "147", date(2029, 3, 31))
    report = find_opportunities([a, b], date(2027, 1, 1), window_months=60, max_prolongation=12)
    plan = next(p for p in report.groups[0].members if p.contract_id == "A")
    assert (plan.prolongation_months, plan.covered_until) == (6, date(2029, 3, 31))
    assert plan.prolongation_value == D("30000.00")


def lapsed_case(decision: date | None):
    a = contract("A", "101", date(2027, 6, 30))
    b = contract("B", "147", date(2027, 6, 30))
    # C ends before the others; one option of 12 months would bridge it, if decided in time.
    c = ContractInfo(
        **{
            **contract("C", "151", date(2026, 9, 30), options=1).__dict__,
            "option_decision": decision,
        }
    )
    return run([a, b, c])


def test_an_option_whose_decision_date_has_passed_is_never_recommended():
    decision = AS_OF - timedelta(days=305)  # the real association's case: 305 days late
    report = lapsed_case(decision)
    (group,) = report.groups
    assert group.contract_ids == ("A", "B")
    assert "C" not in group.contract_ids
    (gap,) = group.gaps
    assert (gap.contract_id, gap.municipality_code) == ("C", "151")
    assert gap.option_decision == decision
    assert (gap.gap_start, gap.gap_end, gap.joint_start) == (
        date(2026, 10, 1),
        date(2027, 6, 30),
        date(2027, 7, 1),
    )
    assert gap.gap_days == 273
    decision_c = report.decisions["C"]
    assert not decision_c.included
    assert [r.code for r in decision_c.reasons] == [op.OPTION_DECISION_PASSED]
    assert decision_c.reasons[0].gap == gap
    assert "gap of 273 day(s)" in decision_c.reason
    assert group.combined_estimated_value == D("800000")  # C is not a member


@pytest.mark.parametrize("decision", [None, AS_OF, AS_OF + timedelta(days=90)])
def test_an_option_decided_in_time_is_still_offered(decision):
    report = lapsed_case(decision)
    (group,) = report.groups
    assert group.contract_ids == ("A", "B", "C")
    assert group.gaps == ()
    plan = next(p for p in group.members if p.contract_id == "C")
    assert plan.options_to_use == 1


def test_a_lapsed_option_leaves_the_prolongation():
    # The option is lost, but § 180 still bridges three months.
    a = contract("A", "101", date(2027, 3, 31), options=1)
    a = ContractInfo(**{**a.__dict__, "option_decision": AS_OF - timedelta(days=1)})
    b = contract("B", "147", date(2027, 6, 30))
    report = run([a, b], max_prolongation=12)
    plan = next(p for p in report.groups[0].members if p.contract_id == "A")
    assert (plan.options_to_use, plan.prolongation_months) == (0, 3)


def test_a_lapsed_contract_without_a_group_to_join_says_why():
    a = contract("A", "101", date(2026, 9, 30), options=1)
    a = ContractInfo(**{**a.__dict__, "option_decision": AS_OF - timedelta(days=10)})
    b = contract("B", "147", date(2027, 6, 30), system="other")
    report = run([a, b])
    assert report.groups == ()
    assert report.decisions["A"].reasons[0].code == op.OPTION_DECISION_PASSED
    assert "can no longer be used" in report.decisions["A"].reason
