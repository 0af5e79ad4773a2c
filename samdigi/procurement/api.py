"""API of the procurement app: thresholds, tenders (with OCDS), the opportunity finder and the
backward scheduler."""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from samdigi.core.access import scope_for
from samdigi.core.api import ModelViewSet, VersionedSerializer, parse_changed_since
from samdigi.landscape.models import KleClass
from samdigi.organizations.models import Association, Organization
from samdigi.procurement import filters, services, timeline
from samdigi.procurement.models import (
    Tender,
    TenderParticipant,
    TenderStep,
    Threshold,
    can_edit_thresholds,
)

# --- thresholds --------------------------------------------------------------------------------


class ThresholdSerializer(VersionedSerializer):
    class Meta:
        model = Threshold
        fields = [
            "id",
            "label",
            "valid_from",
            "valid_to",
            "supplies_services_eur",
            "supplies_services_dkk",
            "works_eur",
            "works_dkk",
            "social_services_eur",
            "social_services_dkk",
            "source",
            "version",
            "created_at",
            "updated_at",
        ]


class ThresholdViewSet(ModelViewSet):
    queryset = Threshold.objects.all()
    serializer_class = ThresholdSerializer
    filterset_class = filters.ThresholdFilterSet

    def check_create(self, data):
        if not can_edit_thresholds(self.request.user):
            raise exceptions.PermissionDenied(_("Only association admins extend the thresholds."))


# --- tenders -----------------------------------------------------------------------------------


class TenderParticipantSerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(source="municipality.code", read_only=True)

    class Meta:
        model = TenderParticipant
        fields = [
            "id",
            "municipality",
            "municipality_code",
            "estimated_value",
            "replaced_contract",
            "options_needed",
            "resulting_contract",
        ]
        read_only_fields = fields


class TenderStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = TenderStep
        fields = ["key", "date", "rule", "explanation", "scheduled_date", "moved_reason"]
        read_only_fields = fields


class TenderSerializer(VersionedSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    kle = serializers.SlugRelatedField(
        slug_field="number", many=True, queryset=KleClass.objects.all(), required=False
    )
    participants = TenderParticipantSerializer(many=True, read_only=True)
    steps = TenderStepSerializer(many=True, read_only=True)

    class Meta:
        model = Tender
        fields = [
            "id",
            "owner",
            "title",
            "reference",
            "description",
            "procedure",
            "category",
            "cpv_codes",
            "estimated_value",
            "required_start",
            "electronic_submission",
            "prior_information_notice",
            "contracts",
            "systems",
            "kle",
            "coordinator",
            "status",
            "eu_procedure_required",
            "classification",
            "notice_published_on",
            "tender_deadline_on",
            "award_decision_on",
            "contract_signed_on",
            "winning_vendor",
            "awarded_value",
            "published",
            "internal",
            "participants",
            "steps",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["eu_procedure_required", "classification"]


class AwardSerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    awarded_value = serializers.DecimalField(max_digits=15, decimal_places=2, min_value=0)
    signed_on = serializers.DateField()
    contract_start = serializers.DateField()
    contract_end = serializers.DateField()
    option_count = serializers.IntegerField(min_value=0, max_value=20, default=0)
    option_months = serializers.IntegerField(min_value=0, max_value=120, default=0)


OCDS_PACKAGE = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="An OCDS 1.1.5 release package (one release per stage reached).",
)


class TenderViewSet(ModelViewSet):
    """Tenders. `ocds` is public for tenders marked published; others answer 404 to anonymous
    clients."""

    queryset = Tender.objects.all()
    serializer_class = TenderSerializer
    filterset_class = filters.TenderFilterSet
    select_related = ("owner",)
    prefetch_related = (
        "participants__municipality",
        "steps",
        "contracts",
        "systems",
        "kle",
    )

    def get_permissions(self):
        if self.action == "ocds":
            return [AllowAny()]
        return super().get_permissions()

    def get_queryset(self):
        if self.action == "ocds":
            visible = Tender.objects.visible_to(self.request.user).values("pk")
            return services.ocds_queryset().filter(Q(published=True) | Q(pk__in=visible))
        return super().get_queryset()

    @extend_schema(responses={200: OCDS_PACKAGE}, auth=[], filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def ocds(self, request, *args, **kwargs):
        tender = self.get_object()
        package = services.package_for(
            services.releases_for(tender), request.build_absolute_uri(), tender.updated_at
        )
        return Response(package)

    @extend_schema(request=None, responses={200: TenderSerializer})
    @action(detail=True, methods=["post"])
    def schedule(self, request, *args, **kwargs):
        """Plan the tender backwards from `required_start` and store the steps."""
        tender = self.get_object()
        try:
            services.schedule_tender(tender, request.user)
        except services.ProcurementError as error:
            raise exceptions.ValidationError({error.field: [error.message]}) from error
        return Response(self.get_serializer(self.base_queryset().get(pk=tender.pk)).data)

    @extend_schema(request=AwardSerializer, responses={200: TenderSerializer})
    @action(detail=True, methods=["post"])
    def award(self, request, *args, **kwargs):
        """Record the outcome and create every participant's resulting contract."""
        from samdigi.landscape.models import Vendor

        tender = self.get_object()
        data = AwardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        vendor = Vendor.objects.visible_to(request.user).filter(pk=values["vendor"]).first()
        if vendor is None:
            raise exceptions.ValidationError({"vendor": [_("No such vendor.")]})
        if values["contract_end"] < values["contract_start"]:
            raise exceptions.ValidationError(
                {"contract_end": [_("The contract must end after it starts.")]}
            )
        try:
            services.award(
                tender,
                vendor,
                values["awarded_value"],
                values["signed_on"],
                values["contract_start"],
                values["contract_end"],
                values["option_count"],
                values["option_months"],
                request.user,
            )
        except services.ProcurementError as error:
            raise exceptions.ValidationError(
                {error.field or "non_field_errors": [error.message]}
            ) from error
        return Response(self.get_serializer(self.base_queryset().get(pk=tender.pk)).data)

    def get_object(self):
        if getattr(self, "action", None) in ("schedule", "award"):
            self.requires_edit = True
        return super().get_object()


SINCE = OpenApiParameter(
    "since",
    str,
    description="Only tenders changed at or after this ISO 8601 date or date-time.",
)


class OcdsReleaseViewSet(viewsets.ViewSet):
    """Every release of every published tender, in one OCDS release package. Public."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(parameters=[SINCE], responses={200: OCDS_PACKAGE}, auth=[])
    def list(self, request):
        tenders = services.ocds_queryset().filter(published=True).order_by("pk")
        raw = request.query_params.get("since")
        if raw:
            try:
                moment = parse_changed_since(raw)
            except exceptions.ValidationError as error:
                raise exceptions.ValidationError(
                    {"since": error.detail["changed_since"]}
                ) from error
            tenders = tenders.filter(updated_at__gte=moment)
        releases = []
        for tender in tenders:
            releases.extend(services.releases_for(tender))
        return Response(services.package_for(releases, request.build_absolute_uri()))


# --- schedule ----------------------------------------------------------------------------------


class ScheduleRequestSerializer(serializers.Serializer):
    procedure = serializers.ChoiceField(choices=timeline.PROCEDURES)
    category = serializers.ChoiceField(choices=timeline.CATEGORIES)
    estimated_value = serializers.DecimalField(max_digits=15, decimal_places=2, min_value=0)
    required_start = serializers.DateField()
    electronic_submission = serializers.BooleanField(default=True)
    prior_information_notice = serializers.BooleanField(default=False)


class ThresholdAmountSerializer(serializers.Serializer):
    period = serializers.CharField()
    amount_dkk = serializers.DecimalField(max_digits=15, decimal_places=2)
    estimated = serializers.BooleanField()


class ScheduleStepSerializer(serializers.Serializer):
    key = serializers.CharField()
    date = serializers.DateField()
    rule = serializers.CharField()


class ScheduleResponseSerializer(serializers.Serializer):
    eu_procedure_required = serializers.BooleanField()
    threshold = ThresholdAmountSerializer()
    reason = serializers.CharField()
    steps = ScheduleStepSerializer(many=True)


def schedule_response(result: timeline.Schedule) -> dict:
    classification = result.classification
    return {
        "eu_procedure_required": classification.eu_required,
        "threshold": {
            "period": classification.threshold.period_label,
            "amount_dkk": f"{classification.threshold.dkk:.2f}",
            "estimated": classification.threshold.estimated,
        },
        "reason": classification.reason,
        "steps": [
            {"key": step.key, "date": step.date.isoformat(), "rule": step.rule}
            for step in result.steps
        ],
    }


class ScheduleViewSet(viewsets.ViewSet):
    """Classify a procurement against the threshold and plan it backwards from the start date."""

    @extend_schema(
        request=ScheduleRequestSerializer,
        responses={200: ScheduleResponseSerializer},
    )
    def create(self, request):
        data = ScheduleRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            result = services.schedule(
                values["procedure"],
                values["category"],
                values["estimated_value"],
                values["required_start"],
                values["electronic_submission"],
                values["prior_information_notice"],
            )
        except ValueError as error:
            raise exceptions.ValidationError({"non_field_errors": [str(error)]}) from error
        return Response(schedule_response(result))


# --- opportunities -----------------------------------------------------------------------------


class OpportunityMemberSerializer(serializers.Serializer):
    municipality_code = serializers.CharField()
    contract = serializers.IntegerField()
    contract_name = serializers.CharField()
    current_end = serializers.DateField()
    options_needed = serializers.IntegerField()
    prolongation_months = serializers.IntegerField()
    covered_until = serializers.DateField()
    reason = serializers.CharField()


class OpportunitySerializer(serializers.Serializer):
    key = serializers.CharField()
    rank = serializers.IntegerField()
    basis = serializers.CharField()
    basis_label = serializers.CharField()
    system = serializers.IntegerField(allow_null=True)
    kle_area = serializers.CharField(allow_null=True)
    target_date = serializers.DateField()
    joint_start = serializers.DateField()
    combined_value = serializers.DecimalField(max_digits=17, decimal_places=2)
    eu_procedure_required = serializers.BooleanField()
    threshold = ThresholdAmountSerializer()
    municipality_codes = serializers.ListField(child=serializers.CharField())
    members = OpportunityMemberSerializer(many=True)


def opportunity_data(view) -> dict:
    group = view.group
    return {
        "key": group.key,
        "rank": group.rank,
        "basis": group.basis,
        "basis_label": group.basis_label,
        "system": group.system_id,
        "kle_area": group.kle_area,
        "target_date": group.target_date,
        "joint_start": group.joint_start,
        "combined_value": group.combined_estimated_value,
        "eu_procedure_required": view.eu_procedure_required,
        "threshold": {
            "period": view.threshold.period_label,
            "amount_dkk": view.threshold.dkk,
            "estimated": view.threshold.estimated,
        },
        "municipality_codes": list(group.municipality_codes),
        "members": [
            {
                "municipality_code": plan.municipality_code,
                "contract": contract.pk,
                "contract_name": contract.name,
                "current_end": plan.current_end,
                "options_needed": plan.options_to_use,
                "prolongation_months": plan.prolongation_months,
                "covered_until": plan.covered_until,
                "reason": text,
            }
            for plan, contract, text in view.members()
        ],
    }


ASSOCIATION = OpenApiParameter(
    "association",
    int,
    description="The association whose contracts are searched (default: the first you belong to).",
)


KEY = OpenApiParameter(
    "key", str, OpenApiParameter.PATH, description="The opportunity's stable key."
)


class PlanRequestSerializer(serializers.Serializer):
    association = serializers.IntegerField(required=False)


class TenderOpportunityViewSet(viewsets.GenericViewSet):
    """Joint-tender opportunities computed over the association's contracts you can see."""

    serializer_class = OpportunitySerializer
    filter_backends = []
    lookup_field = "key"
    lookup_value_regex = r"[0-9a-f]{16}"

    def association(self, raw=None):
        associations = Association.objects.visible_to(self.request.user)
        raw = raw if raw is not None else self.request.query_params.get("association")
        if raw not in (None, ""):
            try:
                return associations.get(pk=int(raw))
            except (Association.DoesNotExist, ValueError, TypeError) as error:
                raise Http404 from error
        association = associations.order_by("pk").first()
        if association is None:
            raise Http404
        return association

    @extend_schema(parameters=[ASSOCIATION])
    def list(self, request):
        result = services.find_for_association(self.association(), request.user)
        rows = [opportunity_data(view) for view in result.views]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(OpportunitySerializer(page, many=True).data)

    @extend_schema(parameters=[ASSOCIATION, KEY])
    def retrieve(self, request, key=None):
        result = services.find_for_association(self.association(), request.user)
        view = result.view(key)
        if view is None:
            raise Http404
        return Response(OpportunitySerializer(opportunity_data(view)).data)

    @extend_schema(
        parameters=[KEY], request=PlanRequestSerializer, responses={201: TenderSerializer}
    )
    @action(detail=True, methods=["post"])
    def plan(self, request, key=None):
        """Turn the group into a planned joint tender (the association's admins only)."""
        body = PlanRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        association = self.association(body.validated_data.get("association"))
        if not scope_for(request.user).can_edit_owned(association.pk):
            raise exceptions.PermissionDenied(
                _("Only the association's admins plan joint tenders.")
            )
        try:
            tender = services.plan_opportunity(association, key, request.user)
        except services.ProcurementError as error:
            raise Http404 from error
        tender = (
            TenderViewSet.queryset.select_related("owner")
            .prefetch_related(*TenderViewSet.prefetch_related)
            .get(pk=tender.pk)
        )
        return Response(
            TenderSerializer(tender, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


def register(router):
    """Add this app's viewsets to the API router."""
    router.register("thresholds", ThresholdViewSet)
    router.register("tenders", TenderViewSet)
    router.register("tender-opportunities", TenderOpportunityViewSet, basename="tender-opportunity")
    router.register("ocds/releases", OcdsReleaseViewSet, basename="ocds-release")
    router.register("procurement/schedule", ScheduleViewSet, basename="procurement-schedule")
