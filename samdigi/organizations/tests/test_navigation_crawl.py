"""Every persona, starting from the front page and following only the navigation, finds every page
they may use, never meets an error, and sees the page they are on marked in the menu."""

import pytest
from django.urls import reverse

from samdigi.core.crawl import crawl, nav_links
from samdigi.core.testing import PERSONAS, client_for

pytestmark = pytest.mark.django_db

# The pages every signed-in person uses, whatever their role.
EVERYONE = (
    "organizations:association_list",
    "organizations:municipality_list",
    "organizations:unit_list",
    "organizations:membership_list",
    "landscape:itsystem_list",
    "landscape:systemusage_list",
    "landscape:vendor_list",
    "landscape:kleclass_list",
    "landscape:contract_list",
    "landscape:deadlines",
    "landscape:calendar",
    "landscape:remindersubscription_list",
    "landscape:leadtime_list",
    "procurement:tender_list",
    "procurement:opportunities",
    "procurement:pipeline",
    "procurement:threshold_list",
    "portfolio:project_list",
    "portfolio:timeline",
    "portfolio:risk_list",
    "portfolio:statusreport_list",
    "portfolio:milestone_list",
    "portfolio:benefit_list",
    "portfolio:steeringmeeting_list",
    "portfolio:gatedecision_list",
    "portfolio:strategy_list",
    "portfolio:projectmodel_list",
    "swagger-ui",
)
EDITORS = {"outsider", "peer", "own_editor", "own_admin", "association_admin"}
# persona → the municipality whose portfolio page is theirs (world attribute)
OWN_MUNICIPALITY = {
    "outsider": "outside",
    "peer": "peer",
    "own_viewer": "own",
    "own_editor": "own",
    "own_admin": "own",
}


def pages_for(world, persona) -> set[str]:
    """The pages `persona` may use, as the crawl should find them."""
    pages = {reverse(name) for name in EVERYONE}
    if persona in EDITORS:
        pages.add(reverse("landscape:import"))
    if persona in OWN_MUNICIPALITY:
        municipality = getattr(world, OWN_MUNICIPALITY[persona])
        pages.add(reverse("portfolio:municipality_portfolio", args=[municipality.code]))
    return pages


def pages_not_for(world, persona) -> set[str]:
    pages = {"/admin/"}
    if persona not in EDITORS:
        pages.add(reverse("landscape:import"))
    if persona not in OWN_MUNICIPALITY:
        pages |= {
            reverse("portfolio:municipality_portfolio", args=[getattr(world, attribute).code])
            for attribute in ("own", "peer", "outside")
        }
    return pages


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_the_navigation_reaches_every_page_of_the_persona(world, persona):
    result = crawl(client_for(world, persona))
    expected = pages_for(world, persona)
    assert expected - result.reached == set()
    assert pages_not_for(world, persona) & result.reached == set()
    assert {path: code for path, code in result.statuses.items() if code != 200} == {}
    # The API documentation is Swagger UI's own page, without the site's menu.
    without_menu = {"/", reverse("swagger-ui")}
    for path, links in result.links.items():
        if path in without_menu:
            continue
        # The page itself is marked in the menu (section tabs or main menu), and so is its section
        # in the main menu.
        assert path in {link.href for link in links if link.current == "page"}, path
        assert [link.nav for link in links if link.current and link.nav == "main-nav"], path


def test_signed_out_the_front_page_has_no_menu(world):
    result = crawl(client_for(world, "anonymous"))
    # Nothing but the front page itself (or the login it sends to): no menu to follow.
    assert result.reached == {"/"}
    assert [link.href for link in result.links.get("/", [])] in ([], ["/"])


def test_udbud_has_overview_opportunities_and_plan_as_tabs(world):
    client = client_for(world, "association_admin")
    html = client.get(reverse("procurement:opportunities")).content.decode()
    labels = [link.text for link in nav_links(html) if link.current]
    # Main menu: the section; tabs: this page.
    assert labels == ["Udbud", "Muligheder"]
    tabs = [link.href for link in nav_links(html)][-4:]
    assert tabs == [
        reverse("procurement:tender_list"),
        reverse("procurement:opportunities"),
        reverse("procurement:pipeline"),
        reverse("procurement:threshold_list"),
    ]


def test_a_tenders_child_page_keeps_its_section_marked(world):
    client = client_for(world, "own_admin")
    html = client.get(reverse("procurement:threshold_add")).content.decode()
    marked = {link.href: link.current for link in nav_links(html) if link.current}
    assert marked[reverse("procurement:threshold_list")] == "true"


def test_the_import_link_sits_beside_the_export_for_editors_only(world):
    url = reverse("landscape:contract_list")
    editor = client_for(world, "own_editor").get(url).content.decode()
    viewer = client_for(world, "own_viewer").get(url).content.decode()
    assert 'data-testid="export-csv"' in editor and 'data-testid="export-csv"' in viewer
    assert f'href="{reverse("landscape:import")}?kind=contracts"' in editor
    assert 'data-testid="import-link"' not in viewer
    # Lists without an importer show none.
    projects = client_for(world, "own_editor").get(reverse("portfolio:project_list"))
    assert 'data-testid="import-link"' not in projects.content.decode()


def test_the_import_page_preselects_what_the_link_named(world):
    page = client_for(world, "own_editor").get(reverse("landscape:import") + "?kind=contracts")
    assert page.status_code == 200
    assert page.context["form"]["kind"].value() == "contracts"
