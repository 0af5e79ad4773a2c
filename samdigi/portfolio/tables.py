"""List-page tables of the portfolio; their columns are also the export's columns."""

from django.utils.translation import gettext_lazy as _

from samdigi.core.tables import Column, Table
from samdigi.portfolio.models import (
    Benefit,
    GateDecision,
    Milestone,
    Project,
    ProjectModel,
    Risk,
    StatusReport,
    SteeringMeeting,
    Strategy,
)


class ProjectTable(Table):
    model = Project
    select_related = ("owner", "phase", "project_manager", "project_model__association")
    title = Column("title", link=True)
    kind = Column("kind")
    owner = Column("owner.name", label=_("owner"))
    phase = Column("phase.name", label=_("phase"), order_by="phase__order")
    project_manager = Column(
        "project_manager.get_full_name",
        label=_("project manager"),
        order_by="project_manager__last_name",
    )
    innovation_area = Column("innovation_area")
    baseline_budget = Column("baseline_budget")
    baseline_end = Column("baseline_end")
    latest_light = Column("latest_light_label", label=_("status light"), order_by="latest_light")
    published = Column("published")


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
    manager_rating = Column("manager_rating")
    cost_light = Column("cost_light")
    schedule_light = Column("schedule_light")
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
    from_phase = Column("from_phase.name", label=_("from phase"))
    to_phase = Column("to_phase.name", label=_("into phase"))
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
