"""The REST API: token auth, pagination, schema, and the organisation endpoints."""

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate

from samdigi.core.testing import api_client_for, count_queries
from samdigi.organizations.models import Membership

pytestmark = pytest.mark.django_db


def test_token_auth_round_trip(api_client, django_user_model):
    django_user_model.objects.create_user("api", "api@example.dk", "hemmeligt-ord")
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "api", "password": "hemmeligt-ord"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/municipalities/").status_code == 200
    wrong = api_client.post(
        "/api/v1/auth/token/", {"username": "api", "password": "forkert"}, format="json"
    )
    assert wrong.status_code == 400


def test_anonymous_gets_401_and_no_data(api_client):
    for path in (
        "/api/v1/associations/",
        "/api/v1/municipalities/",
        "/api/v1/memberships/",
        "/api/v1/units/",
    ):
        assert api_client.get(path).status_code == 401


def test_municipalities_api_lists_all_98_paginated_and_by_code(world):
    client = api_client_for(world, "outsider")
    body = client.get("/api/v1/municipalities/", {"page_size": 100}).json()
    assert body["count"] == 98 and body["next"] is None and len(body["results"]) == 98
    roskilde = client.get("/api/v1/municipalities/265/").json()
    assert (
        roskilde["name"] == "Roskilde"
        and roskilde["region"] == 1085
        and roskilde["region_name"] == "Region Sjælland"
    )
    assert client.get("/api/v1/municipalities/", {"region": 1081}).json()["count"] == 11
    assert client.put("/api/v1/municipalities/265/", {}).status_code == 405


def test_associations_api_shows_members_and_hides_other_associations(world):
    body = api_client_for(world, "own_viewer").get("/api/v1/associations/").json()
    assert [a["short_name"] for a in body["results"]] == ["TEST"]
    members = {m["municipality_code"] for m in body["results"][0]["members"]}
    assert members == {"265", "259"}
    assert body["results"][0]["population_total"] == world.own.population + world.peer.population
    assert (
        api_client_for(world, "outsider")
        .get(f"/api/v1/associations/{world.association.pk}/")
        .status_code
        == 404
    )


def test_associations_api_update_needs_admin_and_current_version(world):
    url = f"/api/v1/associations/{world.association.pk}/"
    assert (
        api_client_for(world, "steering_member")
        .patch(url, {"name": "X", "version": 1}, format="json")
        .status_code
        == 403
    )
    admin = api_client_for(world, "association_admin")
    assert admin.patch(url, {"name": "Nyt", "version": 1}, format="json").status_code == 200
    stale = admin.patch(url, {"name": "Ældre", "version": 1}, format="json")
    assert stale.status_code == 409
    world.association.refresh_from_db()
    assert world.association.name == "Nyt"


def test_associations_api_list_query_count_is_fixed(world):
    client = api_client_for(world, "association_admin")
    first = count_queries(lambda: client.get("/api/v1/associations/"), world)
    from samdigi.organizations.models import Association

    for index in range(4):
        extra = Association.objects.create(name=f"E{index}", short_name=f"E{index}")
        Membership.objects.create(
            user=world.user("association_admin"), organization=extra, role="association_viewer"
        )
    assert count_queries(lambda: client.get("/api/v1/associations/"), world) == first == 5


def test_memberships_api_create_and_delete_follow_the_admin_rules(world, django_user_model):
    django_user_model.objects.create_user("ny", "ny@example.dk", "x")
    django_user_model.objects.create_user("ny2", "ny2@example.dk", "x")
    data = {"user": "ny", "organization": world.own.pk, "role": "municipality_viewer"}
    assert (
        api_client_for(world, "own_editor")
        .post("/api/v1/memberships/", data, format="json")
        .status_code
        == 403
    )
    assert (
        api_client_for(world, "outsider")
        .post("/api/v1/memberships/", data, format="json")
        .status_code
        == 400
    )
    created = api_client_for(world, "own_admin").post("/api/v1/memberships/", data, format="json")
    assert created.status_code == 201
    bad_role = api_client_for(world, "own_admin").post(
        "/api/v1/memberships/", {**data, "user": "ny2", "role": "association_admin"}, format="json"
    )
    assert bad_role.status_code == 400 and "role" in bad_role.json()
    last_admin = Membership.objects.get(user=world.user("own_admin"))
    response = api_client_for(world, "own_admin").delete(f"/api/v1/memberships/{last_admin.pk}/")
    assert response.status_code == 400
    assert Membership.objects.filter(pk=last_admin.pk).exists()
    response = api_client_for(world, "own_admin").delete(
        f"/api/v1/memberships/{created.json()['id']}/"
    )
    assert response.status_code == 204


def test_openapi_schema_is_valid_openapi_3(tmp_path):
    target = tmp_path / "schema.json"
    call_command(
        "spectacular",
        "--file",
        str(target),
        "--format",
        "openapi-json",
        "--validate",
        "--fail-on-warn",
    )
    import json

    spec = json.loads(target.read_text())
    validate(spec)
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/v1/associations/",
        "/api/v1/municipalities/",
        "/api/v1/memberships/",
        "/api/v1/auth/token/",
    ):
        assert path in spec["paths"]


def test_swagger_ui_is_served_from_local_assets(world):
    from django.test import Client

    client = Client()
    client.force_login(world.user("own_viewer"))
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "<script>" not in html and "<style" not in html, "no inline code under the CSP"
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
