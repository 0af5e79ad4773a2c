"""The demo data: what `make run` shows, loaded idempotently."""

import pytest
from django.core.management import call_command

from samdigi.organizations.models import Association, AssociationMember, Membership, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def counts():
    return (
        Association.objects.count(),
        AssociationMember.objects.count(),
        Membership.objects.count(),
        Unit.objects.count(),
    )


def test_seed_demo_twice_creates_nothing_twice(demo):
    before = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == before


def test_the_secretariat_sees_17_members_and_their_population(demo, django_user_model):
    from django.test import Client

    client = Client()
    client.force_login(django_user_model.objects.get(username="sekretariat"))
    association = Association.objects.get(name="Digitaliseringsfællesskab Sjælland (demo)")
    response = client.get(association.get_absolute_url())
    assert len(response.context["members"]) == 17
    assert response.context["population_total"] == 858_102
    assert "858.102" in response.content.decode()


def test_aalborg_sees_nothing_of_the_sjaelland_association(demo, django_user_model):
    from django.test import Client
    from rest_framework.test import APIClient

    aalborg = django_user_model.objects.get(username="cio-aalborg")
    client = Client()
    client.force_login(aalborg)
    sjaelland = Association.objects.get(short_name="DFS")
    assert client.get(sjaelland.get_absolute_url()).status_code == 404
    api = APIClient()
    api.force_authenticate(aalborg)
    assert api.get(f"/api/v1/associations/{sjaelland.pk}/").status_code == 404
    names = [a["short_name"] for a in api.get("/api/v1/associations/").json()["results"]]
    assert names == ["NDS"]
    roskilde_unit = Unit.objects.filter(owner__name="Roskilde").first()
    assert client.get(roskilde_unit.get_absolute_url()).status_code == 404


def test_demo_users_have_the_roles_the_readme_promises(demo):
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles["sekretariat"] == "association_admin"
    assert roles["styregruppe"] == "steering_member"
    assert roles["cio-roskilde"] == "municipality_admin"
    assert roles["pm-roskilde"] == "municipality_editor"
    assert roles["laeser-koege"] == "municipality_viewer"
    assert roles["cio-aalborg"] == "municipality_admin"


def test_demo_persona_pages_render(demo, django_user_model):
    from django.test import Client

    for username in (
        "sekretariat",
        "styregruppe",
        "cio-roskilde",
        "pm-roskilde",
        "laeser-koege",
        "cio-aalborg",
    ):
        client = Client()
        client.force_login(django_user_model.objects.get(username=username))
        for url in ("/", "/me/", "/associations/", "/municipalities/", "/units/", "/memberships/"):
            assert client.get(url).status_code == 200, (username, url)
