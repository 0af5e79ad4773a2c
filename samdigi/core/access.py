"""Who may see and change what: the access rules of the architecture, in one place.

A user's memberships are loaded once per request into an AccessScope; every queryset that reaches a
user (generic views, API viewsets, form dropdowns) is narrowed through it.

- Records a municipality owns are visible to that municipality's members; to everyone else in its
  associations only when not internal. Only the municipality's admins and editors change them.
- Records an association owns are visible to all its members (its own memberships and the members of
  its current member municipalities) and changed by its admins and the users assigned to the record.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

ASSOCIATION_ADMIN = "association_admin"
STEERING_MEMBER = "steering_member"
ASSOCIATION_VIEWER = "association_viewer"
MUNICIPALITY_ADMIN = "municipality_admin"
MUNICIPALITY_EDITOR = "municipality_editor"
MUNICIPALITY_VIEWER = "municipality_viewer"

ASSOCIATION_ROLES = (ASSOCIATION_ADMIN, STEERING_MEMBER, ASSOCIATION_VIEWER)
MUNICIPALITY_ROLES = (MUNICIPALITY_ADMIN, MUNICIPALITY_EDITOR, MUNICIPALITY_VIEWER)
EDITING_ROLES = (ASSOCIATION_ADMIN, MUNICIPALITY_ADMIN, MUNICIPALITY_EDITOR)
ADMIN_ROLES = (ASSOCIATION_ADMIN, MUNICIPALITY_ADMIN)


@dataclass
class AccessScope:
    """The organisations a user reaches, by role. Sets of organisation ids."""

    user_id: int | None = None
    is_superuser: bool = False
    roles: dict[int, str] = field(default_factory=dict)
    own_municipality_ids: frozenset[int] = frozenset()
    association_ids: frozenset[int] = frozenset()
    peer_municipality_ids: frozenset[int] = frozenset()
    # association id → its current member municipalities, for the associations the user reaches
    association_members: dict[int, frozenset[int]] = field(default_factory=dict)
    # municipality id → (code, name) of the user's own municipalities: the menu links to their
    # pages without a query of its own
    own_municipalities: dict[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def editing_owner_ids(self) -> frozenset[int]:
        return frozenset(org for org, role in self.roles.items() if role in EDITING_ROLES)

    @property
    def admin_org_ids(self) -> frozenset[int]:
        return frozenset(org for org, role in self.roles.items() if role in ADMIN_ROLES)

    @property
    def steering_association_ids(self) -> frozenset[int]:
        return frozenset(
            org
            for org, role in self.roles.items()
            if role in (ASSOCIATION_ADMIN, STEERING_MEMBER) and org in self.association_ids
        )

    def associations_edited_through_members(self) -> frozenset[int]:
        """Associations whose shared catalogue the user maintains: as association admin, or as
        admin or editor of one of its member municipalities."""
        editing = self.editing_owner_ids
        return frozenset(
            association
            for association, members in self.association_members.items()
            if association in editing or members & editing
        )

    @property
    def reachable_org_ids(self) -> frozenset[int]:
        """Every organisation whose shared (non-internal) records the user may read."""
        return self.own_municipality_ids | self.association_ids | self.peer_municipality_ids

    # --- predicates on single records -------------------------------------------------------

    def can_view_owned(self, owner_id: int, internal: bool = False) -> bool:
        if self.is_superuser:
            return True
        if owner_id in self.own_municipality_ids or owner_id in self.association_ids:
            return True
        return not internal and owner_id in self.peer_municipality_ids

    def can_edit_owned(self, owner_id: int) -> bool:
        return self.is_superuser or owner_id in self.editing_owner_ids

    def is_admin_of(self, org_id: int) -> bool:
        return self.is_superuser or org_id in self.admin_org_ids

    def role_in(self, org_id: int) -> str | None:
        return self.roles.get(org_id)

    def creatable_owner_ids(self, model: type[Model]) -> frozenset[int] | None:
        """The organisations the user may create `model` records for (None: any, a superuser).

        Decided once here for the page, the API and the form's owner choices: the owner's admins
        and editors, unless the model's policy (`owners_for_create`) says otherwise. An owner
        change is a create under the new owner and is checked the same way.
        """
        if self.is_superuser:
            return None
        policy = getattr(model, "owners_for_create", None)
        if policy is not None:
            return frozenset(policy(self))
        return self.editing_owner_ids

    def may_create_for(self, model: type[Model], owner_id: int | None) -> bool:
        allowed = self.creatable_owner_ids(model)
        return allowed is None or owner_id in allowed

    # --- queryset filters -------------------------------------------------------------------

    def visible_q(self, owner_field: str = "owner", internal_field: str | None = "internal") -> Q:
        if self.is_superuser:
            return Q()
        if not self.authenticated:
            return Q(pk__in=[])
        q = Q(**{f"{owner_field}__in": self.own_municipality_ids | self.association_ids})
        peers = Q(**{f"{owner_field}__in": self.peer_municipality_ids})
        if internal_field:
            peers &= Q(**{internal_field: False})
        return q | peers

    def editable_q(self, owner_field: str = "owner", assignee_fields: tuple[str, ...] = ()) -> Q:
        if self.is_superuser:
            return Q()
        if not self.authenticated:
            return Q(pk__in=[])
        q = Q(**{f"{owner_field}__in": self.editing_owner_ids})
        for name in assignee_fields:
            # Assignees edit only records they can also see: the owner must be in reach.
            q |= Q(**{name: self.user_id, f"{owner_field}__in": self.reachable_org_ids})
        return q

    def filter_visible(self, queryset: QuerySet[Any], model: type[Model]) -> QuerySet[Any]:
        return queryset.filter(self.visible_q())

    def filter_editable(self, queryset: QuerySet[Any], model: type[Model]) -> QuerySet[Any]:
        return queryset.filter(
            self.visible_q(), self.editable_q(assignee_fields=getattr(model, "assignee_fields", ()))
        )


_ANONYMOUS = AccessScope()


def current_membership_q(prefix: str = "", on: datetime.date | None = None) -> Q:
    """Association memberships of municipalities that hold on the given day."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}joined__lte": on}) & (
        Q(**{f"{prefix}left__isnull": True}) | Q(**{f"{prefix}left__gt": on})
    )


def membership_periods(
    municipality_id: int, association_ids: Iterable[int]
) -> list[tuple[datetime.date, datetime.date | None]]:
    """The (joined, left) periods of a municipality in any of the given associations."""
    AssociationMember = apps.get_model("organizations", "AssociationMember")
    return list(
        AssociationMember.objects.filter(
            municipality_id=municipality_id, association_id__in=list(association_ids)
        ).values_list("joined", "left")
    )


def may_link_member(
    association_ids: Iterable[int],
    municipality_id: int,
    *,
    already_linked: bool = False,
    record_start: datetime.date | None = None,
) -> bool:
    """Whether a municipality may be linked to a record of (or shared within) these associations:
    the membership rule of core/rules/membership.py over the stored membership periods."""
    from samdigi.core.rules.membership import may_link

    return may_link(
        membership_periods(municipality_id, association_ids),
        timezone.localdate(),
        already_linked=already_linked,
        record_start=record_start,
    )


def current_association_ids(municipality_id: int) -> set[int]:
    """The associations the municipality is a current member of."""
    AssociationMember = apps.get_model("organizations", "AssociationMember")
    return set(
        AssociationMember.objects.filter(
            current_membership_q(), municipality_id=municipality_id
        ).values_list("association_id", flat=True)
    )


def build_scope(user: Any) -> AccessScope:
    if user is None or not user.is_authenticated:
        return _ANONYMOUS
    if not user.is_active:
        return _ANONYMOUS
    Membership = apps.get_model("organizations", "Membership")
    AssociationMember = apps.get_model("organizations", "AssociationMember")
    rows = list(
        Membership.objects.filter(user=user).values_list(
            "organization_id", "role", "organization__municipality__code", "organization__name"
        )
    )
    roles = {org: role for org, role, _code, _name in rows}
    own_munis = frozenset(org for org, role in roles.items() if role in MUNICIPALITY_ROLES)
    own_municipalities = {org: (code, name) for org, _role, code, name in rows if org in own_munis}
    direct_assocs = {org for org, role in roles.items() if role in ASSOCIATION_ROLES}
    peers: set[int] = set()
    assocs: set[int] = set(direct_assocs)
    members: dict[int, set[int]] = {}
    if roles:
        # One query: current member rows of every association the user reaches, directly or
        # through one of their municipalities.
        rows = AssociationMember.objects.filter(current_membership_q()).filter(
            Q(association_id__in=direct_assocs)
            | Q(association__members__municipality_id__in=own_munis)
            & current_membership_q("association__members__")
        )
        for association_id, municipality_id in (
            rows.order_by().values_list("association_id", "municipality_id").distinct()
        ):
            assocs.add(association_id)
            peers.add(municipality_id)
            members.setdefault(association_id, set()).add(municipality_id)
    return AccessScope(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        roles=roles,
        own_municipality_ids=own_munis,
        association_ids=frozenset(assocs),
        peer_municipality_ids=frozenset(peers) - own_munis,
        association_members={a: frozenset(m) for a, m in members.items()},
        own_municipalities=own_municipalities,
    )


def scope_for(user: Any) -> AccessScope:
    """The user's scope, computed once and kept on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return _ANONYMOUS
    cached = getattr(user, "_samdigi_scope", None)
    if cached is None:
        cached = build_scope(user)
        user._samdigi_scope = cached
    return cached


def linkable(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The rows of `queryset` that `user` may link a record to: what they may see (a queryset's
    own `linkable_by` narrows further), and for user accounts the people of the organisations the
    user reaches. Cross-organisation rules (membership) are the models' clean() on top of this."""
    # The access methods of the project's own querysets (OwnedQuerySet and the like).
    if hasattr(queryset, "linkable_by"):
        return cast("QuerySet[Any]", queryset.linkable_by(user))
    if hasattr(queryset, "visible_to"):
        return cast("QuerySet[Any]", queryset.visible_to(user))
    from django.contrib.auth import get_user_model

    if queryset.model is get_user_model():
        scope = scope_for(user)
        if scope.is_superuser:
            return queryset
        if not scope.authenticated:
            return queryset.none()
        Membership = apps.get_model("organizations", "Membership")
        people = Membership.objects.filter(organization_id__in=scope.reachable_org_ids).values(
            "user_id"
        )
        return queryset.filter(Q(pk=scope.user_id) | Q(pk__in=people))
    return queryset


def filter_choices(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The choices of a filter drop-down: what the user may link to, and of the organisations
    only those the user works with (their own, their associations and the members of those), so
    no list offers the names of another tenant."""
    scope = scope_for(user)
    if scope.is_superuser:
        return queryset
    if queryset.model._meta.label == "organizations.Organization":
        return queryset.filter(pk__in=scope.reachable_org_ids)
    if hasattr(queryset, "in_reach_of"):
        return cast("QuerySet[Any]", queryset.in_reach_of(user))
    return linkable(queryset, user)


def can_edit_somewhere(user: Any) -> bool:
    """Whether the user may create records at all: an admin or editor of some organisation."""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.editing_owner_ids)


def forget_scope(user: Any) -> None:
    """Drop the cached scope, e.g. after the user's memberships changed in this request."""
    if user is not None and hasattr(user, "_samdigi_scope"):
        del user._samdigi_scope
