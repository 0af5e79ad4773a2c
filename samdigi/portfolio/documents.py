"""Steering-committee meeting documents: the agenda built from pending gate requests with their
documents, and the agenda and minutes as DOCX files (python-docx) that users can send and open in
Word. People are named by their full name; the username only when no name is recorded."""

import io
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.utils import formats
from django.utils.translation import gettext as _

from samdigi.core.formatting import money
from samdigi.core.models import Attachment
from samdigi.portfolio.models import Project, SteeringMeeting


def person_name(user) -> str:
    """A person as the minutes name them: full name, else username, else nothing."""
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


def build_agenda(meeting: SteeringMeeting, user=None) -> int:
    """Put the association's pending gate requests onto a new meeting's agenda (see
    services.build_agenda)."""
    from samdigi.portfolio import services

    return services.build_agenda(meeting, user)


def agenda_requests(meeting: SteeringMeeting):
    return list(
        meeting.gate_requests.select_related(
            "project", "from_phase", "to_phase", "requested_by"
        ).order_by("pk")
    )


def agenda_items(meeting: SteeringMeeting):
    """The gate requests on the agenda, each with its project's documents (one query for all)."""
    requests = agenda_requests(meeting)
    by_project = defaultdict(list)
    if requests:
        for attachment in Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(Project),
            object_id__in={str(gate.project_id) for gate in requests},
        ).order_by("kind", "title"):
            by_project[attachment.object_id].append(attachment)
    return [{"gate": gate, "documents": by_project[str(gate.project_id)]} for gate in requests]


def gate_label(project_title, from_phase, to_phase) -> str:
    return _("%(project)s – from %(current)s to %(phase)s") % {
        "project": project_title,
        "current": from_phase or "—",
        "phase": to_phase,
    }


def meeting_docx(meeting: SteeringMeeting, part: str) -> bytes:
    """The agenda ("agenda") or the minutes with decisions ("minutes") as DOCX bytes."""
    from docx import Document

    document = Document()
    heading = _("Agenda") if part == "agenda" else _("Minutes")
    document.add_heading(f"{heading}: {meeting.title}", level=0)
    document.add_paragraph(
        _("Date: %(date)s") % {"date": formats.date_format(meeting.date, "SHORT_DATE_FORMAT")}
        + (f" · {meeting.location}" if meeting.location else "")
    )
    document.add_paragraph(str(meeting.owner))
    document.add_heading(_("Agenda"), level=1)
    number = 0
    for item in agenda_items(meeting):
        gate = item["gate"]
        number += 1
        document.add_paragraph(
            _("%(number)s. Gate decision: %(gate)s")
            % {
                "number": number,
                "gate": gate_label(gate.project.title, gate.from_phase, gate.to_phase),
            }
        )
        if gate.requested_by is not None:
            document.add_paragraph(
                _("Requested by %(name)s on %(date)s")
                % {
                    "name": person_name(gate.requested_by),
                    "date": formats.date_format(gate.requested_on, "SHORT_DATE_FORMAT"),
                }
            )
        if gate.justification:
            document.add_paragraph(gate.justification, style="Quote")
        if gate.proposed_budget is not None:
            document.add_paragraph(
                _("Proposed budget: %(amount)s") % {"amount": money(gate.proposed_budget)}
            )
        if item["documents"]:
            document.add_paragraph(
                _("Documents: %(documents)s")
                % {"documents": ", ".join(a.title for a in item["documents"])}
            )
    for other in meeting.other_item_list():
        number += 1
        document.add_paragraph(f"{number}. {other}")
    if part == "minutes":
        document.add_heading(_("Decisions"), level=1)
        decisions = meeting.decisions.select_related(
            "project", "from_phase", "to_phase", "decided_by"
        ).order_by("pk")
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            (_("Project"), _("Gate"), _("Decision"), _("Decided by"), _("Conditions")),
            strict=True,
        ):
            cell.text = text
        for decision in decisions:
            cells = table.add_row().cells
            cells[0].text = decision.project.title
            cells[1].text = _("from %(current)s to %(phase)s") % {
                "current": decision.from_phase or "—",
                "phase": decision.to_phase,
            }
            cells[2].text = str(decision.get_outcome_display())
            cells[3].text = decided_by_text(decision)
            cells[4].text = decision.conditions
        document.add_heading(_("Minutes"), level=1)
        for paragraph in (meeting.minutes or "").split("\n\n"):
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def decided_by_text(decision) -> str:
    """The deciding body and the person who recorded the decision, by name."""
    name = person_name(decision.decided_by)
    if decision.decision_body and name:
        return _("%(body)s (recorded by %(name)s)") % {"body": decision.decision_body, "name": name}
    return decision.decision_body or name
