"""The contract of the shared documents views (core/attachments.py), checked through each app's own
URLs by the apps' tests (core's tests import no domain app)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samdigi.core.models import Attachment
from samdigi.core.testing import client_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def check_documents_contract(
    world, settings, tmp_path, *, parent, upload_url, tab_url, download_url_name, editor, reader
):
    """Upload as editor → 302 and listed; as a reader of the record → 403; download by the
    reader → the file, by an outsider → 404; a file over the limit → a message naming the file
    and the limit, and nothing stored."""
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_ATTACHMENT_BYTES = 1024 * 1024

    added = client_for(world, editor).post(
        upload_url, {"title": "Bilag A", "kind": "other", "file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert added.status_code == 302
    assert added.url == tab_url
    attachment = Attachment.for_object(parent).get()
    tab = client_for(world, editor).get(tab_url)
    assert list(tab.context["attachments"]) == [attachment]
    link = reverse(download_url_name, args=[attachment.pk])
    assert link in tab.content.decode()

    refused = client_for(world, reader).post(
        upload_url, {"title": "Bilag B", "kind": "other", "file": SimpleUploadedFile("b.pdf", PDF)}
    )
    assert refused.status_code == 403

    download = client_for(world, reader).get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert client_for(world, "outsider").get(link).status_code == 404

    too_large = PDF + b"0" * settings.MAX_ATTACHMENT_BYTES
    answer = client_for(world, editor).post(
        upload_url,
        {"title": "Stor", "kind": "other", "file": SimpleUploadedFile("stor.pdf", too_large)},
        follow=True,
    )
    shown = [str(message) for message in answer.context["messages"]]
    assert len(shown) == 1
    assert "stor.pdf" in shown[0] and "1 MB" in shown[0]
    assert Attachment.for_object(parent).count() == 1
