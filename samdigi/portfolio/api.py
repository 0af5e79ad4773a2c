"""API of the portfolio app: projects and their rows, decisions, meetings and strategies.

Computed values (phase, baseline, traffic lights, cost shares) are read-only: a project's phase
and baseline change only through a gate decision recorded on the pages.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from samdigi.core.access import scope_for
from samdigi.core.api import ModelViewSet, VersionedSerializer
from samdigi.organizations.models import Organization
from samdigi.portfolio import filters, services
from samdigi.portfolio.models import (
    Benefit,
    BusinessCase,
    GateDecision,
    Light,
    Milestone,
    Participant,
    Project,
    ProjectModel,
    Risk,
    StatusReport,
    SteeringMeeting,
    Strategy,
    StrategyGoal,
)
from samdigi.portfolio.views import project_list_queryset

COMMON = ["version", "created_at", "updated_at"]


# Described without an enum: one choice set under many field names would make the schema
# generator warn (and the schema check fails on warnings).
@extend_schema_field(
    {"type": "string", "description": "A traffic light: green, yellow or red (empty: none)."}
)
class LightField(serializers.ChoiceField):
    """A traffic light; empty when it cannot be computed (no baseline or no forecast)."""

    def __init__(self, **kwargs):
        super().__init__(choices=Light.choices, **kwargs)


class ProjectSerializer(VersionedSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    phase = serializers.SlugRelatedField(slug_field="code", read_only=True)
    phase_name = serializers.CharField(source="phase.name", read_only=True, default="")
    latest_light = LightField(read_only=True, default="")
    project_owner = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    project_manager = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "kind",
            "owner",
            "project_model",
            "phase",
            "phase_name",
            "summary",
            "background",
            "project_owner",
            "project_manager",
            "kle",
            "systems",
            "goals",
            "innovation_area",
            "innovation_degree",
            "innovation_type",
            "tags",
            "internal",
            "published",
            "start_date",
            "planned_end",
            "cost_key",
            "population_date",
            "baseline_budget",
            "baseline_end",
            "baseline_benefits",
            "latest_light",
            *COMMON,
        ]
        read_only_fields = ["baseline_budget", "baseline_end", "baseline_benefits"]
        extra_kwargs = {
            "kle": {"required": False},
            "systems": {"required": False},
            "goals": {"required": False},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The owner decides who may create (403 otherwise); the model's clean() checks that the
        # owner belongs to the project model's association.
        self.fields["project_model"].queryset = ProjectModel.objects.all()


class ProjectChildSerializer(VersionedSerializer):
    """A row of a project: `project` names any project; the viewset checks it may be changed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "project" in self.fields and hasattr(self.fields["project"], "queryset"):
            self.fields["project"].queryset = Project.objects.all()


class ParticipantSerializer(ProjectChildSerializer):
    municipality_code = serializers.CharField(source="municipality.code", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "project",
            "municipality",
            "municipality_code",
            "municipality_name",
            "status",
            "agreed_percentage",
            "responded_on",
            *COMMON,
        ]
        read_only_fields = ["responded_on"]


class RiskSerializer(ProjectChildSerializer):
    score = serializers.IntegerField(read_only=True)
    residual_score = serializers.IntegerField(read_only=True, allow_null=True)
    level = serializers.CharField(read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "project",
            "title",
            "description",
            "probability",
            "consequence",
            "score",
            "level",
            "residual_probability",
            "residual_consequence",
            "residual_score",
            "responsible",
            "response",
            "mitigation",
            "status",
            "next_review",
            *COMMON,
        ]


class StatusReportSerializer(ProjectChildSerializer):
    manager_rating = LightField()
    manager_cost_rating = LightField(required=False, allow_blank=True)
    manager_schedule_rating = LightField(required=False, allow_blank=True)
    cost_light = LightField(read_only=True)
    schedule_light = LightField(read_only=True)
    computed_light = LightField(read_only=True)

    class Meta:
        model = StatusReport
        fields = [
            "id",
            "project",
            "period_end",
            "manager_rating",
            "manager_cost_rating",
            "manager_schedule_rating",
            "summary",
            "forecast_cost",
            "forecast_end",
            "cost_light",
            "schedule_light",
            "computed_light",
            "cost_reason",
            "schedule_reason",
            *COMMON,
        ]
        read_only_fields = [
            "cost_light",
            "schedule_light",
            "computed_light",
            "cost_reason",
            "schedule_reason",
        ]


class MilestoneSerializer(ProjectChildSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "project", "title", "due", "done_on", "description", *COMMON]


class MeasurementSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.DecimalField(max_digits=15, decimal_places=2)
    note = serializers.CharField()


class BenefitSerializer(ProjectChildSerializer):
    measurements = serializers.SerializerMethodField()

    class Meta:
        model = Benefit
        fields = [
            "id",
            "project",
            "title",
            "kind",
            "responsible",
            "receiving_municipality",
            "kpi",
            "measurement_method",
            "unit",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "measurements",
            *COMMON,
        ]

    @extend_schema_field(MeasurementSerializer(many=True))
    def get_measurements(self, obj):
        return MeasurementSerializer(obj.measurements.all(), many=True).data


class BusinessCaseLineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    investment = serializers.DecimalField(max_digits=15, decimal_places=2)
    running = serializers.DecimalField(max_digits=15, decimal_places=2)
    budget_releasing = serializers.DecimalField(max_digits=15, decimal_places=2)
    other_economic = serializers.DecimalField(max_digits=15, decimal_places=2)
    non_monetary = serializers.CharField()


class BusinessCaseSerializer(ProjectChildSerializer):
    lines = serializers.SerializerMethodField()
    frozen = serializers.BooleanField(read_only=True)

    class Meta:
        model = BusinessCase
        fields = [
            "id",
            "project",
            "number",
            "title",
            "start_year",
            "discount_rate",
            "notes",
            "frozen",
            "lines",
            *COMMON,
        ]

    @extend_schema_field(BusinessCaseLineSerializer(many=True))
    def get_lines(self, obj):
        return BusinessCaseLineSerializer(obj.lines.all(), many=True).data


class GateDecisionSerializer(VersionedSerializer):
    from_phase = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_phase = serializers.SlugRelatedField(slug_field="code", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = GateDecision
        fields = [
            "id",
            "project",
            "request",
            "from_phase",
            "to_phase",
            "outcome",
            "decided_on",
            "decided_by",
            "decision_body",
            "conditions",
            "meeting",
            "baseline_budget",
            "baseline_end",
            "baseline_benefits",
            "business_case",
            *COMMON,
        ]
        read_only_fields = fields


class SteeringMeetingSerializer(VersionedSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())

    class Meta:
        model = SteeringMeeting
        fields = ["id", "owner", "title", "date", "location", "other_items", "minutes", *COMMON]


class StrategyGoalSerializer(VersionedSerializer):
    class Meta:
        model = StrategyGoal
        fields = ["id", "strategy", "number", "title", "description", *COMMON]


class StrategySerializer(VersionedSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    goals = serializers.SerializerMethodField()

    class Meta:
        model = Strategy
        fields = [
            "id",
            "owner",
            "title",
            "period_start",
            "period_end",
            "description",
            "url",
            "internal",
            "goals",
            *COMMON,
        ]

    @extend_schema_field(
        inline_serializer(
            "StrategyGoalBrief",
            {
                "id": serializers.IntegerField(),
                "number": serializers.IntegerField(),
                "title": serializers.CharField(),
            },
            many=True,
        )
    )
    def get_goals(self, obj):
        return [{"id": g.pk, "number": g.number, "title": g.title} for g in obj.goals.all()]


CostSharesSchema = inline_serializer(
    "CostShares",
    {
        "total": serializers.DecimalField(max_digits=15, decimal_places=2),
        "shares": inline_serializer(
            "CostShare",
            {
                "municipality_code": serializers.CharField(),
                "year": serializers.IntegerField(),
                "amount": serializers.DecimalField(max_digits=15, decimal_places=2),
            },
            many=True,
        ),
    },
)


class ProjectViewSet(ModelViewSet):
    """Projects: `kind` local or joint, `phase` read-only (moved only by gate decisions)."""

    queryset = project_list_queryset()
    serializer_class = ProjectSerializer
    filterset_class = filters.ProjectFilterSet
    select_related = ("phase", "project_owner", "project_manager")
    prefetch_related = ("kle", "systems", "goals")

    def check_create(self, data):
        """As on the page: editors of a member municipality may propose a joint project to the
        association; the proposer then manages it until the association decides."""
        owner = data.get("owner")
        scope = scope_for(self.request.user)
        if owner is not None and not scope.can_edit_owned(owner.pk):
            if owner.pk not in scope.associations_edited_through_members():
                raise exceptions.PermissionDenied(
                    _("You may not create records for this organisation.")
                )
            if data.get("kind") != Project.Kind.JOINT:
                raise exceptions.ValidationError(
                    {"kind": _("A project proposed to an association is a joint project.")}
                )
            data.setdefault("project_manager", self.request.user)
            if data["project_manager"] is None:
                data["project_manager"] = self.request.user

    @extend_schema(responses=CostSharesSchema)
    @action(detail=True, methods=["get"], url_path="cost-shares")
    def cost_shares(self, request, *args, **kwargs):
        project = self.get_object()
        shares = services.cost_shares(project)
        if shares.error:
            raise exceptions.ValidationError({"cost_key": shares.error})
        return Response(
            {
                "total": str(shares.total),
                "shares": [
                    {
                        "municipality_code": s["municipality_code"],
                        "year": s["year"],
                        "amount": str(s["amount"]),
                    }
                    for s in shares.shares
                ],
            }
        )


class ProjectChildViewSet(ModelViewSet):
    """Rows of a project: created and moved only into projects the user may change."""

    select_related = ("project",)

    def check_create(self, data):
        self.check_project(data.get("project"))

    def check_project(self, project):
        if project is None:
            return
        projects = Project.objects.editable_by(self.request.user)
        if not getattr(self.queryset.model, "editable_after_closure", False):
            projects = projects.exclude(phase__closes_project=True)
        if not projects.filter(pk=project.pk).exists():
            raise exceptions.PermissionDenied(_("You may not change this project."))

    def perform_update(self, serializer):
        project = serializer.validated_data.get("project")
        if project is not None and project.pk != serializer.instance.project_id:
            self.check_project(project)
        serializer.save()


class ParticipantViewSet(ProjectChildViewSet):
    queryset = Participant.objects.all()
    serializer_class = ParticipantSerializer
    filterset_class = filters.ParticipantFilterSet
    select_related = ("project", "municipality")

    def check_project(self, project):
        super().check_project(project)
        if project is not None and not project.is_joint:
            raise exceptions.ValidationError(
                {"project": _("Only joint projects have participants.")}
            )


class RiskViewSet(ProjectChildViewSet):
    queryset = Risk.objects.all()
    serializer_class = RiskSerializer
    filterset_class = filters.RiskFilterSet


class StatusReportViewSet(ProjectChildViewSet):
    """Status reports: `cost_light` and `schedule_light` are computed, beside `manager_rating`."""

    queryset = StatusReport.objects.all()
    serializer_class = StatusReportSerializer
    filterset_class = filters.StatusReportFilterSet


class MilestoneViewSet(ProjectChildViewSet):
    queryset = Milestone.objects.all()
    serializer_class = MilestoneSerializer
    filterset_class = filters.MilestoneFilterSet


class BenefitViewSet(ProjectChildViewSet):
    queryset = Benefit.objects.all()
    serializer_class = BenefitSerializer
    filterset_class = filters.BenefitFilterSet
    prefetch_related = ("measurements",)


class BusinessCaseViewSet(ProjectChildViewSet):
    queryset = BusinessCase.objects.all()
    serializer_class = BusinessCaseSerializer
    filterset_class = filters.BusinessCaseFilterSet
    prefetch_related = ("lines",)


class GateDecisionViewSet(ModelViewSet):
    """Gate decisions, read-only here: they are recorded through the gate flow."""

    queryset = GateDecision.objects.all()
    serializer_class = GateDecisionSerializer
    filterset_class = filters.GateDecisionFilterSet
    select_related = ("from_phase", "to_phase", "decided_by")
    http_method_names = ["get", "head", "options"]


class SteeringMeetingViewSet(ModelViewSet):
    queryset = SteeringMeeting.objects.all()
    serializer_class = SteeringMeetingSerializer
    filterset_class = filters.SteeringMeetingFilterSet

    def check_create(self, data):
        super().check_create(data)
        if scope_for(self.request.user).is_superuser:
            return
        owner = data.get("owner")
        if owner is not None and owner.kind != Organization.Kind.ASSOCIATION:
            raise exceptions.ValidationError({"owner": _("A meeting belongs to an association.")})


class StrategyViewSet(ModelViewSet):
    queryset = Strategy.objects.all()
    serializer_class = StrategySerializer
    filterset_class = filters.StrategyFilterSet
    prefetch_related = (Prefetch("goals", queryset=StrategyGoal.objects.order_by("number")),)


class StrategyGoalViewSet(ModelViewSet):
    queryset = StrategyGoal.objects.all()
    serializer_class = StrategyGoalSerializer
    select_related = ("strategy",)

    def check_create(self, data):
        strategy = data.get("strategy")
        if (
            strategy is not None
            and not Strategy.objects.editable_by(self.request.user).filter(pk=strategy.pk).exists()
        ):
            raise exceptions.PermissionDenied(_("You may not change this strategy."))


def register(router):
    """Add this app's viewsets to the API router."""
    router.register("projects", ProjectViewSet)
    router.register("project-participants", ParticipantViewSet)
    router.register("gate-decisions", GateDecisionViewSet)
    router.register("meetings", SteeringMeetingViewSet)
    router.register("business-cases", BusinessCaseViewSet)
    router.register("risks", RiskViewSet)
    router.register("status-reports", StatusReportViewSet)
    router.register("milestones", MilestoneViewSet)
    router.register("benefits", BenefitViewSet)
    router.register("strategies", StrategyViewSet)
    router.register("strategy-goals", StrategyGoalViewSet)
