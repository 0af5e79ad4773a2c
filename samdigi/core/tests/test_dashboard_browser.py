"""The front page in a real browser: what samdigi is before login, then the dashboard of three
personas of the demo, each clicking one item through to the page where it is handled."""

import pytest
from django.core.management import call_command

from samdigi.core.browser import chromium_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in_from_front_page(page, live_server, username):
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("samdigi-demo")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("dashboard").is_visible()


def click_first_item(page, panel):
    """Follow the first item of a panel and return its text: the page it opens is about it."""
    link = page.get_by_test_id(f"panel-{panel}").locator(".dash-item a").first
    title = link.inner_text().strip()
    assert title, f"the demo gives the {panel} panel an item"
    link.click()
    page.wait_for_load_state()
    return title


def test_front_page_and_three_dashboards(live_server, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with chromium_page(live_server.url) as page:
        page.goto("/")
        front = page.get_by_test_id("front-page")
        assert "fælles arbejdsrum for et digitaliseringsfællesskab" in front.inner_text()
        assert page.locator("svg.front-picture").is_visible()
        page.get_by_test_id("front-public").click()
        page.wait_for_url(f"{live_server.url}/public/")
        page.go_back()

        # The secretariat: the association's deadlines, portfolio and meetings.
        log_in_from_front_page(page, live_server, "sekretariat")
        for heading in ("Opsigelsesfrister", "Næste styregruppemøde", "Seneste ændringer"):
            assert page.get_by_role("heading", name=heading).is_visible()
        title = click_first_item(page, "projects_attention")
        assert title in page.locator("h1").inner_text()
        assert "/projects/" in page.url

        # The municipal IT lead: Roskilde's contracts, nothing of the other association.
        log_in_from_front_page(page, live_server, "cio-roskilde")
        dashboard = page.get_by_test_id("dashboard").inner_text()
        assert "Roskilde" in dashboard and "Aalborg" not in dashboard
        title = click_first_item(page, "notice_deadlines")
        assert title in page.locator("h1").inner_text()
        assert "/contracts/" in page.url

        # The project manager: reports to write and risk reviews overdue on their projects.
        log_in_from_front_page(page, live_server, "pm-roskilde")
        assert page.get_by_test_id("panel-status_reports_due").is_visible()
        title = click_first_item(page, "overdue_risk_reviews")
        assert title in page.locator("h1").inner_text()
        assert "/risks/" in page.url
        assert page.csp_violations == []
