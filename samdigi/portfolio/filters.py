"""FilterSets shared by the portfolio's list pages and its API."""

import django_filters
from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from samdigi.core.filters import StrictFilterSet
from samdigi.organizations.filters import SearchFilterSet
from samdigi.organizations.models import Association, Municipality
from samdigi.portfolio.models import (
    PHASE_LABELS,
    STATE_MODEL,
    Benefit,
    BusinessCase,
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
)

PHASE_CHOICES = [(code, PHASE_LABELS[code]) for code, *_rest in STATE_MODEL]


def latest_light_subquery():
    """The computed light of the project's latest status report; none once the project is closed
    (a closed project is no longer steered, so neither the list, the filter nor the API shows
    its last light)."""
    latest = Subquery(
        StatusReport.objects.filter(project=OuterRef("pk"))
        .order_by("-period_end", "-pk")
        .values("computed_light")[:1]
    )
    return Case(
        When(phase__closes_project=True, then=Value(None, output_field=CharField())),
        default=latest,
        output_field=CharField(),
    )


class ProjectFilterSet(SearchFilterSet):
    search_fields = ("title", "summary", "tags")
    association = django_filters.ModelChoiceFilter(
        queryset=Association.objects.none(),
        field_name="project_model__association",
        label=_("association"),
    )
    phase = django_filters.ChoiceFilter(
        choices=PHASE_CHOICES, field_name="phase__code", label=_("phase")
    )
    kind = django_filters.ChoiceFilter(choices=Project.Kind.choices, label=_("kind"))
    municipality = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.all(),
        method="for_municipality",
        label=_("municipality"),
    )
    light = django_filters.ChoiceFilter(
        choices=Light.choices, method="by_light", label=_("status light")
    )
    goal = django_filters.ModelChoiceFilter(
        queryset=StrategyGoal.objects.none(), field_name="goals", label=_("strategy goal")
    )
    innovation_area = django_filters.ChoiceFilter(
        choices=Project.InnovationArea.choices, label=_("innovation area")
    )
    innovation_degree = django_filters.ChoiceFilter(
        choices=Project.InnovationDegree.choices, label=_("innovation degree")
    )
    innovation_type = django_filters.ChoiceFilter(
        choices=Project.InnovationType.choices, label=_("innovation type")
    )
    kle = django_filters.CharFilter(method="by_kle", label=_("KLE number"))

    class Meta:
        model = Project
        fields = ["q", "association", "phase", "kind", "municipality", "light", "goal", "kle"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["association"].queryset = Association.objects.visible_to(user)
        self.filters["goal"].queryset = StrategyGoal.objects.visible_to(user).select_related(
            "strategy"
        )

    @extend_schema_field(OpenApiTypes.INT)
    def for_municipality(self, queryset, name, value):
        return queryset.filter(
            Q(owner_id=value.pk)
            | Q(
                pk__in=Participant.objects.filter(
                    municipality=value,
                    status__in=[Participant.Status.JOINED, Participant.Status.INVITED],
                ).values("project_id")
            )
        )

    def by_light(self, queryset, name, value):
        return queryset.annotate(latest_light=latest_light_subquery()).filter(latest_light=value)

    def by_kle(self, queryset, name, value):
        return queryset.filter(kle__number__startswith=value.strip()).distinct()


class ProjectChildFilterSet(StrictFilterSet):
    project = django_filters.NumberFilter(field_name="project_id", label=_("project"))


class RiskFilterSet(ProjectChildFilterSet):
    class Meta:
        model = Risk
        fields = ["project", "status", "response"]


class StatusReportFilterSet(ProjectChildFilterSet):
    class Meta:
        model = StatusReport
        fields = ["project", "computed_light", "manager_rating"]


class MilestoneFilterSet(ProjectChildFilterSet):
    class Meta:
        model = Milestone
        fields = ["project"]


class BenefitFilterSet(ProjectChildFilterSet):
    class Meta:
        model = Benefit
        fields = ["project", "kind"]


class ParticipantFilterSet(ProjectChildFilterSet):
    class Meta:
        model = Participant
        fields = ["project", "municipality", "status"]


class GateDecisionFilterSet(ProjectChildFilterSet):
    class Meta:
        model = GateDecision
        fields = ["project", "outcome", "meeting"]


class BusinessCaseFilterSet(ProjectChildFilterSet):
    class Meta:
        model = BusinessCase
        fields = ["project"]


class StrategyFilterSet(SearchFilterSet):
    search_fields = ("title",)

    class Meta:
        model = Strategy
        fields = ["q", "owner"]


class SteeringMeetingFilterSet(SearchFilterSet):
    search_fields = ("title",)

    class Meta:
        model = SteeringMeeting
        fields = ["q", "owner"]


class ProjectModelFilterSet(SearchFilterSet):
    search_fields = ("name", "key")
    association = django_filters.NumberFilter(field_name="association_id", label=_("association"))

    class Meta:
        model = ProjectModel
        fields = ["q", "association"]


class PhaseFilterSet(StrictFilterSet):
    project_model = django_filters.NumberFilter(
        field_name="project_model_id", label=_("project model")
    )

    class Meta:
        model = Phase
        fields = ["project_model", "code"]


class GateRequestFilterSet(ProjectChildFilterSet):
    class Meta:
        model = GateRequest
        fields = ["project", "status", "meeting"]
