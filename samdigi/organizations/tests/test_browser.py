"""A person's journey in a real browser: log in, open the association, switch to English, open a
municipality, log out."""

import pytest
from django.core.management import call_command

from samdigi.core.browser import chromium_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_login_association_language_municipality_logout(live_server, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with chromium_page(live_server.url) as page:
        # The front page explains samdigi before login; the login page is its own.
        page.goto("/accounts/login/")
        assert page.locator("h1").inner_text() == "Log ind i samdigi"
        page.get_by_label("Brugernavn").fill("sekretariat")
        page.get_by_label("Adgangskode").fill("samdigi-demo")
        page.get_by_role("button", name="Log ind").click()
        page.get_by_role("link", name="Digitaliseringsfællesskab Sjælland (demo)").first.click()
        assert page.get_by_test_id("population-total").inner_text() == "858.102"
        assert page.get_by_test_id("members").locator("tbody tr").count() == 17

        page.get_by_test_id("language-en").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", name="Member municipalities").is_visible()
        assert page.get_by_test_id("population-total").inner_text() == "858,102"

        page.get_by_role("link", name="Roskilde").click()
        assert page.locator("h1").inner_text().startswith("Roskilde")
        assert "Municipality code" in page.content()

        page.get_by_test_id("logout").click()
        page.wait_for_url("**/accounts/login/**")
        assert page.get_by_role("button", name="Log in").is_visible()
        assert page.csp_violations == []
