"""Joint projects are owned by the association: its members see them, its admins and the people
assigned to the project change them, a participating municipality's admin answers for it."""

import pytest
from django.urls import reverse

from samdigi.core.testing import PERSONAS, api_client_for, client_for
from samdigi.portfolio.models import Participant, Project
from samdigi.portfolio.tests.factories import joint_project, project_model

SEES = {"peer", "own_viewer", "own_editor", "own_admin", "association_admin", "steering_member"}


@pytest.fixture
def project(world):
    return joint_project(world, project_manager=world.user("own_editor"))


def form_data(world, project, title="Fælles borgerportal"):
    return {
        "title": title,
        "kind": "joint",
        "owner": world.association.pk,
        "project_model": project_model(world).pk,
        "cost_key": "population",
        "project_manager": world.user("own_editor").pk,
        "version": project.version,
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_member_of_the_association_sees_a_joint_project(world, project, persona):
    response = client_for(world, persona).get(project.get_absolute_url())
    expected = 302 if persona == "anonymous" else 200 if persona in SEES else 404
    assert response.status_code == expected
    api = api_client_for(world, persona).get(f"/api/v1/projects/{project.pk}/")
    assert api.status_code == (401 if persona == "anonymous" else 200 if persona in SEES else 404)


@pytest.mark.parametrize(
    "tab",
    [
        "phases",
        "participants",
        "business-case",
        "risks",
        "status",
        "milestones",
        "benefits",
        "documents",
        "history",
    ],
)
def test_every_tab_of_a_joint_project_opens(world, project, tab):
    response = client_for(world, "peer").get(
        reverse("portfolio:project_tab", args=[project.pk, tab])
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("association_admin", 302),
        ("own_editor", 302),  # assigned project manager
        ("own_admin", 403),
        ("peer", 403),
        ("steering_member", 403),
        ("outsider", 404),
    ],
)
def test_the_association_admin_and_the_assigned_manager_edit(world, project, persona, status):
    response = client_for(world, persona).post(
        reverse("portfolio:project_edit", args=[project.pk]), form_data(world, project)
    )
    assert response.status_code == status, (
        getattr(response, "context", None)
        and response.context.get("form")
        and response.context["form"].errors
    )
    project.refresh_from_db()
    assert (project.version == 2) == (status == 302)


def test_api_update_by_the_assigned_manager_and_not_by_a_peer(world, project):
    url = f"/api/v1/projects/{project.pk}/"
    assert (
        api_client_for(world, "peer")
        .patch(url, {"title": "X", "version": 1}, format="json")
        .status_code
        == 403
    )
    response = api_client_for(world, "own_editor").patch(
        url, {"title": "Y", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "joint"
    assert response.json()["phase"] == "idea"


def test_a_municipality_admin_answers_for_their_own_municipality_only(world, project):
    own = Participant.objects.create(project=project, municipality=world.own)
    peer = Participant.objects.create(project=project, municipality=world.peer)
    url = reverse("portfolio:participant_answer", args=[own.pk])
    assert client_for(world, "peer").post(url, {"answer": "join"}).status_code == 403
    assert client_for(world, "own_editor").post(url, {"answer": "join"}).status_code == 403
    assert client_for(world, "outsider").post(url, {"answer": "join"}).status_code == 404
    assert client_for(world, "own_admin").post(url, {"answer": "join"}).status_code == 302
    response = client_for(world, "peer").post(
        reverse("portfolio:participant_answer", args=[peer.pk]), {"answer": "decline"}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    peer.refresh_from_db()
    assert (own.status, peer.status) == (Participant.Status.JOINED, Participant.Status.DECLINED)
    assert own.responded_by == world.user("own_admin")


def test_a_participating_admin_edits_the_participation_through_the_api(world, project):
    own = Participant.objects.create(project=project, municipality=world.own)
    url = f"/api/v1/project-participants/{own.pk}/"
    response = api_client_for(world, "own_admin").patch(
        url, {"status": "joined", "version": own.version}, format="json"
    )
    assert response.status_code == 200, response.content
    response = api_client_for(world, "peer").patch(
        url, {"status": "left", "version": 2}, format="json"
    )
    assert response.status_code == 403


def test_only_joint_projects_have_participants(world):
    local = Project.objects.create(
        owner=world.own, project_model=project_model(world), title="Lokalt", kind="local"
    )
    response = api_client_for(world, "own_editor").post(
        "/api/v1/project-participants/",
        {"project": local.pk, "municipality": world.peer.pk},
        format="json",
    )
    assert response.status_code == 400


def test_a_joint_project_must_be_owned_by_the_association(world):
    response = client_for(world, "own_editor").post(
        reverse("portfolio:project_add"),
        {**form_data(world, Project(version=1)), "owner": world.own.pk},
    )
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors


def test_the_portfolio_list_filters_by_kind_and_municipality(world, project):
    own_participation = Participant.objects.create(
        project=project, municipality=world.own, status="joined"
    )
    client = client_for(world, "peer")
    url = reverse("portfolio:project_list")
    rows = client.get(url, {"kind": "joint"}).context["rows"]
    assert [r["object"] for r in rows] == [project]
    rows = client.get(url, {"municipality": world.peer.pk}).context["rows"]
    assert rows == []
    own_participation.delete()
