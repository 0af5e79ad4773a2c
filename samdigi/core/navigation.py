"""The main navigation as a registry each app fills (NetBox's `navigation/menu.py` idea).

Core knows no domain URL: every app declares its menu groups in its own `navigation.py`, which
`CoreConfig.ready()` imports for every installed app (`autodiscover`). A group is a top-level
menu entry; its items are the section's tabs. The page a request is on is marked as current
(`aria-current="page"`), its section as current too (`aria-current="true"`).

Importers are declared the same way, so a list page shows "Import" beside its export links only
when an app can import that model and the user may edit somewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import autodiscover_modules
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from samdigi.core.access import AccessScope, can_edit_somewhere, scope_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# (user, scope) -> bool: whether the user sees the entry at all.
Permission = Callable[[object, AccessScope], bool]
# (user, scope) -> [(label, url kwargs)]: one link per organisation the user belongs to, say.
Expansion = Callable[[object, AccessScope], Iterable[tuple["StrOrPromise", dict]]]


def signed_in(user, scope: AccessScope) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def staff_only(user, scope: AccessScope) -> bool:
    return bool(getattr(user, "is_staff", False))


def edits_somewhere(user, scope: AccessScope) -> bool:
    """Admins and editors of some organisation: they may create and import records."""
    return can_edit_somewhere(user)


def in_a_municipality(user, scope: AccessScope) -> bool:
    return scope.is_superuser or bool(scope.own_municipality_ids)


def in_an_association(user, scope: AccessScope) -> bool:
    """Members of an association, directly or through their municipality (a superuser: once
    there is one): the pages about an association's shared work."""
    if scope.association_ids:
        return True
    return scope.is_superuser and apps.get_model("organizations", "Association").objects.exists()


@dataclass(frozen=True)
class MenuItem:
    """A page of a section. `match` names further path prefixes that belong to this item (e.g. a
    tender's child records under /tender-bids/), so the section stays marked on them."""

    label: StrOrPromise  # a lazy translation
    url_name: str
    permission: Permission | None = None
    url_kwargs: dict = field(default_factory=dict)
    expand: Expansion | None = None
    match: tuple[str, ...] = ()


@dataclass(frozen=True)
class MenuGroup:
    """A top-level entry; it links to its first item the user may see."""

    key: str
    label: StrOrPromise
    items: tuple[MenuItem, ...]
    weight: int = 100
    permission: Permission | None = None


@dataclass(frozen=True)
class Importer:
    """A spreadsheet import for a model (`app_label.model_name`), at `url_name?kind=kind`."""

    model: str
    url_name: str
    kind: str = ""
    permission: Permission = edits_somewhere


# --- what a request sees ----------------------------------------------------------------------


@dataclass
class Link:
    label: str
    url: str
    current: str = ""  # "", "page" (this very page) or "true" (a page inside it)
    match: tuple[str, ...] = ()


@dataclass
class Section:
    key: str
    label: str
    url: str
    links: list[Link]
    current: str = ""


class Registry:
    def __init__(self):
        self._groups: dict[str, MenuGroup] = {}
        self._importers: dict[str, Importer] = {}

    def register(self, group: MenuGroup) -> MenuGroup:
        if group.key in self._groups:
            raise ValueError(f"menu group {group.key!r} is registered twice")
        self._groups[group.key] = group
        return group

    def register_importer(self, importer: Importer) -> Importer:
        self._importers[importer.model] = importer
        return importer

    @property
    def groups(self) -> list[MenuGroup]:
        return sorted(self._groups.values(), key=lambda group: (group.weight, group.key))

    def importer_for(self, model_label: str) -> Importer | None:
        return self._importers.get(model_label)

    def import_url(self, model_label: str, user) -> str | None:
        importer = self.importer_for(model_label)
        if importer is None or not importer.permission(user, scope_for(user)):
            return None
        url = _reverse(importer.url_name, {})
        if url is None:
            return None
        return f"{url}?kind={importer.kind}" if importer.kind else url

    def sections(self, user, path: str) -> list[Section]:
        """The groups and items `user` may see, with the ones `path` lies in marked."""
        if not getattr(user, "is_authenticated", False):
            return []
        scope = scope_for(user)
        sections = []
        for group in self.groups:
            if group.permission and not group.permission(user, scope):
                continue
            links = [link for item in group.items for link in _links(item, user, scope)]
            if links:
                label = capfirst(str(group.label))
                sections.append(Section(group.key, label, links[0].url, links))
        _mark_current(sections, path)
        return sections


def _reverse(name: str, kwargs: dict) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _links(item: MenuItem, user, scope: AccessScope) -> list[Link]:
    if item.permission and not item.permission(user, scope):
        return []
    if item.expand is not None:
        targets = [(label, kwargs) for label, kwargs in item.expand(user, scope)]
    else:
        targets = [(item.label, item.url_kwargs)]
    links = []
    for label, kwargs in targets:
        url = _reverse(item.url_name, kwargs)
        if url is not None:
            links.append(Link(capfirst(str(label)), url, match=item.match))
    return links


def _within(path: str, prefix: str) -> bool:
    return prefix != "/" and path.startswith(prefix)


def _mark_current(sections: list[Section], path: str) -> None:
    """The longest matching URL wins: /tenders/opportunities/ is Opportunities, not Tenders."""
    best: tuple[int, Section, Link] | None = None
    for section in sections:
        for link in section.links:
            for prefix in (link.url, *link.match):
                if (path == prefix or _within(path, prefix)) and (
                    best is None or len(prefix) > best[0]
                ):
                    best = (len(prefix), section, link)
    if best is None:
        return
    _length, section, link = best
    link.current = "page" if path == link.url else "true"
    section.current = "page" if path == section.url else "true"


registry = Registry()
register = registry.register
register_importer = registry.register_importer


def autodiscover() -> None:
    """Import every installed app's `navigation` module, which registers its groups."""
    autodiscover_modules("navigation")


# Core's own entries: the API documentation for everyone signed in, the admin for staff.
register(
    MenuGroup(
        "api",
        "API",
        (MenuItem("API", "swagger-ui", permission=signed_in, match=("/api/",)),),
        weight=900,
    )
)
register(
    MenuGroup(
        "admin",
        _("Site administration"),
        (MenuItem(_("Site administration"), "admin:index", match=("/admin/",)),),
        weight=910,
        permission=staff_only,
    )
)
