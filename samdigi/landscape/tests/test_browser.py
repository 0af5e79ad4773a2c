"""In a real browser: an IT lead finds the deadlines ahead, opens a contract and its timeline, and
previews an import that fails with the bad cell named."""

import pytest
from django.core.management import call_command

from samdigi.core.browser import chromium_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_deadlines_contract_timeline_and_import_preview(live_server, settings, tmp_path):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with chromium_page(live_server.url) as page:
        page.goto("/")
        page.get_by_label("Brugernavn").fill("cio-roskilde")
        page.get_by_label("Adgangskode").fill("samdigi-demo")
        page.get_by_role("button", name="Log ind").click()

        page.get_by_role("link", name="Frister").click()
        rows = page.get_by_test_id("deadline-rows").locator("tbody tr")
        assert rows.count() > 3
        assert "Journalis ESDH – Roskilde" in page.get_by_test_id("deadline-rows").inner_text()

        page.get_by_role("link", name="Journalis ESDH – Roskilde").first.click()
        assert page.locator("svg.contract-timeline").is_visible()
        assert "opsigelsesfrist" in page.get_by_test_id("deadlines").inner_text()
        assert "Kunne" not in page.content()

        bad = tmp_path / "kontrakter.csv"
        bad.write_text(
            "Kommune;Kontraktnavn;Leverandør;Udløbsdato\nRoskilde;Ny;Nordisk Journal A/S;31-31-2028\n"
        )
        page.goto("/import/")
        page.get_by_label("hvad filen indeholder").select_option("contracts")
        page.locator("#id_file").set_input_files(str(bad))
        page.get_by_test_id("import-check").click()
        problems = page.get_by_test_id("import-problems").inner_text()
        assert "Række 2" in problems and "Udløbsdato" in problems
        assert page.csp_violations == []
