"""Files that must not take the server down or leak, and large imports outside the request
(issue 16; the import items of issues 8 and 9)."""

import datetime
import importlib
import io
import os
import signal
import zipfile

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from samdigi.core import imports
from samdigi.core.testing import api_client_for, client_for
from samdigi.landscape.importers import VendorImporter
from samdigi.landscape.models import Contract, Vendor
from samdigi.landscape.staging import StagedImport, cleanup_staged, staging_dir

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


def staged_files():
    return sorted(path.name for path in staging_dir().iterdir())


def csv_bytes(text, encoding="utf-8"):
    return text.encode(encoding)


def upload(client, content, name="data.csv", kind="vendors"):
    return client.post(
        reverse("landscape:import"),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def xlsx_bytes(sheet_xml: bytes, extra_parts=None, content_types=None) -> bytes:
    """A real XLSX package written part by part, so a test can make it lie."""
    content_types = content_types or (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        b"</Types>"
    )
    parts = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            b"</Relationships>"
        ),
        "xl/workbook.xml": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            b"</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
        **(extra_parts or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def sheet(rows_xml: bytes, dimension: bytes | None) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (b'<dimension ref="' + dimension + b'"/>' if dimension else b"")
        + b"<sheetData>"
        + rows_xml
        + b"</sheetData></worksheet>"
    )


HEADER_ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>Leverand\xc3\xb8r</t></is></c></row>'
DATA_ROW = b'<row r="2"><c r="A2" t="inlineStr"><is><t>Bombe ApS</t></is></c></row>'
BOMB_ROW = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


# --- 1. XLSX bombs ----------------------------------------------------------------------------


@pytest.mark.parametrize("dimension", [b"A1:XFD1048576", None], ids=["declared", "undeclared"])
def test_an_xlsx_bomb_with_a_cell_at_xfd1048576_is_refused_before_parsing(world, dimension):
    data = xlsx_bytes(sheet(HEADER_ROW + DATA_ROW + BOMB_ROW, dimension))
    assert len(data) < 3000
    response = upload(client_for(world, "own_editor"), data, "bombe.xlsx")
    assert response.status_code == 400
    text = response.content.decode()
    assert "1048576" in text and "20000" in text
    assert not Vendor.objects.exists()
    assert staged_files() == []


def test_a_sheet_wider_than_the_column_limit_is_refused(world):
    data = xlsx_bytes(sheet(HEADER_ROW + DATA_ROW, b"A1:XFD2"))
    result = VendorImporter(world.user("own_editor")).run(
        SimpleUploadedFile("bred.xlsx", data), commit=True
    )
    assert not result.committed and "16384" in str(result.problems[0])


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(world, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    padding = (
        b'<row r="3"><c r="B3" t="inlineStr"><is><t>' + b" " * 2_000_000 + b"</t></is></c></row>"
    )
    data = xlsx_bytes(sheet(HEADER_ROW + DATA_ROW + padding, b"A1:B3"))
    assert len(data) < 20_000
    result = VendorImporter(world.user("own_editor")).run(
        SimpleUploadedFile("pakket.xlsx", data), commit=True
    )
    assert not result.committed
    assert "MB" in str(result.problems[0]) and not Vendor.objects.exists()


def test_rows_are_streamed_and_never_read_past_the_limit(world, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>V%d</t></is></c></row>' % (n, n, n)
        for n in range(2, 7)
    )
    # The dimension lies (says 2 rows); the reader still stops at the limit.
    data = xlsx_bytes(sheet(HEADER_ROW + rows, b"A1:A2"))
    result = VendorImporter(world.user("own_editor")).run(
        SimpleUploadedFile("lang.xlsx", data), commit=True
    )
    assert not result.committed and "3" in str(result.problems[0])
    assert not Vendor.objects.exists()


def test_a_well_formed_handmade_workbook_still_imports(world):
    data = xlsx_bytes(sheet(HEADER_ROW + DATA_ROW, b"A1:A2"))
    result = VendorImporter(world.user("own_editor")).run(
        SimpleUploadedFile("ok.xlsx", data), commit=True
    )
    assert result.committed, [str(p) for p in result.problems]
    assert Vendor.objects.get().name == "Bombe ApS"


# --- 2. upload caps -----------------------------------------------------------------------------


def test_a_25_mb_upload_is_refused_naming_the_file_field(world):
    content = b"Leverand\xc3\xb8r\n" + b"x" * (25 * 1024 * 1024)
    response = upload(client_for(world, "own_editor"), content, "stor.csv")
    assert response.status_code == 413
    text = response.content.decode()
    assert "Fil:" in text and "20 MB" in text
    assert not Vendor.objects.exists() and not StagedImport.objects.exists()
    assert staged_files() == []


def test_a_body_beyond_the_import_limit_is_not_stored_and_the_csrf_token_survives(world):
    from django.test import Client, RequestFactory

    from samdigi.landscape.views import limit_import_upload

    big = b"x" * (25 * 1024 * 1024)
    request = RequestFactory().post(
        reverse("landscape:import"),
        {"csrfmiddlewaretoken": "t", "kind": "vendors", "file": SimpleUploadedFile("s.csv", big)},
    )
    limit_import_upload(request)
    assert request.POST["csrfmiddlewaretoken"] == "t" and "file" not in request.FILES
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("own_editor"))
    page = client.get(reverse("landscape:import"))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("landscape:import"),
        {
            "csrfmiddlewaretoken": str(token),
            "kind": "vendors",
            "file": SimpleUploadedFile("s.csv", big),
        },
    )
    assert response.status_code == 413 and "20 MB" in response.content.decode()


def test_an_upload_over_the_import_limit_is_refused_on_the_file_field(world, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    content = b"Leverand\xc3\xb8r\n" + b"x" * (1024 * 1024 + 10)
    response = upload(client_for(world, "own_editor"), content, "stor.csv")
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert "stor.csv" in response.content.decode()
    assert staged_files() == []


# --- 3. macros, encodings, long fields, blank CVR -------------------------------------------------


def test_a_macro_enabled_workbook_is_refused_by_name_and_by_content(world):
    client = client_for(world, "own_editor")
    plain = xlsx_bytes(sheet(HEADER_ROW + DATA_ROW, b"A1:A2"))
    by_name = upload(client, plain, "makro.xlsm")
    assert by_name.status_code == 400 and "makro" in by_name.content.decode().lower()
    macro_types = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'
        b"</Types>"
    )
    disguised = xlsx_bytes(
        sheet(HEADER_ROW + DATA_ROW, b"A1:A2"),
        extra_parts={"xl/vbaProject.bin": b"\x00" * 64},
        content_types=macro_types,
    )
    by_content = upload(client, disguised, "uskyldig.xlsx")
    assert by_content.status_code == 400
    assert "makro" in by_content.content.decode().lower()
    assert not Vendor.objects.exists() and staged_files() == []


def test_cp1252_and_utf8_bom_csv_are_decoded(world):
    user = world.user("own_editor")
    cp1252 = VendorImporter(user).run(
        SimpleUploadedFile(
            "v.csv", csv_bytes("Leverandør;Kontaktperson\nÆblegård ApS;Søren Ø\n", "cp1252")
        ),
        commit=True,
    )
    assert cp1252.committed, [str(p) for p in cp1252.problems]
    bom = VendorImporter(user).run(
        SimpleUploadedFile("w.csv", csv_bytes("\ufeffLeverandør;Kontaktperson\nÅen A/S;Åse\n")),
        commit=True,
    )
    assert bom.committed, [str(p) for p in bom.problems]
    assert set(Vendor.objects.values_list("name", "contact_name")) == {
        ("Æblegård ApS", "Søren Ø"),
        ("Åen A/S", "Åse"),
    }


def test_text_in_no_known_encoding_gets_a_clear_answer_not_a_500(world):
    # 0x81 and 0x90 are undefined in Windows-1252 (an old DOS code page wrote them).
    response = upload(client_for(world, "own_editor"), b"Leverand\x9br\n\x81\x90 ApS\n", "dos.csv")
    assert response.status_code == 400
    assert "Windows-1252" in response.content.decode()


def test_a_200_kb_csv_field_is_reported_with_row_and_column(world):
    text = "Leverandør;Kontaktperson\nKort ApS;Ane\nLang ApS;" + "x" * 200_000 + "\n"
    response = upload(client_for(world, "own_editor"), csv_bytes(text), "lang.csv")
    assert response.status_code == 400
    problems = [str(p) for p in response.context["result"].problems]
    assert any(p.startswith("Række 3, kolonne Kontaktperson") for p in problems), problems
    assert not Vendor.objects.exists() and staged_files() == []


def test_a_blank_cvr_is_stored_as_null_and_never_breaks_vendor_creation(world):
    text = "Leverandør;CVR\nUden CVR ApS;\nOgså uden CVR ApS; \n"
    result = VendorImporter(world.user("own_editor")).run(
        SimpleUploadedFile("v.csv", csv_bytes(text)), commit=True
    )
    assert result.committed, [str(p) for p in result.problems]
    api = api_client_for(world, "own_editor")
    for name in ("API et", "API to"):
        response = api.post("/api/v1/vendors/", {"name": name, "cvr": ""}, format="json")
        assert response.status_code == 201, response.content
    Vendor.objects.create(name="Kode uden CVR", cvr="")
    assert Vendor.objects.filter(cvr="").count() == 0
    assert Vendor.objects.filter(cvr__isnull=True).count() == 5
    # What older versions stored as "" becomes NULL (migration 0004_vendor_cvr_null).
    Vendor.objects.filter(name="API et").update(cvr="")
    migration = importlib.import_module("samdigi.landscape.migrations.0004_vendor_cvr_null")
    migration.blank_cvr_to_null(django_apps, None)
    assert Vendor.objects.filter(cvr="").count() == 0


# --- 4. no names of records the user cannot see -------------------------------------------------


def test_a_row_colliding_with_another_tenants_record_does_not_name_it(world):
    vendor = Vendor.objects.create(name="V")
    Contract.objects.create(
        owner=world.own,
        vendor=vendor,
        name="Hemmelig aftale om fyringer",
        contract_number="K-7",
        expiration=datetime.date(2029, 1, 31),
        internal=True,
    )
    text = "Kommune;Kontraktnavn;Kontrakt ID;Leverandør\nRoskilde;Min kontrakt;K-7;V\n"
    response = upload(client_for(world, "outsider"), csv_bytes(text), "k.csv", kind="contracts")
    assert response.status_code == 400
    assert "Hemmelig" not in response.content.decode()
    problems = [str(p) for p in response.context["result"].problems]
    assert problems and not any("Hemmelig" in p for p in problems)
    assert Contract.objects.get().name == "Hemmelig aftale om fyringer"


# --- 5. rights in the municipality; re-import of a full export ------------------------------


def test_an_association_admin_is_told_plainly_they_have_no_rights_in_the_municipality(world):
    Vendor.objects.create(name="V")
    text = "Kommune;Kontraktnavn;Leverandør\nRoskilde;K;V\nKøge;L;V\n"
    response = upload(
        client_for(world, "association_admin"), csv_bytes(text), "k.csv", kind="contracts"
    )
    assert response.status_code == 400
    problems = response.context["result"].problems
    assert {(p.row, p.column) for p in problems} == {(2, "Kommune"), (3, "Kommune")}
    texts = [str(p) for p in problems]
    assert "Roskilde" in texts[0] and "Køge" in texts[1]
    assert all("rettigheder" in t for t in texts), texts
    assert not any("gyldig valgmulighed" in t for t in texts)


def test_reimporting_a_full_export_skips_the_rows_one_may_see_but_not_change(world):
    vendor = Vendor.objects.create(name="V")
    for owner, name, year in ((world.own, "Roskildes", 2029), (world.peer, "Køges", 2033)):
        Contract.objects.create(
            owner=owner, vendor=vendor, name=name, expiration=datetime.date(year, 1, 31)
        )
    client = client_for(world, "own_admin")
    exported = client.get(reverse("landscape:contract_list"), {"export": "csv"})
    assert "Køges" in exported.content.decode("utf-8-sig")
    versions = dict(Contract.objects.values_list("name", "version"))
    response = upload(client, exported.content, "alle.csv", kind="contracts")
    assert response.status_code == 200, [str(p) for p in response.context["result"].problems]
    result = response.context["result"]
    assert result.ok and result.unchanged == 1 and result.skipped == 1
    assert response.context["token"]
    assert 'data-testid="import-skipped"' in response.content.decode()
    committed = client.post(
        reverse("landscape:import"), {"token": response.context["token"], "commit": "1"}
    )
    assert committed.status_code == 302
    assert dict(Contract.objects.values_list("name", "version")) == versions
    # A changed row of the neighbour's is still refused.
    changed = exported.content.decode("utf-8-sig").replace("2033", "2034")
    refused = upload(client, changed.encode(), "alle.csv", kind="contracts")
    assert refused.status_code == 400
    problems = [str(p) for p in refused.context["result"].problems]
    assert any("ændre" in p for p in problems), problems


# --- 6. large imports in the background -----------------------------------------------------------


# The worker commits and, between tasks, closes connections that are inside a transaction, as a
# separate process would: these tests run in autocommit (the migrations' data is restored after).
worker_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker():
    """The real database worker, in this process, until the queue is empty."""
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    try:
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def vendor_csv(count, bad_row=None):
    lines = ["Leverandør;Kontaktperson"]
    for number in range(count):
        lines.append(f"Firma {number:05d} ApS;Kontakt {number}")
    if bad_row is not None:
        lines[bad_row] = "Dårlig ApS;Kontakt;;;;x;" if False else "Dårlig ApS;" + "y" * 20_000
    return "\n".join(lines).encode()


@worker_test
def test_a_large_file_is_checked_and_saved_by_the_worker_with_progress(world, settings):
    settings.IMPORT_BACKGROUND_ROWS = 50
    client = client_for(world, "own_editor")
    response = upload(client, vendor_csv(120), "mange.csv")
    assert response.status_code == 302
    staged = StagedImport.objects.get()
    assert staged.background and staged.status == "checking" and staged.row_count == 120
    status_url = reverse("landscape:import_status", args=[staged.token])
    assert response.url == status_url
    polled = client.get(status_url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in polled.content.decode()
    assert "0 af 120" in polled.content.decode()
    run_worker()
    staged.refresh_from_db()
    if connection.vendor == "postgresql":  # SQLite has one writer: the import itself
        assert staged.progress_done == 120
    preview = client.get(status_url)
    assert preview.context["result"].created == 120 and preview.context["token"]
    assert not Vendor.objects.exists()
    confirmed = client.post(reverse("landscape:import"), {"token": staged.token, "commit": "1"})
    assert confirmed.status_code == 302 and confirmed.url == status_url
    assert client.get(status_url, HTTP_HX_REQUEST="true").context["staged"].active
    run_worker()
    done = client.get(status_url)
    staged.refresh_from_db()
    assert staged.status == "done" and done.context["result"].committed
    assert Vendor.objects.count() == 120
    assert "hx-trigger" not in client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert staged_files() == []


@worker_test
def test_a_bad_row_anywhere_in_a_background_import_saves_nothing(world, settings):
    settings.IMPORT_BACKGROUND_ROWS = 50
    client = client_for(world, "own_editor")
    assert upload(client, vendor_csv(120, bad_row=119), "mange.csv").status_code == 302
    run_worker()
    staged = StagedImport.objects.get()
    assert staged.status == "failed"
    page = client.get(reverse("landscape:import_status", args=[staged.token]))
    assert any(p.row == 120 for p in page.context["result"].problems)
    assert not page.context["token"]
    assert not Vendor.objects.exists() and staged_files() == []


@worker_test
def test_20000_rows_go_through_the_background_path_and_all_land(world):
    user = world.user("own_editor")
    from samdigi.landscape import tasks

    staged, problem = tasks.stage_upload(
        user, "vendors", False, SimpleUploadedFile("stor.csv", vendor_csv(20000)), "da"
    )
    assert problem is None and staged.background and staged.row_count == 20000
    staged.status = "previewed"
    staged.save()
    tasks.start_background(staged, commit=True)
    run_worker()
    staged.refresh_from_db()
    assert staged.status == "done", staged.result and staged.result["problems"][:3]
    assert Vendor.objects.count() == 20000
    assert staged_files() == []


# --- 7. staged files are deleted -----------------------------------------------------------------


def test_no_staged_file_is_left_after_commit_cancel_or_failure(world):
    client = client_for(world, "own_editor")
    ok = upload(client, vendor_csv(2), "v.csv")
    assert staged_files() != []
    client.post(reverse("landscape:import"), {"token": ok.context["token"], "commit": "1"})
    assert staged_files() == [] and Vendor.objects.count() == 2
    cancelled = upload(client, vendor_csv(3), "w.csv")
    assert staged_files() != []
    response = client.post(
        reverse("landscape:import"), {"token": cancelled.context["token"], "cancel": "1"}
    )
    assert response.status_code == 302
    assert staged_files() == [] and not StagedImport.objects.filter(status="previewed").exists()
    failed = upload(client, b"Leverand\xc3\xb8r;CVR\nX;12345678\n", "x.csv")
    assert failed.status_code == 400 and staged_files() == []
    assert Vendor.objects.count() == 2


def test_cleanup_removes_expired_staged_imports_and_stray_files(world):
    client = client_for(world, "own_editor")
    old = upload(client, vendor_csv(2), "gammel.csv").context["staged"]
    fresh = upload(client, vendor_csv(2), "ny.csv").context["staged"]
    StagedImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    stray = staging_dir() / "1-efterladt.csv"
    stray.write_bytes(b"x")
    two_days_ago = (timezone.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(stray, (two_days_ago, two_days_ago))
    call_command("cleanup_imports", verbosity=0)
    assert not StagedImport.objects.filter(pk=old.pk).exists()
    assert StagedImport.objects.filter(pk=fresh.pk).exists()
    assert staged_files() == [fresh.file_name]
    assert cleanup_staged() == (0, 0)  # idempotent
    expired = client.post(reverse("landscape:import"), {"token": old.token, "commit": "1"})
    assert expired.status_code == 302 and not Vendor.objects.exists()


def test_the_limits_come_from_settings(settings):
    settings.IMPORT_MAX_ROWS = 7
    settings.IMPORT_MAX_BYTES = 1234
    assert imports.max_rows() == 7 and imports.max_bytes() == 1234


def test_an_import_that_crashes_in_the_worker_saves_nothing_and_says_so(world, monkeypatch):
    from samdigi.landscape import tasks

    staged, _problem = tasks.stage_upload(
        world.user("own_editor"), "vendors", False, SimpleUploadedFile("v.csv", vendor_csv(3)), "da"
    )

    def crash(self, *args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(VendorImporter, "run", crash)
    with pytest.raises(RuntimeError):
        tasks.run_staged(staged, commit=True)
    staged.refresh_from_db()
    assert staged.status == "failed" and "uventet" in staged.result["problems"][0]["message"]
    assert staged_files() == [] and not Vendor.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 not really a zip", xlsx_bytes(b"<worksheet")[:-30]],
    ids=["fake", "truncated"],
)
def test_a_broken_workbook_gets_a_clear_answer(world, content):
    response = upload(client_for(world, "own_editor"), content, "i-stykker.xlsx")
    assert response.status_code == 400
    assert "Excel" in str(response.context["result"].problems[0])
    assert staged_files() == []
