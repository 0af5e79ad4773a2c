"""The award's contract terms are checked once (award_terms) for the page and the API."""

import datetime

import pytest
from django.utils import translation

from samdigi.procurement.award_terms import award_terms_problems

D = datetime.date
ENDS_BEFORE = "The contract must end after it starts."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_sound_terms_have_no_problems():
    assert award_terms_problems(D(2027, 1, 1), D(2030, 12, 31), {"265": None}, False, "") == []
    # Ending on the day it starts is allowed; only an end before the start is not.
    assert award_terms_problems(D(2027, 1, 1), D(2027, 1, 1), {}, True, "  ") == []


def test_an_end_before_the_start_names_the_end():
    problems = award_terms_problems(D(2027, 1, 1), D(2026, 12, 31), {}, False, "")
    assert problems == [("contract_end", ENDS_BEFORE)]


def test_a_wave_starting_after_the_end_names_that_participant():
    problems = award_terms_problems(
        D(2027, 1, 1), D(2028, 1, 1), {"265": D(2027, 6, 1), "259": D(2028, 1, 2)}, False, None
    )
    assert problems == [(("start", "259"), ENDS_BEFORE)]


def test_a_catalogue_product_and_a_new_one_exclude_each_other():
    problems = award_terms_problems(D(2027, 1, 1), D(2028, 1, 1), {}, True, "Nyt system")
    assert problems == [("new_product", "Choose a catalogue product or name a new one.")]
    assert award_terms_problems(D(2027, 1, 1), D(2028, 1, 1), {}, False, "Nyt system") == []
