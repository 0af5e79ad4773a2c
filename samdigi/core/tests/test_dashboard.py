"""The front page: what samdigi is before login, and after login the work that comes to each
person (issue 9, "The work comes to you"), with a query budget that does not grow with the data."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from samdigi.core import dashboard
from samdigi.core.rules.months import add_months
from samdigi.core.testing import client_for, count_queries
from samdigi.landscape.models import Contract, Vendor
from samdigi.portfolio.models import (
    GateRequest,
    Milestone,
    Phase,
    Project,
    Risk,
    StatusReport,
    SteeringMeeting,
)
from samdigi.portfolio.tests.factories import joint_project, local_project
from samdigi.procurement.tests.helpers import joint_tender

pytestmark = pytest.mark.django_db


def _contract(owner, name, internal=False, months_to_end=5, vendor=None):
    """A contract whose notice deadline, option decision and re-tender start have all passed
    while it still runs: it is on every contract panel."""
    today = timezone.localdate()
    return Contract.objects.create(
        owner=owner,
        vendor=vendor or Vendor.objects.get_or_create(name="Nordisk Journal A/S")[0],
        name=name,
        internal=internal,
        expiration=add_months(today, months_to_end),
        notice_months=6,
        option_count=1,
        option_months=12,
        procurement_form="open",
    )


def _red_project(world, owner, title, internal=False):
    """A local project whose latest report is red (forecast twice the approved budget), with an
    overdue milestone and an overdue risk review."""
    today = timezone.localdate()
    project = local_project(world, title=title, internal=internal)
    if owner != world.own:
        Project.objects.filter(pk=project.pk).update(owner=owner)
    Project.objects.filter(pk=project.pk).update(baseline_budget=Decimal("100000"))
    project = Project.objects.get(pk=project.pk)
    StatusReport.objects.create(
        project=project,
        period_end=today,
        manager_rating="green",
        forecast_cost=Decimal("200000"),
    )
    Milestone.objects.create(
        project=project, title=f"Milepæl i {title}", due=today - datetime.timedelta(days=10)
    )
    Risk.objects.create(
        project=project,
        title=f"Risiko i {title}",
        probability=4,
        consequence=5,
        next_review=today - datetime.timedelta(days=3),
    )
    return project


@pytest.fixture
def work(world):
    today = timezone.localdate()
    records = {
        "own_contract": _contract(world.own, "Roskilde ESDH"),
        "peer_contract": _contract(world.peer, "Køge økonomisystem"),
        "peer_internal_contract": _contract(world.peer, "Køge hemmelig aftale", internal=True),
        "outside_contract": _contract(world.outside, "Aalborg journal"),
        "own_project": _red_project(world, world.own, "Roskilde borgerportal"),
        "peer_internal_project": _red_project(
            world, world.peer, "Køge lukket projekt", internal=True
        ),
        # A project of the owner's with no status report at all: its manager must write one.
        "unreported": local_project(world, title="Roskilde uden rapport"),
    }
    joint = joint_project(world, title="Fælles mødebooking")
    meeting = SteeringMeeting.objects.create(
        owner=world.association,
        title="Styregruppemøde i december",
        date=today + datetime.timedelta(days=7),
    )
    records["meeting"] = meeting
    records["gate_request"] = GateRequest.objects.create(
        project=joint,
        to_phase=Phase.objects.get(project_model=joint.project_model, code="analysis"),
        meeting=meeting,
    )
    return records


def _panel(response, key):
    """The text of one panel of the dashboard."""
    html = response.content.decode()
    match = re.search(rf'data-testid="panel-{key}">(.*?)</section>', html, flags=re.DOTALL)
    assert match, f"panel {key} is not on the page"
    return match.group(1)


def test_anonymous_front_page_says_what_samdigi_is_and_links_to_public_pages_and_login(db):
    from django.test import Client

    response = Client().get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "samdigi er det fælles arbejdsrum for et digitaliseringsfællesskab" in html
    assert f'href="{reverse("public")}"' in html
    assert f'href="{reverse("login")}"' in html
    assert '<svg class="front-picture"' in html and 'role="img"' in html
    assert 'data-testid="dashboard"' not in html
    # The login form is right there, posting to the login view.
    assert f'action="{reverse("login")}"' in html and 'name="password"' in html


def test_anonymous_front_page_in_english(db):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("home")).content.decode()
    assert "samdigi is the shared workspace of a digitalisation association" in html


def test_secretariat_sees_the_association_but_no_municipality_s_internal_items(world, work):
    response = client_for(world, "association_admin").get(reverse("home"))
    assert response.status_code == 200
    notice = _panel(response, "notice_deadlines")
    assert "Roskilde ESDH" in notice and "Køge økonomisystem" in notice
    assert "Køge hemmelig aftale" not in notice and "Aalborg journal" not in notice
    assert "Roskilde ESDH" in _panel(response, "option_decisions")
    assert "Køge økonomisystem" in _panel(response, "retender_starts")
    projects = _panel(response, "projects_attention")
    assert "Roskilde borgerportal" in projects and "rød" in projects
    assert "Køge lukket projekt" not in response.content.decode()
    meeting = _panel(response, "next_meeting")
    assert "Styregruppemøde i december" in meeting
    assert "Fælles mødebooking" in meeting
    assert work["gate_request"].get_absolute_url() in meeting
    assert "Milepæl i Roskilde borgerportal" in _panel(response, "overdue_milestones")
    assert "Risiko i Roskilde borgerportal" in _panel(response, "overdue_risk_reviews")
    # Every item links to where it is handled.
    assert work["own_contract"].get_absolute_url() in notice
    assert work["meeting"].get_absolute_url() in meeting


def test_municipal_it_lead_sees_own_contracts_not_the_neighbours(world, work):
    response = client_for(world, "own_admin").get(reverse("home"))
    notice = _panel(response, "notice_deadlines")
    assert "Roskilde ESDH" in notice
    assert "Køge økonomisystem" not in notice and "Køge hemmelig aftale" not in notice
    retender = _panel(response, "retender_starts")
    assert "Roskilde ESDH" in retender and "Aalborg journal" not in retender
    assert "Roskilde borgerportal" in _panel(response, "projects_attention")
    html = response.content.decode()
    assert "Køge lukket projekt" not in html and "Køge hemmelig aftale" not in html
    # The association's next meeting is visible to its member municipalities.
    assert "Styregruppemøde i december" in _panel(response, "next_meeting")


def test_project_manager_sees_reports_to_write_milestones_and_risks(world, work):
    response = client_for(world, "own_editor").get(reverse("home"))
    reports = _panel(response, "status_reports_due")
    assert "Roskilde uden rapport" in reports
    assert f"{reverse('portfolio:statusreport_add')}?project={work['unreported'].pk}" in reports
    # The red project has a current report: it is red, but no report is missing.
    assert "Roskilde borgerportal" not in reports
    assert "Milepæl i Roskilde borgerportal" in _panel(response, "overdue_milestones")
    risks = _panel(response, "overdue_risk_reviews")
    assert "Risiko i Roskilde borgerportal" in risks and "overskredet med 3 dage" in risks
    assert "Køge lukket projekt" not in response.content.decode()


def test_steering_member_sees_the_gate_waiting_and_no_reports_to_write(world, work):
    response = client_for(world, "steering_member").get(reverse("home"))
    meeting = _panel(response, "next_meeting")
    assert "Fælles mødebooking" in meeting and "på dagsordenen" in meeting
    html = response.content.decode()
    assert 'data-testid="panel-status_reports_due"' not in html
    # Contracts are the municipalities' to act on, not the steering committee's.
    assert 'data-testid="panel-notice_deadlines"' not in html
    assert "Roskilde borgerportal" in _panel(response, "projects_attention")
    assert "Køge lukket projekt" not in response.content.decode()


def test_outsider_sees_only_their_own_association(world, work):
    response = client_for(world, "outsider").get(reverse("home"))
    html = response.content.decode()
    assert "Aalborg journal" in _panel(response, "notice_deadlines")
    for name in ("Roskilde ESDH", "Køge økonomisystem", "Roskilde borgerportal", "Styregruppemøde"):
        assert name not in html


def test_a_re_tender_under_way_takes_the_contract_off_the_re_tender_panel(world, work):
    tender = joint_tender(world, title="Fællesudbud af ESDH")
    tender.contracts.add(work["own_contract"])
    response = client_for(world, "own_admin").get(reverse("home"))
    assert "Roskilde ESDH" not in _panel(response, "retender_starts")
    assert "Roskilde ESDH" in _panel(response, "notice_deadlines")


def test_empty_panels_say_so_and_link_to_the_full_list(world):
    response = client_for(world, "own_admin").get(reverse("home"))
    notice = _panel(response, "notice_deadlines")
    assert "Ingen opsigelsesfrist" in notice
    assert reverse("landscape:deadlines") + "?kind=notice_deadline" in notice


def test_recent_changes_show_what_the_user_may_see(world, work):
    response = client_for(world, "own_admin").get(reverse("home"))
    changes = _panel(response, "recent_changes")
    assert "Fælles mødebooking" in changes or "Styregruppemøde i december" in changes
    assert "Køge lukket projekt" not in changes and "Køge hemmelig aftale" not in changes


def test_a_panel_shows_a_few_items_and_counts_the_rest(world, work):
    for index in range(dashboard.ITEMS_PER_PANEL + 2):
        _contract(world.own, f"Ekstra kontrakt {index}")
    response = client_for(world, "own_admin").get(reverse("home"))
    notice = _panel(response, "notice_deadlines")
    assert notice.count('<li class="dash-item') == dashboard.ITEMS_PER_PANEL
    assert "(3 flere)" in notice


def _more_of_everything(world, count):
    vendor = Vendor.objects.create(name="Anden leverandør A/S")
    today = timezone.localdate()
    for index in range(count):
        for owner in (world.own, world.peer):
            _contract(owner, f"Flere kontrakter {owner.pk}-{index}", vendor=vendor)
        _red_project(world, world.own, f"Flere projekter {index}")
        project = joint_project(world, title=f"Flere fælles {index}")
        GateRequest.objects.create(
            project=project,
            to_phase=Phase.objects.get(project_model=project.project_model, code="analysis"),
            meeting=SteeringMeeting.objects.filter(date__gte=today).first(),
        )


@pytest.mark.parametrize("persona", ["association_admin", "own_admin", "own_editor"])
def test_the_front_page_has_a_fixed_query_budget(world, work, persona):
    client = client_for(world, persona)
    client.get(reverse("home"))  # content types and sessions warmed up
    few = count_queries(lambda: client.get(reverse("home")), world)
    _more_of_everything(world, 6)
    many = count_queries(lambda: client.get(reverse("home")), world)
    assert few == many
    assert many <= 20


def test_core_names_no_domain_app():
    source = Path(dashboard.__file__).read_text()
    for app in ("landscape", "portfolio", "procurement", "organizations"):
        assert f"samdigi.{app}" not in source


def test_every_domain_panel_is_registered_in_order():
    keys = [provider.key for provider in dashboard.providers()]
    assert keys == [
        "notice_deadlines",
        "option_decisions",
        "retender_starts",
        "projects_attention",
        "status_reports_due",
        "next_meeting",
        "overdue_milestones",
        "overdue_risk_reviews",
        "recent_changes",
    ]


def test_the_dashboard_in_english_has_english_dates_and_words(world, work):
    client = client_for(world, "own_admin")
    client.cookies["django_language"] = "en"
    response = client.get(reverse("home"))
    notice = _panel(response, "notice_deadlines")
    assert "Notice deadlines" in notice and "overdue by" in notice
    deadline = work["own_contract"].notice_deadline
    assert deadline.isoformat() not in notice.replace(f'datetime="{deadline.isoformat()}"', "")
    assert f"{deadline.day} {deadline.strftime('%B')} {deadline.year}" in notice
    assert "overskredet" not in response.content.decode()
