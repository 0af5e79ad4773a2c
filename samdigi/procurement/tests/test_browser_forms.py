"""In a real browser: the opportunities fold out per group, and the contract form's multi-select
narrows as you type (a local script, no CSP violation)."""

import pytest

from samdigi.core.browser import chromium_page
from samdigi.landscape.models import ItSystem
from samdigi.procurement.tests.helpers import overlapping_contracts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_opportunity_fold_out_and_searchable_multi_select(live_server, world):
    overlapping_contracts(world, system_name="Fælles ESDH")
    ItSystem.objects.create(owner=world.association, name="Bookingsystem")
    with chromium_page(live_server.url) as page:
        page.goto("/accounts/login/")
        page.get_by_label("Brugernavn").fill("association_admin")
        page.get_by_label("Adgangskode").fill("pw-association_admin")
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_load_state()

        page.goto(f"/tenders/opportunities/?association={world.association.pk}")
        assert page.get_by_test_id("summary-row").count() == 1
        group = page.get_by_test_id("opportunity").first
        members = group.locator("table").first
        assert not members.is_visible(), "the explanation starts folded"
        group.locator("summary").click()
        assert members.is_visible()

        page.goto("/contracts/add/")
        search = page.get_by_test_id("search-systems")
        assert search.is_visible()
        search.fill("esdh")
        shown = page.eval_on_selector_all(
            "#id_systems option", "options => options.filter(o => !o.hidden).map(o => o.text)"
        )
        assert shown == ["Fælles ESDH"]
        page.locator("#id_systems").select_option(label="Fælles ESDH")
        assert "Fælles ESDH" in page.get_by_test_id("chosen-systems").inner_text()
        search.fill("booking")
        shown = page.eval_on_selector_all(
            "#id_systems option", "options => options.filter(o => !o.hidden).map(o => o.text)"
        )
        # The chosen option stays in view while the search looks for another.
        assert sorted(shown) == ["Bookingsystem", "Fælles ESDH"]
        assert page.csp_violations == []
