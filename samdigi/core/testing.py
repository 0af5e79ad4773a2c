"""Test machinery written once: the personas, and generic classes that check every view and API
action of a model for each of them.

Personas (docs/architecture.md): anonymous; outsider (admin of a municipality in another association);
peer (admin of another municipality in the same association); own viewer, editor and admin (of the
municipality that owns the record); association admin; steering committee member.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samdigi.core import access

PERSONAS = (
    "anonymous",
    "outsider",
    "peer",
    "own_viewer",
    "own_editor",
    "own_admin",
    "association_admin",
    "steering_member",
)


@dataclass
class World:
    association: object
    other_association: object
    own: object  # the municipality that owns the records under test
    peer: object  # another municipality in the same association
    outside: object  # a municipality in another association only
    users: dict = field(default_factory=dict)

    def user(self, persona):
        return self.users.get(persona)


def build_world() -> World:
    from samdigi.organizations.models import (
        Association,
        AssociationMember,
        Membership,
        Municipality,
    )

    joined = datetime.date(2024, 1, 1)
    association = Association.objects.create(name="Testfællesskab", short_name="TEST")
    other = Association.objects.create(name="Andet fællesskab", short_name="OTHER")
    own = Municipality.objects.get(code="265")  # Roskilde
    peer = Municipality.objects.get(code="259")  # Køge
    outside = Municipality.objects.get(code="851")  # Aalborg
    AssociationMember.objects.create(association=association, municipality=own, joined=joined)
    AssociationMember.objects.create(association=association, municipality=peer, joined=joined)
    AssociationMember.objects.create(association=other, municipality=outside, joined=joined)
    User = get_user_model()
    roles = {
        "outsider": (outside, access.MUNICIPALITY_ADMIN),
        "peer": (peer, access.MUNICIPALITY_ADMIN),
        "own_viewer": (own, access.MUNICIPALITY_VIEWER),
        "own_editor": (own, access.MUNICIPALITY_EDITOR),
        "own_admin": (own, access.MUNICIPALITY_ADMIN),
        "association_admin": (association, access.ASSOCIATION_ADMIN),
        "steering_member": (association, access.STEERING_MEMBER),
    }
    world = World(
        association=association, other_association=other, own=own, peer=peer, outside=outside
    )
    world.users["anonymous"] = None
    for persona, (organization, role) in roles.items():
        user = User.objects.create_user(persona, f"{persona}@example.dk", "pw-" + persona)
        Membership.objects.create(user=user, organization=organization, role=role)
        world.users[persona] = user
    return world


def client_for(world, persona):
    from django.test import Client

    client = Client()
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    return client


def api_client_for(world, persona):
    from rest_framework.test import APIClient

    client = APIClient()
    user = world.user(persona)
    if user is not None:
        client.force_authenticate(user)
    return client


def count_queries(func, world=None) -> int:
    """Queries of one request. A forced-authenticated API client reuses one user object, so its
    cached access scope is dropped first to count what a real request costs."""
    if world is not None:
        for user in world.users.values():
            access.forget_scope(user)
    with CaptureQueriesContext(connection) as context:
        func()
    return len(context.captured_queries)


# Expected answers for a record owned by the `own` municipality and not internal.
VIEW_DEFAULTS = {
    "anonymous": {"list": 302, "detail": 302, "edit": 302, "delete": 302, "create": 302},
    # Creating for an owner the user may not create for is 403 on the page as in the API.
    "outsider": {"list": 200, "detail": 404, "edit": 404, "delete": 404, "create": 403},
    "peer": {"list": 200, "detail": 200, "edit": 403, "delete": 403, "create": 403},
    "own_viewer": {"list": 200, "detail": 200, "edit": 403, "delete": 403, "create": 403},
    "own_editor": {"list": 200, "detail": 200, "edit": 302, "delete": 302, "create": 302},
    "own_admin": {"list": 200, "detail": 200, "edit": 302, "delete": 302, "create": 302},
    "association_admin": {"list": 200, "detail": 200, "edit": 403, "delete": 403, "create": 403},
    "steering_member": {"list": 200, "detail": 200, "edit": 403, "delete": 403, "create": 403},
}
API_DEFAULTS = {
    "anonymous": {"list": 401, "retrieve": 401, "update": 401, "destroy": 401, "create": 401},
    "outsider": {"list": 200, "retrieve": 404, "update": 404, "destroy": 404, "create": 403},
    "peer": {"list": 200, "retrieve": 200, "update": 403, "destroy": 403, "create": 403},
    "own_viewer": {"list": 200, "retrieve": 200, "update": 403, "destroy": 403, "create": 403},
    "own_editor": {"list": 200, "retrieve": 200, "update": 200, "destroy": 204, "create": 201},
    "own_admin": {"list": 200, "retrieve": 200, "update": 200, "destroy": 204, "create": 201},
    "association_admin": {
        "list": 200,
        "retrieve": 200,
        "update": 403,
        "destroy": 403,
        "create": 403,
    },
    "steering_member": {"list": 200, "retrieve": 200, "update": 403, "destroy": 403, "create": 403},
}
# Who finds the record in a list: everyone in the association, nobody outside it.
SEES_SHARED = {
    "peer",
    "own_viewer",
    "own_editor",
    "own_admin",
    "association_admin",
    "steering_member",
}
SEES_INTERNAL = {"own_viewer", "own_editor", "own_admin"}


@pytest.mark.django_db
class OwnedModelPersonaTests:
    """Fill in for a model owned by a municipality: every page and API action for every persona.

    Subclasses set `url_prefix` (app namespace and model name), `api_path`, and implement
    `make(world, **kwargs)`, `form_data(world)`, `api_data(world)`; `view_expectations` and
    `api_expectations` override the defaults for a persona where the model's rules differ.
    """

    url_prefix = ""  # e.g. "organizations:unit"
    stale_field = "name"  # a text field that form_data(variant=2) changes
    api_path = ""  # e.g. "/api/v1/units/"
    view_expectations: dict = {}
    api_expectations: dict = {}
    # Who finds a (shared) record in the list, and who sees one marked internal; None when the
    # model has no internal flag (e.g. association-owned or reference records).
    list_visible_to: set = SEES_SHARED
    internal_visible_to: set | None = SEES_INTERNAL
    list_query_budget: int | None = None
    api_list_query_budget: int | None = None

    def make(self, world, **kwargs):
        raise NotImplementedError

    def form_data(self, world) -> dict:
        raise NotImplementedError

    def api_data(self, world) -> dict:
        raise NotImplementedError

    def expected(self, persona, action):
        override = self.view_expectations.get(persona, {})
        return override.get(action, VIEW_DEFAULTS[persona][action])

    def expected_api(self, persona, action):
        override = self.api_expectations.get(persona, {})
        return override.get(action, API_DEFAULTS[persona][action])

    def url(self, action, *args):
        from django.urls import reverse

        return reverse(f"{self.url_prefix}_{action}", args=args)

    # --- pages ------------------------------------------------------------------------------

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_list_page_shows_the_record_only_to_those_who_may_see_it(self, world, persona):
        obj = self.make(world)
        response = client_for(world, persona).get(self.url("list"))
        assert response.status_code == self.expected(persona, "list")
        if response.status_code == 200:
            listed = obj in [row["object"] for row in response.context["rows"]]
            assert listed == (persona in self.list_visible_to)

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_detail_page_answers_by_persona(self, world, persona):
        obj = self.make(world)
        response = client_for(world, persona).get(self.url("detail", obj.pk))
        assert response.status_code == self.expected(persona, "detail")
        history = client_for(world, persona).get(self.url("tab", obj.pk, "history"))
        assert history.status_code == self.expected(persona, "detail")

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_internal_record_is_hidden_outside_the_owning_municipality(self, world, persona):
        if self.internal_visible_to is None:
            # No internal flag: the record is as visible as any other of its kind.
            obj = self.make(world)
            response = client_for(world, persona).get(self.url("detail", obj.pk))
            assert response.status_code == self.expected(persona, "detail")
            return
        obj = self.make(world, internal=True)
        response = client_for(world, persona).get(self.url("detail", obj.pk))
        if persona == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == (200 if persona in self.internal_visible_to else 404)

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_edit_is_allowed_only_for_the_owners_editors(self, world, persona):
        obj = self.make(world)
        client = client_for(world, persona)
        data = {**self.form_data(world), "version": obj.version}
        response = client.post(self.url("edit", obj.pk), data)
        assert response.status_code == self.expected(persona, "edit"), (
            getattr(response, "context", None)
            and response.context.get("form")
            and response.context["form"].errors
        )
        obj.refresh_from_db()
        assert (obj.version == 2) == (response.status_code == 302 and persona != "anonymous")

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_create_is_allowed_only_for_the_owners_editors(self, world, persona):
        model = self.model_class()
        before = model.objects.count()
        response = client_for(world, persona).post(self.url("add"), self.form_data(world))
        assert response.status_code == self.expected(persona, "create")
        created = response.status_code == 302 and persona != "anonymous"
        assert model.objects.count() == before + (1 if created else 0)

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_delete_is_allowed_only_for_the_owners_editors(self, world, persona):
        obj = self.make(world)
        response = client_for(world, persona).post(
            self.url("delete", obj.pk), {"version": obj.version, "confirm": "on"}
        )
        assert response.status_code == self.expected(persona, "delete")
        deleted = response.status_code == 302 and persona != "anonymous"
        assert self.model_class().objects.filter(pk=obj.pk).exists() == (not deleted)

    def test_a_stale_edit_is_refused_and_nothing_is_overwritten(self, world):
        obj = self.make(world)
        field_name = self.stale_field
        stale_version = obj.version
        first = {**self.form_data(world), "version": stale_version}
        assert (
            client_for(world, "own_editor").post(self.url("edit", obj.pk), first).status_code == 302
        )
        obj.refresh_from_db()
        saved = getattr(obj, field_name)
        second = {**self.form_data(world, variant=2), "version": stale_version}
        response = client_for(world, "own_admin").post(self.url("edit", obj.pk), second)
        assert response.status_code == 409
        assert response.context["stale_changes"], "the missed changes are listed"
        assert "stale-heading" in response.content.decode()
        obj.refresh_from_db()
        assert getattr(obj, field_name) == saved
        # What the second user typed is still in the form, ready to save again deliberately.
        assert response.context["form"].data[field_name] == str(second[field_name])
        assert str(response.context["form"].data["version"]) == str(obj.version)

    def test_list_export_has_the_columns_the_user_sees(self, world):
        import csv
        import io

        from openpyxl import load_workbook

        self.make(world)
        client = client_for(world, "own_viewer")
        page = client.get(self.url("list"))
        labels = [str(h["label"]) for h in page.context["table"].headers()]
        response = client.get(self.url("list") + "?export=csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == labels
        assert len(rows) == 2
        response = client.get(self.url("list") + "?export=xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in next(sheet.iter_rows(max_row=1))] == labels
        assert sheet.max_row == 2

    def test_list_page_costs_the_same_queries_for_one_or_many_records(self, world):
        client = client_for(world, "own_editor")
        self.make(world)
        one = count_queries(lambda: client.get(self.url("list")))
        for index in range(12):
            self.make(world, index=index + 1)
        many = count_queries(lambda: client.get(self.url("list")))
        assert one == many, f"{one} queries for one record, {many} for many"
        if self.list_query_budget is not None:
            assert many == self.list_query_budget, f"{many} queries"

    # --- API --------------------------------------------------------------------------------

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_api_list_and_retrieve_by_persona(self, world, persona):
        obj = self.make(world)
        client = api_client_for(world, persona)
        response = client.get(self.api_path)
        assert response.status_code == self.expected_api(persona, "list")
        if response.status_code == 200:
            ids = [row["id"] for row in response.json()["results"]]
            assert (obj.pk in ids) == (persona in self.list_visible_to)
        response = client.get(f"{self.api_path}{obj.pk}/")
        assert response.status_code == self.expected_api(persona, "retrieve")
        response = client.get(f"{self.api_path}{obj.pk}/history/")
        assert response.status_code == self.expected_api(persona, "retrieve")

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_api_update_by_persona(self, world, persona):
        obj = self.make(world)
        client = api_client_for(world, persona)
        response = client.patch(
            f"{self.api_path}{obj.pk}/",
            {**self.api_data(world, variant=2), "version": obj.version},
            format="json",
        )
        assert response.status_code == self.expected_api(persona, "update"), response.content
        obj.refresh_from_db()
        assert (obj.version == 2) == (response.status_code == 200)

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_api_create_by_persona(self, world, persona):
        before = self.model_class().objects.count()
        response = api_client_for(world, persona).post(
            self.api_path, self.api_data(world), format="json"
        )
        assert response.status_code == self.expected_api(persona, "create"), response.content
        assert self.model_class().objects.count() == before + (
            1 if response.status_code == 201 else 0
        )

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_api_destroy_by_persona(self, world, persona):
        obj = self.make(world)
        response = api_client_for(world, persona).delete(f"{self.api_path}{obj.pk}/")
        assert response.status_code == self.expected_api(persona, "destroy")
        assert self.model_class().objects.filter(pk=obj.pk).exists() == (
            response.status_code != 204
        )

    def test_api_stale_update_gets_409_and_changes_nothing(self, world):
        obj = self.make(world)
        client = api_client_for(world, "own_editor")
        url = f"{self.api_path}{obj.pk}/"
        assert (
            client.patch(
                url, {**self.api_data(world, variant=2), "version": 1}, format="json"
            ).status_code
            == 200
        )
        response = client.patch(
            url, {**self.api_data(world, variant=3), "version": 1}, format="json"
        )
        assert response.status_code == 409
        obj.refresh_from_db()
        assert obj.version == 2

    def test_api_update_without_version_is_refused_naming_the_field(self, world):
        obj = self.make(world)
        response = api_client_for(world, "own_editor").patch(
            f"{self.api_path}{obj.pk}/", self.api_data(world, variant=2), format="json"
        )
        assert response.status_code == 400
        assert "version" in response.json()

    def test_api_changed_since_filters_by_last_change(self, world):
        from django.utils import timezone

        obj = self.make(world)
        client = api_client_for(world, "own_viewer")
        future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
        past = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()
        assert client.get(self.api_path, {"changed_since": future}).json()["count"] == 0
        ids = [
            r["id"] for r in client.get(self.api_path, {"changed_since": past}).json()["results"]
        ]
        assert obj.pk in ids
        bad = client.get(self.api_path, {"changed_since": "yesterday"})
        assert bad.status_code == 400 and "changed_since" in bad.json()

    def test_api_list_costs_the_same_queries_for_one_or_many_records(self, world):
        client = api_client_for(world, "own_editor")
        self.make(world)
        one = count_queries(lambda: client.get(self.api_path), world)
        for index in range(12):
            self.make(world, index=index + 1)
        many = count_queries(lambda: client.get(self.api_path), world)
        assert one == many, f"{one} queries for one record, {many} for many"
        if self.api_list_query_budget is not None:
            assert many == self.api_list_query_budget, f"{many} queries"

    def model_class(self):
        raise NotImplementedError
