"""Cost shares to the øre on the page and in the API; meeting documents open in Word; status
lights beside the manager's rating; heat-map counts; timelines; the OpenAPI schema."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from samdigi.core.testing import api_client_for, client_for, count_queries
from samdigi.organizations.models import PopulationFigure
from samdigi.portfolio import documents
from samdigi.portfolio.models import (
    CostLine,
    GateRequest,
    Phase,
    Risk,
    StatusReport,
    SteeringMeeting,
)
from samdigi.portfolio.rules import gantt
from samdigi.portfolio.tests.factories import add_members, join, joint_project, local_project

SJAELLAND = ["265", "259", "316", "360", "370"]  # Roskilde, Køge, Holbæk, Lolland, Næstved


@pytest.fixture
def shared(world):
    municipalities = add_members(world, SJAELLAND)
    day = datetime.date(2025, 1, 1)
    populations = {"265": 90000, "259": 62000, "316": 73000, "360": 40000, "370": 84001}
    for municipality in municipalities:
        PopulationFigure.objects.create(
            municipality=municipality, date=day, population=populations[municipality.code]
        )
    # The shipped figures of 1 January 2026 are later than the stated date and must not be used.
    assert PopulationFigure.objects.filter(date=datetime.date(2026, 1, 1)).exists()
    project = joint_project(world, population_date=datetime.date(2025, 6, 1))
    for municipality in municipalities:
        join(project, municipality)
    CostLine.objects.create(
        project=project, year=2026, kind="investment", amount=Decimal("1000000.01")
    )
    CostLine.objects.create(project=project, year=2027, kind="running", amount=Decimal("333333.33"))
    return project


def test_cost_shares_add_up_to_the_ore_in_the_api(world, shared):
    response = api_client_for(world, "peer").get(f"/api/v1/projects/{shared.pk}/cost-shares/")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == "1333333.34"
    assert sum(Decimal(s["amount"]) for s in body["shares"]) == Decimal("1333333.34")
    for year, amount in ((2026, "1000000.01"), (2027, "333333.33")):
        assert sum(Decimal(s["amount"]) for s in body["shares"] if s["year"] == year) == Decimal(
            amount
        )
    roskilde_2026 = next(
        s for s in body["shares"] if s["municipality_code"] == "265" and s["year"] == 2026
    )
    # 90000 / 349001 of the line, with the population figure of the stated date.
    assert abs(Decimal(roskilde_2026["amount"]) - Decimal("1000000.01") * 90000 / 349001) < Decimal(
        "0.01"
    )


def test_cost_shares_on_the_page_and_the_municipality_portfolio(world, shared):
    page = client_for(world, "own_viewer").get(
        reverse("portfolio:project_tab", args=[shared.pk, "participants"])
    )
    shares = page.context["shares"]
    assert sum(shares.by_municipality.values()) == Decimal("1333333.34")
    assert 'data-testid="share-265"' in page.content.decode()
    local = local_project(world)
    CostLine.objects.create(project=local, year=2026, kind="investment", amount=Decimal("50000.00"))
    response = client_for(world, "own_viewer").get(
        reverse("portfolio:municipality_portfolio", args=["265"])
    )
    assert response.status_code == 200
    rows = {row["project"].pk: row["share"] for row in response.context["rows"]}
    assert rows[local.pk] == Decimal("50000.00")
    assert rows[shared.pk] == shares.by_municipality["265"]


def test_agreed_percentages_that_do_not_sum_to_100_are_reported(world, shared):
    shared.cost_key = "agreed"
    shared.save()
    shared.participants.update(agreed_percentage=Decimal("10"))
    response = api_client_for(world, "peer").get(f"/api/v1/projects/{shared.pk}/cost-shares/")
    assert response.status_code == 400
    assert "cost_key" in response.json()


def test_meeting_agenda_and_minutes_export_to_docx(world):
    from docx import Document

    project = joint_project(world)
    GateRequest.objects.create(
        project=project,
        to_phase=Phase.objects.get(project_model=project.project_model, code="analysis"),
        justification="Behovet er afklaret",
        requested_on=datetime.date(2026, 2, 15),  # a meeting picks up what was asked before it
    )
    meeting = SteeringMeeting.objects.create(
        owner=world.association,
        title="Styregruppemøde",
        date=datetime.date(2026, 3, 1),
        other_items="Eventuelt",
        minutes="Styregruppen godkendte projektet.",
    )
    assert documents.build_agenda(meeting) == 1
    client = client_for(world, "steering_member")
    for part in ("agenda", "minutes"):
        response = client.get(reverse("portfolio:meeting_export", args=[meeting.pk, part]))
        assert response.status_code == 200
        text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
        assert project.title in text and "Eventuelt" in text
    assert "Styregruppen godkendte projektet." in text
    assert (
        client_for(world, "outsider")
        .get(reverse("portfolio:meeting_export", args=[meeting.pk, "minutes"]))
        .status_code
        == 404
    )
    page = client.get(meeting.get_absolute_url())
    assert project.title in page.content.decode()


def test_a_12_percent_overrun_is_red_beside_the_managers_green(world):
    project = local_project(world)
    project.baseline_budget = Decimal("1000000.00")
    project.baseline_end = datetime.date(2027, 1, 31)
    project.save()
    report = StatusReport.objects.create(
        project=project,
        period_end=datetime.date(2026, 3, 31),
        manager_rating="green",
        forecast_cost=Decimal("1120000.00"),
        forecast_end=datetime.date(2027, 2, 15),
    )
    assert (report.cost_light, report.schedule_light, report.computed_light) == (
        "red",
        "green",
        "red",
    )
    page = client_for(world, "own_viewer").get(report.get_absolute_url()).content.decode()
    assert 'data-testid="manager-rating"><span class="light light-green"' in page
    assert 'data-testid="cost-light"><span class="light light-red"' in page
    body = api_client_for(world, "own_viewer").get(f"/api/v1/status-reports/{report.pk}/").json()
    assert (body["manager_rating"], body["cost_light"], body["schedule_light"]) == (
        "green",
        "red",
        "green",
    )
    listed = client_for(world, "own_viewer").get(
        reverse("portfolio:project_list"), {"light": "red"}
    )
    assert [r["object"] for r in listed.context["rows"]] == [project]


def test_computed_lights_cannot_be_written_through_the_api(world):
    project = local_project(world)
    response = api_client_for(world, "own_editor").post(
        "/api/v1/status-reports/",
        {
            "project": project.pk,
            "period_end": "2026-01-31",
            "manager_rating": "green",
            "cost_light": "red",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["cost_light"] == ""


def test_a_report_older_than_the_cadence_is_flagged_stale(world):
    project = local_project(world)
    old = StatusReport.objects.create(
        project=project, period_end=datetime.date(2020, 1, 31), manager_rating="green"
    )
    page = client_for(world, "own_viewer").get(
        reverse("portfolio:project_tab", args=[project.pk, "status"])
    )
    assert page.context["stale"]
    old.period_end = datetime.date.today()
    old.save()
    page = client_for(world, "own_viewer").get(
        reverse("portfolio:project_tab", args=[project.pk, "status"])
    )
    assert not page.context["stale"]


def test_heat_maps_count_open_risks_per_cell(world):
    project = local_project(world)
    for probability, consequence, status in (
        (5, 5, "open"),
        (5, 5, "open"),
        (1, 2, "open"),
        (3, 3, "closed"),
    ):
        Risk.objects.create(
            project=project,
            title="r",
            probability=probability,
            consequence=consequence,
            status=status,
        )
    page = client_for(world, "own_viewer").get(
        reverse("portfolio:project_tab", args=[project.pk, "risks"])
    )
    rows = page.context["heat_map"]["rows"]
    assert rows[0]["probability"] == 5 and rows[0]["cells"][4]["count"] == 2
    assert rows[4]["cells"][1]["count"] == 1
    assert page.context["heat_map"]["total"] == 3
    assert 'data-probability="5" data-consequence="5" data-count="2"' in page.content.decode()
    portfolio = client_for(world, "peer").get(reverse("portfolio:risk_list"))
    assert portfolio.context["heat_map"]["total"] == 3
    assert (
        client_for(world, "outsider")
        .get(reverse("portfolio:risk_list"))
        .context["heat_map"]["total"]
        == 0
    )


def test_timelines_draw_phases_milestones_and_today(world):
    project = local_project(
        world, start_date=datetime.date(2025, 1, 1), planned_end=datetime.date(2027, 12, 31)
    )
    project.milestones.create(title="Kontrakt", due=datetime.date(2026, 5, 1))
    page = client_for(world, "own_viewer").get(
        reverse("portfolio:project_tab", args=[project.pk, "milestones"])
    )
    html = page.content.decode()
    assert 'class="band"' in html and 'class="milestone"' in html and 'class="today"' in html
    portfolio = client_for(world, "own_viewer").get(reverse("portfolio:timeline"))
    assert portfolio.status_code == 200 and project.title in portfolio.content.decode()
    assert 'style="' not in portfolio.content.decode()


def test_timeline_layout_places_dates_proportionally():
    rows = [
        gantt.Row(
            "A", bands=[gantt.Band(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), "x")]
        )
    ]
    placed = gantt.layout(rows, datetime.date(2026, 7, 2))
    band = placed.rows[0]["bands"][0]
    assert band["x"] == gantt.LABEL_WIDTH
    assert placed.today_x == pytest.approx(
        gantt.LABEL_WIDTH + gantt.CHART_WIDTH * 182 / 365, abs=0.1
    )


def test_the_portfolio_list_costs_the_same_queries_with_filters(world):
    client = client_for(world, "association_admin")
    local_project(world)
    one = count_queries(
        lambda: client.get(reverse("portfolio:project_list"), {"light": "green", "phase": "idea"})
    )
    for index in range(10):
        local_project(world, index=index + 1)
        joint_project(world, index=index + 1)
    many = count_queries(
        lambda: client.get(reverse("portfolio:project_list"), {"light": "green", "phase": "idea"})
    )
    assert one == many


def test_the_openapi_schema_is_valid(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


def test_the_municipality_portfolio_costs_the_same_queries_for_one_or_many_joint_projects(world):
    import datetime as dt

    from samdigi.core.testing import client_for, count_queries
    from samdigi.portfolio.models import CostLine
    from samdigi.portfolio.tests.factories import join, joint_project

    def add(index):
        project = joint_project(world, index=index, population_date=dt.date(2026, 1, 1 + index))
        join(project, world.own)
        join(project, world.peer)
        CostLine.objects.create(project=project, year=2027, kind="investment", amount="1000.00")

    add(0)
    client = client_for(world, "own_viewer")
    url = f"/portfolio/municipalities/{world.own.code}/"
    one = count_queries(lambda: client.get(url))
    for index in range(1, 6):
        add(index)
    assert count_queries(lambda: client.get(url)) == one
