"""Lookups by id that a value outside the column's integer range cannot crash.

Django already answers "no rows" for `IntegerField` comparisons with an out-of-range value, but
not for a relation's `exact` (`owner=…`, or `pk=…` on a multi-table child such as Municipality,
whose primary key is a one-to-one link) nor for `in`. There the database driver raises
(OverflowError on SQLite, NumericValueOutOfRange on PostgreSQL) and a request with
`{"owner": 1e38}` ended in a 500. A value no row can hold matches no row: that is the answer.
Registered once, in CoreConfig.ready, so every serializer, form and filter gets it.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedExact
from django.db.models.lookups import In


def _in_range(value, field, connection) -> bool:
    while field.is_relation and getattr(field, "target_field", field) is not field:
        field = field.target_field
    if not isinstance(value, int) or not isinstance(field, IntegerField):
        return True
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return (low is None or value >= low) and (high is None or value <= high)


class RangeCheckedRelatedExact(RelatedExact):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and not _in_range(
            self.rhs, self.lhs.output_field, connection
        ):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class RangeCheckedIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            try:
                values = list(self.rhs)
            except TypeError:
                values = None
            if values is not None:
                self.rhs = [v for v in values if _in_range(v, self.lhs.output_field, connection)]
        return super().process_rhs(compiler, connection)


def register():
    ForeignObject.register_lookup(RangeCheckedRelatedExact)
    IntegerField.register_lookup(RangeCheckedIn)
