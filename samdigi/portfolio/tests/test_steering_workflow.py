"""The steering committee's workflow as the secretariat and the committee use it: pending gate
requests go on a chosen meeting's agenda (from the request's page, the meeting's page and the API),
a new meeting picks up every pending request, the agenda lists each item's documents, decisions
are never dated before their request or meeting, and the agenda and minutes name the real move
and the people by name."""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samdigi.core.models import Attachment
from samdigi.core.testing import api_client_for, client_for
from samdigi.portfolio import services
from samdigi.portfolio.models import GateDecision, GateRequest, Phase, Project, SteeringMeeting
from samdigi.portfolio.rules import gates
from samdigi.portfolio.tests.factories import joint_project

PDF = b"%PDF-1.4\n%test\n"
REQUESTED = datetime.date(2026, 2, 2)


def phase(project, code):
    return Phase.objects.get(project_model=project.project_model, code=code)


def attach(project, kind, title):
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(Project),
        object_id=str(project.pk),
        title=title,
        kind=kind,
        file=SimpleUploadedFile(f"{kind}.pdf", PDF),
        media_type="application/pdf",
    )


def meeting(world, day, title="Styregruppemøde"):
    return SteeringMeeting.objects.create(owner=world.association, title=title, date=day)


@pytest.fixture
def project(world):
    project = joint_project(world, project_manager=world.user("own_editor"))
    attach(project, "charter", "Projektgrundlag v1")
    return project


@pytest.fixture
def gate(world, project):
    gate = services.request_gate(project, phase(project, "analysis"), world.user("own_editor"))
    gate.requested_on = REQUESTED
    gate.save()
    return gate


@pytest.fixture
def named(world):
    for persona, first, last in (
        ("steering_member", "Sidsel", "Styregaard"),
        ("own_editor", "Peter", "Projektleder"),
    ):
        user = world.user(persona)
        user.first_name, user.last_name = first, last
        user.save()


# --- the pure rules ------------------------------------------------------------------------------


def test_agenda_rule():
    day = datetime.date(2026, 3, 1)
    ok = {"pending": True, "same_association": True, "requested_on": day, "meeting_date": day}
    assert gates.agenda_problem(**ok) is None
    assert gates.agenda_problem(**{**ok, "pending": False}) == "not_pending"
    assert gates.agenda_problem(**{**ok, "same_association": False}) == "other_association"
    assert (
        gates.agenda_problem(**{**ok, "meeting_date": day - datetime.timedelta(days=1)})
        == "meeting_before_request"
    )


def test_a_new_meeting_picks_up_requests_on_no_agenda_or_on_a_held_one():
    today = datetime.date(2026, 3, 10)
    new = datetime.date(2026, 4, 1)
    asked = datetime.date(2026, 1, 5)

    def picks(current, new_date=new, requested_on=asked):
        return gates.picked_up_by_new_meeting(
            requested_on=requested_on,
            current_meeting_date=current,
            new_meeting_date=new_date,
            today=today,
        )

    assert picks(None)
    assert picks(datetime.date(2026, 3, 1))  # held without a decision
    assert not picks(datetime.date(2026, 3, 20))  # an upcoming meeting keeps it
    assert not picks(None, new_date=datetime.date(2026, 1, 1))  # held before the request


def test_decision_date_rule():
    request, held = datetime.date(2026, 3, 1), datetime.date(2026, 3, 10)
    assert gates.decision_date_problem(held, request, held) is None
    assert gates.decision_date_problem(datetime.date(2026, 2, 28), request, None) == (
        "before_request"
    )
    assert gates.decision_date_problem(datetime.date(2026, 3, 5), request, held) == (
        "before_meeting"
    )
    assert gates.decision_date_problem(datetime.date(2026, 3, 5), None, None) is None


# --- the agenda ----------------------------------------------------------------------------------


def test_the_secretariat_puts_a_request_on_a_chosen_meeting_from_the_requests_page(
    world, project, gate
):
    march, april = (
        meeting(world, datetime.date(2026, 3, 1)),
        meeting(world, datetime.date(2026, 4, 1)),
    )
    page = client_for(world, "association_admin").get(gate.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="schedule"' in page.content.decode()
    url = reverse("portfolio:gaterequest_schedule", args=[gate.pk])
    assert (
        client_for(world, "association_admin").post(url, {"meeting": april.pk}).status_code == 302
    )
    gate.refresh_from_db()
    assert gate.meeting == april
    # Only the association's admins set the agenda; outside the association nothing is seen.
    assert client_for(world, "steering_member").post(url, {"meeting": march.pk}).status_code == 403
    assert client_for(world, "outsider").post(url, {"meeting": march.pk}).status_code == 404
    gate.refresh_from_db()
    assert gate.meeting == april
    assert 'data-testid="schedule"' not in (
        client_for(world, "steering_member").get(gate.get_absolute_url()).content.decode()
    )


def test_the_secretariat_adds_a_request_from_the_meetings_page_with_its_documents(
    world, project, gate
):
    april = meeting(world, datetime.date(2026, 4, 1))
    GateRequest.objects.filter(pk=gate.pk).update(meeting=None)
    client = client_for(world, "association_admin")
    page = client.get(april.get_absolute_url()).content.decode()
    assert 'data-testid="agenda-add"' in page
    url = reverse("portfolio:meeting_agenda_add", args=[april.pk])
    assert (
        client_for(world, "steering_member").post(url, {"gate_request": gate.pk}).status_code == 403
    )
    assert client.post(url, {"gate_request": gate.pk}).status_code == 302
    gate.refresh_from_db()
    assert gate.meeting == april
    # Every member of the association reads the agenda, with the documents behind access checks.
    page = client_for(world, "peer").get(april.get_absolute_url())
    html = page.content.decode()
    document = Attachment.objects.get(title="Projektgrundlag v1")
    link = reverse("portfolio:attachment", args=[document.pk])
    assert f'data-testid="agenda-item-{gate.pk}"' in html
    assert f'href="{link}"' in html and "Projektgrundlag v1" in html
    assert client_for(world, "peer").get(link).status_code == 200
    assert client_for(world, "outsider").get(link).status_code == 404


def test_a_meeting_held_before_the_request_cannot_have_it_on_its_agenda(world, gate):
    january = meeting(world, datetime.date(2026, 1, 15))
    response = api_client_for(world, "association_admin").post(
        f"/api/v1/gate-requests/{gate.pk}/agenda/", {"meeting": january.pk}, format="json"
    )
    assert response.status_code == 400 and "meeting" in response.json()
    gate.refresh_from_db()
    assert gate.meeting is None


def test_the_api_puts_requests_on_agendas(world, gate):
    april = meeting(world, datetime.date(2026, 4, 1))
    may = meeting(world, datetime.date(2026, 5, 1))
    admin = api_client_for(world, "association_admin")
    response = admin.post(
        f"/api/v1/meetings/{april.pk}/agenda/", {"gate_request": gate.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["agenda"] == [gate.pk]
    response = admin.post(f"/api/v1/gate-requests/{gate.pk}/agenda/", {"meeting": may.pk})
    assert response.status_code == 200 and response.json()["meeting"] == may.pk
    assert response.json()["from_phase"] == "idea" and response.json()["to_phase"] == "analysis"
    steering = api_client_for(world, "steering_member").post(
        f"/api/v1/meetings/{april.pk}/agenda/", {"gate_request": gate.pk}, format="json"
    )
    assert steering.status_code == 403
    assert (
        api_client_for(world, "outsider")
        .post(f"/api/v1/gate-requests/{gate.pk}/agenda/", {"meeting": april.pk})
        .status_code
        == 404
    )


def test_a_new_meeting_picks_up_every_pending_request(world, gate):
    held = meeting(world, datetime.date(2026, 2, 10), "Februar")
    upcoming = meeting(world, datetime.date(2099, 1, 10), "Fremtidigt møde")
    GateRequest.objects.filter(pk=gate.pk).update(meeting=held)  # held, not decided
    other = joint_project(world, index=2)
    attach(other, "charter", "Projektgrundlag")
    waiting = services.request_gate(other, phase(other, "analysis"), world.user("own_editor"))
    GateRequest.objects.filter(pk=waiting.pk).update(meeting=upcoming, requested_on=REQUESTED)
    third = joint_project(world, index=3)
    attach(third, "charter", "Projektgrundlag")
    loose = services.request_gate(third, phase(third, "analysis"), world.user("own_editor"))
    GateRequest.objects.filter(pk=loose.pk).update(requested_on=REQUESTED)
    response = client_for(world, "association_admin").post(
        reverse("portfolio:steeringmeeting_add"),
        {"owner": world.association.pk, "title": "Marts", "date": "2098-03-01"},
    )
    assert response.status_code == 302
    march = SteeringMeeting.objects.get(title="Marts")
    assert set(march.gate_requests.values_list("pk", flat=True)) == {gate.pk, loose.pk}
    waiting.refresh_from_db()
    assert waiting.meeting == upcoming
    # Through the API as well.
    GateRequest.objects.filter(pk__in=[gate.pk, loose.pk]).update(meeting=None)
    response = api_client_for(world, "association_admin").post(
        "/api/v1/meetings/",
        {"owner": world.association.pk, "title": "API-møde", "date": "2098-04-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert sorted(response.json()["agenda"]) == sorted([gate.pk, loose.pk])


# --- decisions -----------------------------------------------------------------------------------


def test_a_decision_cannot_be_dated_before_the_request_or_the_meeting(world, gate):
    march = meeting(world, datetime.date(2026, 3, 1))
    url = reverse("portfolio:gate_decide", args=[gate.pk])
    client = client_for(world, "steering_member")
    response = client.post(url, {"outcome": "approved", "decided_on": "2026-02-01"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["decided_on"]
    response = client.post(
        url, {"outcome": "approved", "decided_on": "2026-02-20", "meeting": march.pk}
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["decided_on"]
    assert not GateDecision.objects.exists()
    api = api_client_for(world, "steering_member")
    path = f"/api/v1/gate-requests/{gate.pk}/decide/"
    response = api.post(path, {"outcome": "approved", "decided_on": "2026-02-01"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["decided_on"]
    response = api.post(
        path,
        {"outcome": "approved", "decided_on": "2026-02-20", "meeting": march.pk},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()) == ["decided_on"]
    with pytest.raises(services.GateBlocked) as blocked:
        services.record_decision(
            gate.project,
            gate.to_phase,
            "approved",
            world.user("steering_member"),
            request=gate,
            decided_on=datetime.date(2026, 2, 1),
        )
    assert blocked.value.field == "decided_on"
    assert not GateDecision.objects.exists()
    assert api_client_for(world, "peer").post(path, {"outcome": "approved"}).status_code == 403
    response = api.post(
        path,
        {"outcome": "approved", "decided_on": "2026-03-01", "meeting": march.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["from_phase"] == "idea" and response.json()["to_phase"] == "analysis"


def test_a_postponed_request_is_decided_again_at_a_later_meeting(world, gate):
    march, april = (
        meeting(world, datetime.date(2026, 3, 1)),
        meeting(world, datetime.date(2026, 4, 1)),
    )
    api = api_client_for(world, "steering_member")
    path = f"/api/v1/gate-requests/{gate.pk}/decide/"
    first = api.post(
        path, {"outcome": "postponed", "decided_on": "2026-03-01", "meeting": march.pk}
    )
    assert first.status_code == 201, first.json()
    second = api.post(
        path, {"outcome": "approved", "decided_on": "2026-04-01", "meeting": april.pk}
    )
    assert second.status_code == 201, second.json()
    gate.refresh_from_db()
    assert gate.status == GateRequest.Status.DECIDED and gate.decisions.count() == 2


# --- the meeting's documents -------------------------------------------------------------------


def docx_text(response):
    from docx import Document

    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return paragraphs, cells


def test_agenda_and_minutes_name_the_real_move_and_the_people(world, named, gate):
    march = meeting(world, datetime.date(2026, 3, 1))
    GateRequest.objects.filter(pk=gate.pk).update(meeting=march)
    client = client_for(world, "steering_member")
    response = client.post(
        reverse("portfolio:gate_decide", args=[gate.pk]),
        {"outcome": "approved", "decided_on": "2026-03-01", "meeting": march.pk},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    gate.project.refresh_from_db()
    assert gate.project.phase.code == "analysis"  # the project moved on
    for part in ("agenda", "minutes"):
        paragraphs, cells = docx_text(
            client.get(reverse("portfolio:meeting_export", args=[march.pk, part]))
        )
        item = next(p for p in paragraphs if gate.project.title in p)
        # The move requested (Idé → Analyse), not the phase the project is in now.
        assert "Idé" in item and item.count("Analyse") == 1
        assert any("Peter Projektleder" in p for p in paragraphs)
        assert any("Projektgrundlag v1" in p for p in paragraphs)
        assert not any("own_editor" in p for p in paragraphs)
    project_cell, gate_cell, _outcome, decided_by, _conditions = cells[1]
    assert project_cell == gate.project.title
    assert "Idé" in gate_cell and gate_cell.count("Analyse") == 1
    assert "Sidsel Styregaard" in decided_by and "steering_member" not in decided_by
    body = api_client_for(world, "peer").get("/api/v1/gate-decisions/").json()
    assert body["results"][0]["decided_by_name"] == "Sidsel Styregaard"
    page = client.get(march.get_absolute_url()).content.decode()
    assert "Sidsel Styregaard" in page


def test_a_person_without_a_name_is_named_by_username(world):
    from samdigi.portfolio.documents import person_name

    assert person_name(world.user("peer")) == "peer"
    assert person_name(None) == ""
