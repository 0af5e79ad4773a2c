"""An association sets up its own project model on the pages and through the API: the real one has
four phases (idé → analyse → projekt → fælles drift). Only its admins (and superusers) change it;
members read it; nobody outside sees it. A model in use keeps working: a phase that projects are in
cannot be removed."""

import pytest
from django.urls import reverse

from samdigi.core.testing import PERSONAS, api_client_for, client_for
from samdigi.portfolio.models import Phase, Project, ProjectModel
from samdigi.portfolio.rules import gates
from samdigi.portfolio.tests.factories import joint_project, project_model

FOUR_PHASES = [
    {"code": "ide", "name": "Idé"},
    {"code": "analyse", "name": "Analyse", "required_documents": ["charter"]},
    {
        "code": "projekt",
        "name": "Projekt",
        "required_documents": ["charter", "business_case", "risk_log"],
    },
    {"code": "drift", "name": "Fælles drift", "required_documents": ["benefit_plan"]},
]
PAGE_CREATE = {
    "anonymous": 302,
    "outsider": 403,
    "peer": 403,
    "own_viewer": 403,
    "own_editor": 403,
    "own_admin": 403,
    "association_admin": 302,
    "steering_member": 403,
}
API_EDIT = {
    "anonymous": 401,
    "outsider": 404,
    "peer": 403,
    "own_viewer": 403,
    "own_editor": 403,
    "own_admin": 403,
    "association_admin": 200,
    "steering_member": 403,
}


@pytest.fixture
def model(world):
    return ProjectModel.objects.create(association=world.association, key="faelles", name="Fælles")


def codes(model):
    return list(model.phases.order_by("order").values_list("code", flat=True))


# --- the pure rules ------------------------------------------------------------------------------


def test_phase_rules():
    spec = gates.PhaseSpec
    assert gates.phase_sequence_problem([spec("a"), spec("b", closes_project=True)]) is None
    assert gates.phase_sequence_problem([]) == "empty"
    assert gates.phase_sequence_problem([spec("a"), spec("a")]) == "duplicate_code"
    assert (
        gates.phase_sequence_problem([spec("a", closes_project=True), spec("b")])
        == "closing_not_last"
    )
    assert gates.phase_removal_problem(projects_in_phase=0, gate_records=0) is None
    assert gates.phase_removal_problem(projects_in_phase=2, gate_records=5) == "has_projects"
    assert gates.phase_removal_problem(projects_in_phase=0, gate_records=1) == "has_records"


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_associations_admins_create_a_model_on_the_page(world, persona):
    response = client_for(world, persona).post(
        reverse("portfolio:projectmodel_add"),
        {
            "association": world.association.pk,
            "key": "faelles",
            "name": "Fællesskabets projektmodel",
            "status_cadence_months": 3,
            "discount_rate": "0.035",
        },
    )
    assert response.status_code == PAGE_CREATE[persona]
    created = ProjectModel.objects.filter(key="faelles").exists()
    assert created == (persona == "association_admin")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("peer", 200), ("steering_member", 200), ("association_admin", 200), ("outsider", 404)],
)
def test_members_read_the_model_and_outsiders_do_not_see_it(world, model, persona, status):
    assert client_for(world, persona).get(model.get_absolute_url()).status_code == status
    edit = client_for(world, persona).get(reverse("portfolio:projectmodel_edit", args=[model.pk]))
    assert edit.status_code == (
        200 if persona == "association_admin" else 403 if status == 200 else 404
    )


def test_the_admin_builds_the_four_phases_on_the_pages(world, model):
    client = client_for(world, "association_admin")
    add = reverse("portfolio:phase_add")
    for code, name, documents in (
        ("ide", "Idé", []),
        ("projekt", "Projekt", ["charter", "business_case"]),
        ("analyse", "Analyse", ["charter"]),
        ("drift", "Drift", ["benefit_plan"]),
    ):
        response = client.post(
            add,
            {
                "project_model": model.pk,
                "code": code,
                "name": name,
                "required_documents": documents,
            },
        )
        assert response.status_code == 302, response.context["form"].errors
    assert codes(model) == ["ide", "projekt", "analyse", "drift"]
    analyse = model.phases.get(code="analyse")
    response = client.post(reverse("portfolio:phase_move", args=[analyse.pk, "up"]))
    assert response.status_code == 302
    assert codes(model) == ["ide", "analyse", "projekt", "drift"]
    drift = model.phases.get(code="drift")
    response = client.post(
        reverse("portfolio:phase_edit", args=[drift.pk]),
        {
            "code": "drift",
            "name": "Fælles drift",
            "order": drift.order,
            "skippable": "",
            "required_documents": ["benefit_plan", "closure_report"],
            "version": drift.version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    drift.refresh_from_db()
    assert drift.name == "Fælles drift"
    assert sorted(drift.required_documents()) == ["benefit_plan", "closure_report"]
    projekt = model.phases.get(code="projekt")
    response = client.post(
        reverse("portfolio:phase_edit", args=[projekt.pk]),
        {
            "code": "projekt",
            "name": "Projekt",
            "order": projekt.order,
            "skippable": "on",
            "required_documents": ["charter"],
            "version": projekt.version,
        },
    )
    assert response.status_code == 302
    assert model.phases.get(code="projekt").skippable
    page = client.get(model.get_absolute_url()).content.decode()
    assert 'data-testid="phase-drift"' in page and "Fælles drift" in page
    # A steering committee member reads the model but changes nothing.
    steering = client_for(world, "steering_member")
    assert steering.post(reverse("portfolio:phase_move", args=[drift.pk, "up"])).status_code == 403
    assert steering.get(reverse("portfolio:phase_edit", args=[drift.pk])).status_code == 403
    assert (
        client_for(world, "outsider")
        .post(reverse("portfolio:phase_move", args=[drift.pk, "up"]))
        .status_code
        == 404
    )


def test_a_closing_phase_must_come_last(world, model):
    client = client_for(world, "association_admin")
    add = reverse("portfolio:phase_add")
    client.post(
        add, {"project_model": model.pk, "code": "slut", "name": "Slut", "closes_project": "on"}
    )
    response = client.post(add, {"project_model": model.pk, "code": "efter", "name": "Efter"})
    assert response.status_code == 400
    assert "closes_project" in response.context["form"].errors


def test_a_phase_with_projects_in_it_cannot_be_removed(world):
    shipped = project_model(world)
    project = joint_project(world)
    idea = project.phase
    client = client_for(world, "association_admin")
    response = client.post(reverse("portfolio:phase_delete", args=[idea.pk]), {"confirm": "True"})
    assert response.status_code == 409
    assert "Idé" in response.context["problem"]
    assert Phase.objects.filter(pk=idea.pk).exists()
    procurement = shipped.phases.get(code="procurement")
    response = client.post(
        reverse("portfolio:phase_delete", args=[procurement.pk]), {"confirm": "True"}
    )
    assert response.status_code == 302
    assert not Phase.objects.filter(pk=procurement.pk).exists()
    project.refresh_from_db()
    assert project.phase == idea  # the model in use keeps working


# --- API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_sets_up_the_four_phases_for_admins_only(world, model, persona):
    response = api_client_for(world, persona).put(
        f"/api/v1/project-models/{model.pk}/phases/", {"phases": FOUR_PHASES}, format="json"
    )
    assert response.status_code == API_EDIT[persona]
    if persona != "association_admin":
        assert not model.phases.exists()
        return
    body = response.json()
    assert [p["code"] for p in body["phases"]] == ["ide", "analyse", "projekt", "drift"]
    assert [p["order"] for p in body["phases"]] == [1, 2, 3, 4]
    assert body["phases"][2]["required_documents"] == ["charter", "business_case", "risk_log"]


def test_the_api_creates_renames_reorders_and_protects_phases_in_use(world):
    admin = api_client_for(world, "association_admin")
    response = admin.post(
        "/api/v1/project-models/",
        {"association": world.association.pk, "key": "faelles", "name": "Fælles model"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    model_id = response.json()["id"]
    for persona, status in (("steering_member", 403), ("own_admin", 403)):
        denied = api_client_for(world, persona).post(
            "/api/v1/project-models/",
            {"association": world.association.pk, "key": f"x-{persona}", "name": "X"},
            format="json",
        )
        assert denied.status_code == status
    assert (
        api_client_for(world, "outsider").get(f"/api/v1/project-models/{model_id}/").status_code
        == 404
    )
    assert (
        api_client_for(world, "peer").get(f"/api/v1/project-models/{model_id}/").status_code == 200
    )
    response = admin.put(
        f"/api/v1/project-models/{model_id}/phases/", {"phases": FOUR_PHASES}, format="json"
    )
    assert response.status_code == 200, response.json()
    model = ProjectModel.objects.get(pk=model_id)
    # Mark the project phase skippable and rename it, one phase at a time.
    projekt = model.phases.get(code="projekt")
    response = admin.patch(
        f"/api/v1/project-phases/{projekt.pk}/",
        {"name": "Projektfase", "skippable": True, "version": projekt.version},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["skippable"] is True and response.json()["name"] == "Projektfase"
    response = admin.post(
        f"/api/v1/project-models/{model_id}/reorder/",
        {"phases": ["ide", "projekt", "analyse", "drift"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert codes(model) == ["ide", "projekt", "analyse", "drift"]
    response = admin.post(
        f"/api/v1/project-models/{model_id}/reorder/", {"phases": ["ide"]}, format="json"
    )
    assert response.status_code == 400 and "phases" in response.json()
    # A joint project follows the new model and starts in its first phase.
    project = Project.objects.create(
        owner=world.association, project_model=model, title="Fælles ESDH", kind="joint"
    )
    assert project.phase.code == "ide"
    without_ide = [p for p in FOUR_PHASES if p["code"] != "ide"]
    response = admin.put(
        f"/api/v1/project-models/{model_id}/phases/", {"phases": without_ide}, format="json"
    )
    assert response.status_code == 400
    assert "Idé" in response.json()["phases"][0]
    assert codes(model) == ["ide", "projekt", "analyse", "drift"]
    ide = model.phases.get(code="ide")
    response = admin.delete(f"/api/v1/project-phases/{ide.pk}/")
    assert response.status_code == 409 and "Idé" in response.json()["detail"]
    response = api_client_for(world, "steering_member").patch(
        f"/api/v1/project-phases/{ide.pk}/", {"name": "X", "version": ide.version}, format="json"
    )
    assert response.status_code == 403
    # Adding a fifth phase after a closing one is refused, naming the field.
    drift = model.phases.get(code="drift")
    admin.patch(
        f"/api/v1/project-phases/{drift.pk}/",
        {"closes_project": True, "version": drift.version},
        format="json",
    )
    response = admin.post(
        "/api/v1/project-phases/",
        {"project_model": model_id, "code": "efter", "name": "Efter"},
        format="json",
    )
    assert response.status_code == 400 and "closes_project" in response.json()


def test_the_portfolio_links_to_the_model_list_where_admins_add_models(world, model):
    portfolio = client_for(world, "steering_member").get(reverse("portfolio:project_list"))
    assert 'data-testid="project-models"' in portfolio.content.decode()
    listing = reverse("portfolio:projectmodel_list")
    admin = client_for(world, "association_admin").get(listing)
    assert admin.status_code == 200 and model in [r["object"] for r in admin.context["rows"]]
    assert admin.context["add_url"] == reverse("portfolio:projectmodel_add")
    assert client_for(world, "steering_member").get(listing).context["add_url"] is None
    outsider = client_for(world, "outsider").get(listing)
    assert outsider.status_code == 200
    assert model not in [r["object"] for r in outsider.context["rows"]]
