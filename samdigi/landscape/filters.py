"""FilterSets for the landscape lists and API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from samdigi.landscape.models import (
    Contract,
    ItSystem,
    KleClass,
    ProcurementProcedure,
    SystemUsage,
    Vendor,
)
from samdigi.organizations.filters import SearchFilterSet
from samdigi.organizations.models import Municipality


class VendorFilterSet(SearchFilterSet):
    search_fields = ("name", "cvr")

    class Meta:
        model = Vendor
        fields = ["q", "foreign"]


class KleClassFilterSet(SearchFilterSet):
    search_fields = ("number", "title")
    retired = django_filters.BooleanFilter(
        field_name="retired", lookup_expr="isnull", exclude=True, label=_("retired")
    )

    class Meta:
        model = KleClass
        fields = ["q", "level", "retired"]


class ItSystemFilterSet(SearchFilterSet):
    search_fields = ("name", "previous_names", "vendor__name")
    kle = django_filters.CharFilter(method="by_kle", label=_("KLE number"))

    class Meta:
        model = ItSystem
        fields = ["q", "vendor", "lifecycle", "licence_model", "kle"]

    def by_kle(self, queryset, name, value):
        # A main group or group matches every system classified below it.
        return queryset.filter(kle__number__startswith=value.strip()).distinct()


class SystemUsageFilterSet(SearchFilterSet):
    search_fields = ("local_name", "system__name")
    owner = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.all(), label=_("municipality")
    )

    class Meta:
        model = SystemUsage
        fields = ["q", "owner", "system", "lifecycle", "business_critical"]


class ContractFilterSet(SearchFilterSet):
    search_fields = ("name", "contract_number", "vendor__name")
    owner = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.all(), label=_("municipality")
    )
    procurement_form = django_filters.ChoiceFilter(
        choices=ProcurementProcedure.choices, label=_("procurement form")
    )
    ends_before = django_filters.DateFilter(
        field_name="ends_on", lookup_expr="lte", label=_("ends on or before")
    )
    retender_before = django_filters.DateFilter(
        field_name="retender_start", lookup_expr="lte", label=_("re-tender starts on or before")
    )

    class Meta:
        model = Contract
        fields = [
            "q",
            "owner",
            "vendor",
            "contract_type",
            "procurement_form",
            "ends_before",
            "retender_before",
        ]
