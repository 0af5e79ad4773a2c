"""Municipalities, associations, population figures and member management, from the user's side."""

import datetime

import pytest
from django.urls import reverse

from samdigi.core.testing import client_for, count_queries
from samdigi.organizations.models import Association, Membership, Municipality, PopulationFigure

pytestmark = pytest.mark.django_db


def test_all_98_municipalities_are_loaded_with_their_population():
    assert Municipality.objects.count() == 98
    assert sum(Municipality.objects.values_list("population", flat=True)) == 6_025_511
    regions = {code: Municipality.objects.filter(region=code).count() for code in range(1081, 1086)}
    assert regions == {1081: 11, 1082: 19, 1083: 22, 1084: 29, 1085: 17}
    roskilde = Municipality.objects.get(code="265")
    assert roskilde.population_date == datetime.date(2026, 1, 1)
    assert roskilde.population_figures.count() == 1


def test_a_new_population_figure_becomes_current_and_the_old_one_is_kept():
    koege = Municipality.objects.get(code="259")
    old = koege.population
    PopulationFigure.objects.create(
        municipality=koege, date=datetime.date(2027, 1, 1), population=old + 500
    )
    koege.refresh_from_db()
    assert koege.population == old + 500
    assert koege.population_on(datetime.date(2026, 6, 1)) == old
    assert koege.population_on(datetime.date(2027, 6, 1)) == old + 500


def test_staff_add_population_figures_through_the_page(world, django_user_model):
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    from django.test import Client

    client = Client()
    client.force_login(staff)
    url = reverse("organizations:populationfigure_add")
    response = client.post(
        url, {"municipality": world.own.pk, "date": "2027-01-01", "population": "90000"}
    )
    assert response.status_code == 302
    world.own.refresh_from_db()
    assert world.own.population == 90000
    bad = client.post(url, {"municipality": world.own.pk, "date": "2027-01-01", "population": "-5"})
    assert bad.status_code == 400
    assert "population" in bad.context["form"].errors
    assert client_for(world, "own_admin").get(url).status_code == 403


def test_association_page_lists_members_with_region_population_and_total(world):
    response = client_for(world, "own_viewer").get(world.association.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Roskilde" in html and "Køge" in html and "Aalborg" not in html
    expected = world.own.population + world.peer.population
    assert response.context["population_total"] == expected
    assert "Region Sjælland" in html


def test_association_pages_are_404_outside_the_association(world):
    client = client_for(world, "outsider")
    for tab in ("", "people/", "former/", "history/", "edit/"):
        assert client.get(world.association.get_absolute_url() + tab).status_code == 404
    assert client.get(f"/api/v1/associations/{world.association.pk}/").status_code == 404


def test_association_list_page_costs_the_same_queries_whatever_the_number(world):
    client = client_for(world, "association_admin")
    first = count_queries(lambda: client.get(reverse("organizations:association_list")))
    for index in range(5):
        extra = Association.objects.create(name=f"Ekstra {index}", short_name=f"X{index}")
        Membership.objects.create(
            user=world.user("association_admin"), organization=extra, role="association_viewer"
        )
    assert (
        count_queries(lambda: client.get(reverse("organizations:association_list"))) == first == 6
    )


def test_the_association_admin_edits_the_association_but_a_steering_member_may_not(world):
    url = reverse("organizations:association_edit", args=[world.association.pk])
    data = {"name": "Nyt navn", "short_name": "TEST", "version": 1}
    assert client_for(world, "steering_member").post(url, data).status_code == 403
    assert client_for(world, "association_admin").post(url, data).status_code == 302
    world.association.refresh_from_db()
    assert world.association.name == "Nyt navn"


def test_association_admin_adds_and_ends_member_municipalities(world):
    client = client_for(world, "association_admin")
    greve = Municipality.objects.get(code="253")
    response = client.post(
        reverse("organizations:associationmember_add"),
        {"association": world.association.pk, "municipality": greve.pk, "joined": "2026-01-01"},
    )
    assert response.status_code == 302
    member = world.association.members.get(municipality=greve)
    response = client.post(
        reverse("organizations:associationmember_edit", args=[member.pk]),
        {
            "association": world.association.pk,
            "municipality": greve.pk,
            "joined": "2026-01-01",
            "left": "2025-01-01",
            "version": member.version,
        },
    )
    assert response.status_code == 400, "leaving before joining is refused"
    assert (
        client_for(world, "own_admin")
        .get(reverse("organizations:associationmember_add"))
        .status_code
        == 403
    )


def test_an_admin_invites_an_existing_user_by_email_and_changes_their_role(
    world, django_user_model
):
    newcomer = django_user_model.objects.create_user("ny", "ny@roskilde.dk", "x")
    client = client_for(world, "own_admin")
    url = reverse("organizations:invite", args=[world.own.pk])
    response = client.post(url, {"user": "NY@roskilde.dk", "role": "municipality_viewer"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, organization=world.own)
    assert membership.role == "municipality_viewer"
    again = client.post(url, {"user": "ny", "role": "municipality_viewer"})
    assert again.status_code == 400 and "user" in again.context["form"].errors
    unknown = client.post(url, {"user": "nobody", "role": "municipality_viewer"})
    assert unknown.status_code == 400
    wrong_role = client.post(url, {"user": "ny@roskilde.dk", "role": "association_admin"})
    assert wrong_role.status_code == 400 and "role" in wrong_role.context["form"].errors
    response = client.post(
        reverse("organizations:membership_edit", args=[membership.pk]),
        {"role": "municipality_editor", "version": membership.version},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "municipality_editor"


def test_viewers_and_peers_cannot_manage_people(world):
    url = reverse("organizations:invite", args=[world.own.pk])
    assert (
        client_for(world, "own_editor")
        .post(url, {"user": "peer", "role": "municipality_viewer"})
        .status_code
        == 403
    )
    assert client_for(world, "outsider").get(url).status_code == 404
    assert client_for(world, "peer").get(url).status_code == 403


def test_the_secretariat_manages_people_of_member_municipalities(world, django_user_model):
    django_user_model.objects.create_user("ny", "ny@koege.dk", "x")
    url = reverse("organizations:invite", args=[world.peer.pk])
    response = client_for(world, "association_admin").post(
        url, {"user": "ny", "role": "municipality_admin"}
    )
    assert response.status_code == 302


def test_the_last_admin_cannot_be_removed_or_demoted(world):
    admin = Membership.objects.get(user=world.user("own_admin"))
    client = client_for(world, "own_admin")
    response = client.post(
        reverse("organizations:membership_delete", args=[admin.pk]), {"version": admin.version}
    )
    assert response.status_code == 409
    assert Membership.objects.filter(pk=admin.pk).exists()
    response = client.post(
        reverse("organizations:membership_edit", args=[admin.pk]),
        {"role": "municipality_viewer", "version": admin.version},
    )
    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.role == "municipality_admin"
    # With a second admin, the first may go.
    viewer = Membership.objects.get(user=world.user("own_viewer"))
    viewer.role = "municipality_admin"
    viewer.save()
    response = client.post(
        reverse("organizations:membership_delete", args=[admin.pk]), {"version": admin.version}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=admin.pk).exists()


def test_municipality_page_shows_units_and_people_by_access(world):
    from samdigi.organizations.models import Unit

    Unit.objects.create(owner=world.own, name="Åben enhed")
    Unit.objects.create(owner=world.own, name="Intern enhed", internal=True)
    own = client_for(world, "own_viewer").get(world.own.get_absolute_url()).content.decode()
    peer = client_for(world, "peer").get(world.own.get_absolute_url()).content.decode()
    assert "Intern enhed" in own and "Åben enhed" in own
    assert "Intern enhed" not in peer and "Åben enhed" in peer
    outsider = client_for(world, "outsider").get(world.own.get_absolute_url())
    assert outsider.status_code == 200  # municipalities are public reference data…
    assert "Åben enhed" not in outsider.content.decode()  # …their records are not
    assert "Testfællesskab" not in outsider.content.decode()


def test_own_page_lists_the_users_memberships(world):
    response = client_for(world, "own_editor").get(reverse("profile"))
    assert response.status_code == 200
    assert "Roskilde" in response.content.decode()
    assert [m.role for m in response.context["memberships"]] == ["municipality_editor"]


def test_history_tab_records_who_changed_what(world):
    from samdigi.organizations.models import Unit

    client = client_for(world, "own_editor")
    client.post(
        reverse("organizations:unit_add"),
        {"owner": world.own.pk, "name": "Før", "kind": "afdeling"},
    )
    unit = Unit.objects.get(name="Før")
    client.post(
        reverse("organizations:unit_edit", args=[unit.pk]),
        {"owner": world.own.pk, "name": "Efter", "kind": "afdeling", "version": unit.version},
    )
    response = client.get(reverse("organizations:unit_tab", args=[unit.pk, "history"]))
    changes = response.context["changes"]
    assert [c.action for c in changes] == ["update", "create"]
    assert changes[0].changes["name"] == ["Før", "Efter"]
    assert changes[0].user == world.user("own_editor")
    assert "Efter" in response.content.decode()


def test_list_filters_and_sorting_work_together(world):
    client = client_for(world, "own_viewer")
    response = client.get(
        reverse("organizations:municipality_list"), {"region": "1081", "sort": "-population"}
    )
    names = [row["object"].name for row in response.context["rows"]]
    assert len(names) == 11 and names[0] == "Aalborg"
    htmx = client.get(
        reverse("organizations:municipality_list"),
        {"q": "Køge"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="object-table",
    )
    assert b"<html" not in htmx.content and b"K\xc3\xb8ge" in htmx.content
