"""The History tab's rows in the user's language."""

from django import template
from django.contrib.contenttypes.models import ContentType

from samdigi.core.history import display_changes

register = template.Library()


@register.filter
def history_rows(change):
    """A ChangeRecord's changes as (field label, before, after), choice labels not codes."""
    try:
        model = ContentType.objects.get_for_id(change.content_type_id).model_class()
    except ContentType.DoesNotExist:
        model = None
    return display_changes(model, change.changes)
