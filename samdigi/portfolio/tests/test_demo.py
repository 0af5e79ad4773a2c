"""The demo portfolio loads, covers every phase and all three lights, and loads only once."""

import io

import pytest

from samdigi.core.history import acting_as
from samdigi.organizations.management.commands.seed_demo import seed_organizations
from samdigi.portfolio import demo
from samdigi.portfolio.models import GateDecision, Project, StatusReport, StrategyGoal


@pytest.mark.django_db
def test_the_demo_portfolio_is_complete_and_idempotent():
    with acting_as(None):
        seed_organizations()
        first = demo.seed(io.StringIO())
        again = demo.seed(io.StringIO())
    assert first > 100 and again == 0
    assert set(Project.objects.values_list("phase__code", flat=True)) == {
        "idea",
        "analysis",
        "procurement",
        "execution",
        "realisation",
        "closed",
    }
    assert set(Project.objects.values_list("kind", flat=True)) == {"local", "joint"}
    assert set(StatusReport.objects.values_list("computed_light", flat=True)) >= {
        "green",
        "yellow",
        "red",
    }
    assert StrategyGoal.objects.count() == 4
    assert GateDecision.objects.filter(meeting__isnull=False).exists()


@pytest.mark.django_db
def test_every_page_of_the_demo_portfolio_opens_for_the_secretariat():
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from samdigi.portfolio.views import PROJECT_TABS

    with acting_as(None):
        seed_organizations()
        demo.seed(io.StringIO())
    client = Client()
    client.force_login(get_user_model().objects.get(username="sekretariat"))
    for project in Project.objects.all():
        assert client.get(project.get_absolute_url()).status_code == 200
        for slug, _label, _template in PROJECT_TABS:
            url = reverse("portfolio:project_tab", args=[project.pk, slug])
            assert client.get(url).status_code == 200, url
    for name in (
        "project_list",
        "timeline",
        "risk_list",
        "steeringmeeting_list",
        "strategy_list",
        "gatedecision_list",
        "benefit_list",
        "statusreport_list",
        "milestone_list",
    ):
        assert client.get(reverse(f"portfolio:{name}")).status_code == 200, name
    for goal in StrategyGoal.objects.all():
        assert client.get(goal.get_absolute_url()).status_code == 200
    for decision in GateDecision.objects.all()[:5]:
        assert client.get(decision.get_absolute_url()).status_code == 200
    assert client.get(reverse("portfolio:municipality_portfolio", args=["265"])).status_code == 200
    from samdigi.portfolio.models import Benefit, BusinessCase, SteeringMeeting

    assert client.get(Benefit.objects.first().get_absolute_url()).status_code == 200
    assert client.get(BusinessCase.objects.first().get_absolute_url()).status_code == 200
    # The quarterly meetings held, and the next one with a request on its agenda.
    assert SteeringMeeting.objects.count() == 8
    for meeting in SteeringMeeting.objects.all():
        assert client.get(meeting.get_absolute_url()).status_code == 200
        export = reverse("portfolio:meeting_export", args=[meeting.pk, "minutes"])
        assert client.get(export).status_code == 200
    project = Project.objects.filter(kind="joint", phase__closes_project=False).first()
    for name in (
        "project_add",
        "risk_add",
        "statusreport_add",
        "milestone_add",
        "benefit_add",
        "participant_add",
        "costline_add",
        "businesscase_add",
        "steeringmeeting_add",
        "strategy_add",
        "strategygoal_add",
        "measurement_add",
        "businesscaseline_add",
    ):
        assert (
            client.get(reverse(f"portfolio:{name}"), {"project": project.pk}).status_code == 200
        ), name
    assert client.get(reverse("portfolio:project_edit", args=[project.pk])).status_code == 200
    assert client.get(reverse("portfolio:gate_request", args=[project.pk])).status_code == 200
