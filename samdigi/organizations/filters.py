"""FilterSets shared by the list pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samdigi.core.filters import StrictFilterSet
from samdigi.organizations.models import (
    Association,
    AssociationMember,
    Membership,
    Municipality,
    Region,
    Role,
    Unit,
)


class SearchFilterSet(StrictFilterSet):
    """A FilterSet with a free-text `q` over the fields named in `search_fields`."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset, name, value):
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(query)


class AssociationFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name")

    class Meta:
        model = Association
        fields = ["q"]


class MunicipalityFilterSet(SearchFilterSet):
    search_fields = ("name", "code")
    region = django_filters.ChoiceFilter(choices=Region.choices, label=_("region"))
    association = django_filters.ModelChoiceFilter(
        queryset=Association.objects.none(),
        method="in_association",
        label=_("association"),
    )

    class Meta:
        model = Municipality
        fields = ["q", "region", "association"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["association"].queryset = Association.objects.visible_to(user)

    def in_association(self, queryset, name, value):
        return queryset.filter(
            pk__in=AssociationMember.objects.current()
            .filter(association=value)
            .values("municipality_id")
        )


class UnitFilterSet(SearchFilterSet):
    search_fields = ("name",)
    owner = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.all(), label=_("municipality")
    )

    class Meta:
        model = Unit
        fields = ["q", "owner", "kind"]


class MembershipFilterSet(SearchFilterSet):
    search_fields = ("user__username", "user__first_name", "user__last_name", "organization__name")
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("role"))

    class Meta:
        model = Membership
        fields = ["q", "organization", "role", "user"]


class AssociationMemberFilterSet(StrictFilterSet):
    class Meta:
        model = AssociationMember
        fields = ["association", "municipality"]
