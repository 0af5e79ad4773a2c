"""As the secretariat would: find which municipalities could tender an ESDH system together, plan
the group as a joint tender, schedule it backwards, publish it and download valid OCDS."""

import json

import pytest
from django.core.management import call_command

from samdigi.core.browser import chromium_page
from samdigi.procurement.ocds_validation import SCHEMA_DIR, validate_release_package

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_opportunity_to_published_joint_tender_with_valid_ocds(live_server, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with chromium_page(live_server.url) as page:
        page.goto("/")
        page.get_by_label("Brugernavn").fill("sekretariat")
        page.get_by_label("Adgangskode").fill("samdigi-demo")
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url(f"{live_server.url}/")

        page.goto("/tenders/opportunities/")
        assert "Journalis ESDH" in page.content()
        assert "Hvorfor sammen" in page.content() or "samme katalogsystem" in page.content()
        page.locator("[data-testid^=plan-]").first.click()
        # A preview first: nothing is created until it is confirmed.
        page.wait_for_selector("[data-testid=plan-preview]")
        page.get_by_test_id("plan-confirm").click()
        page.wait_for_selector("[data-testid=participants]")
        assert page.get_by_test_id("participants").locator("tbody tr").count() >= 2

        page.get_by_test_id("schedule").click()
        page.wait_for_selector("[data-testid=steps]")
        assert page.get_by_test_id("steps").locator("tbody tr").count() >= 4

        tender_url = page.url.split("?")[0].rstrip("/")
        page.goto(tender_url + "/edit/")
        page.locator("#id_published").check()
        page.get_by_role("button", name="Gem").click()
        page.wait_for_selector("[data-testid=tender-status]")
        assert "åbne data" in page.get_by_test_id("tender-status").inner_text()

        ocds_url = page.get_by_test_id("ocds-link").get_attribute("href")
        response = page.request.get(ocds_url)
        assert response.ok
        package = json.loads(response.body())
        assert validate_release_package(package, SCHEMA_DIR) == []
        assert package["releases"][0]["tender"]["procurementMethodDetails"]
        assert page.csp_violations == []
