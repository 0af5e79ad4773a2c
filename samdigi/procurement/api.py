"""API of the procurement app: thresholds, tenders (with OCDS), the opportunity finder and the
backward scheduler."""

import django_filters
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from samdigi.core.access import scope_for
from samdigi.core.api import ModelViewSet, VersionedSerializer, parse_changed_since
from samdigi.core.models import visible_prefetches
from samdigi.landscape.models import KleClass
from samdigi.organizations.models import Association, Organization
from samdigi.procurement import filters, replanning, rule_texts, services
from samdigi.procurement.award_terms import award_terms_problems
from samdigi.procurement.models import (
    AwardCriteria,
    AwardDecision,
    Bid,
    Complaint,
    ParticipationRequest,
    Tender,
    TenderParticipant,
    TenderStep,
    Threshold,
)
from samdigi.procurement.public import public_q
from samdigi.procurement.rules import schedule as timeline

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


class DateWarningSerializer(serializers.Serializer):
    """An actual date below a legal minimum (or a note on a day that is a working day in law)."""

    code = serializers.CharField()
    step = serializers.CharField()
    rule = serializers.CharField(help_text="The legal basis, in the request's language.")
    minimum_date = serializers.DateField(allow_null=True)
    actual_date = serializers.DateField()
    message = serializers.CharField()


def _tender_warnings(serializer, tender) -> list[dict]:
    # One computation per tender and response (steps of a tender share it); pure, no queries.
    cache = serializer.context.setdefault("_date_warnings", {})
    if tender.pk not in cache:
        cache[tender.pk] = replanning.warnings_data(tender)
    return cache[tender.pk]


class TenderStepSerializer(serializers.ModelSerializer):
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = TenderStep
        fields = [
            "key",
            "date",
            "rule",
            "explanation",
            "scheduled_date",
            "moved_reason",
            "warnings",
        ]
        read_only_fields = fields

    @extend_schema_field(DateWarningSerializer(many=True))
    def get_warnings(self, step) -> list[dict]:
        return [w for w in _tender_warnings(self, step.tender) if w["step"] == step.key]


class TenderSerializer(VersionedSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    kle = serializers.SlugRelatedField(
        slug_field="number", many=True, queryset=KleClass.objects.all(), required=False
    )
    participants = TenderParticipantSerializer(many=True, read_only=True)
    steps = TenderStepSerializer(many=True, read_only=True)
    warnings = serializers.SerializerMethodField(
        help_text="Actual dates checked against the legal minimums (read-only)."
    )

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
            "warnings",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["eu_procedure_required", "classification"]

    @extend_schema_field(DateWarningSerializer(many=True))
    def get_warnings(self, tender) -> list[dict]:
        return _tender_warnings(self, tender)


class AwardSerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    awarded_value = serializers.DecimalField(max_digits=15, decimal_places=2, min_value=0)
    signed_on = serializers.DateField()
    contract_start = serializers.DateField()
    contract_end = serializers.DateField()
    option_count = serializers.IntegerField(min_value=0, max_value=20, default=0)
    option_months = serializers.IntegerField(min_value=0, max_value=120, default=0)
    criteria = serializers.ChoiceField(choices=AwardCriteria.choices, required=False)
    decided_on = serializers.DateField(
        required=False, help_text="Used when no award decision is recorded yet."
    )
    product = serializers.IntegerField(
        required=False, allow_null=True, help_text="The winning product: a catalogue system id."
    )
    new_product = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Or the name of a new product, added to the association's catalogue.",
    )
    starts = serializers.DictField(
        child=serializers.DateField(),
        required=False,
        help_text="Roll-out waves: municipality code → that participant's contract start "
        "(default contract_start).",
    )


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
            return services.ocds_queryset().filter(public_q() | Q(pk__in=visible))
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
        from samdigi.landscape.models import ItSystem, Vendor

        tender = self.get_object()
        data = AwardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        vendor = Vendor.objects.visible_to(request.user).filter(pk=values["vendor"]).first()
        if vendor is None:
            raise exceptions.ValidationError({"vendor": [_("No such vendor.")]})
        product = None
        if values.get("product") is not None:
            product = ItSystem.objects.visible_to(request.user).filter(pk=values["product"]).first()
            if product is None:
                raise exceptions.ValidationError({"product": [_("No such catalogue system.")]})
        by_code = {p.municipality.code: p.municipality_id for p in tender.participants.all()}
        wanted = values.get("starts") or {}
        for code in wanted:
            if code not in by_code:
                raise exceptions.ValidationError(
                    {
                        "starts": [
                            _("%(code)s is not a participant of this tender.") % {"code": code}
                        ]
                    }
                )
        errors: dict[str, list[str]] = {}
        for field, message in award_terms_problems(
            values["contract_start"],
            values["contract_end"],
            wanted,
            product is not None,
            values.get("new_product"),
        ):
            # A participant's own start is reported under the field the client sent: "starts".
            messages = errors.setdefault("starts" if isinstance(field, tuple) else field, [])
            if message not in messages:
                messages.append(message)
        if errors:
            raise exceptions.ValidationError(errors)
        starts = {by_code[code]: day for code, day in wanted.items()}
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
                starts=starts,
                criteria=values.get("criteria"),
                decided_on=values.get("decided_on"),
                product=product,
                new_product=values.get("new_product") or "",
            )
        except services.AwardNotAllowed as error:
            raise exceptions.PermissionDenied(error.message) from error
        except services.ProcurementError as error:
            raise exceptions.ValidationError(
                {error.field or "non_field_errors": [error.message]}
            ) from error
        return Response(self.get_serializer(self.base_queryset().get(pk=tender.pk)).data)

    def get_object(self):
        if getattr(self, "action", None) in ("schedule", "award"):
            self.requires_edit = True
        return super().get_object()


# --- outcome: requests to participate, bids, award decisions, complaints -----------------------


class TenderChildSerializer(VersionedSerializer):
    """A row of a tender's outcome: `tender` names any tender; the viewset checks it may be
    changed (so a tender one may only see answers 403, not "does not exist")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tender" in self.fields:
            self.fields["tender"].queryset = Tender.objects.all()

    def get_validators(self):
        # The model's constraints are checked by full_clean (VersionedSerializer.validate), which
        # names the field at fault; DRF's own unique-together check would say non_field_errors.
        return []


class ParticipationRequestSerializer(TenderChildSerializer):
    class Meta:
        model = ParticipationRequest
        fields = [
            "id",
            "tender",
            "vendor",
            "received_on",
            "selected",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]


class BidSerializer(TenderChildSerializer):
    class Meta:
        model = Bid
        fields = [
            "id",
            "tender",
            "vendor",
            "received_on",
            "price",
            "compliant",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]


class AwardDecisionSerializer(TenderChildSerializer):
    class Meta:
        model = AwardDecision
        fields = [
            "id",
            "tender",
            "vendor",
            "decided_on",
            "criteria",
            "value",
            "product",
            "status",
            "cancelled_on",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]


class ComplaintSerializer(TenderChildSerializer):
    class Meta:
        model = Complaint
        fields = [
            "id",
            "tender",
            "award",
            "complainant",
            "filed_on",
            "outcome",
            "decided_on",
            "consequence",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]


def visible_tenders(request):
    return Tender.objects.visible_to(getattr(request, "user", None))


class TenderChildFilterSet(django_filters.FilterSet):
    # Narrowed to the tenders the user sees, so a filter value does not reveal that one exists.
    tender = django_filters.ModelChoiceFilter(
        queryset=visible_tenders, label=gettext_lazy("tender")
    )


class TenderChildViewSet(ModelViewSet):
    """Rows of a tender's outcome: created and moved only into tenders the user may change."""

    select_related = ("tender",)
    filterset_class = TenderChildFilterSet

    def check_create(self, data):
        self.check_tender(data.get("tender"))

    def check_tender(self, tender):
        if tender is None:
            return
        if not Tender.objects.editable_by(self.request.user).filter(pk=tender.pk).exists():
            raise exceptions.PermissionDenied(_("You may not change this tender."))

    def perform_create(self, serializer):
        self.check_create(serializer.validated_data)
        self.after_save(serializer.save())

    def perform_update(self, serializer):
        tender = serializer.validated_data.get("tender")
        if tender is not None and tender.pk != serializer.instance.tender_id:
            self.check_tender(tender)
        self.after_save(serializer.save())

    def after_save(self, instance):
        """Hook: what a saved row changes elsewhere."""


class ParticipationRequestViewSet(TenderChildViewSet):
    queryset = ParticipationRequest.objects.all()
    serializer_class = ParticipationRequestSerializer


class BidViewSet(TenderChildViewSet):
    """Tenders received: their count is OCDS `tender.numberOfTenderers`."""

    queryset = Bid.objects.all()
    serializer_class = BidSerializer


class AwardDecisionViewSet(TenderChildViewSet):
    """Award decisions; an annulled one stays with status `cancelled`, a re-evaluation is a new
    decision. Saving keeps the tender's winner and status in step."""

    queryset = AwardDecision.objects.all()
    serializer_class = AwardDecisionSerializer

    def after_save(self, instance):
        services.sync_award(instance.tender, self.request.user)

    def perform_destroy(self, instance):
        tender = instance.tender
        super().perform_destroy(instance)
        services.sync_award(tender, self.request.user)


class ComplaintViewSet(TenderChildViewSet):
    """Complaints to Klagenævnet for Udbud. An upheld complaint with the consequence
    `award_annulled` or `re_evaluation` cancels the award decision in force;
    `procedure_cancelled` cancels the tender too."""

    queryset = Complaint.objects.all()
    serializer_class = ComplaintSerializer

    def after_save(self, instance):
        services.apply_complaint(Complaint.objects.get(pk=instance.pk), self.request.user)


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
        tenders = services.ocds_queryset().filter(public_q()).order_by("pk")
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
        "reason": " ".join(rule_texts.assessment_lines(classification)[:1]),
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


class OpportunityGapSerializer(serializers.Serializer):
    """A contract for the same thing whose option decision date has passed: no member, and the
    days from its current end to the joint contract's start are uncovered."""

    municipality_code = serializers.CharField()
    contract = serializers.IntegerField()
    contract_name = serializers.CharField()
    current_end = serializers.DateField()
    option_decision = serializers.DateField()
    gap_start = serializers.DateField()
    gap_end = serializers.DateField()
    gap_days = serializers.IntegerField()
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
    gaps = OpportunityGapSerializer(many=True)


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
        "gaps": [
            {
                "municipality_code": gap.municipality_code,
                "contract": contract.pk,
                "contract_name": contract.name,
                "current_end": gap.current_end,
                "option_decision": gap.option_decision,
                "gap_start": gap.gap_start,
                "gap_end": gap.gap_end,
                "gap_days": gap.gap_days,
                "reason": text,
            }
            for gap, contract, text in view.gaps()
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
            .prefetch_related(
                *visible_prefetches(Tender, TenderViewSet.prefetch_related, request.user)
            )
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
    router.register("tender-requests", ParticipationRequestViewSet)
    router.register("tender-bids", BidViewSet)
    router.register("tender-awards", AwardDecisionViewSet)
    router.register("tender-complaints", ComplaintViewSet)
    router.register("tender-opportunities", TenderOpportunityViewSet, basename="tender-opportunity")
    router.register("ocds/releases", OcdsReleaseViewSet, basename="ocds-release")
    router.register("procurement/schedule", ScheduleViewSet, basename="procurement-schedule")
