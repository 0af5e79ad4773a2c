"""Upload checks: size limit and file type by content (PDF, XLSX, DOCX), never by name alone."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# extension → (media type, check on the first bytes / archive)
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
OOXML_MAIN_PART = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}


def max_upload_bytes() -> int:
    return getattr(settings, "MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)


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
