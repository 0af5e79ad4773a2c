"""The one largest remainder split (core/rules/apportion.py): exact, complete and order-stable."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samdigi.core.rules.apportion import largest_remainder


def test_leftover_goes_to_the_largest_remainders():
    # Quotas 3.33…, 6.66…, 0: floors 3 and 6, the one leftover to the larger remainder (0.66…).
    assert largest_remainder(10, {"a": 1, "b": 2, "c": 0}) == {"a": 3, "b": 7, "c": 0}


def test_ties_go_to_the_first_weight_by_default_and_to_tie_key_when_given():
    assert largest_remainder(100, {"x": 1, "y": 1, "z": 1}) == {"x": 34, "y": 33, "z": 33}
    by_name = largest_remainder(100, {"x": 1, "y": 1, "z": 1}, tie_key=lambda k: -ord(k))
    assert by_name == {"x": 33, "y": 33, "z": 34}


def test_result_keeps_the_order_of_the_weights():
    assert list(largest_remainder(7, {3: 1, 1: 1, 2: 1})) == [3, 1, 2]


def test_decimal_and_fraction_weights_are_exact():
    # 1/3 each as Decimals would round; exact arithmetic still splits 1 øre to the first.
    third = Decimal(1) / Decimal(3)
    assert largest_remainder(1, {"a": third, "b": third, "c": third}) == {"a": 1, "b": 0, "c": 0}
    assert largest_remainder(5, {"a": Fraction(1, 2), "b": Fraction(1, 2)}) == {"a": 3, "b": 2}


def test_refuses_negative_totals_negative_weights_and_zero_weights():
    with pytest.raises(ValueError):
        largest_remainder(-1, {"a": 1})
    with pytest.raises(ValueError):
        largest_remainder(1, {"a": 2, "b": -1})
    with pytest.raises(ValueError):
        largest_remainder(1, {"a": 0})


@settings(database=None, deadline=None, max_examples=300)
@given(
    st.integers(0, 10**9),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=12).filter(any),
)
def test_shares_add_up_and_stay_within_one_of_the_quota(total, weights):
    shares = largest_remainder(total, dict(enumerate(weights)))
    assert sum(shares.values()) == total
    whole = sum(weights)
    for index, weight in enumerate(weights):
        quota = Fraction(total * weight, whole)
        assert quota - 1 < shares[index] < quota + 1
        if weight == 0:
            assert shares[index] == 0
