"""Every page and API action of the landscape models, for every persona."""

import datetime
from decimal import Decimal

from samdigi.core.testing import PERSONAS, OwnedModelPersonaTests
from samdigi.landscape.models import Contract, ItSystem, SystemUsage, Vendor

EVERYONE_SIGNED_IN = set(PERSONAS) - {"anonymous"}
EDITORS_ANYWHERE = {"outsider", "peer", "own_editor", "own_admin", "association_admin"}


def vendor(index=0):
    return Vendor.objects.get_or_create(name=f"Leverandør {index}")[0]


class TestContractPersonas(OwnedModelPersonaTests):
    url_prefix = "landscape:contract"
    api_path = "/api/v1/contracts/"
    list_query_budget = 10
    api_list_query_budget = 6

    def model_class(self):
        return Contract

    def make(self, world, internal=False, index=0):
        return Contract.objects.create(
            owner=world.own,
            vendor=vendor(),
            name=f"Kontrakt {index}",
            internal=internal,
            expiration=datetime.date(2028, 12, 31),
            notice_months=6,
            option_count=2,
            option_months=12,
        )

    def form_data(self, world, variant=1):
        return {
            "owner": world.own.pk,
            "vendor": vendor().pk,
            "name": f"ESDH-kontrakt {variant}",
            "contract_type": "licence",
            "expiration": "2029-06-30",
            "notice_months": "6",
            "notice_to_end_of": "month",
            "option_count": "1",
            "option_months": "12",
            "options_used": "0",
            "annual_value": "1234567.89",
        }

    def api_data(self, world, variant=1):
        return {
            "owner": world.own.pk,
            "vendor": vendor().pk,
            "name": f"ESDH-kontrakt {variant}",
            "expiration_date": "2029-06-30",
            "notice_months": 6,
            "notice_to_end_of": "month",
        }


class TestSystemUsagePersonas(OwnedModelPersonaTests):
    url_prefix = "landscape:systemusage"
    api_path = "/api/v1/system-usages/"
    stale_field = "local_name"
    list_query_budget = 8
    api_list_query_budget = 4

    def model_class(self):
        return SystemUsage

    def system(self, world, index=0):
        return ItSystem.objects.get_or_create(owner=world.association, name=f"System {index}")[0]

    def make(self, world, internal=False, index=0):
        return SystemUsage.objects.create(
            owner=world.own, system=self.system(world, index), internal=internal
        )

    def form_data(self, world, variant=1):
        return {
            "owner": world.own.pk,
            "system": self.system(world, 99).pk,
            "local_name": f"Lokal {variant}",
            "lifecycle": "in_operation",
        }

    def api_data(self, world, variant=1):
        return {
            "owner": world.own.pk,
            "system": self.system(world, 50 + variant).pk,
            "local_name": f"Lokal {variant}",
        }


class TestItSystemPersonas(OwnedModelPersonaTests):
    """The catalogue belongs to the association: its members read it, and the association's admins
    and the admins and editors of member municipalities maintain it together."""

    url_prefix = "landscape:itsystem"
    api_path = "/api/v1/systems/"
    internal_visible_to = None
    list_query_budget = 8
    api_list_query_budget = 5
    view_expectations = {
        "peer": {"edit": 302, "delete": 302, "create": 302},
        "association_admin": {"edit": 302, "delete": 302, "create": 302},
    }
    api_expectations = {
        "peer": {"update": 200, "destroy": 204, "create": 201},
        "association_admin": {"update": 200, "destroy": 204, "create": 201},
    }

    def model_class(self):
        return ItSystem

    def make(self, world, internal=False, index=0):
        return ItSystem.objects.create(owner=world.association, name=f"System {index}")

    def form_data(self, world, variant=1):
        return {
            "owner": world.association.pk,
            "name": f"Fagsystem {variant}",
            "licence_model": "saas",
            "lifecycle": "active",
        }

    def api_data(self, world, variant=1):
        return {"owner": world.association.pk, "name": f"Fagsystem {variant}"}


class TestVendorPersonas(OwnedModelPersonaTests):
    """Vendors are shared reference data: every signed-in user reads them; anyone who edits
    anywhere maintains them."""

    url_prefix = "landscape:vendor"
    api_path = "/api/v1/vendors/"
    internal_visible_to = None
    list_visible_to = EVERYONE_SIGNED_IN
    list_query_budget = 6
    api_list_query_budget = 2
    view_expectations = {
        "outsider": {"detail": 200, "edit": 302, "delete": 302, "create": 302},
        "peer": {"edit": 302, "delete": 302, "create": 302},
        "association_admin": {"edit": 302, "delete": 302, "create": 302},
    }
    api_expectations = {
        "outsider": {"retrieve": 200, "update": 200, "destroy": 204, "create": 201},
        "peer": {"update": 200, "destroy": 204, "create": 201},
        "association_admin": {"update": 200, "destroy": 204, "create": 201},
    }

    def model_class(self):
        return Vendor

    def make(self, world, internal=False, index=0):
        return Vendor.objects.create(name=f"Leverandør {index}")

    def form_data(self, world, variant=1):
        return {"name": f"Firma {variant}", "cvr": "", "website": ""}

    def api_data(self, world, variant=1):
        return {"name": f"Firma {variant}"}


def test_money_is_shown_the_danish_way(world):
    from samdigi.core.testing import client_for

    contract = Contract.objects.create(
        owner=world.own, vendor=vendor(), name="K", annual_value=Decimal("1234567.89")
    )
    html = client_for(world, "own_viewer").get(contract.get_absolute_url()).content.decode()
    assert "1.234.567,89 kr." in html
