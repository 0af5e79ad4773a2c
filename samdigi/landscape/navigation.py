"""The IT landscape's entries in the main navigation and its spreadsheet importers."""

from django.utils.translation import gettext_lazy as _

from samdigi.core.navigation import (
    Importer,
    MenuGroup,
    MenuItem,
    edits_somewhere,
    register,
    register_importer,
)

register(
    MenuGroup(
        "systems",
        _("Systems"),
        (
            MenuItem(_("IT systems"), "landscape:itsystem_list"),
            MenuItem(_("system usages"), "landscape:systemusage_list"),
            MenuItem(_("vendors"), "landscape:vendor_list"),
            MenuItem(_("KLE classes"), "landscape:kleclass_list"),
            MenuItem(_("Import"), "landscape:import", permission=edits_somewhere),
        ),
        weight=20,
    )
)
register(
    MenuGroup(
        "contracts",
        _("Contracts"),
        (MenuItem(_("Contracts"), "landscape:contract_list"),),
        weight=30,
    )
)
register(
    MenuGroup(
        "deadlines",
        _("Deadlines"),
        (
            MenuItem(_("Deadlines"), "landscape:deadlines"),
            MenuItem(_("Calendar"), "landscape:calendar"),
            MenuItem(_("reminder subscriptions"), "landscape:remindersubscription_list"),
            MenuItem(_("re-tender lead times"), "landscape:leadtime_list"),
        ),
        weight=40,
    )
)

# The import page reads `kind` to preselect what the file contains.
for model, kind in (
    ("landscape.vendor", "vendors"),
    ("landscape.itsystem", "systems"),
    ("landscape.systemusage", "usages"),
    ("landscape.contract", "contracts"),
):
    register_importer(Importer(model, "landscape:import", kind))
