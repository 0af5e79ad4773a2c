"""FilterSets for the procurement lists and API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samdigi.landscape.models import ProcurementProcedure
from samdigi.organizations.filters import SearchFilterSet
from samdigi.organizations.models import Municipality
from samdigi.procurement.models import Category, Tender, Threshold


class ThresholdFilterSet(SearchFilterSet):
    search_fields = ("label", "source")

    class Meta:
        model = Threshold
        fields = ["q"]


class TenderFilterSet(SearchFilterSet):
    search_fields = ("title", "reference", "description", "cpv_codes")
    procedure = django_filters.ChoiceFilter(
        choices=ProcurementProcedure.choices, label=_("procedure")
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    municipality = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.all(),
        method="by_municipality",
        label=_("municipality (lead or participant)"),
    )
    starts_before = django_filters.DateFilter(
        field_name="required_start", lookup_expr="lte", label=_("contract starts on or before")
    )

    class Meta:
        model = Tender
        fields = ["q", "status", "procedure", "category", "published", "municipality"]

    def by_municipality(self, queryset, name, value: int):
        # The hint is for the OpenAPI schema (the id); the value arrives as a Municipality.
        return queryset.filter(
            Q(owner=value) | Q(pk__in=Tender.objects.filter(participants__municipality=value))
        )
