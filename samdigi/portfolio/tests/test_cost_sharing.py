"""Cost sharing: worked examples, every refusal, and properties that must hold for any input."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samdigi.portfolio.rules.cost_sharing import (
    CostLine,
    Participant,
    SharingKey,
    code_sort_key,
    exact_quotas,
    from_ore,
    largest_remainder,
    split_cost,
    split_cost_ore,
    split_costs,
    to_ore,
)

D = Decimal


def people(*pairs):
    return [Participant(code, population) for code, population in pairs]


def agreed(*pairs):
    return [Participant(code, 0, D(pct)) for code, pct in pairs]


# ---------------------------------------------------------------------------- worked examples


def test_equal_split_gives_the_leftover_ore_to_the_lowest_code():
    shares = split_cost(D("100.00"), people(("461", 0), ("101", 0), ("851", 0)), "equal")
    assert shares == {"101": D("33.34"), "461": D("33.33"), "851": D("33.33")}
    assert list(shares) == ["101", "461", "851"]


def test_two_leftover_ore_go_to_the_two_lowest_codes_on_a_full_tie():
    shares = split_cost(D("0.02"), people(("851", 1), ("461", 1), ("101", 1)), "population")
    assert shares == {"101": D("0.01"), "461": D("0.01"), "851": D("0.00")}


def test_population_split_gives_the_leftover_to_the_largest_remainder_not_the_lowest_code():
    # 1000 øre by 1:2 → quotas 333⅓ and 666⅔; floors 333 + 666, the last øre goes to ⅔.
    shares = split_cost(D("10.00"), people(("101", 1), ("147", 2)), SharingKey.POPULATION)
    assert shares == {"101": D("3.33"), "147": D("6.67")}


def test_population_split_with_exact_quotas_needs_no_leftover():
    shares = split_cost(D("1.00"), people(("101", 25), ("147", 25), ("151", 50)), "population")
    assert shares == {"101": D("0.25"), "147": D("0.25"), "151": D("0.50")}


def test_real_populations_add_up_to_the_total():
    # Aarhus, Aalborg and Odense, rounded populations.
    participants = people(("751", 367_000), ("851", 225_000), ("461", 210_000))
    shares = split_cost(D("1234567.89"), participants, "population")
    assert sum(shares.values()) == D("1234567.89")
    assert shares["751"] > shares["851"] > shares["461"]


def test_ties_compare_codes_as_numbers():
    assert sorted(["101", "99", "860"], key=code_sort_key) == ["99", "101", "860"]
    shares = split_cost(D("0.01"), people(("101", 1), ("99", 1)), "equal")
    assert shares == {"99": D("0.01"), "101": D("0.00")}


def test_non_numeric_codes_sort_after_numeric_codes():
    assert sorted(["abc", "860", "101"], key=code_sort_key) == ["101", "860", "abc"]


def test_zero_population_participant_gets_nothing():
    shares = split_cost(D("0.05"), people(("101", 0), ("147", 1), ("151", 1)), "population")
    assert shares["101"] == D("0.00")
    assert sum(shares.values()) == D("0.05")


def test_equal_key_ignores_population():
    shares = split_cost(D("3.00"), people(("101", 1), ("147", 1_000_000), ("151", 0)), "equal")
    assert set(shares.values()) == {D("1.00")}


def test_agreed_percentages():
    participants = agreed(("101", "33.33"), ("147", "33.33"), ("151", "33.34"))
    shares = split_cost(D("1000.00"), participants, "agreed")
    assert shares == {"101": D("333.30"), "147": D("333.30"), "151": D("333.40")}


def test_agreed_percentages_with_many_decimals_are_exact():
    participants = agreed(("101", "12.3456"), ("147", "87.6544"))
    shares = split_cost(D("100.00"), participants, "agreed")
    assert shares == {"101": D("12.35"), "147": D("87.65")}


def test_agreed_zero_percent_is_allowed_and_gets_nothing():
    shares = split_cost(D("7.77"), agreed(("101", "0"), ("147", "100")), "agreed")
    assert shares == {"101": D("0.00"), "147": D("7.77")}


def test_zero_total_gives_everyone_zero():
    shares = split_cost(D("0"), people(("101", 5), ("147", 7)), "population")
    assert shares == {"101": D("0.00"), "147": D("0.00")}


def test_negative_total_is_the_negated_split_of_the_positive_total():
    participants = people(("461", 0), ("101", 0), ("851", 0))
    assert split_cost(D("-100.00"), participants, "equal") == {
        "101": D("-33.34"),
        "461": D("-33.33"),
        "851": D("-33.33"),
    }


def test_int_totals_are_accepted_and_results_have_two_decimals():
    shares = split_cost(10, people(("101", 1), ("147", 1)), "equal")
    assert shares == {"101": D("5.00"), "147": D("5.00")}
    assert str(shares["101"]) == "5.00"


def test_ore_conversions():
    assert to_ore(D("12.34")) == 1234
    assert to_ore(D("-0.01")) == -1
    assert to_ore(D("5")) == 500
    assert to_ore(D("5.10000")) == 510
    assert from_ore(-1) == D("-0.01")
    assert str(from_ore(100)) == "1.00"


def test_split_cost_ore_matches_split_cost():
    participants = people(("101", 3), ("147", 7))
    assert split_cost_ore(D("1.00"), participants, "population") == {"101": 30, "147": 70}


def test_exact_quotas_are_unrounded():
    quotas = exact_quotas(D("10.00"), people(("101", 1), ("147", 2)), "population")
    assert quotas == {"101": Fraction(1000, 3), "147": Fraction(2000, 3)}


# ---------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("participants", "key", "message"),
    [
        ([], "equal", "no participants"),
        ([], "population", "no participants"),
        (people(("101", 0), ("147", 0)), "population", "total population is zero"),
        (people(("101", -1), ("147", 5)), "population", "negative"),
        (people(("101", 1), ("101", 2)), "equal", "takes part twice"),
        (people(("", 1)), "equal", "empty municipality code"),
        (agreed(("101", "50"), ("147", "49.99")), "agreed", "sum to 99.99"),
        (agreed(("101", "50"), ("147", "50.01")), "agreed", "sum to 100.01"),
        (agreed(("101", "-10"), ("147", "110")), "agreed", "at least 0"),
        (agreed(("101", "NaN"), ("147", "100")), "agreed", "finite"),
        (
            [Participant("101", 1, D("100")), Participant("147", 1), Participant("151", 1)],
            "agreed",
            "no percentage agreed for municipality 147, 151",
        ),
        (people(("101", 1)), "by_size", "unknown cost-sharing key 'by_size'"),
    ],
)
def test_refusals_name_the_problem(participants, key, message):
    with pytest.raises(ValueError, match=message):
        split_cost(D("100.00"), participants, key)


def test_agreed_percentages_must_sum_to_exactly_100_even_when_normalising_would_work():
    with pytest.raises(ValueError, match="exactly 100"):
        split_cost(D("100.00"), agreed(("101", "1"), ("147", "1")), "agreed")


@pytest.mark.parametrize("amount", [D("0.001"), D("12.345"), D("NaN"), D("Infinity")])
def test_amounts_must_be_finite_whole_ore(amount):
    with pytest.raises(ValueError):
        split_cost(amount, people(("101", 1)), "equal")


@pytest.mark.parametrize("amount", [0.1, "1.00", True, None])
def test_amounts_must_be_decimal_or_int(amount):
    with pytest.raises(TypeError):
        split_cost(amount, people(("101", 1)), "equal")


def test_population_must_be_an_int():
    with pytest.raises(TypeError, match="population of municipality 101"):
        split_cost(D("1.00"), [Participant("101", 1.5)], "population")


def test_largest_remainder_refuses_negative_totals_and_zero_weights():
    with pytest.raises(ValueError):
        largest_remainder(-1, {"101": 1})
    with pytest.raises(ValueError):
        largest_remainder(1, {"101": 0})


# ---------------------------------------------------------------------------- many lines


def test_split_costs_adds_up_per_participant():
    participants = people(("101", 1), ("147", 2), ("151", 0))
    lines = [
        CostLine(D("10.00"), "population", "licence"),
        CostLine(D("3.00"), "equal", "workshop"),
        CostLine(D("-1.00"), "equal", "credit note"),
    ]
    totals = split_costs(lines, participants)
    # licence 3.33 / 6.67 / 0; workshop 1 each; credit -0.34 / -0.33 / -0.33.
    assert totals == {"101": D("3.99"), "147": D("7.34"), "151": D("0.67")}
    assert sum(totals.values()) == D("12.00")


def test_split_costs_line_with_own_participants():
    participants = people(("101", 1), ("147", 1))
    lines = [
        CostLine(D("2.00"), "equal"),
        CostLine(D("5.00"), "equal", participants=(Participant("147"), Participant("151"))),
    ]
    assert split_costs(lines, participants) == {
        "101": D("1.00"),
        "147": D("3.50"),
        "151": D("2.50"),
    }


def test_split_costs_without_lines_gives_zeros_for_everyone():
    assert split_costs([], people(("147", 1), ("101", 1))) == {"101": D("0.00"), "147": D("0.00")}


def test_split_costs_error_names_the_line():
    lines = [CostLine(D("1.00"), "equal"), CostLine(D("1.00"), "agreed", "hosting")]
    with pytest.raises(ValueError, match=r"cost line 1 \(hosting\).*no percentage agreed"):
        split_costs(lines, people(("101", 1)))


# ---------------------------------------------------------------------------- properties

codes = st.integers(min_value=101, max_value=860).map(str)
totals_ore = st.integers(min_value=-(10**13), max_value=10**13)


@st.composite
def population_participants(draw, min_size=1):
    chosen = draw(st.lists(codes, min_size=min_size, max_size=15, unique=True))
    populations = draw(
        st.lists(
            st.integers(min_value=0, max_value=2_000_000),
            min_size=len(chosen),
            max_size=len(chosen),
        ).filter(lambda pops: sum(pops) > 0)
    )
    return [Participant(code, pop) for code, pop in zip(chosen, populations, strict=True)]


@st.composite
def agreed_participants(draw):
    chosen = draw(st.lists(codes, min_size=1, max_size=15, unique=True))
    # Cut 100.0000 % at random points; four decimals like a negotiated key with odd figures.
    cuts = sorted(
        draw(
            st.lists(
                st.integers(min_value=0, max_value=1_000_000),
                min_size=len(chosen) - 1,
                max_size=len(chosen) - 1,
            )
        )
    )
    bounds = [0, *cuts, 1_000_000]
    percentages = [D(bounds[i + 1] - bounds[i]) / 10_000 for i in range(len(chosen))]
    return [Participant(code, 0, pct) for code, pct in zip(chosen, percentages, strict=True)]


@st.composite
def any_split(draw):
    key = draw(st.sampled_from(list(SharingKey)))
    if key is SharingKey.AGREED:
        participants = draw(agreed_participants())
    else:
        participants = draw(population_participants())
    return key, participants


@given(any_split(), totals_ore)
def test_shares_always_add_up_exactly_to_the_total(split, total_ore):
    key, participants = split
    total = from_ore(total_ore)
    shares = split_cost(total, participants, key)
    assert sum(shares.values()) == total
    assert set(shares) == {p.municipality_code for p in participants}


@given(any_split(), totals_ore)
def test_every_share_is_within_one_ore_of_its_exact_quota(split, total_ore):
    key, participants = split
    total = from_ore(total_ore)
    shares = split_cost_ore(total, participants, key)
    quotas = exact_quotas(total, participants, key)
    for code, share in shares.items():
        assert abs(share - quotas[code]) < 1
        # Largest remainder never goes below the floor nor above the ceiling of the quota.
        assert math.floor(quotas[code]) <= share <= math.ceil(quotas[code])


@given(any_split(), totals_ore, st.randoms(use_true_random=False))
def test_input_order_never_changes_the_result(split, total_ore, rnd):
    key, participants = split
    total = from_ore(total_ore)
    shuffled = list(participants)
    rnd.shuffle(shuffled)
    first = split_cost(total, participants, key)
    second = split_cost(total, shuffled, key)
    assert first == second
    assert list(first) == list(second) == sorted(first, key=code_sort_key)


@given(population_participants(min_size=2), totals_ore)
def test_more_population_never_gets_a_smaller_share(participants, total_ore):
    shares = split_cost_ore(from_ore(total_ore), participants, "population")
    for a in participants:
        for b in participants:
            if a.population > b.population:
                # For a credit, "larger" means a larger amount credited.
                assert abs(shares[a.municipality_code]) >= abs(shares[b.municipality_code])


@given(any_split(), totals_ore)
def test_a_credit_mirrors_the_matching_cost(split, total_ore):
    key, participants = split
    positive = split_cost_ore(from_ore(abs(total_ore)), participants, key)
    negative = split_cost_ore(from_ore(-abs(total_ore)), participants, key)
    assert negative == {code: -ore for code, ore in positive.items()}


@given(population_participants(), st.integers(min_value=0, max_value=10**9))
def test_equal_shares_differ_by_at_most_one_ore(participants, total_ore):
    shares = split_cost_ore(from_ore(total_ore), participants, "equal")
    assert max(shares.values()) - min(shares.values()) <= 1


@given(population_participants(), st.integers(min_value=0, max_value=10**9))
def test_zero_population_never_pays(participants, total_ore):
    shares = split_cost_ore(from_ore(total_ore), participants, "population")
    for p in participants:
        if p.population == 0:
            assert shares[p.municipality_code] == 0


@given(
    population_participants(),
    st.lists(st.integers(min_value=-(10**9), max_value=10**9), max_size=8),
)
def test_split_costs_totals_add_up_to_the_sum_of_the_lines(participants, amounts_ore):
    lines = [CostLine(from_ore(a), "population") for a in amounts_ore]
    totals = split_costs(lines, participants)
    assert sum(totals.values()) == from_ore(sum(amounts_ore))
