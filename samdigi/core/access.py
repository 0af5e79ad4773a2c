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
    is_staff: bool = False
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

    def _members_of(self, associations: frozenset[int]) -> frozenset[int]:
        return frozenset().union(*(self.association_members.get(a, ()) for a in associations))

    @property
    def administered_peer_ids(self) -> frozenset[int]:
        """Municipalities in the associations this user administers or steers (their current
        members, already loaded with the scope)."""
        return self._members_of(self.steering_association_ids)

    @property
    def managed_organization_ids(self) -> frozenset[int]:
        """Organisations whose memberships the user manages: those they administer, and the
        member municipalities of associations they administer (the secretariat onboards them)."""
        admin_ids = self.admin_org_ids
        return admin_ids | self._members_of(admin_ids & self.association_ids)

    @property
    def admin_association_ids(self) -> frozenset[int]:
        return self.association_ids & self.admin_org_ids

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
        is_staff=user.is_staff,
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


# --- policies -------------------------------------------------------------------------------------
#
# A model's access is one of a few reusable policies, declared on its queryset
# (`access_policy = OwnedPolicy()`); `Model.objects.visible_to(user)` / `editable_by(user)` and
# who may create (page, API, form's owner choices) all ask that policy. Nothing outside this
# module reads the scope's organisation sets to filter records (an architecture test checks it).


class AccessPolicy:
    """The base: nobody but a superuser reads or changes anything."""

    def visible(self, queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
        return queryset if scope_for(user).is_superuser else queryset.none()

    def editable(self, queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
        return queryset if scope_for(user).is_superuser else queryset.none()

    def creatable_owners(self, scope: AccessScope, model: type[Model]) -> frozenset[int] | None:
        """The owners the user may create records for; None: any (no owner to choose, or a
        superuser); an empty set: the user may not create at all."""
        return None if scope.is_superuser else frozenset()

    def may_create_at_all(self, scope: AccessScope, model: type[Model]) -> bool:
        allowed = self.creatable_owners(scope, model)
        return allowed is None or bool(allowed)

    def can_create(self, scope: AccessScope, model: type[Model], owner_id: int | None) -> bool:
        """Whether the user may create a record for `owner_id` (None: no owner chosen yet, then
        whether they may create for some owner)."""
        allowed = self.creatable_owners(scope, model)
        if allowed is None:
            return True
        return bool(allowed) if owner_id is None else owner_id in allowed

    # The three places that ask who may create — the add page and button, the API's create,
    # the form's owner choices (`creatable_owners`) — ask these.

    def may_add(self, user: Any, model: type[Model]) -> bool:
        """Whether the user may create `model` records at all (the add page and button)."""
        return self.may_create_at_all(scope_for(user), model)

    def may_create_with(self, user: Any, model: type[Model], data: dict[str, Any]) -> bool:
        """Whether the user may create a record with these (validated) values."""
        return self.may_add(user, model)

    def refuses_request(self, user: Any, model: type[Model], data: Any) -> bool:
        """Whether the owner (or parent) a client asked for — a raw id, before validation — is
        one the user may not create for: then the answer is 403, not a 400 about an invalid
        choice. Page and API ask this before they validate."""
        return False


def _raw_id(data: Any, name: str) -> int | None:
    if name not in data:
        return None
    try:
        value = int(data.get(name))
    except (TypeError, ValueError):
        return None  # not an id: the validation answers under the field's name
    # Out of a key's range: no record, and the validation names the field (400).
    return value if 0 < value < 2**63 else None


class OwnedPolicy(AccessPolicy):
    """Records an organisation owns, with the internal flag: see the module docstring. The
    model's `assignee_fields` edit besides the owner's admins and editors. With
    `proposed_by_members`, the admins and editors of an association's member municipalities may
    also create records for the association (proposing a joint project)."""

    def __init__(
        self,
        owner_field: str = "owner",
        internal_field: str | None = "internal",
        *,
        proposed_by_members: bool = False,
    ):
        self.owner_field = owner_field
        self.internal_field = internal_field
        self.proposed_by_members = proposed_by_members

    def visible_q(self, scope: AccessScope, prefix: str = "") -> Q:
        internal = f"{prefix}{self.internal_field}" if self.internal_field else None
        return scope.visible_q(owner_field=f"{prefix}{self.owner_field}", internal_field=internal)

    def editable_q(self, scope: AccessScope, model: type[Model], prefix: str = "") -> Q:
        assignees = tuple(f"{prefix}{name}" for name in getattr(model, "assignee_fields", ()))
        return scope.editable_q(
            owner_field=f"{prefix}{self.owner_field}", assignee_fields=assignees
        )

    def visible(self, queryset, user):
        return queryset.filter(self.visible_q(scope_for(user)))

    def editable(self, queryset, user):
        scope = scope_for(user)
        return queryset.filter(self.visible_q(scope), self.editable_q(scope, queryset.model))

    def may_create_with(self, user, model, data):
        owner = data.get(self.owner_field)
        if owner is None:
            return self.may_add(user, model)  # no owner: the validation answers
        return self.can_create(scope_for(user), model, getattr(owner, "pk", owner))

    def refuses_request(self, user, model, data):
        owner_id = _raw_id(data, self.owner_field)
        return owner_id is not None and not self.can_create(scope_for(user), model, owner_id)

    def creatable_owners(self, scope, model):
        if scope.is_superuser:
            return None
        if self.proposed_by_members:
            return scope.editing_owner_ids | scope.associations_edited_through_members()
        return scope.editing_owner_ids


class PrivateOwnedPolicy(OwnedPolicy):
    """A municipality's own business (e.g. its reminder settings): only its members read it."""

    def visible(self, queryset, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.owner_field}__in": scope.own_municipality_ids})


class CoOwnedPolicy(OwnedPolicy):
    """Owned records that other municipalities co-own (a jointly signed contract): each co-owner
    sees and edits them as the owner does. Visibility stays a condition on the row (an EXISTS
    probe of the co-owners' index), not a `pk IN (all visible ids)` subquery (issue 16)."""

    def __init__(self, co_owners: str = "co_owners", co_owner_field: str = "municipality_id"):
        super().__init__()
        self.co_owners = co_owners
        self.co_owner_field = co_owner_field

    def _co_owned_by(self, model, org_ids):
        from django.db.models import Exists, OuterRef

        field = model._meta.get_field(self.co_owners)
        through = field.remote_field.through
        own_column = field.m2m_field_name()
        return Exists(
            through.objects.filter(
                **{f"{own_column}_id": OuterRef("pk"), f"{self.co_owner_field}__in": org_ids}
            )
        )

    def visible(self, queryset, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return queryset
        model = queryset.model
        condition = self.visible_q(scope)
        if scope.own_municipality_ids:
            condition |= self._co_owned_by(model, scope.own_municipality_ids)
        if scope.peer_municipality_ids:
            condition |= Q(
                self._co_owned_by(model, scope.peer_municipality_ids),
                **{self.internal_field or "pk__isnull": False},
            )
        return queryset.filter(condition)

    def editable(self, queryset, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return queryset
        if not scope.editing_owner_ids:
            return queryset.none()
        return queryset.filter(
            Q(**{f"{self.owner_field}__in": scope.editing_owner_ids})
            | self._co_owned_by(queryset.model, scope.editing_owner_ids)
        )


class AssociationScopedPolicy(AccessPolicy):
    """Rows that belong to an association (its project models, phases): read by its members,
    changed and created by its admins."""

    def __init__(self, association_field: str = "association"):
        self.association_field = association_field

    def visible(self, queryset, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.association_field}__in": scope.association_ids})

    def editable(self, queryset, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.association_field}__in": scope.admin_association_ids})

    def creatable_owners(self, scope, model):
        return None if scope.is_superuser else scope.admin_association_ids

    def may_create_with(self, user, model, data):
        first, *rest = self.association_field.split("__")
        record = data.get(first)
        for name in rest:
            record = getattr(record, name, None)
        if record is None:
            return self.may_add(user, model)
        return self.can_create(scope_for(user), model, record.pk)


class AssociationPolicy(AssociationScopedPolicy):
    """The associations themselves: their members read them, their admins change them."""

    def __init__(self):
        super().__init__("pk")

    def creatable_owners(self, scope, model):
        # Associations are founded by system administrators (superusers) only.
        return None if scope.is_superuser else frozenset()


class ReferenceDataPolicy(AccessPolicy):
    """Shared reference data (vendors, the municipalities): every signed-in user reads it; anyone
    who edits somewhere maintains it, unless `editors` says who does."""

    def may_edit(self, scope: AccessScope) -> bool:
        return scope.is_superuser or bool(scope.editing_owner_ids)

    def visible(self, queryset, user):
        # No scope needed (and no query for it): being signed in is enough.
        signed_in = user is not None and user.is_authenticated
        return queryset if signed_in else queryset.none()

    def editable(self, queryset, user):
        return queryset if self.may_edit(scope_for(user)) else queryset.none()

    def creatable_owners(self, scope, model):
        return None if self.may_edit(scope) else frozenset()


class StaffOnlyPolicy(ReferenceDataPolicy):
    """Reference data only system staff change (and, where named, holders of `roles`, e.g. the
    association admins who extend the procurement thresholds)."""

    def __init__(self, roles: tuple[str, ...] = ()):
        self.roles = roles

    def may_edit(self, scope):
        if not scope.authenticated:
            return False
        return (
            scope.is_superuser
            or scope.is_staff
            or any(role in self.roles for role in scope.roles.values())
        )


class ParentPolicy(AccessPolicy):
    """Rows with no access of their own: seen and changed with the record they belong to (a
    tender's steps, a project's risks). `parent_path` leads to that record; when its policy is
    owned, the condition is put on the row itself through the path (no subquery).

    The closed-parent hook: with `closed_lookup` (relative to the parent), rows of a closed parent
    are read-only, unless the model says `editable_after_closure`. `open_q` is the one place the
    "editable, not closed" rule of the parent lives.
    """

    def __init__(self, parent_path: str, closed_lookup: str | None = None):
        self.parent_path = parent_path
        self.closed_lookup = closed_lookup

    def parent_model(self, model: type[Model]) -> type[Model]:
        current = model
        for part in self.parent_path.split("__"):
            current = current._meta.get_field(part).related_model
        return current

    def _parent_policy(self, model):
        return policy_of(self.parent_model(model))

    def closed_q(self) -> Q:
        """The rows whose parent is closed (nothing when the parent cannot close)."""
        if not self.closed_lookup:
            return Q(pk__in=[])
        return Q(**{f"{self.parent_path}__{self.closed_lookup}": True})

    def visible(self, queryset, user):
        parent = self._parent_policy(queryset.model)
        if isinstance(parent, OwnedPolicy) and type(parent).visible is OwnedPolicy.visible:
            return queryset.filter(parent.visible_q(scope_for(user), f"{self.parent_path}__"))
        parents = self.parent_model(queryset.model)._default_manager.all()
        return queryset.filter(**{f"{self.parent_path}__in": parents.visible_to(user)})

    def editable(self, queryset, user):
        model = queryset.model
        parent = self._parent_policy(model)
        if isinstance(parent, OwnedPolicy) and type(parent).editable is OwnedPolicy.editable:
            scope = scope_for(user)
            prefix = f"{self.parent_path}__"
            qs = queryset.filter(
                parent.visible_q(scope, prefix),
                parent.editable_q(scope, self.parent_model(model), prefix),
            )
        else:
            parents = self.parent_model(model)._default_manager.all()
            qs = queryset.filter(**{f"{self.parent_path}__in": parents.editable_by(user)})
        if self.closed_lookup and not getattr(model, "editable_after_closure", False):
            qs = qs.exclude(self.closed_q())
        return qs

    def creatable_owners(self, scope, model):
        # A row is created under a parent the user may edit; the owner choice is the parent's.
        parent = self.parent_model(model)
        return policy_of(parent).creatable_owners(scope, parent)

    def _parents_to_create_under(self, user: Any, model: type[Model]) -> QuerySet[Any]:
        """The records a new row may be put under: those of the first step of the path the user
        may edit (open ones, where the closed-parent hook applies to that record)."""
        first = self.parent_path.split("__")[0]
        related = model._meta.get_field(first).related_model
        parents = related._default_manager.all().editable_by(user)
        if (
            self.closed_lookup
            and first == self.parent_path
            and not getattr(model, "editable_after_closure", False)
        ):
            parents = parents.exclude(**{self.closed_lookup: True})
        return parents

    def may_add(self, user, model):
        # Who may create the parent may add its rows (no query); otherwise whoever may change
        # some open parent, e.g. as its assignee.
        parent = self.parent_model(model)
        if policy_of(parent).may_add(user, parent):
            return True
        if not scope_for(user).authenticated:
            return False
        return self._parents_to_create_under(user, model).exists()

    def may_create_with(self, user, model, data):
        parent = data.get(self.parent_path.split("__")[0])
        if parent is None:
            return self.may_add(user, model)
        return self._parents_to_create_under(user, model).filter(pk=parent.pk).exists()

    def refuses_request(self, user, model, data):
        parent_id = _raw_id(data, self.parent_path.split("__")[0])
        if parent_id is None or scope_for(user).is_superuser:
            return False
        return not self._parents_to_create_under(user, model).filter(pk=parent_id).exists()


def policy_of(model: type[Model]) -> AccessPolicy:
    """The access policy a model declares (on its queryset, or on the model itself)."""
    declared = getattr(model, "access_policy", None)
    if declared is None:
        declared = getattr(model._default_manager.all(), "access_policy", None)
    return declared if declared is not None else AccessPolicy()


def get_editable_or_403(
    queryset_or_model: Any, user: Any, *, message: str | None = None, **lookup: Any
) -> Any:
    """The record `lookup` names, for a change by `user`: 404 when they may not see it, 403 when
    they see it but may not change it (pages and API alike). `message` says why, if not the
    general words."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.utils.translation import gettext as _

    queryset = (
        queryset_or_model._default_manager.all()
        if isinstance(queryset_or_model, type)
        else queryset_or_model.all()
    )
    try:
        obj = queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404(_("Not found")) from exc
    if not queryset.editable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied(message or _("You may see this record but not change it."))
    return obj


def get_visible_or_404(queryset_or_model: Any, user: Any, **lookup: Any) -> Any:
    from django.http import Http404
    from django.utils.translation import gettext as _

    queryset = (
        queryset_or_model._default_manager.all()
        if isinstance(queryset_or_model, type)
        else queryset_or_model.all()
    )
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404(_("Not found")) from exc


class SharedCataloguePolicy(OwnedPolicy):
    """An association's shared catalogue (its IT systems): its members read it, and the
    association's admins and the admins and editors of its member municipalities maintain and
    extend it together."""

    def editable(self, queryset, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.owner_field}__in": scope.associations_edited_through_members()}
        )

    def creatable_owners(self, scope, model):
        return None if scope.is_superuser else scope.associations_edited_through_members()


class ParticipationPolicy(ParentPolicy):
    """A municipality's participation in a joint record (a joint project's or tender's
    participant row): seen with the record, changed by the record's editors, and by the
    participating municipality's admins for their own row."""

    def __init__(
        self,
        parent_path: str,
        participant_field: str = "municipality",
        closed_lookup: str | None = None,
    ):
        super().__init__(parent_path, closed_lookup)
        self.participant_field = participant_field

    def editable(self, queryset, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return queryset
        by_parent = super().editable(queryset, user)
        return self.visible(queryset, user).filter(
            Q(pk__in=by_parent.values("pk")) | self.answered_by_q(scope)
        )

    def answered_by_q(self, scope: AccessScope) -> Q:
        return Q(**{f"{self.participant_field}__in": scope.admin_org_ids})

    def answerable(self, queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
        """The participations the user answers for their municipality (its admin)."""
        scope = scope_for(user)
        visible = self.visible(queryset, user)
        return visible if scope.is_superuser else visible.filter(self.answered_by_q(scope))


def deciders_q(user: Any, owner_field: str, association_q: Q, municipality_q: Q) -> Q:
    """Who decides for a record (e.g. at a project's gate): where `association_q` holds, the
    owning association's admins and steering committee; where `municipality_q` holds, the owning
    municipality's admins."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    if not scope.authenticated:
        return Q(pk__in=[])
    return Q(association_q, **{f"{owner_field}__in": scope.steering_association_ids}) | Q(
        municipality_q, **{f"{owner_field}__in": scope.admin_org_ids & scope.own_municipality_ids}
    )


class MembershipPolicy(AccessPolicy):
    """Users' roles in organisations: a user sees their own, those of the organisations they
    belong to, and those of the member municipalities of associations they administer or steer;
    they change those of the organisations they manage (`AccessScope.managed_organization_ids`)."""

    def visible(self, queryset, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return queryset
        if not scope.authenticated:
            return queryset.none()
        return queryset.filter(
            Q(user_id=scope.user_id)
            | Q(organization_id__in=scope.own_municipality_ids | scope.association_ids)
            | Q(organization_id__in=scope.peer_municipality_ids & scope.administered_peer_ids)
        )

    def editable(self, queryset, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return queryset
        if not scope.authenticated:
            return queryset.none()
        return queryset.filter(organization_id__in=scope.managed_organization_ids)

    def creatable_owners(self, scope, model):
        return None if scope.is_superuser else scope.managed_organization_ids


def municipalities_in_reach(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The municipalities whose shared records the user works with: their own and the other
    members of their associations (all of them for a superuser)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return queryset
    return queryset.filter(pk__in=scope.own_municipality_ids | scope.peer_municipality_ids)


def of_own_municipalities(queryset: QuerySet[Any], user: Any, owner_field: str = "owner"):
    """Of the records the user may see, those their own municipalities own — all of them for a
    superuser or a user without a municipality (e.g. an association's secretariat)."""
    scope = scope_for(user)
    visible = queryset.visible_to(user)
    if scope.is_superuser or not scope.own_municipality_ids:
        return visible
    return visible.filter(**{f"{owner_field}__in": scope.own_municipality_ids})


def people_of_reach(queryset: QuerySet[Any], user: Any, *, editing: bool = False):
    """User accounts a user may name in a person field (a project's manager, a tender's
    coordinator): members of the organisations the user reaches, or with `editing` of those
    they edit for (all for a superuser)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return queryset
    orgs = scope.editing_owner_ids if editing else scope.reachable_org_ids
    return queryset.filter(memberships__organization_id__in=orgs).distinct()


def is_proposal(user: Any, model: type[Model], owner_id: int) -> bool:
    """Whether creating `model` for this owner is a proposal (allowed by the model's policy to
    the members of an association, e.g. a joint project) rather than a create as the owner's
    admin or editor."""
    scope = scope_for(user)
    return not OwnedPolicy().can_create(scope, model, owner_id) and policy_of(model).can_create(
        scope, model, owner_id
    )


def may_manage_people(user: Any, organization_id: int) -> bool:
    """Whether the user manages the memberships (people and roles) of this organisation."""
    scope = scope_for(user)
    return scope.is_superuser or organization_id in scope.managed_organization_ids


def in_reach(user: Any, organization_id: int) -> bool:
    """Whether the organisation is one the user works with (theirs, their associations and
    the members of those)."""
    scope = scope_for(user)
    return scope.is_superuser or organization_id in scope.reachable_org_ids
