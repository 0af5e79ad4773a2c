"""API for vendors, KLE, the catalogue, usages and contracts (with their computed deadlines)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from samdigi.core.access import can_edit_somewhere
from samdigi.core.api import ModelViewSet, VersionedSerializer
from samdigi.core.filters import StrictFilterSet
from samdigi.landscape import filters
from samdigi.landscape.models import (
    Contract,
    DeadlineKind,
    ItSystem,
    KleClass,
    SystemUsage,
    Vendor,
)
from samdigi.organizations.models import Association, Municipality


class VendorSerializer(VersionedSerializer):
    class Meta:
        model = Vendor
        fields = [
            "id",
            "name",
            "cvr",
            "foreign",
            "contact_name",
            "contact_email",
            "phone",
            "website",
            "version",
            "created_at",
            "updated_at",
        ]


class KleClassSerializer(VersionedSerializer):
    class Meta:
        model = KleClass
        fields = [
            "id",
            "number",
            "title",
            "level",
            "parent",
            "retired",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ItSystemSerializer(VersionedSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Association.objects.all())
    kle = serializers.SlugRelatedField(
        slug_field="number", many=True, queryset=KleClass.objects.all(), required=False
    )

    class Meta:
        model = ItSystem
        fields = [
            "id",
            "owner",
            "name",
            "previous_names",
            "description",
            "vendor",
            "kle",
            "category",
            "licence_model",
            "lifecycle",
            "version",
            "created_at",
            "updated_at",
        ]


class SystemUsageSerializer(VersionedSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.all())

    class Meta:
        model = SystemUsage
        fields = [
            "id",
            "owner",
            "system",
            "local_name",
            "lifecycle",
            "user_count",
            "responsible_unit",
            "business_critical",
            "main_contract",
            "notes",
            "internal",
            "version",
            "created_at",
            "updated_at",
        ]


class DeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    date = serializers.DateField()
    rule = serializers.CharField()
    explanation = serializers.CharField()


class ContractSerializer(VersionedSerializer):
    """Field names are a published contract for scripts (issue #3): keep them stable."""

    owner = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.all())
    owner_code = serializers.CharField(source="owner.municipality.code", read_only=True)
    co_owners = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Municipality.objects.all(), required=False
    )
    concluded_on = serializers.DateField(source="concluded", required=False, allow_null=True)
    expiration_date = serializers.DateField(source="expiration", required=False, allow_null=True)
    latest_possible_end = serializers.DateField(source="latest_end", read_only=True)
    option_decision_date = serializers.DateField(source="option_decision", read_only=True)
    validity = serializers.SerializerMethodField()
    validity_reasons = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "id",
            "owner",
            "owner_code",
            "co_owners",
            "vendor",
            "systems",
            "name",
            "contract_number",
            "contract_type",
            "procurement_form",
            "concluded_on",
            "valid_from",
            "expiration_date",
            "irrevocable_until",
            "notice_months",
            "notice_to_end_of",
            "option_count",
            "option_months",
            "options_used",
            "terminated_on",
            "annual_value",
            "total_value",
            "responsible",
            "notes",
            "internal",
            "current_end",
            "ends_on",
            "latest_possible_end",
            "notice_deadline",
            "option_decision_date",
            "retender_start",
            "validity",
            "validity_reasons",
            "deadlines",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["current_end", "ends_on", "notice_deadline", "retender_start"]

    def _validity(self, obj):
        cached = getattr(obj, "_api_validity", None)
        if cached is None:
            cached = obj._api_validity = obj.validity(timezone.localdate())
        return cached

    @extend_schema_field(
        serializers.ChoiceField(choices=["active", "not_started", "expired", "terminated"])
    )
    def get_validity(self, obj):
        return str(self._validity(obj).status)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_validity_reasons(self, obj):
        return [str(reason) for reason in self._validity(obj).reasons]

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, obj):
        # From the stored dates (no per-row queries); explanations are on the contract's page.
        from samdigi.landscape import services

        return [
            {
                "kind": row.kind,
                "date": row.date,
                "rule": row.kind,
                "explanation": str(row.kind_label),
            }
            for row in services.deadline_rows([obj], timezone.localdate(), None)
        ]


class DeadlineRowSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    contract = serializers.IntegerField(source="contract.pk")
    contract_name = serializers.CharField(source="contract.name")
    municipality_code = serializers.CharField(source="contract.owner.municipality.code")
    vendor = serializers.CharField(source="contract.vendor.name")
    days_left = serializers.IntegerField()


class VendorViewSet(ModelViewSet):
    queryset = Vendor.objects.all()
    serializer_class = VendorSerializer
    filterset_class = filters.VendorFilterSet

    def check_create(self, data):
        # Shared reference data: anyone who edits for some organisation maintains it.
        if not can_edit_somewhere(self.request.user):
            raise PermissionDenied(_("You may not create records for this organisation."))


class KleClassViewSet(ModelViewSet):
    queryset = KleClass.objects.all()
    serializer_class = KleClassSerializer
    filterset_class = filters.KleClassFilterSet
    http_method_names = ["get", "head", "options"]
    lookup_field = "number"
    lookup_value_regex = r"[0-9.]+"


class ItSystemViewSet(ModelViewSet):
    queryset = ItSystem.objects.all()
    serializer_class = ItSystemSerializer
    filterset_class = filters.ItSystemFilterSet
    select_related = ("vendor",)
    prefetch_related = ("kle",)


class SystemUsageViewSet(ModelViewSet):
    queryset = SystemUsage.objects.all()
    serializer_class = SystemUsageSerializer
    filterset_class = filters.SystemUsageFilterSet


class ContractViewSet(ModelViewSet):
    queryset = Contract.objects.all()
    serializer_class = ContractSerializer
    filterset_class = filters.ContractFilterSet
    select_related = ("owner__municipality", "vendor")
    prefetch_related = ("systems", "co_owners")


class DeadlineFilterSet(StrictFilterSet):
    """The deadline list's query parameters, each validated (a bad one gets 400 under its name)."""

    municipality = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.all(),
        to_field_name="code",
        method="for_municipality",
        label=_("municipality"),
    )
    association = django_filters.ModelChoiceFilter(
        queryset=Association.objects.none(), method="in_association", label=_("association")
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=DeadlineKind.choices, method="unfiltered", label=_("kind")
    )

    class Meta:
        model = Contract
        fields = ["municipality", "association", "kind"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["association"].queryset = Association.objects.visible_to(
            getattr(request, "user", None)
        )

    def for_municipality(self, queryset, name, value):
        return queryset.filter(owner_id=value.pk)

    def in_association(self, queryset, name, value):
        members = value.current_members()
        return queryset.filter(owner__in=members.values("municipality_id"))

    def unfiltered(self, queryset, name, value):
        # Read by the view: a deadline kind picks rows, not contracts.
        return queryset


# `from` is a Python keyword, so the two date bounds are added by name.
DeadlineFilterSet.base_filters["from"] = django_filters.DateFilter(
    method="unfiltered", label=_("from")
)
DeadlineFilterSet.base_filters["to"] = django_filters.DateFilter(method="unfiltered", label=_("to"))


class DeadlineViewSet(viewsets.GenericViewSet):
    """Deadlines of the contracts the user may see. Filters: `municipality` (code), `association`
    (id), `kind` (repeatable), `from` and `to` (dates; default today and 24 months ahead).

    One row per contract and deadline kind, ordered by date, contract name and kind; the rows are
    a UNION ALL over the stored deadline dates, so counting, ordering and paging happen in the
    database and a page costs the same whatever the country holds."""

    serializer_class = DeadlineRowSerializer
    queryset = Contract.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("municipality", str, description="Municipality code, e.g. 265"),
            OpenApiParameter("association", int),
            OpenApiParameter("kind", str, many=True, enum=[k.value for k in DeadlineKind]),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ]
    )
    def list(self, request):
        from django.db.models import CharField, F, Value
        from rest_framework.exceptions import ValidationError

        from samdigi.core.rules.months import add_months
        from samdigi.landscape import services

        contracts = Contract.objects.visible_to(request.user)
        filterset = DeadlineFilterSet(request.query_params, queryset=contracts, request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        data = filterset.form.cleaned_data
        today = timezone.localdate()
        start = data.get("from") or today
        end = data.get("to") or add_months(today, 24)
        contracts = filterset.qs.order_by()
        branches = []
        for kind in data.get("kind") or DeadlineKind.values:
            field = services.FIELD_OF_KIND[DeadlineKind(kind)]
            branch = contracts.filter(**{f"{field}__gte": start, f"{field}__lte": end})
            if kind == DeadlineKind.NOTICE_DEADLINE:
                branch = branch.filter(terminated_on__isnull=True)  # notice already given
            branches.append(
                branch.annotate(
                    row_kind=Value(kind, output_field=CharField()),
                    row_date=F(field),
                )
                .values("pk", "name", "row_kind", "row_date")
                .order_by()
            )
        rows = (
            branches[0]
            .union(*branches[1:], all=True)
            .order_by("row_date", "name", "row_kind", "pk")
        )
        page = self.paginate_queryset(rows)
        by_pk = Contract.objects.select_related("owner__municipality", "vendor").in_bulk(
            {row["pk"] for row in page}
        )
        deadline_rows = [
            services.DeadlineRow(by_pk[row["pk"]], row["row_kind"], row["row_date"]) for row in page
        ]
        return self.get_paginated_response(self.get_serializer(deadline_rows, many=True).data)


def register(router):
    router.register("vendors", VendorViewSet)
    router.register("kle", KleClassViewSet)
    router.register("systems", ItSystemViewSet)
    router.register("system-usages", SystemUsageViewSet)
    router.register("contracts", ContractViewSet)
    router.register("deadlines", DeadlineViewSet, basename="deadline")
