"""At phone width (390 px) in a real browser: the menu folds behind a button that opens it, the page
never scrolls sideways, and wide tables scroll inside their own container."""

import pytest
from django.core.management import call_command

from samdigi.core.browser import chromium_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
# The main pages of a municipality's IT lead, with at least one table each where marked.
PAGES = (
    ("/", False),
    ("/contracts/", True),
    ("/deadlines/", True),
    ("/systems/", True),
    ("/tenders/", True),
    ("/tenders/pipeline/", False),
    ("/projects/", True),
    ("/portfolio/municipalities/265/", True),
    ("/meetings/", True),
    ("/contracts/add/", False),
)

PAGE_WIDTH = "document.documentElement.scrollWidth"
TABLES_OUTSIDE_A_SCROLLER = """() => Array.from(document.querySelectorAll('main table')).filter(
    (table) => getComputedStyle(table.parentElement).overflowX !== 'auto').length"""
WIDEST_SCROLLER = """() => Math.max(0, ...Array.from(document.querySelectorAll('main .table-wrap'))
    .map((wrap) => wrap.scrollWidth - wrap.clientWidth))"""


def test_menu_folds_and_nothing_scrolls_sideways_at_390_px(live_server, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with chromium_page(live_server.url) as page:
        page.set_viewport_size(PHONE)
        page.goto("/accounts/login/")
        assert page.evaluate(PAGE_WIDTH) <= PHONE["width"] + 1
        page.get_by_label("Brugernavn").fill("cio-roskilde")
        page.get_by_label("Adgangskode").fill("samdigi-demo")
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url(f"{live_server.url}/")

        toggle = page.get_by_test_id("nav-toggle")
        menu = page.locator("#main-menu")
        scrolled_tables = 0
        for path, has_table in PAGES:
            page.goto(path)
            assert page.evaluate(PAGE_WIDTH) <= PHONE["width"] + 1, path
            # Folded: only the button shows, and it says so.
            assert toggle.is_visible(), path
            assert not menu.is_visible(), path
            assert toggle.get_attribute("aria-expanded") == "false"
            if has_table:
                assert page.locator("main table").count() > 0, path
                assert page.evaluate(TABLES_OUTSIDE_A_SCROLLER) == 0, path
                scrolled_tables += page.evaluate(WIDEST_SCROLLER) > 0
        # Some lists are wider than a phone: they scroll inside their box, not the page.
        assert scrolled_tables > 0

        # Open the menu, follow it to the tenders, find the section's tabs, close it with Escape.
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert menu.is_visible()
        assert page.evaluate(PAGE_WIDTH) <= PHONE["width"] + 1
        menu.get_by_role("link", name="Udbud").click()
        page.wait_for_url("**/tenders/")
        tabs = page.get_by_test_id("section-nav")
        assert tabs.get_by_role("link", name="Muligheder").is_visible()
        assert tabs.get_by_role("link", name="Udbudsplan").is_visible()
        assert page.evaluate(PAGE_WIDTH) <= PHONE["width"] + 1
        toggle.click()
        page.keyboard.press("Escape")
        assert not menu.is_visible()

        # On a wide screen the menu is simply there, with no button.
        page.set_viewport_size({"width": 1280, "height": 800})
        assert menu.is_visible() and not toggle.is_visible()
        assert page.csp_violations == []
