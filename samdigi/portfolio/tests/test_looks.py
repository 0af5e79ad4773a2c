"""The portfolio looks like what it means: traffic lights as labelled markers (never colour alone)
with a summary on top, closed projects without a light, and a timeline coloured by phase with a
legend and accessible project links."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from samdigi.core.testing import client_for, count_queries
from samdigi.portfolio.models import CostLine, Phase, Project, StatusReport
from samdigi.portfolio.rules import gantt
from samdigi.portfolio.tables import portfolio_summary
from samdigi.portfolio.tests.factories import joint_project, local_project

BASELINE_END = datetime.date(2027, 6, 30)
THIS_YEAR = datetime.date.today().year


def _with_light(world, title, forecast, index=0, closed=False):
    """A project with a baseline of 1,000,000 kr. and one status report forecasting `forecast`."""
    project = local_project(world, title=title, index=index)
    Project.objects.filter(pk=project.pk).update(
        baseline_budget=Decimal("1000000"), baseline_end=BASELINE_END
    )
    project.refresh_from_db()
    StatusReport.objects.create(
        project=project,
        period_end=datetime.date(2026, 10, 31),
        manager_rating="green",
        forecast_cost=Decimal(forecast),
        forecast_end=BASELINE_END,
    )
    if closed:
        closing = Phase.objects.get(project_model=project.project_model, code="closed")
        Project.objects.filter(pk=project.pk).update(phase=closing)
    return project


@pytest.fixture
def lights(world):
    projects = {
        "green": _with_light(world, "Grønt projekt", "900000", 1),
        "yellow": _with_light(world, "Gult projekt", "1050000", 2),
        "red": _with_light(world, "Rødt projekt", "1200000", 3),
        # Its last report was red; closed, it shows no light at all.
        "closed": _with_light(world, "Afsluttet projekt", "1500000", 4, closed=True),
        "none": local_project(world, title="Projekt uden rapport", index=5),
    }
    CostLine.objects.create(
        project=projects["green"], year=THIS_YEAR, kind="investment", amount="250000.50"
    )
    CostLine.objects.create(
        project=projects["red"], year=THIS_YEAR - 1, kind="investment", amount="100000"
    )
    # Next year's cost is planned, not spent.
    CostLine.objects.create(
        project=projects["red"], year=THIS_YEAR + 1, kind="running", amount="999999"
    )
    return projects


def _row(html, title):
    """The table row of the project titled `title`."""
    match = re.search(r"<tr>(?:(?!</tr>).)*?>" + re.escape(title) + r"</a>.*?</tr>", html, re.S)
    assert match, f"no row for {title}"
    return match.group(0)


def test_the_portfolio_shows_each_light_as_a_shape_with_its_name(world, lights):
    html = client_for(world, "own_viewer").get(reverse("portfolio:project_list")).content.decode()
    for title, light, name, shape in (
        ("Grønt projekt", "green", "Grøn", "<circle"),
        ("Gult projekt", "yellow", "Gul", "<path"),
        ("Rødt projekt", "red", "Rød", "<rect"),
    ):
        row = _row(html, title)
        marker = re.search(r'<span class="light light-(\w+)" data-light="\w+">(.*?)</span>', row)
        assert marker and marker.group(1) == light
        # The name is text beside the shape, the shape is hidden from screen readers.
        assert marker.group(2).rstrip().endswith(name)
        assert shape in marker.group(2) and 'aria-hidden="true"' in marker.group(2)


def test_a_closed_project_shows_no_light_but_says_it_is_closed(world, lights):
    client = client_for(world, "own_viewer")
    html = client.get(reverse("portfolio:project_list")).content.decode()
    row = _row(html, "Afsluttet projekt")
    assert 'data-light="closed"' in row and "Afsluttet" in row
    assert "light-red" not in row and "Rød" not in row
    assert 'data-light="none"' in _row(html, "Projekt uden rapport")
    # Filtering by red does not bring the closed project back.
    red = client.get(reverse("portfolio:project_list"), {"light": "red"}).content.decode()
    assert "Rødt projekt" in red and "Afsluttet projekt" not in red
    # The API says the same: no light for a closed project.
    api = client.get(f"/api/v1/projects/{lights['closed'].pk}/").json()
    assert api["latest_light"] in (None, "")
    assert client.get(f"/api/v1/projects/{lights['red'].pk}/").json()["latest_light"] == "red"


def test_the_export_names_the_light_and_says_closed(world, lights):
    response = client_for(world, "own_viewer").get(
        reverse("portfolio:project_list"), {"export": "csv"}
    )
    text = response.content.decode("utf-8-sig")
    assert ";rød;" in text.lower() and "Afsluttet" in text


def test_the_summary_counts_equal_the_records(world, lights):
    response = client_for(world, "own_viewer").get(reverse("portfolio:project_list"))
    summary = response.context["table"].summary
    projects = Project.objects.all()
    closed = [p for p in projects if p.is_closed]
    assert summary["total"] == projects.count() == 5
    assert summary["closed"] == len(closed) == 1
    for light in ("green", "yellow", "red"):
        assert summary[light] == 1
    assert summary["none"] == 1
    assert summary["budget"] == Decimal("4000000")
    assert summary["spend"] == Decimal("350000.50")
    html = response.content.decode()
    section = re.search(r'data-testid="portfolio-summary">.*?</section>', html, re.S).group(0)
    assert re.search(r'data-testid="summary-red"><dt>.*?Rød.*?</dt><dd>1</dd>', section, re.S)
    closed_figure = r'data-testid="summary-closed"><dt>.*?Afsluttet.*?</dt><dd>1</dd>'
    assert re.search(closed_figure, section, re.S)
    assert "4.000.000,00 kr." in section and "350.000,50 kr." in section


def test_the_summary_follows_the_filter_also_in_the_htmx_table(world, lights):
    response = client_for(world, "own_viewer").get(
        reverse("portfolio:project_list"),
        {"light": "yellow"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="object-table",
    )
    body = response.content.decode()
    assert "<html" not in body and 'data-testid="portfolio-summary"' in body
    summary = response.context["table"].summary
    assert (summary["total"], summary["yellow"], summary["red"]) == (1, 1, 0)
    assert summary["budget"] == Decimal("1000000")


def test_the_summary_counts_a_project_once_whatever_the_joins(world, lights):
    summary = portfolio_summary(Project.objects.filter(status_reports__isnull=False))
    assert summary["total"] == 4 and summary["budget"] == Decimal("4000000")


def test_the_portfolio_list_with_summary_costs_the_same_queries_for_one_or_many(world):
    client = client_for(world, "association_admin")
    _with_light(world, "Et", "900000", 1)
    url = reverse("portfolio:project_list")
    one = count_queries(lambda: client.get(url), world)
    for index in range(2, 12):
        _with_light(world, f"Projekt {index}", "1200000", index, closed=index % 3 == 0)
        joint_project(world, index=index)
    assert count_queries(lambda: client.get(url), world) == one


def test_the_municipality_portfolio_shows_the_lights_and_closed(world, lights):
    html = (
        client_for(world, "own_viewer")
        .get(f"/portfolio/municipalities/{world.own.code}/")
        .content.decode()
    )
    assert 'class="light light-red"' in _row(html, "Rødt projekt")
    closed = _row(html, "Afsluttet projekt")
    assert 'data-light="closed"' in closed and "light-red" not in closed


def test_status_report_lists_show_markers_with_names(world, lights):
    html = client_for(world, "own_viewer").get(reverse("portfolio:statusreport_list")).content
    html = html.decode()
    assert html.count('class="light light-red"') >= 2  # cost light of the red and closed projects
    assert "Gul" in html and 'class="light light-yellow"' in html


# --- timeline -------------------------------------------------------------------------------


def test_the_timeline_colours_bars_by_phase_with_a_legend_and_accessible_links(world, lights):
    execution = Phase.objects.get(project_model=lights["red"].project_model, code="execution")
    Project.objects.filter(pk=lights["red"].pk).update(
        phase=execution, start_date=datetime.date(2025, 1, 1)
    )
    html = client_for(world, "own_viewer").get(reverse("portfolio:timeline")).content.decode()
    legend = re.search(r'data-testid="timeline-legend".*?</ul>', html, re.S).group(0)
    for name in ("Idé", "Gennemførelse", "Afsluttet"):
        assert name in legend
    # The bar of the project in execution carries its phase, as does the legend's swatch, and
    # the legend lists the phases in their order.
    assert re.search(r'<rect class="band" data-phase="execution"', html)
    assert 'class="swatch" data-phase="execution"' in legend
    assert legend.index("Idé") < legend.index("Gennemførelse") < legend.index("Afsluttet")
    # No link inside anything marked as an image, and every project still has its link.
    for picture in re.findall(r'<(\w+)[^>]*role="img".*?</\1>', html, re.S):
        assert "<a " not in picture
    assert 'role="img"' not in re.search(r"<svg[^>]*>", html).group(0)
    assert f'href="{lights["red"].get_absolute_url()}"' in html
    # Presentation stays in the templates and the stylesheet: no hex colours in the markup.
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert not re.search(r'fill="#', svg)


def test_the_timeline_legend_is_english_in_english(world, lights):
    client = client_for(world, "own_viewer")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("portfolio:timeline")).content
    legend = re.search(r'data-testid="timeline-legend".*?</ul>', html.decode(), re.S).group(0)
    assert "Phases" in legend and "Milestone reached" in legend


def test_the_project_timeline_keeps_its_phase_colours(world):
    project = local_project(
        world, start_date=datetime.date(2025, 1, 1), planned_end=datetime.date(2027, 12, 31)
    )
    html = (
        client_for(world, "own_viewer")
        .get(reverse("portfolio:project_tab", args=[project.pk, "milestones"]))
        .content.decode()
    )
    assert (
        '<rect class="band" data-phase="idea"' in html and 'data-testid="timeline-legend"' in html
    )


def test_timeline_layout_carries_the_phase_code_not_a_colour():
    rows = [
        gantt.Row(
            "A",
            bands=[
                gantt.Band(
                    datetime.date(2026, 1, 1), datetime.date(2026, 6, 30), "Idé", kind="idea"
                )
            ],
        )
    ]
    band = gantt.layout(rows, datetime.date(2026, 3, 1)).rows[0]["bands"][0]
    assert band["kind"] == "idea" and "fill" not in band


def test_timeline_legend_lists_each_phase_once_in_phase_order():
    day = datetime.date(2026, 1, 1)
    later = datetime.date(2026, 6, 30)
    rows = [
        gantt.Row("A", bands=[gantt.Band(day, later, "Gennemførelse", 4, "execution")]),
        gantt.Row("B", bands=[gantt.Band(day, later, "Idé", 1, "idea")]),
        # The light model's execution phase has another order but is the same phase to a reader.
        gantt.Row("C", bands=[gantt.Band(day, later, "Gennemførelse", 2, "execution")]),
        gantt.Row("D", bands=[gantt.Band(day, later, "Egen fase", 9, "")]),
    ]
    legend = gantt.layout(rows, day).legend
    assert [(e["kind"], e["label"]) for e in legend] == [
        ("idea", "Idé"),
        ("execution", "Gennemførelse"),
        ("", "Egen fase"),
    ]
    assert legend[-1]["tone"] == 9 % gantt.TONES
