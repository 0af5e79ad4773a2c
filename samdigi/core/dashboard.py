"""The front page's dashboard: panels that the domain apps contribute, so core knows none of them.

Each app that has work to bring to the user defines `samdigi/<app>/dashboard.py` and registers
its panels there with `register(...)`; the modules are found by `autodiscover_modules`, the way
Django's admin finds `admin.py`, so neither core nor an AppConfig names the apps.

A panel provider answers two questions for a user: whether the panel is for them at all
(`applies`), and which items it holds (`items`). It does a fixed number of queries whatever the
number of records, because the front page has a query budget pinned in a test. Items come back
complete; the page shows the first few and links to the full list ("see all").
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext, gettext_lazy

from samdigi.core.access import (
    ASSOCIATION_ROLES,
    ASSOCIATION_VIEWER,
    STEERING_MEMBER,
    scope_for,
)

# Items a panel shows before its "see all" link.
ITEMS_PER_PANEL = 5
# How far ahead deadlines count as coming up (issue 9: "due within 90 days").
HORIZON_DAYS = 90


@dataclass(frozen=True)
class Item:
    """One thing to act on: what it is, where it is handled, and why it is here.

    `date` is shown in the user's language with how far away it is; `note` is an already
    translated short explanation; `light` a traffic-light value (green/yellow/red) with `badge`
    its translated label, so colour never carries the meaning alone.
    """

    title: str
    url: str
    date: datetime.date | None = None
    note: str = ""
    light: str = ""
    badge: str = ""
    context: str = ""  # e.g. the owning municipality or the project
    # A date to meet (shown as "in N days" / "overdue by N days") or one that only informs.
    deadline: bool = True
    days_left: int | None = None

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


@dataclass
class Panel:
    key: str
    heading: str
    items: list[Item]
    total: int
    see_all_url: str | None
    see_all_label: str
    empty_text: str

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class PanelProvider:
    """A panel's definition. `heading`, `empty_text` and `see_all_label` are lazy translations;
    `items(user, today)` returns every item (in the order to show them); `see_all_url(user)`
    the full list, or None."""

    key: str
    order: int
    heading: object
    empty_text: object
    items: Callable[[object, datetime.date], list[Item]]
    see_all_url: Callable[[object], str | None] = lambda user: None
    see_all_label: object = ""
    applies: Callable[[object], bool] = lambda user: True


_registry: dict[str, PanelProvider] = {}
_discovered = False


def register(provider: PanelProvider) -> PanelProvider:
    _registry[provider.key] = provider
    return provider


def providers() -> list[PanelProvider]:
    global _discovered
    if not _discovered:
        autodiscover_modules("dashboard")
        _discovered = True
    return sorted(_registry.values(), key=lambda p: (p.order, p.key))


def build(user, today: datetime.date, limit: int = ITEMS_PER_PANEL) -> list[Panel]:
    """The panels for this user, each with at most `limit` items."""
    panels = []
    for provider in providers():
        if not provider.applies(user):
            continue
        items = [
            replace(item, days_left=(item.date - today).days)
            if item.deadline and item.date is not None
            else item
            for item in provider.items(user, today)
        ]
        panels.append(
            Panel(
                key=provider.key,
                heading=str(provider.heading),
                items=items[:limit],
                total=len(items),
                see_all_url=provider.see_all_url(user),
                see_all_label=str(provider.see_all_label or gettext("See all")),
                empty_text=str(provider.empty_text),
            )
        )
    return panels


# --- which records are the user's -----------------------------------------------------------


def has_association_role(user) -> bool:
    """Secretariat, steering committee and association viewers look across the association."""
    scope = scope_for(user)
    return scope.is_superuser or any(role in ASSOCIATION_ROLES for role in scope.roles.values())


def reads_across_only(user) -> bool:
    """Steering committee members and association viewers read the association as a whole and
    decide at gates; a municipality's contracts are not theirs to act on."""
    scope = scope_for(user)
    return (
        not scope.is_superuser
        and bool(scope.roles)
        and all(role in (STEERING_MEMBER, ASSOCIATION_VIEWER) for role in scope.roles.values())
    )


def acts_on_contracts(user) -> bool:
    return not reads_across_only(user)


def theirs(queryset, user):
    """The records on the user's dashboard, through the access layer only.

    People of the association (secretariat, steering committee) work across it: everything they
    may see. Everyone else works on what they may change (their municipality's records, the
    projects assigned to them); a municipal reader, who changes nothing, gets what they may see.
    """
    if has_association_role(user) or not scope_for(user).editing_owner_ids:
        return queryset.visible_to(user)
    return queryset.editable_by(user)


# --- recent changes (core history) ----------------------------------------------------------


def _history_models():
    """Every tracked model whose records the access layer narrows: its changes can be shown to
    exactly the people who may see the record."""
    from django.apps import apps

    from samdigi.core.models import TrackedModel

    return [
        model
        for model in apps.get_models()
        if issubclass(model, TrackedModel) and hasattr(model._default_manager, "visible_to")
    ]


def recent_changes(user, today, limit=ITEMS_PER_PANEL) -> list[Item]:
    """The latest changes to records the user may see, in one query: a change is shown when its
    record is still visible to the user (deleted records have no page to go to)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField, Q
    from django.db.models.functions import Cast

    from samdigi.core.models import ChangeRecord
    from samdigi.core.views import optional_reverse

    models = _history_models()
    types = ContentType.objects.get_for_models(*models)
    condition = Q(pk__in=[])
    for model in models:
        visible = (
            model._default_manager.visible_to(user)
            .order_by()
            .values_list(Cast("pk", output_field=CharField()), flat=True)
        )
        condition |= Q(content_type_id=types[model].pk, object_id__in=visible)
    records = ChangeRecord.objects.filter(condition).select_related("user", "content_type")[:limit]
    items = []
    for record in records:
        model = record.content_type.model_class()
        name = f"{record.content_type.app_label}:{record.content_type.model}"
        by = (
            record.user.get_full_name() or record.user.username
            if record.user
            else gettext("the system")
        )
        items.append(
            Item(
                title=record.object_repr,
                url=optional_reverse(f"{name}_tab", record.object_id, "history")
                or optional_reverse(f"{name}_detail", record.object_id)
                or "",
                date=timezone.localtime(record.timestamp).date(),
                note=gettext("%(action)s by %(user)s")
                % {"action": record.get_action_display(), "user": by},
                context=str(model._meta.verbose_name) if model else "",
                deadline=False,
            )
        )
    return items


register(
    PanelProvider(
        key="recent_changes",
        order=90,
        heading=gettext_lazy("Recent changes"),
        empty_text=gettext_lazy("Nothing has changed lately in what you can see."),
        items=recent_changes,
    )
)
