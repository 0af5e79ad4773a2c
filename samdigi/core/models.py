"""Base models every domain model builds on: timestamps, optimistic locking, ownership, history."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from samdigi.core.access import (
    AccessPolicy,
    OwnedPolicy,
    ParentPolicy,
    of_own_municipalities,
    policy_of,
)

# Money fields, DecimalField(**MONEY): DKK excl. VAT, never float.
MONEY: dict[str, Any] = {"max_digits": 15, "decimal_places": 2}


class StaleVersionError(Exception):
    """Raised when a save is based on a version of the record that is no longer current."""

    def __init__(self, instance, expected_version):
        self.instance = instance
        self.expected_version = expected_version
        super().__init__(
            f"{instance._meta.label} {instance.pk} is at version "
            f"{instance.__class__._default_manager.filter(pk=instance.pk).values_list('version', flat=True).first()}"
            f", not {expected_version}"
        )


class TrackedModel(models.Model):
    """A record with created/updated stamps, a version for optimistic locking, and change history.

    History is written by signals (see core.history) so admin edits, imports and management
    commands are recorded the same way as edits through the pages and the API.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    # Fields that never appear in a change record: they change on every save.
    history_excluded_fields: tuple[str, ...] = (
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "version",
    )

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def save_if_current(self, expected_version, user=None, **kwargs):
        """Save only if the stored row is still at expected_version; raise StaleVersionError if not.

        The conditional UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) inside the
        transaction, so two concurrent saves based on the same version cannot both succeed.
        """
        with transaction.atomic():
            bumped = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=expected_version)
                .update(version=F("version") + 1)
            )
            if not bumped:
                raise StaleVersionError(self, expected_version)
            self.version = int(expected_version) + 1
            if user is not None and user.is_authenticated:
                self.updated_by = user
            self.save(**kwargs)

    def history_url_name(self):
        return None

    def clean_links(self, links: dict) -> None:
        """Check many-to-many values before they are set: `links` maps a field name to the
        records it will point at (only the fields being changed). Raise ValidationError keyed
        by field name; the API and the forms both call it, after clean()."""

    def was_linked(self, attname, value) -> bool:
        """Whether the stored record already had this value (an unchanged link may stay where a
        new one would be refused, e.g. a member that has left)."""
        loaded = getattr(self, "_loaded_values", None)
        return self.pk is not None and loaded is not None and loaded.get(attname) == value

    def current_links(self, name) -> set:
        """The pks a many-to-many field points at now (empty for an unsaved record)."""
        if self.pk is None:
            return set()
        return set(getattr(self, name).values_list("pk", flat=True))

    def get_changes(self):
        return ChangeRecord.objects.for_object(self)


def set_links(instance, name, chosen, user) -> None:
    """Set a many-to-many field to what the user chose, keeping the links they cannot see: a user
    replaces only what is shown to them, never another tenant's links."""
    from samdigi.core.access import linkable

    manager = getattr(instance, name)
    shown = linkable(manager.model._default_manager.all(), user).values("pk")
    hidden = set(manager.exclude(pk__in=shown).values_list("pk", flat=True))
    manager.set(list({obj.pk for obj in chosen} | hidden))


def visible_prefetches(model, lookups, user) -> list:
    """Prefetch lookups whose collections (many-to-many and reverse rows) are narrowed to what
    `user` may see, so related rows are read back through the same door as the record."""
    from django.db.models import Prefetch

    result: list = []
    seen: set[str] = set()
    for lookup in lookups:
        if isinstance(lookup, Prefetch):
            result.append(lookup)
            seen.add(lookup.prefetch_to)
            continue
        current = model
        parts = lookup.split("__")
        for depth, part in enumerate(parts):
            try:
                field = current._meta.get_field(part)
            except Exception:
                break
            related = getattr(field, "related_model", None)
            if related is None:
                break
            prefix = "__".join(parts[: depth + 1])
            if prefix not in seen:
                seen.add(prefix)
                manager = related._default_manager
                if (field.many_to_many or field.one_to_many) and hasattr(
                    manager.all(), "visible_to"
                ):
                    result.append(Prefetch(prefix, queryset=manager.all().visible_to(user)))
                else:
                    result.append(prefix)
            current = related
        else:
            continue
        if lookup not in seen:
            seen.add(lookup)
            result.append(lookup)
    return result


class PolicyQuerySet(models.QuerySet):
    """A queryset whose access is its declared policy (core.access): `visible_to` and
    `editable_by` delegate to it."""

    access_policy: AccessPolicy = AccessPolicy()

    def visible_to(self, user):
        return policy_of(self.model).visible(self, user)

    def editable_by(self, user):
        return policy_of(self.model).editable(self, user)


class OwnedQuerySet(PolicyQuerySet):
    """Records an organisation owns (core.access.OwnedPolicy)."""

    access_policy = OwnedPolicy()

    def of_own_municipalities(self, user):
        """What the user sees of their own municipalities' records (core.access)."""
        return of_own_municipalities(self, user)

    def for_owner(self, organization):
        """A selection by owner (e.g. one municipality's feed) — not an access rule: narrow
        with `visible_to` first."""
        return self.filter(owner=organization)


class ParentAccessQuerySet(PolicyQuerySet):
    """Rows with no access of their own: they are seen and changed with the record they belong to
    (a tender's steps, an association's member rows). Subclasses name the foreign key
    (`parent_field`), or declare their own ParentPolicy."""

    parent_field: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.parent_field and "access_policy" not in cls.__dict__:
            cls.access_policy = ParentPolicy(cls.parent_field)


class OwnedModel(TrackedModel):
    """A record owned by an organisation (a municipality or an association).

    `internal` hides a municipality's record from everyone outside that municipality; for records
    owned by an association it has no effect (they are visible to all its members).
    """

    owner = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    internal = models.BooleanField(
        _("internal"),
        default=False,
        help_text=_("Internal records are hidden from everyone outside the owning municipality."),
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True

    # The user fields of a record whose holders may edit it besides the owner's editors, e.g. a
    # joint project's manager. Subclasses name them.
    assignee_fields: tuple[str, ...] = ()


class ChangeRecordQuerySet(models.QuerySet):
    def for_object(self, instance):
        ct = ContentType.objects.get_for_model(type(instance))
        return self.filter(content_type=ct, object_id=str(instance.pk)).select_related("user")


class ChangeRecord(models.Model):
    """One change to one domain record: who, when, and each changed field before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(_("record"), max_length=255)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict)

    objects = ChangeRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("change record")
        verbose_name_plural = _("change records")

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"


def attachment_path(instance, filename):
    return f"attachments/{instance.content_type.app_label}/{instance.content_type.model}/{instance.object_id}/{filename}"


class Attachment(models.Model):
    """A document attached to any domain record (contract, project, tender, gate decision).

    Access follows the record it is attached to; the file's type is checked by its content, not
    only its name (see core.uploads).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("document type"), max_length=50, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=400)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    media_type = models.CharField(_("file type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title

    @classmethod
    def for_object(cls, obj):
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
        )

    def target(self):
        return self.content_type.get_object_for_this_type(pk=self.object_id)
