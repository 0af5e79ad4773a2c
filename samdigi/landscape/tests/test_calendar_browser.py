"""In a real browser: the calendar page's copy button copies the feed address (a static script,
no inline code under the CSP), and the webcal:// link points at the host the site is reached at."""

import pytest
from django.urls import reverse

from samdigi.core.browser import chromium_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_copy_button_copies_the_feed_address(live_server, settings, django_user_model):
    settings.SITE_URL = ""
    django_user_model.objects.create_user("kalender", password="kalender-demo-42")
    with chromium_page(live_server.url) as page:
        page.context.grant_permissions(
            ["clipboard-read", "clipboard-write"], origin=live_server.url
        )
        page.goto("/")
        page.get_by_label("Brugernavn").fill("kalender")
        page.get_by_label("Adgangskode").fill("kalender-demo-42")
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url(f"{live_server.url}/")
        page.goto(reverse("landscape:calendar"))
        address = page.locator("#feed-url").input_value()
        assert address.startswith(f"{live_server.url}/") and address.endswith(".ics")
        host = live_server.url.split("://", 1)[1]
        webcal = page.get_by_test_id("webcal-link").get_attribute("href")
        assert webcal == f"webcal://{host}{address[len(live_server.url) :]}"
        button = page.get_by_role("button", name="Kopiér adressen")
        assert button.is_visible()  # shown by copy.js
        button.click()
        status = page.locator('[data-copy-status="feed-url"]')
        status.filter(has_text="Adressen er kopieret").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == address
        assert page.csp_violations == []
