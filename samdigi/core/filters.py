"""The filter base every FilterSet derives from: each query parameter is validated by the filter's
form field before it reaches the database.

The API's filter backend turns form errors into a 400 under the parameter's name; list pages show
them on the filter form. Integers are checked against the range of the column they are compared
with (SQLite stores 64-bit integers, PostgreSQL's `integer` is 32-bit), because a value outside it
does not merely match nothing: the database driver raises (OverflowError on SQLite,
NumericValueOutOfRange on PostgreSQL) and the request would end in a 500.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, models
from django.db.models.constants import LOOKUP_SEP
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from django_filters.filters import QuerySetRequestMixin
from django_filters.utils import label_for_filter

from samdigi.core.access import filter_choices


def integer_range(model_field) -> tuple[int | None, int | None] | None:
    """The (min, max) a value compared with this model field may take in the database, or None
    when the column is not an integer. Relations are followed to the column they point at."""
    while model_field.is_relation and model_field.target_field is not model_field:
        model_field = model_field.target_field
    if not isinstance(model_field, models.IntegerField):  # AutoFields are IntegerFields too
        return None
    return connection.ops.integer_field_range(model_field.get_internal_type())


_lazy_label = lazy(label_for_filter, str)


def model_field_for(model, path: str):
    """The model field at the end of a `field__field` path, or None when the path is not one
    (a lookup, an annotation, a filter method's own name)."""
    field = None
    for part in path.split(LOOKUP_SEP):
        if model is None:
            return None
        try:
            field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model
    return field


def out_of_range(value, bounds) -> bool:
    if bounds is None:
        return False
    try:
        number = int(str(value).strip())
    except ValueError:
        return False  # Not an integer at all: the field's own validation rejects it.
    low, high = bounds
    return (low is not None and number < low) or (high is not None and number > high)


class _RangeCheckedChoices:
    """Refuses an out-of-range key before the queryset lookup that would overflow."""

    def _key_range(self):
        model = self.queryset.model
        field = model._meta.pk if self.to_field_name in (None, "pk") else None
        field = field or model._meta.get_field(self.to_field_name)
        return integer_range(field)

    def _refuse_out_of_range(self, values):
        bounds = self._key_range()
        for value in values:
            if value not in self.empty_values and out_of_range(value, bounds):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": value},
                )


class ModelChoiceField(_RangeCheckedChoices, filter_fields.ModelChoiceField):
    def to_python(self, value):
        self._refuse_out_of_range([value])
        return super().to_python(value)


class ModelMultipleChoiceField(_RangeCheckedChoices, filter_fields.ModelMultipleChoiceField):
    def _check_values(self, value):
        self._refuse_out_of_range(value)
        return super()._check_values(value)


def _narrowed_choices(queryset):
    def for_request(request):
        choices = queryset(request) if callable(queryset) else queryset
        if request is None or choices is None:
            return choices
        return filter_choices(choices, getattr(request, "user", None))

    return for_request


class StrictFilterSet(django_filters.FilterSet):
    """FilterSet base: choices and numbers are checked against the database's integer range."""

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for filter_ in filters.values():
            # django-filter computes a label from the model field's verbose name on first access
            # and keeps it as a plain string, in whatever language that first request (or the
            # schema generator) had: every later reader would see that language. A lazy label is
            # translated each time it is shown.
            if filter_._label is None and filter_.field_name and cls._meta.model is not None:
                filter_._label = _lazy_label(
                    cls._meta.model, filter_.field_name, filter_.lookup_expr, filter_.exclude
                )
        return filters

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for filter_ in self.filters.values():
            if isinstance(filter_, QuerySetRequestMixin):
                # Drop-downs offer only what the user works with (core.access): never the names
                # of another tenant's records or organisations.
                filter_.queryset = _narrowed_choices(filter_.queryset)
            if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
                filter_.field_class = ModelMultipleChoiceField
            elif isinstance(filter_, django_filters.ModelChoiceFilter):
                filter_.field_class = ModelChoiceField
            elif isinstance(filter_, django_filters.NumberFilter) and model is not None:
                self._bound_number(filter_, model)

    @staticmethod
    def _bound_number(filter_, model):
        field = model_field_for(model, filter_.field_name or "")
        bounds = integer_range(field) if field is not None else None
        if bounds is None:
            return
        low, high = bounds
        if low is not None:
            filter_.extra.setdefault("min_value", low)
        if high is not None:
            filter_.extra.setdefault("max_value", high)
        # An integer column compared with 1.5 would silently match 1.
        filter_.extra.setdefault("decimal_places", 0)
        filter_.extra.setdefault(
            "error_messages", {"max_decimal_places": _("Enter a whole number.")}
        )
