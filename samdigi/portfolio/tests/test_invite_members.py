""" "Invite all current members" of a joint project in one action, on the page and in the API: each
current member municipality of the owning association is invited once; those already taking part
(whatever their answer) are skipped; former and future members are not invited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samdigi.core.testing import PERSONAS, api_client_for, client_for
from samdigi.organizations.models import AssociationMember, Municipality
from samdigi.portfolio.models import Participant
from samdigi.portfolio.tests.factories import add_members, join, joint_project, local_project

PAGE = {
    "anonymous": 302,
    "outsider": 404,
    "peer": 403,
    "own_viewer": 403,
    "own_editor": 302,  # the assigned project manager
    "own_admin": 403,
    "association_admin": 302,
    "steering_member": 403,
}


@pytest.fixture
def project(world):
    today = timezone.localdate()
    add_members(world, ["316", "360"])  # Holbæk, Lolland
    AssociationMember.objects.create(  # Næstved left last year
        association=world.association,
        municipality=Municipality.objects.get(code="370"),
        joined=datetime.date(2020, 1, 1),
        left=today - datetime.timedelta(days=365),
    )
    AssociationMember.objects.create(  # Faxe joins next month
        association=world.association,
        municipality=Municipality.objects.get(code="320"),
        joined=today + datetime.timedelta(days=30),
    )
    project = joint_project(world, project_manager=world.user("own_editor"))
    join(project, world.peer, status=Participant.Status.DECLINED)
    return project


def statuses(project):
    return dict(project.participants.values_list("municipality__code", "status"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_page_invites_every_current_member_once(world, project, persona):
    response = client_for(world, persona).post(
        reverse("portfolio:project_invite_members", args=[project.pk])
    )
    assert response.status_code == PAGE[persona]
    if PAGE[persona] != 302 or persona == "anonymous":
        assert statuses(project) == {"259": "declined"}
        return
    assert statuses(project) == {
        "259": "declined",  # Køge answered already and is not asked again
        "265": "invited",
        "316": "invited",
        "360": "invited",
    }
    # Pressing it again invites nobody twice.
    client_for(world, persona).post(reverse("portfolio:project_invite_members", args=[project.pk]))
    assert project.participants.count() == 4


def test_the_button_is_on_the_participants_tab_for_those_who_may_invite(world, project):
    url = reverse("portfolio:project_tab", args=[project.pk, "participants"])
    assert (
        'data-testid="invite-members"'
        in client_for(world, "association_admin").get(url).content.decode()
    )
    assert 'data-testid="invite-members"' not in client_for(world, "peer").get(url).content.decode()


def test_the_api_invites_every_current_member(world, project):
    path = f"/api/v1/projects/{project.pk}/invite-members/"
    assert api_client_for(world, "steering_member").post(path).status_code == 403
    assert api_client_for(world, "outsider").post(path).status_code == 404
    response = api_client_for(world, "association_admin").post(path)
    assert response.status_code == 201
    assert response.json() == {"invited": ["265", "316", "360"], "count": 3}
    again = api_client_for(world, "association_admin").post(path)
    assert again.status_code == 200 and again.json()["count"] == 0
    local = local_project(world)
    response = api_client_for(world, "own_admin").post(
        f"/api/v1/projects/{local.pk}/invite-members/"
    )
    assert response.status_code == 400 and "project" in response.json()
