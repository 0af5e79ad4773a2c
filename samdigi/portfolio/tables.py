"""List-page tables of the portfolio; their columns are also the export's columns."""

from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samdigi.core.tables import Column, Table
from samdigi.portfolio.filters import latest_light_subquery
from samdigi.portfolio.models import (
    Benefit,
    CostLine,
    GateDecision,
    Light,
    Milestone,
    Project,
    ProjectModel,
    Risk,
    StatusReport,
    SteeringMeeting,
    Strategy,
)

LIGHT_TEMPLATE = "portfolio/light.html"


class LightColumn(Column):
    """A traffic light drawn as the one marker include (shape and name, never colour alone); the
    export gets the light's name. With `closed_accessor`, a closed project shows no light."""

    def __init__(self, accessor, closed_accessor=None, **kwargs):
        super().__init__(accessor, **kwargs)
        self.closed_accessor = closed_accessor

    def _closed(self, obj):
        return bool(self.closed_accessor and getattr(obj, self.closed_accessor))

    def raw(self, obj):
        if self._closed(obj):
            return gettext("Project closed")
        value = getattr(obj, self.accessor, "")
        return Light(value).label if value in Light.values else ""

    def text(self, obj):
        value = getattr(obj, self.accessor, "") or ""
        return render_to_string(
            LIGHT_TEMPLATE, {"value": value, "project_closed": self._closed(obj)}
        )


def portfolio_summary(queryset, today=None):
    """Counts per light, approved budget and spend of the (filtered) projects, in two aggregate
    queries whatever their number. Closed projects count as closed, never by their last light.
    Spend is the projects' cost lines up to and including the current year."""
    today = today or timezone.localdate()
    # The filtered rows may repeat a project (joins of the filters); counting and summing over the
    # distinct ids keeps every project once.
    ids = queryset.order_by().values("pk")
    projects = Project.objects.filter(pk__in=ids).annotate(latest_light=latest_light_subquery())
    open_projects = Q(phase__closes_project=False) | Q(phase__isnull=True)
    totals = projects.aggregate(
        total=Count("pk"),
        green=Count("pk", filter=open_projects & Q(latest_light=Light.GREEN)),
        yellow=Count("pk", filter=open_projects & Q(latest_light=Light.YELLOW)),
        red=Count("pk", filter=open_projects & Q(latest_light=Light.RED)),
        closed=Count("pk", filter=Q(phase__closes_project=True)),
        budget=Sum("baseline_budget"),
    )
    spend = CostLine.objects.filter(project__in=ids, year__lte=today.year).aggregate(
        spend=Sum("amount")
    )["spend"]
    no_light = totals["total"] - totals["green"] - totals["yellow"] - totals["red"]
    return {
        **totals,
        "none": no_light - totals["closed"],
        "budget": totals["budget"] or 0,
        "spend": spend or 0,
        "year": today.year,
    }


class ProjectTable(Table):
    model = Project
    select_related = ("owner", "phase", "project_manager", "project_model__association")
    title = Column("title", link=True)
    kind = Column("kind")
    owner = Column("owner.name", label=_("owner"))
    phase = Column("phase.label", label=_("phase"), order_by="phase__order")
    project_manager = Column(
        "project_manager.get_full_name",
        label=_("project manager"),
        order_by="project_manager__last_name",
    )
    innovation_area = Column("innovation_area")
    baseline_budget = Column("baseline_budget")
    baseline_end = Column("baseline_end")
    latest_light = LightColumn(
        "latest_light",
        closed_accessor="is_closed",
        label=_("status light"),
        order_by="latest_light",
    )
    published = Column("published")

    summary_template = "portfolio/portfolio_summary.html"

    @cached_property
    def summary(self):
        return portfolio_summary(self.queryset)


class RiskTable(Table):
    model = Risk
    select_related = ("project",)
    title = Column("title", link=True)
    project = Column("project.title", label=_("project"))
    probability = Column("probability")
    consequence = Column("consequence")
    score = Column("score", label=_("score"), order_by=None)
    residual_score = Column("residual_score", label=_("residual score"), order_by=None)
    responsible = Column("responsible")
    status = Column("status")
    next_review = Column("next_review")


class StatusReportTable(Table):
    model = StatusReport
    select_related = ("project",)
    period_end = Column("period_end", link=True)
    project = Column("project.title", label=_("project"))
    manager_rating = LightColumn("manager_rating", label=_("manager's overall rating"))
    cost_light = LightColumn("cost_light", label=_("computed cost light"))
    schedule_light = LightColumn("schedule_light", label=_("computed schedule light"))
    forecast_cost = Column("forecast_cost")
    forecast_end = Column("forecast_end")


class MilestoneTable(Table):
    model = Milestone
    select_related = ("project",)
    title = Column("title", link=True)
    project = Column("project.title", label=_("project"))
    due = Column("due")
    done_on = Column("done_on")


class BenefitTable(Table):
    model = Benefit
    select_related = ("project", "receiving_municipality")
    title = Column("title", link=True)
    project = Column("project.title", label=_("project"))
    kind = Column("kind")
    kpi = Column("kpi")
    receiving = Column("receiving_municipality.name", label=_("receiving municipality"))
    baseline_value = Column("baseline_value")
    target_value = Column("target_value")
    target_date = Column("target_date")


class GateDecisionTable(Table):
    model = GateDecision
    select_related = ("project", "to_phase", "from_phase")
    decided_on = Column("decided_on", link=True)
    project = Column("project.title", label=_("project"))
    from_phase = Column("from_phase.label", label=_("from phase"))
    to_phase = Column("to_phase.label", label=_("into phase"))
    outcome = Column("outcome")
    baseline_budget = Column("baseline_budget")
    baseline_end = Column("baseline_end")


class SteeringMeetingTable(Table):
    model = SteeringMeeting
    select_related = ("owner",)
    date = Column("date", link=True)
    title = Column("title")
    owner = Column("owner.name", label=_("association"))
    location = Column("location")


class StrategyTable(Table):
    model = Strategy
    select_related = ("owner",)
    title = Column("title", link=True)
    owner = Column("owner.name", label=_("owner"))
    period_start = Column("period_start")
    period_end = Column("period_end")


class ProjectModelTable(Table):
    model = ProjectModel
    select_related = ("association",)
    name = Column("name", link=True)
    key = Column("key")
    association = Column("association.name", label=_("association"))
    status_cadence_months = Column("status_cadence_months")
    discount_rate = Column("discount_rate")
