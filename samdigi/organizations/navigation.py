"""The organisations' entries in the main navigation (core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from samdigi.core.navigation import MenuGroup, MenuItem, register

register(
    MenuGroup(
        "organisations",
        _("Organisations"),
        (
            MenuItem(
                _("Associations"),
                "organizations:association_list",
                match=("/association-members/",),
            ),
            MenuItem(
                _("Municipalities"),
                "organizations:municipality_list",
                match=("/population-figures/",),
            ),
            MenuItem(_("Units"), "organizations:unit_list"),
            MenuItem(_("memberships"), "organizations:membership_list", match=("/people/",)),
        ),
        weight=10,
    )
)
