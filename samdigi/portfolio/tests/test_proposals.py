"""Members propose joint projects to their association, in the pages and the API alike."""

import pytest
from django.urls import reverse

from samdigi.core.testing import api_client_for, client_for
from samdigi.portfolio.models import Project
from samdigi.portfolio.tests.factories import project_model

pytestmark = pytest.mark.django_db


def proposal(world, kind="joint"):
    return {
        "title": "Fælles mødebooking",
        "kind": kind,
        "owner": world.association.pk,
        "project_model": project_model(world).pk,
    }


def test_an_editor_of_a_member_proposes_a_joint_project_through_the_api(world):
    response = api_client_for(world, "own_editor").post(
        "/api/v1/projects/", proposal(world), format="json"
    )
    assert response.status_code == 201, response.content
    project = Project.objects.get(title="Fælles mødebooking")
    assert project.owner_id == world.association.pk
    assert project.project_manager == world.user("own_editor")
    assert Project.objects.editable_by(world.user("own_editor")).filter(pk=project.pk).exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("own_viewer", 403), ("steering_member", 403), ("outsider", 403)]
)
def test_viewers_and_outsiders_cannot_propose(world, persona, status):
    response = api_client_for(world, persona).post(
        "/api/v1/projects/", proposal(world), format="json"
    )
    assert response.status_code == status
    assert not Project.objects.filter(title="Fælles mødebooking").exists()


def test_a_proposal_to_the_association_must_be_joint(world):
    response = api_client_for(world, "own_editor").post(
        "/api/v1/projects/", proposal(world, "local"), format="json"
    )
    assert response.status_code == 400 and {"kind", "owner"} & set(response.json())
    page = client_for(world, "own_editor").post(
        reverse("portfolio:project_add"), proposal(world, "local")
    )
    assert page.status_code == 400 and {"kind", "owner"} & set(page.context["form"].errors)
    assert not Project.objects.filter(title="Fælles mødebooking").exists()
