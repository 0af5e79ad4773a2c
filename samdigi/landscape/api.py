"""API for vendors, KLE, the catalogue, usages and contracts (with their computed deadlines)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from samdigi.core.api import ModelViewSet, VersionedSerializer
from samdigi.landscape import filters
from samdigi.landscape.models import Contract, ItSystem, KleClass, SystemUsage, Vendor
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
    owner = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.all())
    co_owners = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Municipality.objects.all(), required=False
    )
    municipality_code = serializers.CharField(source="owner.municipality.code", read_only=True)
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "id",
            "owner",
            "municipality_code",
            "co_owners",
            "vendor",
            "systems",
            "name",
            "contract_number",
            "contract_type",
            "procurement_form",
            "concluded",
            "valid_from",
            "expiration",
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
            "latest_end",
            "notice_deadline",
            "option_decision",
            "retender_start",
            "deadlines",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "current_end",
            "ends_on",
            "latest_end",
            "notice_deadline",
            "option_decision",
            "retender_start",
        ]

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, obj):
        # From the stored dates (no per-row queries): the detailed explanations are on the page.
        from samdigi.landscape import services

        today = timezone.localdate()
        return [
            {
                "kind": row.kind,
                "date": row.date,
                "rule": row.kind,
                "explanation": str(row.kind_label),
            }
            for row in services.deadline_rows([obj], today, None)
        ]


class VendorViewSet(ModelViewSet):
    queryset = Vendor.objects.all()
    serializer_class = VendorSerializer
    filterset_class = filters.VendorFilterSet

    def check_create(self, data):
        from rest_framework.exceptions import PermissionDenied

        if (
            not Vendor.objects.editable_by(self.request.user).exists()
            and not self.request.user.is_superuser
        ):
            from samdigi.core.access import scope_for

            if not scope_for(self.request.user).editing_owner_ids:
                raise PermissionDenied()


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

    def check_create(self, data):
        from rest_framework.exceptions import PermissionDenied

        from samdigi.core.access import scope_for

        scope = scope_for(self.request.user)
        if (
            not scope.is_superuser
            and data["owner"].pk not in scope.associations_edited_through_members()
        ):
            raise PermissionDenied()


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


def register(router):
    router.register("vendors", VendorViewSet)
    router.register("kle", KleClassViewSet)
    router.register("systems", ItSystemViewSet)
    router.register("system-usages", SystemUsageViewSet)
    router.register("contracts", ContractViewSet)
