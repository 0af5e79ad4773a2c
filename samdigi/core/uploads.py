"""Upload checks: size limit and file type by content (PDF, XLSX, DOCX), never by name alone."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

# extension → (media type, check on the first bytes / archive)
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
OOXML_MAIN_PART = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}


def max_upload_bytes() -> int:
    return settings.MAX_ATTACHMENT_BYTES


def check_upload(uploaded, allowed=("pdf", "xlsx", "docx")) -> str:
    """Return the media type of an acceptable upload, or raise ValidationError saying why not."""
    name = uploaded.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in allowed:
        raise ValidationError(
            _("%(name)s: only these file types are accepted: %(types)s.")
            % {"name": name, "types": ", ".join(t.upper() for t in allowed)}
        )
    if uploaded.size > max_upload_bytes():
        raise ValidationError(
            _("%(name)s is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "name": name,
                "size": round(uploaded.size / 1024 / 1024, 1),
                "limit": max_upload_bytes() // 1024 // 1024,
            }
        )
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if extension == "pdf":
        valid = head.startswith(b"%PDF-")
    else:
        valid = head.startswith(b"PK\x03\x04")
        if valid:
            try:
                with zipfile.ZipFile(uploaded) as archive:
                    valid = OOXML_MAIN_PART[extension] in archive.namelist()
            except zipfile.BadZipFile:
                valid = False
            uploaded.seek(0)
    if not valid:
        raise ValidationError(
            _("%(name)s is not a real %(type)s file.") % {"name": name, "type": extension.upper()}
        )
    return ALLOWED_TYPES[extension]


IMPORT_EXTENSIONS = ("csv", "txt", "xlsx")
MACRO_EXTENSIONS = ("xlsm", "xltm", "xlsb", "xlam")


def max_import_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def import_too_large_message(name, size) -> str:
    values = {
        "name": name,
        "size": f"{size / 1024 / 1024:.1f}",
        "limit": f"{max_import_bytes() / 1024 / 1024:.0f}",
    }
    if name is None:
        return (
            _(
                "The upload is %(size)s MB; the limit for an import is %(limit)s MB. "
                "Split the file or leave out columns that are not needed."
            )
            % values
        )
    return (
        _(
            "“%(name)s” is %(size)s MB; the limit for an import is %(limit)s MB. "
            "Split the file or leave out columns that are not needed."
        )
        % values
    )


def check_import_upload(uploaded) -> None:
    """Refuse an import file by size and name before it is read (its content is checked by the
    importer, core/imports.py). Raised as the file field's error, so the page names the field."""
    name = uploaded.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if uploaded.size > max_import_bytes():
        raise ValidationError(import_too_large_message(name, uploaded.size))
    if extension in MACRO_EXTENSIONS:
        raise ValidationError(
            _(
                "“%(name)s” is a macro-enabled workbook, which is not accepted. Save "
                "it as an ordinary Excel workbook (.xlsx) or as CSV."
            )
            % {"name": name}
        )
    if extension not in IMPORT_EXTENSIONS:
        raise ValidationError(_("“%(name)s” is not a CSV or XLSX file.") % {"name": name})


def oversized_import_bytes() -> int:
    """A request body beyond the import limit, with room for the form's other fields."""
    return max_import_bytes() + 1024 * 1024


class RefuseOversizedImport(FileUploadHandler):
    """Put first by the import view: when the request body is beyond the import limit, its files
    are not stored at all (no temporary file of that size); the fields before them (the CSRF
    token) are kept, so the view can answer with a message naming the limit."""

    too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.too_large = bool(content_length) and content_length > oversized_import_bytes()

    def new_file(self, *args, **kwargs):
        if self.too_large:
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
