"""Import from spreadsheets: preview, all-or-nothing, row/column errors, and export round trips."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from samdigi.core.testing import client_for
from samdigi.landscape.importers import ContractImporter, SystemUsageImporter, VendorImporter
from samdigi.landscape.models import Contract, ItSystem, SystemUsage, Vendor

pytestmark = pytest.mark.django_db


def csv_file(text, name="data.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def xlsx_file(rows, name="data.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_it_overview_headers_are_understood_and_preview_changes_nothing(world):
    Vendor.objects.create(name="Nordisk Journal A/S")
    ItSystem.objects.create(owner=world.association, name="Journalis")
    text = (
        "Kommune;Kontraktnavn;Kontrakt ID;Leverandør;IT-systemer;Udløbsdato;Opsigelsesvarsel;Antal optioner;"
        "Option måneder;Årlig værdi\n"
        "Roskilde;ESDH-drift;K-1;Nordisk Journal A/S;Journalis;2028-06-30;6 måneder;2;12;1.234.567,89\n"
    )
    importer = ContractImporter(world.user("own_editor"))
    preview = importer.run(csv_file(text), commit=False)
    assert preview.ok, [str(p) for p in preview.problems]
    assert preview.created == 1
    assert not Contract.objects.exists()
    result = ContractImporter(world.user("own_editor")).run(csv_file(text), commit=True)
    assert result.committed
    contract = Contract.objects.get()
    assert contract.annual_value == Decimal("1234567.89") and contract.notice_months == 6
    # 30 June 2028 − 6 months by the end-of-month rule (clamping gave 30.12.2027)
    assert contract.notice_deadline == datetime.date(2027, 12, 31)
    assert [s.name for s in contract.systems.all()] == ["Journalis"]


def test_one_bad_row_changes_nothing_and_every_bad_cell_is_named(world):
    Vendor.objects.create(name="Nordisk Journal A/S")
    rows = [
        ["Kommune", "Kontraktnavn", "Leverandør", "Udløbsdato", "Årlig værdi"],
        ["Roskilde", "God", "Nordisk Journal A/S", "2028-06-30", "100"],
        ["Roskilde", "Dårlig dato", "Nordisk Journal A/S", "31/02/2028", "100"],
        ["Roskilde", "Ukendt leverandør", "Findes Ikke ApS", "2028-06-30", "abc"],
        ["Aalborg", "Forkert kommune", "Nordisk Journal A/S", "2028-06-30", "1"],
    ]
    result = ContractImporter(world.user("own_editor")).run(xlsx_file(rows), commit=True)
    assert not result.committed
    problems = [(p.row, p.column) for p in result.problems]
    assert (3, "Udløbsdato") in problems
    assert (4, "Leverandør") in problems
    assert (5, "Kommune") in problems
    assert not Contract.objects.exists()
    assert all(str(p).startswith(("Row", "Række")) for p in result.problems)


def test_unknown_vendors_and_systems_are_created_only_when_asked(world):
    text = "Kommune,IT-system,Lokalt navn\nRoskilde,Nyt System,Vores nye\n"
    refused = SystemUsageImporter(world.user("own_editor")).run(csv_file(text), commit=True)
    assert not refused.committed and "IT-system" in {p.column for p in refused.problems}
    created = SystemUsageImporter(world.user("own_editor"), create_missing=True).run(
        csv_file(text), commit=True
    )
    assert created.committed, [str(p) for p in created.problems]
    assert SystemUsage.objects.get().system.name == "Nyt System"
    assert ItSystem.objects.get(name="Nyt System").owner_id == world.association.pk


def test_a_viewer_cannot_import_into_their_municipality(world):
    Vendor.objects.create(name="V")
    text = "Kommune;Kontraktnavn;Leverandør\nRoskilde;K;V\n"
    result = ContractImporter(world.user("own_viewer")).run(csv_file(text), commit=True)
    assert not result.committed
    assert client_for(world, "own_viewer").get(reverse("landscape:import")).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(world, fmt):
    vendor = Vendor.objects.create(
        name="Nordisk Journal A/S", cvr="29189846", website="https://example.dk"
    )
    system = ItSystem.objects.create(owner=world.association, name="Journalis", vendor=vendor)
    for index in range(3):
        contract = Contract.objects.create(
            owner=world.own,
            vendor=vendor,
            name=f"Kontrakt {index}",
            contract_number=f"K-{index}",
            expiration=datetime.date(2028, 6, 30),
            notice_months=6,
            notice_to_end_of="quarter",
            option_count=2,
            option_months=12,
            options_used=1,
            annual_value="1234567.89",
            procurement_form="open",
            internal=index == 2,
            concluded=datetime.date(2024, 1, 15),
        )
        contract.systems.add(system)
    contract.co_owners.add(world.peer)
    client = client_for(world, "own_editor")
    exported = client.get(reverse("landscape:contract_list"), {"export": fmt})
    before = {
        c.pk: (c.version, c.annual_value, c.notice_to_end_of, c.internal)
        for c in Contract.objects.all()
    }
    upload = SimpleUploadedFile(f"kontrakter.{fmt}", exported.content)
    result = ContractImporter(world.user("own_editor")).run(upload, commit=True)
    assert result.ok, [str(p) for p in result.problems]
    assert result.unchanged == 3 and result.created == 0 and result.updated == 0
    assert {
        c.pk: (c.version, c.annual_value, c.notice_to_end_of, c.internal)
        for c in Contract.objects.all()
    } == before
    vendors = client.get(reverse("landscape:vendor_list"), {"export": fmt})
    result = VendorImporter(world.user("own_editor")).run(
        SimpleUploadedFile(f"v.{fmt}", vendors.content), commit=True
    )
    assert result.ok and result.unchanged == 1


def test_import_page_previews_then_commits(world):
    Vendor.objects.create(name="V")
    client = client_for(world, "own_editor")
    text = "Kommune;Kontraktnavn;Leverandør;Udløbsdato\nRoskilde;Fra fil;V;2029-01-31\n"
    response = client.post(
        reverse("landscape:import"), {"kind": "contracts", "file": csv_file(text)}
    )
    assert response.status_code == 200
    assert response.context["result"].created == 1 and not Contract.objects.exists()
    token = response.context["token"]
    response = client.post(reverse("landscape:import"), {"token": token, "commit": "1"})
    assert response.status_code == 302
    assert Contract.objects.get().name == "Fra fil"
    bad = client.post(
        reverse("landscape:import"),
        {"kind": "contracts", "file": csv_file("Kommune;Kontraktnavn\nX;Y\n")},
    )
    assert bad.status_code == 400
    assert "Leverandør" in bad.content.decode() or "vendor" in bad.content.decode()
