"""Risk scores, level bands and the heat map."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samdigi.portfolio.rules.risk import (
    RiskLevel,
    heat_map,
    level_for_score,
    level_matrix,
    risk_level,
    score,
)

LOW, MEDIUM, HIGH, CRITICAL = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL


@pytest.mark.parametrize("probability", range(1, 6))
@pytest.mark.parametrize("consequence", range(1, 6))
def test_score_is_the_product(probability, consequence):
    assert score(probability, consequence) == probability * consequence


@pytest.mark.parametrize(
    ("probability", "consequence", "error", "message"),
    [
        (0, 3, ValueError, "probability must be from 1 to 5, got 0"),
        (6, 3, ValueError, "probability"),
        (3, 0, ValueError, "consequence"),
        (3, -1, ValueError, "consequence"),
        (3, 6, ValueError, "consequence"),
        (2.0, 3, TypeError, "probability"),
        ("2", 3, TypeError, "probability"),
        (True, 3, TypeError, "probability"),
        (3, None, TypeError, "consequence"),
    ],
)
def test_score_validation(probability, consequence, error, message):
    with pytest.raises(error, match=message):
        score(probability, consequence)


@pytest.mark.parametrize(
    ("risk_score", "level"),
    [
        (1, LOW),
        (4, LOW),
        (5, MEDIUM),
        (9, MEDIUM),
        (10, HIGH),
        (16, HIGH),
        (17, CRITICAL),
        (20, CRITICAL),
        (25, CRITICAL),
    ],
)
def test_level_band_edges(risk_score, level):
    assert level_for_score(risk_score) is level


@pytest.mark.parametrize("risk_score", [0, 26, -5])
def test_level_refuses_scores_outside_1_to_25(risk_score):
    with pytest.raises(ValueError):
        level_for_score(risk_score)


@pytest.mark.parametrize("risk_score", [4.5, True, "4"])
def test_level_refuses_non_integers(risk_score):
    with pytest.raises(TypeError):
        level_for_score(risk_score)


@pytest.mark.parametrize(
    ("probability", "consequence", "level"),
    [
        (1, 1, LOW),
        (2, 2, LOW),
        (4, 1, LOW),
        (5, 1, MEDIUM),
        (1, 5, MEDIUM),
        (3, 3, MEDIUM),
        (2, 5, HIGH),
        (5, 2, HIGH),
        (4, 4, HIGH),
        (4, 5, CRITICAL),
        (5, 4, CRITICAL),
        (5, 5, CRITICAL),
    ],
)
def test_risk_level(probability, consequence, level):
    assert risk_level(probability, consequence) is level


def test_every_level_grows_with_probability_and_consequence():
    order = [LOW, MEDIUM, HIGH, CRITICAL]
    matrix = level_matrix()
    for p in range(5):
        for c in range(5):
            if p < 4:
                assert order.index(matrix[p + 1][c]) >= order.index(matrix[p][c])
            if c < 4:
                assert order.index(matrix[p][c + 1]) >= order.index(matrix[p][c])


def test_level_matrix_orientation_and_symmetry():
    matrix = level_matrix()
    assert matrix[0][0] is LOW
    assert matrix[4][4] is CRITICAL
    assert all(matrix[p][c] is matrix[c][p] for p in range(5) for c in range(5))


def test_heat_map_counts_and_orientation():
    matrix = heat_map([(1, 5), (1, 5), (5, 1), (3, 3)])
    assert matrix[0][4] == 2  # probability 1, consequence 5
    assert matrix[4][0] == 1  # probability 5, consequence 1
    assert matrix[2][2] == 1
    assert sum(map(sum, matrix)) == 4
    assert len(matrix) == 5
    assert all(len(row) == 5 for row in matrix)


def test_empty_heat_map_is_all_zeros():
    assert heat_map([]) == [[0] * 5 for _ in range(5)]


def test_heat_map_rows_are_independent():
    matrix = heat_map([(1, 1)])
    assert matrix[1][0] == 0


def test_heat_map_accepts_a_generator():
    assert sum(map(sum, heat_map((p, c) for p in range(1, 6) for c in range(1, 6)))) == 25


@pytest.mark.parametrize(
    ("pairs", "error", "message"),
    [
        ([(1, 1), (0, 1)], ValueError, "risk 1: probability"),
        ([(1, 6)], ValueError, "risk 0: consequence"),
        ([(1, None)], TypeError, "risk 0: consequence"),
        ([(1, 2, 3)], ValueError, "risk 0"),
    ],
)
def test_heat_map_names_the_bad_risk(pairs, error, message):
    with pytest.raises(error, match=message):
        heat_map(pairs)


ratings = st.integers(min_value=1, max_value=5)


@given(st.lists(st.tuples(ratings, ratings), max_size=60))
def test_heat_map_counts_every_risk_once(pairs):
    matrix = heat_map(pairs)
    assert sum(map(sum, matrix)) == len(pairs)
    for p in range(1, 6):
        for c in range(1, 6):
            assert matrix[p - 1][c - 1] == pairs.count((p, c))


@given(ratings, ratings)
def test_score_is_symmetric_and_within_range(probability, consequence):
    assert 1 <= score(probability, consequence) <= 25
    assert score(probability, consequence) == score(consequence, probability)
