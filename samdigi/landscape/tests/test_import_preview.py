"""The import preview from the user's side: old → new under the export's headers, and nothing is
written before the one Import button is pressed."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samdigi.core.testing import client_for
from samdigi.landscape.importers import ContractImporter
from samdigi.landscape.models import Contract, Vendor
from samdigi.landscape.staging import StagedImport

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(world):
    vendor = Vendor.objects.create(name="Nordisk Journal A/S")
    return Contract.objects.create(
        owner=world.own,
        vendor=vendor,
        name="ESDH-drift",
        contract_number="K-1",
        expiration=datetime.date(2028, 6, 30),
        annual_value=Decimal("100000"),
    )


def exported_with_new_value(client):
    """The contract list's own CSV export, with the annual value changed in the one row."""
    exported = client.get(reverse("landscape:contract_list"), {"export": "csv"})
    lines = exported.content.decode("utf-8-sig").splitlines()
    headers = lines[0].split(";")
    column = headers.index("årlig værdi (kr. ekskl. moms)")
    row = lines[1].split(";")
    assert Decimal(row[column]) == Decimal("100000")
    row[column] = "250000"
    return "\n".join([lines[0], ";".join(row)]).encode("utf-8")


def test_preview_shows_old_and_new_value_under_the_export_header_and_saves_nothing(world, contract):
    client = client_for(world, "own_editor")
    upload = SimpleUploadedFile("kontrakter.csv", exported_with_new_value(client))
    response = client.post(reverse("landscape:import"), {"kind": "contracts", "file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Årlig værdi (kr. ekskl. moms)" in page
    assert "<del>100.000,00 kr.</del> → <ins>250.000,00 kr.</ins>" in page
    contract.refresh_from_db()
    assert contract.annual_value == Decimal("100000")
    # One Import button, after the preview; the upload form only checks a file.
    assert page.count('data-testid="import-confirm"') == 1
    assert page.index('data-testid="import-preview"') < page.index('data-testid="import-confirm"')
    assert page.index('data-testid="import-confirm"') < page.index('data-testid="import-upload"')
    confirm = client.post(
        reverse("landscape:import"), {"token": response.context["token"], "commit": "1"}
    )
    assert confirm.status_code == 302
    contract.refresh_from_db()
    assert contract.annual_value == Decimal("250000")


def test_a_file_that_changes_nothing_says_so_and_folds_the_unchanged_rows(world, contract):
    client = client_for(world, "own_editor")
    exported = client.get(reverse("landscape:contract_list"), {"export": "csv"})
    upload = SimpleUploadedFile("kontrakter.csv", exported.content)
    response = client.post(reverse("landscape:import"), {"kind": "contracts", "file": upload})
    page = response.content.decode()
    assert 'data-testid="import-nothing"' in page
    assert '<details class="import-unchanged">' in page and "ESDH-drift" in page


def test_the_upload_page_has_no_import_button_before_a_preview(world):
    page = client_for(world, "own_editor").get(reverse("landscape:import")).content.decode()
    assert 'data-testid="import-check"' in page
    assert 'data-testid="import-confirm"' not in page


def test_a_changed_cell_is_described_with_the_export_header_in_the_result(world, contract):
    text = "Kommune;Kontraktnavn;Kontrakt ID;Leverandør;Udløbsdato\nRoskilde;ESDH-drift;K-1;Nordisk Journal A/S;2029-06-30\n"
    result = ContractImporter(world.user("own_editor")).run(
        SimpleUploadedFile("k.csv", text.encode()), commit=False
    )
    assert result.ok, [str(p) for p in result.problems]
    (outcome,) = result.outcomes
    assert outcome.action == "update"
    assert outcome.changes == [{"column": "udløbsdato", "old": "30.06.2028", "new": "30.06.2029"}]
    # The stored preview of a background run keeps the changes.
    again = type(result).from_dict(result.to_dict())
    assert again.outcomes[0].changes == outcome.changes


def test_a_running_background_import_polls_and_shows_progress(world):
    user = world.user("own_editor")
    staged = StagedImport.objects.create(
        token="t-1",
        user=user,
        kind="contracts",
        row_count=5000,
        background=True,
        status=StagedImport.Status.CHECKING,
    )
    client = client_for(world, "own_editor")
    page = client.get(reverse("landscape:import_status", args=[staged.token])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page
    StagedImport.objects.filter(pk=staged.pk).update(progress_done=2500, progress_total=5000)
    part = client.get(
        reverse("landscape:import_status", args=[staged.token]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'value="50"' in part and "2500" in part.replace(".", "")
