"""The business case and the project's cost lines state the same costs (pure rule)."""

from decimal import Decimal as D

import pytest

from samdigi.portfolio.rules.business_case import CostDifference, YearLine, cost_line_differences

CASE = [
    YearLine(0, investment=D("400000")),
    *[YearLine(year, running=D("100000")) for year in range(1, 5)],
]


def test_a_business_case_matching_its_cost_lines_has_no_differences():
    lines = [(2026, "investment", D("400000"))] + [
        (year, "running", D("100000")) for year in range(2027, 2031)
    ]
    assert cost_line_differences(CASE, 2026, lines) == []


def test_the_demo_bug_800000_in_the_case_beside_600000_in_cost_lines_is_found():
    lines = [
        (2026, "investment", D("400000")),
        (2027, "running", D("100000")),
        (2028, "running", D("100000")),
    ]
    assert cost_line_differences(CASE, 2026, lines) == [
        CostDifference(2029, "running", D("100000.00"), D("0")),
        CostDifference(2030, "running", D("100000.00"), D("0")),
    ]


def test_cost_lines_of_one_year_and_kind_are_added_and_kinds_kept_apart():
    lines = [
        (2026, "investment", D("150000")),
        (2026, "investment", D("250000")),
        (2027, "investment", D("100000")),  # the case calls this running
        *[(year, "running", D("100000")) for year in range(2028, 2031)],
    ]
    assert cost_line_differences(CASE, 2026, lines) == [
        CostDifference(2027, "investment", D("0"), D("100000.00")),
        CostDifference(2027, "running", D("100000.00"), D("0")),
    ]


def test_the_start_year_places_the_case_in_the_calendar():
    lines = [(2025, "investment", D("400000"))] + [
        (year, "running", D("100000")) for year in range(2026, 2030)
    ]
    assert cost_line_differences(CASE, 2025, lines) == []
    assert cost_line_differences(CASE, 2026, lines) != []


def test_an_unknown_cost_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        cost_line_differences(CASE, 2026, [(2026, "benefit", D("1"))])


# --- the page --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_business_case_page_names_the_years_where_it_disagrees_with_the_cost_lines(world):
    from django.utils import translation

    from samdigi.core.testing import client_for
    from samdigi.portfolio.models import BusinessCase, BusinessCaseLine, CostLine
    from samdigi.portfolio.tests.factories import local_project

    project = local_project(world)
    case = BusinessCase.objects.create(project=project, start_year=2026)
    BusinessCaseLine.objects.create(business_case=case, year=2026, investment=D("400000"))
    for year in range(2027, 2031):
        BusinessCaseLine.objects.create(business_case=case, year=year, running=D("100000"))
    CostLine.objects.create(project=project, year=2026, kind="investment", amount=D("400000"))
    for year in (2027, 2028):
        CostLine.objects.create(project=project, year=year, kind="running", amount=D("100000"))
    client = client_for(world, "own_viewer")
    with translation.override("en"):
        page = client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="cost-line-differences"' in page
    assert "2029" in page and "2030" in page
    for year in range(2029, 2031):
        CostLine.objects.create(project=project, year=year, kind="running", amount=D("100000"))
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="cost-line-differences"' not in page
