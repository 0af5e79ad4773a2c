"""REST API base: one viewset class that applies the access rules, versions and history."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import make_aware
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action

from samdigi.core.access import linkable, policy_of, scope_for
from samdigi.core.models import ChangeRecord, StaleVersionError, set_links, visible_prefetches


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record was changed by someone else."
    default_code = "stale_version"


class ChangeRecordSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ChangeRecord
        fields = ["id", "timestamp", "action", "user", "version", "changes"]


class VersionedSerializer(serializers.ModelSerializer):
    """Serializer base: `version` is read on every record and required when updating it.

    Every related field, many-to-many included, accepts only what the user may link
    (`core.access.linkable`) and reads back only what the user may see; the model's clean() and
    clean_links() add the cross-organisation rules. An owner change is checked like a create
    under the new owner, and every save is re-checked inside its transaction against what the
    user may edit. Model errors are answered under the API's field names.
    """

    # Related fields the access rules do not narrow: the owner is decided by the create policy
    # (an outsider gets 403, not 400); subclasses add fields they narrow themselves.
    unnarrowed_fields: tuple[str, ...] = ("owner",)

    version = serializers.IntegerField(
        required=False,
        help_text="The version this change is based on; required for updates. A stale one gets 409.",
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self._user = getattr(request, "user", None)
        for name, field in self.fields.items():
            relation = getattr(field, "child_relation", field)
            if isinstance(field, serializers.ManyRelatedField):
                field.get_attribute = _visible_links(field.get_attribute, self._user)
            if field.read_only or name in self.unnarrowed_fields:
                continue
            queryset = getattr(relation, "queryset", None)
            if queryset is not None:
                relation.queryset = linkable(queryset, self._user)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = self.instance or model()
        self.check_owner_change(attrs)
        links = {}
        for key, value in attrs.items():
            if key == "version":
                continue
            if model_field_is_m2m(instance, key):
                links[key] = value
            else:
                setattr(instance, key, value)
        try:
            instance.full_clean(exclude=self._clean_exclusions(model, attrs))
            if links and hasattr(instance, "clean_links"):
                instance.clean_links(links)
        except DjangoValidationError as error:
            raise serializers.ValidationError(self.api_errors(error)) from error
        return attrs

    def check_owner_change(self, attrs):
        """Moving a record to another owner is creating it there: the same policy decides."""
        if self.instance is None or "owner" not in attrs:
            return
        owner = attrs["owner"]
        if owner is None or owner.pk == getattr(self.instance, "owner_id", None):
            return
        model = self.Meta.model
        if not policy_of(model).can_create(scope_for(self._user), model, owner.pk):
            raise exceptions.PermissionDenied(_("You may not move records to this organisation."))

    def api_errors(self, error) -> dict:
        """A model ValidationError keyed by the fields the client sent (source → field name)."""
        if not hasattr(error, "error_dict"):
            return {"non_field_errors": error.messages}
        by_source: dict[str, str] = {}
        for name, field in self.fields.items():
            if not field.read_only and field.source not in (None, "*"):
                by_source.setdefault(field.source, name)
        result: dict[str, list] = {}
        for key, messages in error.message_dict.items():
            if key in by_source:
                name = by_source[key]
            elif key in self.fields and not self.fields[key].read_only:
                name = key
            else:
                name = "non_field_errors"
            result.setdefault(name, []).extend(messages)
        return result

    def _clean_exclusions(self, model, attrs):
        return (
            [
                f.name
                for f in model._meta.get_fields()
                if f.name not in attrs and f.concrete and not f.many_to_many
            ]
            if self.partial
            else None
        )

    def save(self, **kwargs):
        # The re-check after the save (as NetBox does): whatever the change did (owner, links,
        # the fields an assignee is named in), the user must still be able to edit the result,
        # or the whole change is rolled back.
        with transaction.atomic():
            instance = super().save(**kwargs)
            check_still_editable(instance, self._user)
        return instance

    def create(self, validated_data):
        validated_data.pop("version", None)
        user = self.context["request"].user
        validated_data.setdefault("created_by", user)
        validated_data.setdefault("updated_by", user)
        return super().create(validated_data)

    def update(self, instance, validated_data):
        expected = validated_data.pop("version", None)
        if expected is None:
            raise serializers.ValidationError(
                {"version": _("Send the version your change is based on.")}
            )
        many = {}
        for key, value in validated_data.items():
            if model_field_is_m2m(instance, key):
                many[key] = value
            else:
                setattr(instance, key, value)
        try:
            instance.save_if_current(expected, user=self.context["request"].user)
        except StaleVersionError as error:
            raise Conflict(
                _(
                    "Someone else changed this record (now version %(current)s, your change is based "
                    "on version %(expected)s). Nothing was saved; fetch it again and reapply."
                )
                % {
                    "current": type(instance)._base_manager.get(pk=instance.pk).version,
                    "expected": expected,
                }
            ) from error
        for key, value in many.items():
            set_links(instance, key, value, self._user)
        return instance


def check_still_editable(instance, user) -> None:
    """Raise PermissionDenied (inside the caller's transaction, which then rolls back) when the
    saved record is outside what the user may edit."""
    queryset = type(instance)._default_manager.all()
    if not hasattr(queryset, "editable_by"):
        return
    if not queryset.editable_by(user).filter(pk=instance.pk).exists():
        raise exceptions.PermissionDenied(
            _("You could not edit the record after this change, so nothing was saved.")
        )


def _visible_links(get_attribute, user):
    """A many-to-many field's values, narrowed to what the user may see. Prefetched values come
    from the viewset's prefetch, which is already narrowed (`visible_prefetches`)."""

    def visible(instance):
        related = get_attribute(instance)
        if getattr(related, "_result_cache", None) is not None:
            return related
        if hasattr(related, "visible_to"):
            return related.visible_to(user)
        return related

    return visible


def model_field_is_m2m(instance, name):
    try:
        return instance._meta.get_field(name).many_to_many
    except Exception:
        return False


CHANGED_SINCE = OpenApiParameter(
    "changed_since",
    str,
    description="Only records changed at or after this ISO 8601 date or date-time.",
)


def parse_changed_since(raw: str) -> datetime.datetime:
    moment = parse_datetime(raw)
    if moment is None:
        day = parse_date(raw)
        if day is None:
            raise exceptions.ValidationError(
                {"changed_since": _("Expected an ISO 8601 date or date-time, e.g. 2026-01-31.")}
            )
        moment = datetime.datetime.combine(day, datetime.time.min)
    if moment.tzinfo is None:
        moment = make_aware(moment)
    return moment


@extend_schema_view(list=extend_schema(parameters=[CHANGED_SINCE]))
class ModelViewSet(viewsets.ModelViewSet):
    """Every domain viewset: list and detail narrowed by `visible_to`, changes by `editable_by`.

    Invisible records answer 404, visible but not editable 403, stale versions 409.
    """

    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def base_queryset(self):
        qs = self.queryset.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            # Related rows are read back through the access layer, in the same fixed queries.
            user = getattr(self.request, "user", None)
            qs = qs.prefetch_related(*visible_prefetches(qs.model, self.prefetch_related, user))
        return qs

    def get_queryset(self):
        qs = self.base_queryset().visible_to(self.request.user)
        raw = self.request.query_params.get("changed_since") if self.action == "list" else None
        if raw:
            qs = qs.filter(updated_at__gte=parse_changed_since(raw))
        return qs

    def get_object(self):
        obj = super().get_object()
        if self.action in ("update", "partial_update", "destroy") or getattr(
            self, "requires_edit", False
        ):
            self.check_editable(obj)
        return obj

    def check_editable(self, obj):
        if not self.base_queryset().editable_by(self.request.user).filter(pk=obj.pk).exists():
            raise exceptions.PermissionDenied(_("You may see this record but not change it."))

    def create(self, request, *args, **kwargs):
        # Who may create is the model's policy, asked before validation too: an owner (or
        # parent) the user may not create for is 403, as on the page, not a 400 about an
        # invalid choice.
        model = self.queryset.model
        if policy_of(model).refuses_request(request.user, model, request.data):
            raise exceptions.PermissionDenied(
                _("You may not create records for this organisation.")
            )
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        self.check_create(serializer.validated_data)
        serializer.save()

    def check_create(self, data):
        """The model's policy decides (core.access); viewsets add their domain's conditions."""
        model = self.queryset.model
        if not policy_of(model).may_create_with(self.request.user, model, data):
            raise exceptions.PermissionDenied(
                _("You may not create records for this organisation.")
            )

    def perform_destroy(self, instance):
        from django.db.models import ProtectedError

        try:
            instance.delete()
        except ProtectedError as error:
            raise Conflict(
                _("Other records refer to this one, so it cannot be deleted.")
            ) from error

    @extend_schema(responses=ChangeRecordSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, *args, **kwargs):
        obj = self.get_object()
        records = ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
        ).select_related("user")
        page = self.paginate_queryset(records)
        return self.get_paginated_response(ChangeRecordSerializer(page, many=True).data)


class ObtainToken(ObtainAuthToken):
    """POST username and password, get {"token": ...} for the Authorization: Token header."""

    throttle_classes = ()

    @extend_schema(
        request={
            "application/json": {
                "type": "object",
                "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                "required": ["username", "password"],
            }
        },
        responses={200: {"type": "object", "properties": {"token": {"type": "string"}}}},
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
