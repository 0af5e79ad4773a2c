"""The gate flow: missing documents block a request with a list; only an approving decision moves
the phase and sets the baseline; the approved business case is frozen; only deciders decide."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from samdigi.core.models import Attachment
from samdigi.core.testing import client_for
from samdigi.portfolio.models import BusinessCase, GateRequest, Phase, Project
from samdigi.portfolio.rules import gates
from samdigi.portfolio.tests.factories import joint_project

PDF = b"%PDF-1.4\n%test\n"


def attach(project, kind):
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(Project),
        object_id=str(project.pk),
        title=kind,
        kind=kind,
        file=SimpleUploadedFile(f"{kind}.pdf", PDF),
    )


def phase(project, code):
    return Phase.objects.get(project_model=project.project_model, code=code)


@pytest.fixture
def project(world):
    return joint_project(world, project_manager=world.user("own_editor"))


def test_missing_documents_block_the_request_with_a_list(world, project):
    response = client_for(world, "own_editor").post(
        reverse("portfolio:gate_request", args=[project.pk]),
        {"to_phase": phase(project, "analysis").pk},
    )
    assert response.status_code == 409
    assert response.context["missing"] == ["projektgrundlag"] or response.context["missing"]
    assert 'data-testid="missing-documents"' in response.content.decode()
    assert not GateRequest.objects.exists()


def test_the_missing_list_names_every_missing_document_in_order(world, project):
    attach(project, "charter")
    from samdigi.portfolio import services

    missing = services.missing_documents(project, phase(project, "execution"))
    assert len(missing) == 3  # business case, risk log, benefit realisation plan


def test_an_approved_decision_moves_the_phase_and_sets_the_baseline(world, project):
    attach(project, "charter")
    client_for(world, "own_editor").post(
        reverse("portfolio:gate_request", args=[project.pk]),
        {"to_phase": phase(project, "analysis").pk, "proposed_budget": "2000000.00"},
    )
    gate = GateRequest.objects.get()
    # The manager asks; the steering committee decides.
    url = reverse("portfolio:gate_decide", args=[gate.pk])
    data = {
        "outcome": "approved_with_conditions",
        # On or after the day it was requested (today).
        "decided_on": timezone.localdate().isoformat(),
        "conditions": "Afrapportering hvert kvartal",
        "baseline_budget": "2500000.00",
        "baseline_end": "2027-06-30",
        "baseline_benefits": "Færre henvendelser",
        "document": SimpleUploadedFile("beslutning.pdf", PDF),
    }
    assert client_for(world, "own_editor").post(url, data).status_code == 403
    data["document"] = SimpleUploadedFile("beslutning.pdf", PDF)
    response = client_for(world, "steering_member").post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    project.refresh_from_db()
    assert project.phase.code == "analysis"
    assert project.baseline_budget == Decimal("2500000.00")
    assert project.baseline_end == datetime.date(2027, 6, 30)
    gate.refresh_from_db()
    assert gate.status == GateRequest.Status.DECIDED
    decision = gate.decisions.get()
    assert Attachment.for_object(decision).count() == 1
    history = client_for(world, "peer").get(
        reverse("portfolio:project_tab", args=[project.pk, "phases"])
    )
    assert "Afrapportering hvert kvartal" in history.content.decode()


def test_a_rejected_decision_changes_nothing_on_the_project(world, project):
    from samdigi.portfolio import services

    attach(project, "charter")
    gate = services.request_gate(project, phase(project, "analysis"), world.user("own_editor"))
    services.record_decision(
        project,
        gate.to_phase,
        "rejected",
        world.user("steering_member"),
        request=gate,
        baseline_budget=Decimal("1000000.00"),
    )
    project.refresh_from_db()
    assert project.phase.code == "idea"
    assert project.baseline_budget is None


def test_a_postponed_request_stays_pending_for_the_next_agenda(world, project):
    from samdigi.portfolio import services

    attach(project, "charter")
    gate = services.request_gate(project, phase(project, "analysis"), world.user("own_editor"))
    services.record_decision(
        project, gate.to_phase, "postponed", world.user("steering_member"), request=gate
    )
    gate.refresh_from_db()
    assert gate.status == GateRequest.Status.PENDING and gate.meeting is None
    project.refresh_from_db()
    assert project.phase.code == "idea"


def test_the_approved_business_case_is_frozen(world, project):
    from samdigi.portfolio import services

    project.phase = phase(project, "analysis")
    project.save()
    attach(project, "charter")
    case = BusinessCase.objects.create(project=project, start_year=2026)
    project.risks.create(title="Forsinkelse", probability=2, consequence=3)
    gate = services.request_gate(project, phase(project, "procurement"), world.user("own_editor"))
    services.record_decision(
        project, gate.to_phase, "approved", world.user("association_admin"), request=gate
    )
    case.refresh_from_db()
    assert case.frozen
    assert (
        not BusinessCase.objects.editable_by(world.user("association_admin"))
        .filter(pk=case.pk)
        .exists()
    )
    response = client_for(world, "association_admin").post(
        reverse("portfolio:businesscase_new_version", args=[case.pk])
    )
    assert response.status_code == 302
    assert project.business_cases.filter(number=2, frozen=False).exists()


def test_a_gate_may_skip_only_skippable_phases(world, project):
    from samdigi.portfolio import services

    project.phase = phase(project, "analysis")
    project.save()
    codes = [p.code for p in services.next_phases(project)]
    assert codes == ["procurement", "execution"]  # procurement may be skipped
    with pytest.raises(services.GateBlocked):
        services.request_gate(project, phase(project, "realisation"), world.user("own_editor"))


def test_the_phase_cannot_be_changed_through_the_api(world, project):
    from samdigi.core.testing import api_client_for

    response = api_client_for(world, "association_admin").patch(
        f"/api/v1/projects/{project.pk}/",
        {"phase": "closed", "baseline_budget": "1.00", "version": 1},
        format="json",
    )
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.phase.code == "idea" and project.baseline_budget is None


def test_pure_gate_rules():
    assert gates.missing_documents(["a", "b", "c"], {"b"}) == ["a", "c"]
    assert gates.moves_phase("approved") and gates.moves_phase("approved_with_conditions")
    assert not gates.moves_phase("postponed") and not gates.moves_phase("rejected")
    steps = [gates.PhaseStep(1), gates.PhaseStep(2), gates.PhaseStep(3, True), gates.PhaseStep(4)]
    assert gates.transition_problem(steps[1], steps[3], steps) is None
    assert gates.transition_problem(steps[0], steps[2], steps) == "skips_required"
    assert gates.transition_problem(steps[1], steps[0], steps) == "not_forward"
