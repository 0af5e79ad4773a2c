"""Every page and API action of municipality-led tenders and of thresholds, for every persona."""

import pytest

from samdigi.core.testing import PERSONAS, OwnedModelPersonaTests, api_client_for, client_for
from samdigi.procurement.models import Tender, Threshold
from samdigi.procurement.tests.helpers import municipal_tender

EVERYONE_SIGNED_IN = set(PERSONAS) - {"anonymous"}


class TestMunicipalTenderPersonas(OwnedModelPersonaTests):
    """A tender a municipality runs alone: its admins and editors plan and change it; the rest of
    the association reads it; an association admin cannot plan it for the municipality."""

    url_prefix = "procurement:tender"
    api_path = "/api/v1/tenders/"
    stale_field = "title"
    list_query_budget = 8
    api_list_query_budget = 9

    def model_class(self):
        return Tender

    def make(self, world, internal=False, index=0):
        return municipal_tender(world, index=index, internal=internal)

    def form_data(self, world, variant=1):
        return {
            "owner": world.own.pk,
            "title": f"Genudbud af ESDH {variant}",
            "procedure": "open",
            "category": "services",
            "estimated_value": "2500000.00",
            "required_start": "2028-01-01",
            "electronic_submission": "on",
            "status": "planned",
        }

    def api_data(self, world, variant=1):
        return {
            "owner": world.own.pk,
            "title": f"Genudbud af ESDH {variant}",
            "procedure": "open",
            "category": "services",
            "estimated_value": "2500000.00",
            "required_start": "2028-01-01",
        }


class TestThresholdPersonas(OwnedModelPersonaTests):
    """Thresholds are national reference data: every signed-in user reads them; association
    admins (and staff) extend them."""

    url_prefix = "procurement:threshold"
    api_path = "/api/v1/thresholds/"
    stale_field = "label"
    internal_visible_to = None
    list_visible_to = EVERYONE_SIGNED_IN
    list_query_budget = 6
    api_list_query_budget = 2
    view_expectations = {
        "outsider": {"detail": 200, "edit": 403, "delete": 403, "create": 403},
        "peer": {"create": 403},
        "own_editor": {"edit": 403, "delete": 403, "create": 403},
        "own_admin": {"edit": 403, "delete": 403, "create": 403},
        "association_admin": {"edit": 302, "delete": 302, "create": 302},
    }
    api_expectations = {
        "outsider": {"retrieve": 200, "update": 403, "destroy": 403},
        "own_editor": {"update": 403, "destroy": 403, "create": 403},
        "own_admin": {"update": 403, "destroy": 403, "create": 403},
        "association_admin": {"update": 200, "destroy": 204, "create": 201},
    }

    @pytest.fixture(autouse=True)
    def _no_seeded_periods(self, db):
        # The data migration seeds the official periods; these tests count their own rows.
        Threshold.objects.all().delete()

    def model_class(self):
        return Threshold

    def make(self, world, internal=False, index=0):
        return Threshold.objects.create(
            label=f"20{40 + 2 * index}-20{41 + 2 * index}",
            valid_from=f"20{40 + 2 * index}-01-01",
            valid_to=f"20{41 + 2 * index}-12-31",
            supplies_services_eur="216000",
            works_eur="5404000",
            social_services_eur="750000",
        )

    def form_data(self, world, variant=1):
        return {
            "label": f"2090-2091 v{variant}",
            "valid_from": "2090-01-01",
            "valid_to": "2091-12-31",
            "supplies_services_eur": "230000",
            "supplies_services_dkk": "",
            "works_eur": "5600000",
            "social_services_eur": "750000",
        }

    def api_data(self, world, variant=1):
        return {
            "label": f"2090-2091 v{variant}",
            "valid_from": "2090-01-01",
            "valid_to": "2091-12-31",
            "supplies_services_eur": "230000.00",
            "works_eur": "5600000.00",
            "social_services_eur": "750000.00",
        }

    # The generic stale-edit tests act as the owner's editors; here the editors are association
    # admins, so the same checks run as the association admin on a stale version.

    def test_a_stale_edit_is_refused_and_nothing_is_overwritten(self, world):
        obj = self.make(world)
        client = client_for(world, "association_admin")
        first = {**self.form_data(world), "version": obj.version}
        assert client.post(self.url("edit", obj.pk), first).status_code == 302
        second = {**self.form_data(world, variant=2), "version": 1}
        response = client.post(self.url("edit", obj.pk), second)
        assert response.status_code == 409
        assert response.context["stale_changes"]
        obj.refresh_from_db()
        assert obj.label == "2090-2091 v1"

    def test_api_stale_update_gets_409_and_changes_nothing(self, world):
        obj = self.make(world)
        client = api_client_for(world, "association_admin")
        url = f"{self.api_path}{obj.pk}/"
        data = self.api_data(world, variant=2)
        assert client.patch(url, {**data, "version": 1}, format="json").status_code == 200
        response = client.patch(url, {**self.api_data(world, 3), "version": 1}, format="json")
        assert response.status_code == 409
        obj.refresh_from_db()
        assert obj.version == 2

    def test_api_update_without_version_is_refused_naming_the_field(self, world):
        obj = self.make(world)
        response = api_client_for(world, "association_admin").patch(
            f"{self.api_path}{obj.pk}/", self.api_data(world, variant=2), format="json"
        )
        assert response.status_code == 400
        assert "version" in response.json()

    def test_thresholds_without_a_dkk_figure_are_converted_and_flagged(self, world):
        obj = self.make(world)
        response = client_for(world, "own_viewer").get(self.url("detail", obj.pk))
        amounts = response.context["amounts"]
        assert all(a.estimated for a in amounts)
        assert "estimated-note" in response.content.decode()
