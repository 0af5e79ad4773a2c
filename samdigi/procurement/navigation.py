"""Procurement's entries in the main navigation: the tender section's tabs."""

from django.utils.translation import gettext_lazy as _

from samdigi.core.navigation import MenuGroup, MenuItem, in_an_association, register

register(
    MenuGroup(
        "tenders",
        _("Tenders"),
        (
            MenuItem(
                _("Overview"),
                "procurement:tender_list",
                # A tender's records (requests, bids, awards, complaints) belong to the section.
                match=(
                    "/tender-participants/",
                    "/tender-requests/",
                    "/tender-bids/",
                    "/tender-awards/",
                    "/tender-complaints/",
                ),
            ),
            # The finder works on an association's contracts: without one it has nothing to show.
            MenuItem(
                _("Tender opportunities"), "procurement:opportunities", permission=in_an_association
            ),
            MenuItem(_("Tender plan"), "procurement:pipeline"),
            MenuItem(_("thresholds"), "procurement:threshold_list"),
        ),
        weight=50,
    )
)
