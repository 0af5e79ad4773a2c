"""The portfolio's entries in the main navigation: projects and their follow-up, and governance."""

from django.utils.translation import gettext_lazy as _

from samdigi.core.navigation import MenuGroup, MenuItem, in_a_municipality, register


def own_portfolios(user, scope):
    """One link per municipality the user belongs to: its projects and its share of joint ones.
    The access scope already holds their codes and names, so the menu costs no query."""
    for code, name in sorted(scope.own_municipalities.values(), key=lambda pair: pair[1]):
        yield _("Portfolio of %(name)s") % {"name": name}, {"code": code}


register(
    MenuGroup(
        "projects",
        _("Projects"),
        (
            MenuItem(
                _("Portfolio"),
                "portfolio:project_list",
                # A project's records are edited under their own prefixes.
                match=(
                    "/participants/",
                    "/cost-lines/",
                    "/business-cases/",
                    "/business-case-lines/",
                    "/gate-requests/",
                    "/measurements/",
                ),
            ),
            MenuItem(_("Timeline"), "portfolio:timeline"),
            MenuItem(
                _("Portfolio of %(name)s"),
                "portfolio:municipality_portfolio",
                permission=in_a_municipality,
                expand=own_portfolios,
            ),
            MenuItem(_("Risks"), "portfolio:risk_list"),
            MenuItem(_("Status reports"), "portfolio:statusreport_list"),
            MenuItem(_("Milestones"), "portfolio:milestone_list"),
            MenuItem(_("Benefits"), "portfolio:benefit_list"),
        ),
        weight=60,
    )
)
register(
    MenuGroup(
        "governance",
        _("Governance"),
        (
            MenuItem(_("Steering meetings"), "portfolio:steeringmeeting_list"),
            MenuItem(_("gate decisions"), "portfolio:gatedecision_list"),
            MenuItem(_("Strategies"), "portfolio:strategy_list", match=("/strategy-goals/",)),
            MenuItem(_("Project models"), "portfolio:projectmodel_list", match=("/phases/",)),
        ),
        weight=70,
    )
)
