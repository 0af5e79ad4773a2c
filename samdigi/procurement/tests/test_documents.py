"""A tender's documents through the shared documents views (core/attachments.py)."""

import pytest
from django.urls import reverse

from samdigi.core.documents_testing import check_documents_contract
from samdigi.procurement.tests.helpers import joint_tender, municipal_tender

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "build, editor, reader",
    [(joint_tender, "association_admin", "own_admin"), (municipal_tender, "own_editor", "peer")],
)
def test_tender_documents_follow_the_tenders_access(
    world, settings, tmp_path, build, editor, reader
):
    tender = build(world)
    check_documents_contract(
        world,
        settings,
        tmp_path,
        parent=tender,
        upload_url=reverse("procurement:tender_attachment_add", args=[tender.pk]),
        tab_url=reverse("procurement:tender_tab", args=[tender.pk, "documents"]),
        download_url_name="landscape:attachment",
        editor=editor,
        reader=reader,
    )
