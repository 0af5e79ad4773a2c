"""API of the portfolio app: projects and their rows, decisions, meetings and strategies.

Computed values (phase, baseline, traffic lights, cost shares) are read-only: a project's phase
and baseline change only through a gate decision recorded on the pages.
"""

from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from samdigi.core.access import is_proposal, policy_of, scope_for
from samdigi.core.api import Conflict, ModelViewSet, VersionedSerializer
from samdigi.organizations.models import Association, Municipality, Organization
from samdigi.portfolio import filters, services
from samdigi.portfolio.documents import person_name
from samdigi.portfolio.models import (
    Benefit,
    BusinessCase,
    DocumentKind,
    GateDecision,
    GateRequest,
    Light,
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
    can_decide,
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
    phase_name = serializers.CharField(source="phase.label", read_only=True, default="")
    latest_light = LightField(read_only=True, allow_null=True, default="")
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
    # In the language asked for (Accept-Language); stored as a rule code with figures.
    cost_reason = serializers.CharField(source="cost_reason_text", read_only=True)
    schedule_reason = serializers.CharField(source="schedule_reason_text", read_only=True)

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
    decided_by_name = serializers.SerializerMethodField()

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
            "decided_by_name",
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

    def get_decided_by_name(self, obj) -> str:
        return person_name(obj.decided_by)


class SteeringMeetingSerializer(VersionedSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    agenda = serializers.PrimaryKeyRelatedField(
        source="gate_requests",
        many=True,
        read_only=True,
        help_text="The gate requests on the agenda (POST .../agenda/ to add one).",
    )

    class Meta:
        model = SteeringMeeting
        fields = [
            "id",
            "owner",
            "title",
            "date",
            "location",
            "other_items",
            "minutes",
            "agenda",
            *COMMON,
        ]


class GateRequestSerializer(VersionedSerializer):
    from_phase = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_phase = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requested_by_name = serializers.SerializerMethodField()

    class Meta:
        model = GateRequest
        fields = [
            "id",
            "project",
            "from_phase",
            "to_phase",
            "requested_on",
            "requested_by_name",
            "justification",
            "proposed_budget",
            "proposed_end",
            "status",
            "meeting",
            *COMMON,
        ]
        read_only_fields = fields

    def get_requested_by_name(self, obj) -> str:
        return person_name(obj.requested_by)


class AgendaAddSerializer(serializers.Serializer):
    gate_request = serializers.PrimaryKeyRelatedField(queryset=GateRequest.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "request" not in self.context:
            return  # the schema generator builds it without a request: nothing to offer
        user = self.context["request"].user
        self.fields["gate_request"].queryset = GateRequest.objects.visible_to(user)


class ScheduleSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=SteeringMeeting.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "request" not in self.context:
            return  # the schema generator builds it without a request: nothing to offer
        user = self.context["request"].user
        self.fields["meeting"].queryset = SteeringMeeting.objects.visible_to(user)


class GateDecisionInputSerializer(serializers.Serializer):
    """The steering committee's decision on a pending gate request."""

    outcome = serializers.ChoiceField(choices=GateDecision.Outcome.choices)
    decided_on = serializers.DateField(required=False)
    decision_body = serializers.CharField(max_length=200, required=False, allow_blank=True)
    conditions = serializers.CharField(required=False, allow_blank=True)
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=SteeringMeeting.objects.none(), required=False, allow_null=True
    )
    baseline_budget = serializers.DecimalField(
        max_digits=15, decimal_places=2, required=False, allow_null=True
    )
    baseline_end = serializers.DateField(required=False, allow_null=True)
    baseline_benefits = serializers.CharField(required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "request" not in self.context:
            return  # the schema generator builds it without a request: nothing to offer
        user = self.context["request"].user
        gate = self.context["gate"]
        self.fields["meeting"].queryset = SteeringMeeting.objects.visible_to(user).filter(
            owner_id=gate.project.project_model.association_id
        )

    def validate(self, attrs):
        gate = self.context["gate"]
        if attrs.get("outcome") == GateDecision.Outcome.APPROVED_WITH_CONDITIONS and not attrs.get(
            "conditions"
        ):
            raise serializers.ValidationError(
                {"conditions": _("Write the conditions of the approval.")}
            )
        attrs.setdefault("decided_on", timezone.localdate())
        meeting = attrs.get("meeting", gate.meeting)
        attrs["meeting"] = meeting
        problem = services.decision_date_problem(attrs["decided_on"], gate, meeting)
        if problem:
            raise serializers.ValidationError({"decided_on": problem})
        return attrs


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


InvitedSchema = inline_serializer(
    "InvitedMunicipalities",
    {
        "invited": serializers.ListField(child=serializers.CharField()),
        "count": serializers.IntegerField(),
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
        super().check_create(data)
        owner = data.get("owner")
        if owner is not None and is_proposal(self.request.user, Project, owner.pk):
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

    @extend_schema(request=None, responses={200: InvitedSchema, 201: InvitedSchema})
    @action(detail=True, methods=["post"], url_path="invite-members")
    def invite_members(self, request, *args, **kwargs):
        """Invite every current member municipality of the association that does not take part
        yet (status invited)."""
        project = self.get_object()
        self.check_editable(project)
        if project.is_closed:
            raise exceptions.PermissionDenied(_("You may not change this project."))
        if not project.is_joint:
            raise exceptions.ValidationError(
                {"project": _("Only joint projects have participants.")}
            )
        invited = services.invite_all_members(project, request.user)
        codes = sorted(
            Municipality.objects.filter(pk__in=[p.municipality_id for p in invited]).values_list(
                "code", flat=True
            )
        )
        return Response({"invited": codes, "count": len(codes)}, status=201 if codes else 200)


class ProjectChildViewSet(ModelViewSet):
    """Rows of a project: created and moved only into projects the user may change."""

    select_related = ("project",)

    def check_create(self, data):
        self.check_project(data.get("project"))

    def check_project(self, project):
        if project is None:
            return
        user = self.request.user
        if getattr(self.queryset.model, "editable_after_closure", False):
            projects = Project.objects.editable_by(user)
        else:
            projects = Project.objects.open_editable_by(user)
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


class GateRequestViewSet(ModelViewSet):
    """Gate requests, read here; asked for on the project's page. POST .../decide/ records the
    steering committee's decision; POST .../agenda/ puts a pending one on a meeting's agenda."""

    queryset = GateRequest.objects.all()
    serializer_class = GateRequestSerializer
    filterset_class = filters.GateRequestFilterSet
    select_related = ("project", "from_phase", "to_phase", "requested_by")
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed("POST")

    @extend_schema(request=GateDecisionInputSerializer, responses={201: GateDecisionSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, *args, **kwargs):
        gate = self.get_object()
        if not can_decide(request.user, gate.project):
            raise exceptions.PermissionDenied(
                _("Only the steering committee decides at this gate.")
            )
        if not gate.is_pending:
            raise Conflict(_("This request has already been decided."))
        serializer = GateDecisionInputSerializer(
            data=request.data, context={"request": request, "gate": gate}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            decision = services.record_decision(
                gate.project,
                gate.to_phase,
                data["outcome"],
                request.user,
                request=gate,
                decided_on=data["decided_on"],
                conditions=data.get("conditions", ""),
                decision_body=data.get("decision_body", ""),
                meeting=data["meeting"],
                baseline_budget=data.get("baseline_budget"),
                baseline_end=data.get("baseline_end"),
                baseline_benefits=data.get("baseline_benefits", ""),
            )
        except services.GateBlocked as blocked:
            if blocked.field:
                raise exceptions.ValidationError({blocked.field: [blocked.message]}) from blocked
            raise Conflict(blocked.message) from blocked
        return Response(
            GateDecisionSerializer(decision, context={"request": request}).data, status=201
        )

    @extend_schema(request=ScheduleSerializer, responses=GateRequestSerializer)
    @action(detail=True, methods=["post"])
    def agenda(self, request, *args, **kwargs):
        gate = self.get_object()
        serializer = ScheduleSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        schedule(request.user, gate, serializer.validated_data["meeting"], "meeting")
        return Response(GateRequestSerializer(gate, context={"request": request}).data)


def schedule(user, gate, meeting, field):
    """Put `gate` on `meeting`'s agenda for the API: 403 unless the user sets that agenda."""
    if not SteeringMeeting.objects.editable_by(user).filter(pk=meeting.pk).exists():
        raise exceptions.PermissionDenied(_("Only the association's admins set the agenda."))
    try:
        services.put_on_agenda(gate, meeting, user)
    except services.GateBlocked as blocked:
        raise exceptions.ValidationError({field: [blocked.message]}) from blocked


class SteeringMeetingViewSet(ModelViewSet):
    """Meetings; a new meeting picks up the association's pending gate requests."""

    queryset = SteeringMeeting.objects.all()
    serializer_class = SteeringMeetingSerializer
    filterset_class = filters.SteeringMeetingFilterSet
    prefetch_related = ("gate_requests",)

    def perform_create(self, serializer):
        super().perform_create(serializer)
        services.build_agenda(serializer.instance, self.request.user)

    @extend_schema(request=AgendaAddSerializer, responses=SteeringMeetingSerializer)
    @action(detail=True, methods=["post"])
    def agenda(self, request, *args, **kwargs):
        """Put a pending gate request on this meeting's agenda."""
        meeting = self.get_object()
        serializer = AgendaAddSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        schedule(request.user, serializer.validated_data["gate_request"], meeting, "gate_request")
        meeting = self.get_queryset().get(pk=meeting.pk)
        return Response(SteeringMeetingSerializer(meeting, context={"request": request}).data)

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


class PhaseSerializer(VersionedSerializer):
    """A phase of a project model; `required_documents` are the documents its gate requires."""

    required_documents = serializers.ListField(
        child=serializers.ChoiceField(choices=DocumentKind.choices), required=False
    )
    order = serializers.IntegerField(
        min_value=1, max_value=32767, required=False, help_text="Empty: after the last phase."
    )

    class Meta:
        model = Phase
        fields = [
            "id",
            "project_model",
            "order",
            "code",
            "name",
            "skippable",
            "closes_project",
            "required_documents",
            *COMMON,
        ]
        # The position may be left out (then: last); its uniqueness is checked by the model's
        # full_clean once the position is known.
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["required_documents"] = [r.document for r in instance.requirements.all()]
        return data

    def validate(self, attrs):
        documents = attrs.pop("required_documents", None)
        model = attrs.get("project_model") or getattr(self.instance, "project_model", None)
        if (
            self.instance is not None
            and "project_model" in attrs
            and attrs["project_model"].pk != self.instance.project_model_id
        ):
            raise serializers.ValidationError(
                {"project_model": _("A phase stays in its project model.")}
            )
        if model is not None and attrs.get("order") is None and self.instance is None:
            attrs["order"] = (model.phases.aggregate(top=Max("order"))["top"] or 0) + 1
        attrs = super().validate(attrs)
        if model is not None:
            instance = self.instance
            problem = services.phase_sequence_problem(
                model.phases.exclude(pk=instance.pk if instance else None),
                (
                    attrs.get("order", getattr(instance, "order", 0)),
                    attrs.get("code", getattr(instance, "code", "")),
                    attrs.get("closes_project", getattr(instance, "closes_project", False)),
                ),
            )
            if problem:
                raise serializers.ValidationError({problem[0]: problem[1]})
        if documents is not None:
            attrs["required_documents"] = documents
        return attrs

    def create(self, validated_data):
        documents = validated_data.pop("required_documents", [])
        phase = super().create(validated_data)
        services.set_required_documents(phase, documents)
        return phase

    def update(self, instance, validated_data):
        documents = validated_data.pop("required_documents", None)
        phase = super().update(instance, validated_data)
        if documents is not None:
            services.set_required_documents(phase, documents)
        return phase


class PhaseSpecSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=100)
    skippable = serializers.BooleanField(default=False)
    closes_project = serializers.BooleanField(default=False)
    required_documents = serializers.ListField(
        child=serializers.ChoiceField(choices=DocumentKind.choices), required=False
    )


class PhasesInputSerializer(serializers.Serializer):
    phases = PhaseSpecSerializer(many=True)


class ReorderInputSerializer(serializers.Serializer):
    phases = serializers.ListField(child=serializers.SlugField(), help_text="Every phase code.")


class ProjectModelSerializer(VersionedSerializer):
    association = serializers.PrimaryKeyRelatedField(queryset=Association.objects.all())
    phases = serializers.SerializerMethodField()

    class Meta:
        model = ProjectModel
        fields = [
            "id",
            "association",
            "key",
            "name",
            "description",
            "status_cadence_months",
            "discount_rate",
            "phases",
            *COMMON,
        ]

    @extend_schema_field(PhaseSpecSerializer(many=True))
    def get_phases(self, obj):
        return [
            {
                "id": p.pk,
                "order": p.order,
                "code": p.code,
                "name": p.name,
                "skippable": p.skippable,
                "closes_project": p.closes_project,
                "required_documents": [r.document for r in p.requirements.all()],
            }
            for p in obj.phases.all()
        ]

    def validate(self, attrs):
        if (
            self.instance is not None
            and "association" in attrs
            and attrs["association"].pk != self.instance.association_id
        ):
            raise serializers.ValidationError(
                {"association": _("A project model stays with its association.")}
            )
        return super().validate(attrs)


def check_model_admin(user, association_id):
    if not policy_of(ProjectModel).can_create(scope_for(user), ProjectModel, association_id):
        raise exceptions.PermissionDenied(
            _("Only the association's admins change its project models.")
        )


class ProjectModelViewSet(ModelViewSet):
    """Project models of an association: its phases in order, which may be skipped, and the
    documents each gate requires. Read by the association's members, changed by its admins.
    PUT .../phases/ sets every phase at once; POST .../reorder/ reorders them."""

    queryset = ProjectModel.objects.all()
    serializer_class = ProjectModelSerializer
    filterset_class = filters.ProjectModelFilterSet
    prefetch_related = (
        Prefetch(
            "phases", queryset=Phase.objects.order_by("order").prefetch_related("requirements")
        ),
    )

    def check_create(self, data):
        association = data.get("association")
        if association is not None:
            check_model_admin(self.request.user, association.pk)

    def perform_destroy(self, instance):
        if instance.projects.exists():
            raise Conflict(_("Projects follow this project model, so it cannot be deleted."))
        super().perform_destroy(instance)

    def _phases_response(self, model):
        model = self.get_queryset().get(pk=model.pk)
        return Response(ProjectModelSerializer(model, context={"request": self.request}).data)

    @extend_schema(request=PhasesInputSerializer, responses=ProjectModelSerializer)
    @action(detail=True, methods=["put"], url_path="phases")
    def set_phases(self, request, *args, **kwargs):
        """Make the model's phases exactly these, in this order (matched by code)."""
        model = self.get_object()
        self.check_editable(model)
        serializer = PhasesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.replace_phases(model, serializer.validated_data["phases"], request.user)
        except services.PhaseModelError as error:
            raise exceptions.ValidationError({error.field: [error.message]}) from error
        return self._phases_response(model)

    @extend_schema(request=ReorderInputSerializer, responses=ProjectModelSerializer)
    @action(detail=True, methods=["post"])
    def reorder(self, request, *args, **kwargs):
        """Put the phases in the order of the codes given."""
        model = self.get_object()
        self.check_editable(model)
        serializer = ReorderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.reorder_phases(model, serializer.validated_data["phases"])
        except services.PhaseModelError as error:
            raise exceptions.ValidationError({error.field: [error.message]}) from error
        return self._phases_response(model)


class PhaseViewSet(ModelViewSet):
    """Phases of project models, one at a time (see also PUT /project-models/{id}/phases/)."""

    queryset = Phase.objects.all()
    serializer_class = PhaseSerializer
    filterset_class = filters.PhaseFilterSet
    select_related = ("project_model",)
    prefetch_related = ("requirements",)

    def check_create(self, data):
        model = data.get("project_model")
        if model is not None:
            check_model_admin(self.request.user, model.association_id)

    def perform_destroy(self, instance):
        problem = services.phase_removal_problem(instance)
        if problem:
            raise Conflict(problem)
        super().perform_destroy(instance)


def register(router):
    """Add this app's viewsets to the API router."""
    router.register("projects", ProjectViewSet)
    router.register("project-participants", ParticipantViewSet)
    router.register("gate-decisions", GateDecisionViewSet)
    router.register("gate-requests", GateRequestViewSet)
    router.register("project-models", ProjectModelViewSet)
    router.register("project-phases", PhaseViewSet)
    router.register("meetings", SteeringMeetingViewSet)
    router.register("business-cases", BusinessCaseViewSet)
    router.register("risks", RiskViewSet)
    router.register("status-reports", StatusReportViewSet)
    router.register("milestones", MilestoneViewSet)
    router.register("benefits", BenefitViewSet)
    router.register("strategies", StrategyViewSet)
    router.register("strategy-goals", StrategyGoalViewSet)
