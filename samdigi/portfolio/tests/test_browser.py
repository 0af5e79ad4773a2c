"""As the users would: a project manager proposes a joint project to the association, the
secretariat sees it in the portfolio, another association sees nothing, and the steering committee
reads a red computed light beside a manager's own rating."""

import pytest
from django.core.management import call_command

from samdigi.core.browser import chromium_page
from samdigi.portfolio.models import Project, StatusReport

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, live_server, username):
    page.goto("/accounts/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("samdigi-demo")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{live_server.url}/")


def test_proposal_portfolio_isolation_and_lights(live_server, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with chromium_page(live_server.url) as page:
        log_in(page, live_server, "pm-roskilde")
        page.goto("/projects/add/")
        page.locator("#id_title").fill("Fælles mødebooking")
        page.locator("#id_kind").select_option("joint")
        page.locator("#id_owner").select_option(label="Digitaliseringsfællesskab Sjælland (demo)")
        page.locator("#id_project_model").select_option(index=1)
        page.get_by_role("button", name="Gem").click()
        page.wait_for_selector("h1:has-text('Fælles mødebooking')")
        project = Project.objects.get(title="Fælles mødebooking")
        assert project.kind == "joint" and project.project_manager.username == "pm-roskilde"
        assert page.get_by_role("link", name="Redigér").is_visible()

        page.get_by_test_id("logout").click()
        log_in(page, live_server, "sekretariat")
        page.goto("/projects/?q=mødebooking")
        assert "Fælles mødebooking" in page.content()

        page.get_by_test_id("logout").click()
        log_in(page, live_server, "cio-aalborg")
        response = page.goto(project.get_absolute_url())
        assert response.status == 404

        page.goto("/")
        page.get_by_test_id("logout").click()
        log_in(page, live_server, "styregruppe")
        red = StatusReport.objects.filter(cost_light="red").exclude(manager_rating="red").first()
        assert red is not None, "the demo has a report whose computed cost light overrides nothing"
        page.goto(red.get_absolute_url())
        assert "light-red" in page.get_by_test_id("cost-light").inner_html()
        assert f"light-{red.manager_rating}" in page.get_by_test_id("manager-rating").inner_html()
        assert page.csp_violations == []
