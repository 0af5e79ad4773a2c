from django.urls import path

from samdigi.core.views import ObjectDeleteView, model_urls, section
from samdigi.portfolio import public, views
from samdigi.portfolio.models import (
    Benefit,
    BusinessCase,
    BusinessCaseLine,
    CostLine,
    GateDecision,
    GateRequest,
    Measurement,
    Milestone,
    Participant,
    Phase,
    Project,
    ProjectModel,
    Risk,
    StatusReport,
    SteeringMeeting,
    Strategy,
    StrategyGoal,
)

app_name = "portfolio"


urlpatterns = [
    path("public/projects/", public.public_project_list, name="public_projects"),
    path("public/projects/<int:pk>/", public.public_project_detail, name="public_project"),
    path("projects/timeline/", views.portfolio_timeline, name="timeline"),
    path("projects/<int:pk>/gate/", views.gate_request, name="gate_request"),
    path(
        "projects/<int:pk>/documents/add/", views.project_attachment_upload, name="attachment_add"
    ),
    path("portfolio/documents/<int:pk>/", views.attachment_download, name="attachment"),
    path("gate-requests/<int:pk>/decide/", views.gate_decide, name="gate_decide"),
    path(
        "gate-requests/<int:pk>/schedule/",
        views.gate_request_schedule,
        name="gaterequest_schedule",
    ),
    path("meetings/<int:pk>/agenda/add/", views.meeting_agenda_add, name="meeting_agenda_add"),
    path(
        "meetings/<int:pk>/agenda/<int:gate_pk>/remove/",
        views.meeting_agenda_remove,
        name="meeting_agenda_remove",
    ),
    path(
        "projects/<int:pk>/invite-members/",
        views.project_invite_members,
        name="project_invite_members",
    ),
    path("phases/<int:pk>/move/<str:direction>/", views.phase_move, name="phase_move"),
    path("participants/<int:pk>/answer/", views.participant_answer, name="participant_answer"),
    path(
        "business-cases/<int:pk>/new-version/",
        views.business_case_new_version,
        name="businesscase_new_version",
    ),
    path("meetings/<int:pk>/<str:part>.docx", views.meeting_export, name="meeting_export"),
    path(
        "portfolio/municipalities/<str:code>/",
        views.municipality_portfolio,
        name="municipality_portfolio",
    ),
    section(
        "projects/",
        model_urls(
            Project,
            views.ProjectListView,
            views.ProjectDetailView,
            views.ProjectEditView,
            views.ProjectDeleteView,
        ),
    ),
    section(
        "participants/",
        model_urls(
            Participant, None, None, views.ParticipantEditView, views.ProjectChildDeleteView
        ),
    ),
    section(
        "cost-lines/",
        model_urls(CostLine, None, None, views.CostLineEditView, views.ProjectChildDeleteView),
    ),
    section(
        "risks/",
        model_urls(
            Risk,
            views.RiskListView,
            views.RiskDetailView,
            views.RiskEditView,
            views.ProjectChildDeleteView,
        ),
    ),
    section(
        "status-reports/",
        model_urls(
            StatusReport,
            views.StatusReportListView,
            views.StatusReportDetailView,
            views.StatusReportEditView,
            views.ProjectChildDeleteView,
        ),
    ),
    section(
        "milestones/",
        model_urls(
            Milestone,
            views.MilestoneListView,
            views.MilestoneDetailView,
            views.MilestoneEditView,
            views.ProjectChildDeleteView,
        ),
    ),
    section(
        "benefits/",
        model_urls(
            Benefit,
            views.BenefitListView,
            views.BenefitDetailView,
            views.BenefitEditView,
            views.ProjectChildDeleteView,
        ),
    ),
    section(
        "measurements/",
        model_urls(Measurement, None, None, views.MeasurementEditView, views.MeasurementDeleteView),
    ),
    section(
        "business-cases/",
        model_urls(
            BusinessCase,
            None,
            views.BusinessCaseDetailView,
            views.BusinessCaseEditView,
            views.ProjectChildDeleteView,
        ),
    ),
    section(
        "business-case-lines/",
        model_urls(
            BusinessCaseLine,
            None,
            None,
            views.BusinessCaseLineEditView,
            views.BusinessCaseLineDeleteView,
        ),
    ),
    section(
        "gate-decisions/",
        model_urls(GateDecision, views.GateDecisionListView, views.GateDecisionDetailView),
    ),
    section(
        "meetings/",
        model_urls(
            SteeringMeeting,
            views.SteeringMeetingListView,
            views.SteeringMeetingDetailView,
            views.SteeringMeetingEditView,
            ObjectDeleteView,
        ),
    ),
    section(
        "strategies/",
        model_urls(
            Strategy,
            views.StrategyListView,
            views.StrategyDetailView,
            views.StrategyEditView,
            ObjectDeleteView,
        ),
    ),
    section(
        "strategy-goals/",
        model_urls(
            StrategyGoal,
            None,
            views.StrategyGoalDetailView,
            views.StrategyGoalEditView,
            views.StrategyGoalDeleteView,
        ),
    ),
    section(
        "gate-requests/",
        model_urls(GateRequest, None, views.GateRequestDetailView),
    ),
    section(
        "project-models/",
        model_urls(
            ProjectModel,
            views.ProjectModelListView,
            views.ProjectModelDetailView,
            views.ProjectModelEditView,
            views.ProjectModelDeleteView,
        ),
    ),
    section(
        "phases/",
        model_urls(Phase, None, None, views.PhaseEditView, views.PhaseDeleteView),
    ),
]
