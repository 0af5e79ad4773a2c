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
