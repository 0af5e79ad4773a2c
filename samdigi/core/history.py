"""Change history for every TrackedModel, written from model signals.

The acting user comes from a context variable that the middleware (web requests), the API base and
management commands set, so every path that changes data leaves the same trail.
"""

import contextvars
import datetime
import decimal
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save

_current_user = contextvars.ContextVar("samdigi_current_user", default=None)


class RequestUser:
    """The acting user of a web request, read when a change is recorded rather than when the
    request starts: the API authenticates a token only inside the view (DRF sets the user on the
    underlying request then), after every middleware has run."""

    def __init__(self, request):
        self.request = request

    def resolve(self):
        return getattr(self.request, "user", None)


def get_current_user():
    value = _current_user.get()
    if isinstance(value, RequestUser):
        return value.resolve()
    return value


@contextmanager
def acting_for_request(request):
    token = _current_user.set(RequestUser(request))
    try:
        yield
    finally:
        _current_user.reset(token)


@contextmanager
def acting_as(user):
    token = _current_user.set(user)
    try:
        yield
    finally:
        _current_user.reset(token)


def _plain(value):
    """A JSON-friendly form of a field value, readable in the History tab."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def tracked_fields(model):
    excluded = set(getattr(model, "history_excluded_fields", ()))
    return [f for f in model._meta.concrete_fields if f.name not in excluded and not f.primary_key]


def snapshot(instance) -> dict:
    return {f.attname: _plain(getattr(instance, f.attname)) for f in tracked_fields(type(instance))}


def _diff(before: dict, after: dict) -> dict:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def _readable(model, changes: dict) -> dict:
    """Replace the ids of changed foreign keys by the related record's name, for the History tab."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    for attname, pair in changes.items():
        field = fields.get(attname)
        if field is None or not field.is_relation:
            continue
        related = field.related_model._base_manager.in_bulk([v for v in pair if v is not None])
        changes[attname] = [
            None if v is None else f"{related[v]}" if v in related else f"#{v}" for v in pair
        ]
    return changes


def _user_for_record():
    user = get_current_user()
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _on_save(sender, instance, created, raw=False, **kwargs):
    from samdigi.core.models import ChangeRecord

    if raw:
        return
    after = snapshot(instance)
    if created:
        changes = {name: [None, value] for name, value in after.items() if value not in (None, "")}
        action = ChangeRecord.Action.CREATE
    else:
        loaded = getattr(instance, "_loaded_values", None) or {}
        before = {name: _plain(loaded.get(name)) for name in after if name in loaded}
        changes = _diff(before, after)
        action = ChangeRecord.Action.UPDATE
        if not changes:
            return
    ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(sender),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        action=action,
        changes=_readable(sender, changes),
        user=_user_for_record(),
        version=getattr(instance, "version", None),
    )
    # The next save of this same object compares against what is stored now.
    instance._loaded_values = {
        f.attname: getattr(instance, f.attname) for f in sender._meta.concrete_fields
    }


def _on_delete(sender, instance, **kwargs):
    from samdigi.core.models import ChangeRecord

    ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(sender),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        action=ChangeRecord.Action.DELETE,
        user=_user_for_record(),
        version=getattr(instance, "version", None),
        changes={name: [value, None] for name, value in snapshot(instance).items()},
    )


def connect_signals():
    from django.apps import apps

    from samdigi.core.models import TrackedModel

    for model in apps.get_models():
        if issubclass(model, TrackedModel):
            post_save.connect(
                _on_save, sender=model, dispatch_uid=f"history-save-{model._meta.label}"
            )
            post_delete.connect(
                _on_delete, sender=model, dispatch_uid=f"history-delete-{model._meta.label}"
            )


def changes_since(instance, version: int):
    """The recorded changes after the given version: what a stale editor missed."""
    from samdigi.core.models import ChangeRecord

    return [
        record
        for record in ChangeRecord.objects.for_object(instance).order_by("timestamp", "id")
        if record.version is not None and record.version > int(version)
    ]


# --- display --------------------------------------------------------------------------------------


def _shown(field, value):
    """A stored history value as the user knows it: the choice's label, not its code; dates,
    numbers and yes/no in the active language."""
    from django.db import models
    from django.utils.dateparse import parse_date, parse_datetime

    from samdigi.core import formatting

    if value is None or value == "":
        return "" if value is None else value
    if field is None:
        # Hand-written records (a replanned step) keep dates as ISO strings.
        day = parse_date(value) if isinstance(value, str) and len(value) == 10 else None
        return formatting.display(day) if day else value
    if field.choices and not field.is_relation:
        labels = {str(code): label for code, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    try:
        if isinstance(field, models.BooleanField):
            return formatting.display(bool(value))
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            return formatting.display(parse_datetime(value) or value)
        if isinstance(field, models.DateField) and isinstance(value, str):
            return formatting.display(parse_date(value) or value)
        # Whole numbers stay as they are: many are years, and "2.026" is no year.
        if isinstance(field, models.DecimalField):
            return formatting.number(decimal.Decimal(str(value)))
    except (ValueError, TypeError, decimal.InvalidOperation):
        pass
    return value


def display_changes(model, changes: dict) -> list[tuple[str, object, object]]:
    """(field's translated name, before, after) for each recorded change, in the active
    language; a field that no longer exists keeps its stored name."""
    fields = {}
    if model is not None:
        for field in model._meta.concrete_fields:
            fields[field.attname] = field
            fields.setdefault(field.name, field)
    # Changes recorded by hand besides fields (a replanned step) are named by the model.
    labels = model.history_labels() if hasattr(model, "history_labels") else {}
    rows = []
    for name, pair in (changes or {}).items():
        if isinstance(pair, list | tuple):
            before, after = (list(pair) + [None, None])[:2]
        else:
            before, after = None, pair
        field = fields.get(name)
        label = str(field.verbose_name) if field is not None else str(labels.get(name, name))
        rows.append((label, _shown(field, before), _shown(field, after)))
    return rows
