"""API serializers and viewsets for organisations and memberships."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers

from samdigi.core.access import in_reach, may_manage_people, scope_for
from samdigi.core.api import ModelViewSet, VersionedSerializer
from samdigi.organizations import filters
from samdigi.organizations.models import (
    Association,
    AssociationMember,
    Membership,
    Municipality,
    Organization,
    Unit,
)
from samdigi.organizations.views import association_queryset


class MunicipalitySerializer(VersionedSerializer):
    region_name = serializers.CharField(read_only=True)

    class Meta:
        model = Municipality
        fields = [
            "id",
            "code",
            "name",
            "region",
            "region_name",
            "population",
            "population_date",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AssociationMemberSerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(source="municipality.code", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)

    class Meta:
        model = AssociationMember
        fields = ["id", "municipality", "municipality_code", "municipality_name", "joined", "left"]


class AssociationSerializer(VersionedSerializer):
    members = serializers.SerializerMethodField()
    population_total = serializers.IntegerField(read_only=True)

    class Meta:
        model = Association
        fields = [
            "id",
            "name",
            "short_name",
            "description",
            "secretariat_name",
            "secretariat_email",
            "secretariat_phone",
            "members",
            "population_total",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_members(self, obj) -> list[dict]:
        # Prefetched as `current_member_rows` by the viewset, so a page costs no extra queries.
        rows = getattr(obj, "current_member_rows", None)
        if rows is None:
            rows = list(obj.current_members())
        return list(AssociationMemberSerializer(rows, many=True).data)


class UnitSerializer(VersionedSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.all())

    class Meta:
        model = Unit
        fields = [
            "id",
            "owner",
            "name",
            "kind",
            "parent",
            "contact_email",
            "internal",
            "version",
            "created_at",
            "updated_at",
        ]


class MembershipSerializer(VersionedSerializer):
    # Granting a role reaches people not yet in the organisation: any active account.
    unnarrowed_fields = ("owner", "user")

    user = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.filter(is_active=True)
    )
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    organization_kind = serializers.CharField(source="organization.kind", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "organization",
            "organization_name",
            "organization_kind",
            "role",
            "version",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs):
        if self.instance is not None:
            for fixed in ("user", "organization"):
                if fixed in attrs and attrs[fixed] != getattr(self.instance, fixed):
                    raise serializers.ValidationError(
                        {fixed: _("Cannot be changed; remove the membership and create a new one.")}
                    )
        return super().validate(attrs)


class AssociationViewSet(ModelViewSet):
    """Associations the user belongs to (directly or through a member municipality)."""

    queryset = association_queryset()
    serializer_class = AssociationSerializer
    filterset_class = filters.AssociationFilterSet
    http_method_names = ["get", "put", "patch", "head", "options"]

    def base_queryset(self):
        from django.db.models import Prefetch

        return (
            # Built per request: the member totals count the members of today, not of start-up.
            association_queryset().prefetch_related(
                Prefetch(
                    "members",
                    queryset=AssociationMember.objects.current()
                    .select_related("municipality")
                    .order_by("municipality__name"),
                    to_attr="current_member_rows",
                )
            )
        )


class MunicipalityViewSet(ModelViewSet):
    """The 98 municipalities: public reference data for every signed-in user; read-only."""

    queryset = Municipality.objects.all()
    serializer_class = MunicipalitySerializer
    filterset_class = filters.MunicipalityFilterSet
    http_method_names = ["get", "head", "options"]
    lookup_field = "code"


class UnitViewSet(ModelViewSet):
    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    filterset_class = filters.UnitFilterSet
    select_related = ("owner", "parent")


class MembershipViewSet(ModelViewSet):
    """Who has which role where. Admins of an organisation manage its memberships."""

    queryset = Membership.objects.all()
    serializer_class = MembershipSerializer
    filterset_class = filters.MembershipFilterSet
    select_related = ("user", "organization")

    def check_create(self, data):
        scope = scope_for(self.request.user)
        organization = data["organization"]
        if scope.is_superuser:
            return
        if not in_reach(self.request.user, organization.pk):
            raise exceptions.ValidationError({"organization": _("Unknown organisation.")})
        if not may_manage_people(self.request.user, organization.pk):
            raise exceptions.PermissionDenied(
                _("Only the organisation's admins manage its people.")
            )

    def perform_destroy(self, instance):
        problem = instance.delete_check()
        if problem:
            raise exceptions.ValidationError({"non_field_errors": [str(problem)]})
        super().perform_destroy(instance)
