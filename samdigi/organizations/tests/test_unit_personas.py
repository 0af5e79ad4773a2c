"""Every page and API action on units, for every persona (units are owned by a municipality)."""

from samdigi.core.testing import OwnedModelPersonaTests
from samdigi.organizations.models import Unit


class TestUnitPersonas(OwnedModelPersonaTests):
    url_prefix = "organizations:unit"
    api_path = "/api/v1/units/"
    list_query_budget = 7
    api_list_query_budget = 4

    def model_class(self):
        return Unit

    def make(self, world, internal=False, index=0):
        return Unit.objects.create(owner=world.own, name=f"Enhed {index}", internal=internal)

    def form_data(self, world, variant=1):
        return {
            "owner": world.own.pk,
            "name": f"Digitalisering {variant}",
            "kind": "afdeling",
            "contact_email": "",
        }

    def api_data(self, world, variant=1):
        return {"owner": world.own.pk, "name": f"Digitalisering {variant}", "kind": "afdeling"}
