"""Writes reach only what the user may change and link (issue 16, and the integrity items of issue
8): related fields offer and accept only linkable records, owner changes are creates under the new
owner, every save is re-checked in its transaction, related rows are read back through the access
layer, cross-organisation links obey membership, edit forms need the version, API errors use the
API's field names, the history names who changed what (also with a token), and filter drop-downs
list only what the user works with."""

import datetime

import pytest
from django.urls import reverse

from samdigi.core.models import ChangeRecord
from samdigi.core.rules.membership import may_link, member_on
from samdigi.core.testing import api_client_for, client_for
from samdigi.landscape.models import Contract, ItSystem, SystemUsage, Vendor
from samdigi.organizations.models import AssociationMember
from samdigi.portfolio.models import Participant, Project, ProjectModel
from samdigi.procurement.models import Tender, TenderParticipant


def vendor():
    return Vendor.objects.get_or_create(name="Leverandør")[0]


def contract(owner, name="Kontrakt", **fields):
    return Contract.objects.create(owner=owner, vendor=vendor(), name=name, **fields)


def joint_project(world):
    return Project.objects.create(
        owner=world.association,
        project_model=ProjectModel.objects.for_association(world.association),
        title="Fælles projekt",
        kind=Project.Kind.JOINT,
    )


# --- the pure membership rule --------------------------------------------------------------------

D = datetime.date


def test_a_current_member_may_be_linked_afresh():
    assert may_link([(D(2024, 1, 1), None)], D(2026, 5, 1), already_linked=False)


def test_a_member_that_has_left_cannot_be_added_afresh():
    periods = [(D(2024, 1, 1), D(2026, 1, 1))]
    assert not may_link(periods, D(2026, 5, 1), already_linked=False)


def test_a_member_that_has_left_stays_on_a_record_that_started_before_it_left():
    periods = [(D(2024, 1, 1), D(2026, 1, 1))]
    assert may_link(periods, D(2026, 5, 1), already_linked=True, record_start=D(2025, 3, 1))
    assert not may_link(periods, D(2026, 5, 1), already_linked=True, record_start=D(2026, 2, 1))


def test_leaving_is_exclusive_and_never_a_member_is_never_linked():
    assert not member_on([(D(2024, 1, 1), D(2026, 1, 1))], D(2026, 1, 1))
    assert not may_link([], D(2026, 5, 1), already_linked=True)


# --- 1. related fields accept only what the user may link ---------------------------------------


def test_an_outsider_cannot_link_another_tenants_contracts_to_their_tender(world):
    theirs = contract(world.own, "Roskildes ESDH")
    tender = Tender.objects.create(owner=world.outside, title="Aalborgs udbud")
    response = api_client_for(world, "outsider").patch(
        f"/api/v1/tenders/{tender.pk}/",
        {"contracts": [theirs.pk], "version": tender.version},
        format="json",
    )
    assert response.status_code == 400
    assert "contracts" in response.json()
    assert not tender.contracts.exists()


def test_a_many_to_many_field_refuses_records_of_another_association(world):
    nord = ItSystem.objects.create(owner=world.other_association, name="Nordisk ESDH")
    mine = contract(world.own)
    response = api_client_for(world, "own_editor").patch(
        f"/api/v1/contracts/{mine.pk}/",
        {"systems": [nord.pk], "version": mine.version},
        format="json",
    )
    assert response.status_code == 400
    assert "systems" in response.json()
    assert not mine.systems.exists()


def test_the_tender_form_offers_and_accepts_only_linkable_contracts(world):
    theirs = contract(world.own, "Roskildes ESDH")
    own_aalborg = contract(world.outside, "Aalborgs ESDH")
    client = client_for(world, "outsider")
    page = client.get(reverse("procurement:tender_add"))
    offered = set(page.context["form"].fields["contracts"].queryset)
    assert own_aalborg in offered and theirs not in offered
    response = client.post(
        reverse("procurement:tender_add"),
        {
            "owner": world.outside.pk,
            "title": "Aalborgs udbud",
            "procedure": "open",
            "category": "services",
            "status": "planned",
            "contracts": [theirs.pk],
        },
    )
    assert response.status_code == 400
    assert "contracts" in response.context["form"].errors
    assert not Tender.objects.filter(title="Aalborgs udbud").exists()


def test_a_municipalitys_tender_replaces_only_its_own_contracts(world):
    peers = contract(world.peer, "Køges ESDH")  # visible to Roskilde, but not Roskilde's
    tender = Tender.objects.create(owner=world.own, title="Roskildes udbud")
    response = api_client_for(world, "own_editor").patch(
        f"/api/v1/tenders/{tender.pk}/",
        {"contracts": [peers.pk], "version": tender.version},
        format="json",
    )
    assert response.status_code == 400
    assert "contracts" in response.json()


def test_changing_links_keeps_the_links_the_user_cannot_see(world):
    hidden = contract(world.own, "Roskildes interne", internal=True)
    shown = contract(world.peer, "Køges ESDH")
    tender = Tender.objects.create(owner=world.association, title="Fællesudbud")
    tender.contracts.add(hidden)
    response = api_client_for(world, "association_admin").patch(
        f"/api/v1/tenders/{tender.pk}/",
        {"contracts": [shown.pk], "version": tender.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["contracts"] == [shown.pk]
    assert set(tender.contracts.all()) == {hidden, shown}


# --- 3. related rows are read back through the access layer --------------------------------------


def test_the_tender_page_and_api_show_only_linked_contracts_the_user_may_see(world):
    hidden = contract(world.own, "Roskildes hemmelige kontrakt", internal=True)
    tender = Tender.objects.create(owner=world.association, title="Fællesudbud")
    tender.contracts.add(hidden)
    TenderParticipant.objects.create(
        tender=tender, municipality=world.own, replaced_contract=hidden
    )
    page = client_for(world, "peer").get(reverse("procurement:tender_detail", args=[tender.pk]))
    assert page.status_code == 200
    assert "Roskildes hemmelige kontrakt" not in page.content.decode()
    own_page = client_for(world, "own_viewer").get(
        reverse("procurement:tender_detail", args=[tender.pk])
    )
    assert "Roskildes hemmelige kontrakt" in own_page.content.decode()
    for path in ("/api/v1/tenders/", f"/api/v1/tenders/{tender.pk}/"):
        body = api_client_for(world, "peer").get(path).json()
        row = body["results"][0] if "results" in body else body
        assert row["contracts"] == []
    row = api_client_for(world, "own_viewer").get(f"/api/v1/tenders/{tender.pk}/").json()
    assert row["contracts"] == [hidden.pk]


# --- 2. owner changes are creates under the new owner; the save is re-checked -------------------


@pytest.mark.parametrize("persona", ["own_editor", "own_admin"])
def test_moving_a_contract_to_another_municipality_is_refused(world, persona):
    mine = contract(world.own)
    client = api_client_for(world, persona)
    for target in (world.outside, world.peer):
        response = client.patch(
            f"/api/v1/contracts/{mine.pk}/",
            {"owner": target.pk, "version": mine.version},
            format="json",
        )
        assert response.status_code == 403
        mine.refresh_from_db()
        assert mine.owner_id == world.own.pk and mine.version == 1


def test_moving_a_contract_on_the_page_is_refused(world):
    mine = contract(world.own)
    response = client_for(world, "own_editor").post(
        reverse("landscape:contract_edit", args=[mine.pk]),
        {
            "owner": world.peer.pk,
            "vendor": vendor().pk,
            "name": "Flyttet",
            "contract_type": "licence",
            "notice_months": "0",
            "notice_to_end_of": "none",
            "option_count": "0",
            "option_months": "0",
            "options_used": "0",
            "version": mine.version,
        },
    )
    assert response.status_code in (400, 403)
    mine.refresh_from_db()
    assert mine.owner_id == world.own.pk and mine.name == "Kontrakt"


def test_an_outsider_creating_for_another_municipality_gets_403(world):
    response = api_client_for(world, "outsider").post(
        "/api/v1/contracts/",
        {"owner": world.own.pk, "vendor": vendor().pk, "name": "Indtrængen"},
        format="json",
    )
    assert response.status_code == 403
    assert not Contract.objects.filter(name="Indtrængen").exists()


def test_a_change_that_leaves_the_record_outside_what_the_user_may_edit_is_rolled_back(world):
    # The coordinator edits the joint tender only as its coordinator: removing themselves would
    # leave a record they may not edit, so the save is re-checked and undone (403).
    coordinator = world.user("own_editor")
    tender = Tender.objects.create(
        owner=world.association, title="Fællesudbud", coordinator=coordinator
    )
    response = api_client_for(world, "own_editor").patch(
        f"/api/v1/tenders/{tender.pk}/",
        {"coordinator": None, "title": "Uden koordinator", "version": tender.version},
        format="json",
    )
    assert response.status_code == 403
    tender.refresh_from_db()
    assert tender.coordinator == coordinator and tender.title == "Fællesudbud"
    assert tender.version == 1


def test_a_broken_form_cannot_write_outside_the_users_reach(world):
    # A form with a bug that moves the record to another tenant: the re-check after the save,
    # inside its transaction, refuses it (403) and nothing is written.
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from samdigi.landscape.forms import ContractForm
    from samdigi.landscape.views import ContractEditView

    outside = world.outside

    class BrokenContractForm(ContractForm):
        def save(self, commit=True):
            instance = super().save(commit=False)
            instance.owner = outside
            return instance

    request = RequestFactory().post(
        "/contracts/add/",
        {
            "owner": world.own.pk,
            "vendor": vendor().pk,
            "name": "Fejlbehæftet",
            "contract_type": "licence",
            "expiration": "2029-06-30",
            "notice_months": "6",
            "notice_to_end_of": "month",
            "option_count": "1",
            "option_months": "12",
            "options_used": "0",
            "annual_value": "1000.00",
        },
    )
    request.user = world.user("own_editor")
    view = ContractEditView.as_view(model=Contract, form_class=BrokenContractForm)
    with pytest.raises(PermissionDenied):  # 403
        view(request)
    assert not Contract.objects.filter(name="Fejlbehæftet").exists()


def test_a_broken_serializer_cannot_write_outside_the_users_reach(world):
    from rest_framework.test import APIRequestFactory, force_authenticate

    from samdigi.landscape.api import ContractSerializer, ContractViewSet

    outside = world.outside

    class BrokenContractSerializer(ContractSerializer):
        def create(self, validated_data):
            validated_data["owner"] = outside
            return super().create(validated_data)

    class BrokenContractViewSet(ContractViewSet):
        serializer_class = BrokenContractSerializer

    request = APIRequestFactory().post(
        "/api/v1/contracts/",
        {"owner": world.own.pk, "vendor": vendor().pk, "name": "Fejlbehæftet"},
        format="json",
    )
    force_authenticate(request, user=world.user("own_editor"))
    response = BrokenContractViewSet.as_view({"post": "create"})(request)
    assert response.status_code == 403
    assert not Contract.objects.filter(name="Fejlbehæftet").exists()


def test_an_outsider_creating_on_the_page_gets_403_as_in_the_api(world):
    # No organisation the outsider may create for here: the page answers as the API does.
    response = client_for(world, "outsider").post(
        reverse("landscape:contract_add"),
        {"owner": world.own.pk, "vendor": vendor().pk, "name": "Indtrængen"},
    )
    assert response.status_code == 403
    assert not Contract.objects.filter(name="Indtrængen").exists()


def test_the_page_re_checks_the_saved_record_too(world):
    coordinator = world.user("own_editor")
    tender = Tender.objects.create(
        owner=world.association, title="Fællesudbud", coordinator=coordinator
    )
    response = client_for(world, "own_editor").post(
        reverse("procurement:tender_edit", args=[tender.pk]),
        {
            "owner": world.association.pk,
            "title": "Uden koordinator",
            "procedure": "open",
            "category": "services",
            "status": "planned",
            "coordinator": "",
            "version": tender.version,
        },
    )
    assert response.status_code == 403
    tender.refresh_from_db()
    assert tender.coordinator == coordinator and tender.title == "Fællesudbud"


# --- 4. cross-organisation links obey membership ------------------------------------------------


def test_a_non_member_cannot_join_a_joint_project_by_api_or_page(world):
    project = joint_project(world)
    response = api_client_for(world, "association_admin").post(
        "/api/v1/project-participants/",
        {"project": project.pk, "municipality": world.outside.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "municipality" in response.json()
    response = client_for(world, "association_admin").post(
        reverse("portfolio:participant_add"),
        {"project": project.pk, "municipality": world.outside.pk, "status": "invited"},
    )
    assert response.status_code == 400
    assert "municipality" in response.context["form"].errors
    assert not Participant.objects.filter(project=project).exists()


def test_a_member_that_has_left_stays_on_the_project_but_cannot_be_added_afresh(world):
    project = joint_project(world)
    stays = Participant.objects.create(project=project, municipality=world.own)
    AssociationMember.objects.filter(association=world.association).update(
        left=datetime.date.today() - datetime.timedelta(days=1)
    )
    client = api_client_for(world, "association_admin")
    response = client.patch(
        f"/api/v1/project-participants/{stays.pk}/",
        {"agreed_percentage": "40.0000", "version": stays.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    response = client.post(
        "/api/v1/project-participants/",
        {"project": project.pk, "municipality": world.peer.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "municipality" in response.json()


def test_a_joint_tender_takes_only_current_members_as_participants(world):
    tender = Tender.objects.create(owner=world.association, title="Fællesudbud")
    response = client_for(world, "association_admin").post(
        reverse("procurement:tender_edit", args=[tender.pk]),
        {
            "owner": world.association.pk,
            "title": "Fællesudbud",
            "procedure": "open",
            "category": "services",
            "status": "planned",
            "participants": [world.own.pk, world.outside.pk],
            "version": tender.version,
        },
    )
    assert response.status_code == 400
    assert "participants" in response.context["form"].errors
    assert not tender.participants.exists()


def test_a_tender_participant_is_checked_by_the_model(world):
    tender = Tender.objects.create(owner=world.association, title="Fællesudbud")
    outsider = TenderParticipant(tender=tender, municipality=world.outside)
    with pytest.raises(Exception) as raised:
        outsider.full_clean()
    assert "municipality" in raised.value.message_dict
    replacing = TenderParticipant(
        tender=tender, municipality=world.own, replaced_contract=contract(world.peer)
    )
    with pytest.raises(Exception) as raised:
        replacing.full_clean()
    assert "replaced_contract" in raised.value.message_dict


def test_co_signers_of_a_contract_are_members_of_the_owners_associations(world):
    response = api_client_for(world, "own_editor").post(
        "/api/v1/contracts/",
        {
            "owner": world.own.pk,
            "vendor": vendor().pk,
            "name": "Fælles kontrakt",
            "co_owners": [world.outside.pk],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "co_owners" in response.json()
    response = api_client_for(world, "own_editor").post(
        "/api/v1/contracts/",
        {
            "owner": world.own.pk,
            "vendor": vendor().pk,
            "name": "Fælles kontrakt",
            "co_owners": [world.peer.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def test_a_usage_names_a_system_of_its_own_associations_catalogue(world):
    nord = ItSystem.objects.create(owner=world.other_association, name="Nordisk ESDH")
    usage = SystemUsage(owner=world.own, system=nord)
    with pytest.raises(Exception) as raised:
        usage.full_clean()
    assert "system" in raised.value.message_dict


# --- 5. edit forms need the version --------------------------------------------------------------


def test_an_edit_form_without_the_version_saves_nothing(world):
    mine = contract(world.own)
    response = client_for(world, "own_editor").post(
        reverse("landscape:contract_edit", args=[mine.pk]),
        {
            "owner": world.own.pk,
            "vendor": vendor().pk,
            "name": "Overskrevet",
            "contract_type": "licence",
            "notice_months": "0",
            "notice_to_end_of": "none",
            "option_count": "0",
            "option_months": "0",
            "options_used": "0",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    mine.refresh_from_db()
    assert mine.name == "Kontrakt" and mine.version == 1


# --- 6. API errors under the API's field names ---------------------------------------------------


def test_a_contract_error_names_the_api_field(world):
    response = api_client_for(world, "own_editor").post(
        "/api/v1/contracts/",
        {
            "owner": world.own.pk,
            "vendor": vendor().pk,
            "name": "Baglæns",
            "valid_from": "2027-01-01",
            "expiration_date": "2026-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "expiration_date" in body and "expiration" not in body


def test_a_project_constraint_error_is_a_non_field_error_not_a_model_key(world):
    response = api_client_for(world, "own_editor").post(
        "/api/v1/projects/",
        {
            "owner": world.own.pk,
            "title": "Baglæns",
            "kind": "local",
            "project_model": ProjectModel.objects.for_association(world.association).pk,
            "start_date": "2027-01-01",
            "planned_end": "2026-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "__all__" not in body and "non_field_errors" in body


def test_model_error_keys_map_from_source_to_field_name():
    from django.core.exceptions import ValidationError
    from rest_framework import serializers

    from samdigi.core.api import VersionedSerializer

    class Renamed(VersionedSerializer):
        concluded_on = serializers.DateField(source="concluded", required=False)

        class Meta:
            model = Contract
            fields = ["name", "concluded_on", "version"]

    errors = Renamed().api_errors(
        ValidationError({"concluded": "a", "name": "b", "__all__": "c", "notes": "d"})
    )
    assert errors == {"concluded_on": ["a"], "name": ["b"], "non_field_errors": ["c", "d"]}


# --- 7. the history names who changed what, also through a token ---------------------------------


def test_changes_through_the_api_with_a_token_are_recorded_with_the_user(world):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    editor = world.user("own_editor")
    token = Token.objects.create(user=editor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    created = client.post(
        "/api/v1/contracts/",
        {"owner": world.own.pk, "vendor": vendor().pk, "name": "Med token"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = client.patch(
        f"/api/v1/contracts/{pk}/", {"name": "Ændret med token", "version": 1}, format="json"
    )
    assert changed.status_code == 200
    records = ChangeRecord.objects.for_object(Contract.objects.get(pk=pk))
    assert [r.user for r in records] == [editor, editor]


def test_changes_on_the_pages_are_recorded_with_the_user(world):
    mine = contract(world.own)
    response = client_for(world, "own_editor").post(
        reverse("landscape:contract_edit", args=[mine.pk]),
        {
            "owner": world.own.pk,
            "vendor": vendor().pk,
            "name": "Ændret på siden",
            "contract_type": "licence",
            "notice_months": "0",
            "notice_to_end_of": "none",
            "option_count": "0",
            "option_months": "0",
            "options_used": "0",
            "version": mine.version,
        },
    )
    assert response.status_code == 302
    assert ChangeRecord.objects.for_object(mine).first().user == world.user("own_editor")


# --- 8. filter drop-downs list only what the user works with ------------------------------------


def test_filter_choices_never_name_another_tenant(world):
    page = client_for(world, "outsider").get(reverse("landscape:contract_list"))
    owners = set(page.context["filterset"].form.fields["owner"].queryset)
    assert world.outside in owners
    assert world.own not in owners and world.peer not in owners
    page = client_for(world, "association_admin").get(reverse("portfolio:strategy_list"))
    organisations = {o.pk for o in page.context["filterset"].form.fields["owner"].queryset}
    assert world.association.pk in organisations and world.own.pk in organisations
    assert world.other_association.pk not in organisations
    assert world.outside.pk not in organisations


def test_an_api_filter_on_another_tenant_is_refused_naming_the_parameter(world):
    response = api_client_for(world, "outsider").get("/api/v1/contracts/", {"owner": world.own.pk})
    assert response.status_code == 400
    assert "owner" in response.json()


@pytest.mark.parametrize(
    "persona", ["outsider", "peer", "own_editor", "own_admin", "association_admin"]
)
def test_no_persona_moves_a_contract_to_another_owner_on_the_page(world, persona):
    for target in (world.outside, world.peer):
        mine = contract(world.own)
        response = client_for(world, persona).post(
            reverse("landscape:contract_edit", args=[mine.pk]),
            {
                "owner": target.pk,
                "vendor": vendor().pk,
                "name": "Flyttet",
                "contract_type": "licence",
                "notice_months": "0",
                "notice_to_end_of": "none",
                "option_count": "0",
                "option_months": "0",
                "options_used": "0",
                "version": mine.version,
            },
        )
        assert response.status_code in (400, 403, 404)
        mine.refresh_from_db()
        assert mine.owner_id == world.own.pk and mine.version == 1
