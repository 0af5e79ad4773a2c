"""Admin: the project models (phases and gate requirements) are configured here; the rest is
available for support."""

from django.contrib import admin

from samdigi.portfolio.models import (
    Benefit,
    BusinessCase,
    BusinessCaseLine,
    CostLine,
    GateDecision,
    GateRequest,
    GateRequirement,
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


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(ProjectModel)
class ProjectModelAdmin(admin.ModelAdmin):
    list_display = ("name", "association", "key", "status_cadence_months", "discount_rate")
    list_filter = ("association",)
    inlines = [PhaseInline]


class GateRequirementInline(admin.TabularInline):
    model = GateRequirement
    extra = 1


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("name", "project_model", "order", "skippable", "closes_project")
    list_filter = ("project_model__association",)
    inlines = [GateRequirementInline]


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    autocomplete_fields = ("municipality",)


class CostLineInline(admin.TabularInline):
    model = CostLine
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "owner", "phase", "published")
    list_filter = ("kind", "phase__code", "published")
    search_fields = ("title",)
    readonly_fields = ("phase", "baseline_budget", "baseline_end", "baseline_benefits")
    inlines = [ParticipantInline, CostLineInline]


class BusinessCaseLineInline(admin.TabularInline):
    model = BusinessCaseLine
    extra = 0


@admin.register(BusinessCase)
class BusinessCaseAdmin(admin.ModelAdmin):
    list_display = ("project", "number", "start_year", "frozen")
    readonly_fields = ("frozen",)
    inlines = [BusinessCaseLineInline]


@admin.register(GateRequest)
class GateRequestAdmin(admin.ModelAdmin):
    list_display = ("project", "to_phase", "status", "requested_on", "meeting")
    list_filter = ("status",)


@admin.register(GateDecision)
class GateDecisionAdmin(admin.ModelAdmin):
    list_display = ("project", "to_phase", "outcome", "decided_on")
    list_filter = ("outcome",)

    def has_change_permission(self, request, obj=None):
        # A decision is a record: it moved the phase and set the baseline when it was taken.
        return False


@admin.register(SteeringMeeting)
class SteeringMeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "date", "owner")


@admin.register(Risk)
class RiskAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "probability", "consequence", "status")
    list_filter = ("status",)


@admin.register(StatusReport)
class StatusReportAdmin(admin.ModelAdmin):
    list_display = ("project", "period_end", "manager_rating", "cost_light", "schedule_light")


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "due", "done_on")


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0


@admin.register(Benefit)
class BenefitAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "kind", "target_value", "target_date")
    inlines = [MeasurementInline]


class StrategyGoalInline(admin.TabularInline):
    model = StrategyGoal
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "period_start", "period_end")
    inlines = [StrategyGoalInline]
