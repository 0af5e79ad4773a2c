"""A project's documents through the shared documents views (core/attachments.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samdigi.core.documents_testing import PDF, check_documents_contract
from samdigi.core.models import Attachment
from samdigi.core.testing import client_for
from samdigi.portfolio.tests.factories import joint_project, local_project

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "build, editor, reader",
    [(local_project, "own_editor", "own_viewer"), (joint_project, "association_admin", "peer")],
)
def test_project_documents_follow_the_projects_access(
    world, settings, tmp_path, build, editor, reader
):
    project = build(world)
    check_documents_contract(
        world,
        settings,
        tmp_path,
        parent=project,
        upload_url=reverse("portfolio:attachment_add", args=[project.pk]),
        tab_url=reverse("portfolio:project_tab", args=[project.pk, "documents"]),
        download_url_name="portfolio:attachment",
        editor=editor,
        reader=reader,
    )
    assert Attachment.for_object(project).get().kind == "other"


def test_a_project_document_keeps_its_type(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = local_project(world)
    client_for(world, "own_editor").post(
        reverse("portfolio:attachment_add", args=[project.pk]),
        {"title": "Grundlag", "kind": "charter", "file": SimpleUploadedFile("g.pdf", PDF)},
    )
    assert Attachment.for_object(project).get().kind == "charter"
