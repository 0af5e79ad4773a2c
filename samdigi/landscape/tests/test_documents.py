"""A contract's documents through the shared documents views (core/attachments.py)."""

import datetime

import pytest
from django.urls import reverse

from samdigi.core.documents_testing import check_documents_contract
from samdigi.landscape.models import Contract, Vendor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reader", ["peer", "own_viewer"])
def test_contract_documents_follow_the_contracts_access(world, settings, tmp_path, reader):
    vendor = Vendor.objects.create(name="Nordisk Journal A/S", cvr="29189846")
    contract = Contract.objects.create(
        owner=world.own, vendor=vendor, name="ESDH", expiration=datetime.date(2027, 12, 31)
    )
    check_documents_contract(
        world,
        settings,
        tmp_path,
        parent=contract,
        upload_url=reverse("landscape:contract_attachment_add", args=[contract.pk]),
        tab_url=reverse("landscape:contract_tab", args=[contract.pk, "documents"]),
        download_url_name="landscape:attachment",
        editor="own_editor",
        reader=reader,
    )
