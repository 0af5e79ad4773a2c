"""Steering-committee meeting documents: the agenda built from pending gate requests, and the
agenda and minutes as DOCX files (python-docx) that users can send and open in Word."""

import io

from django.utils.translation import gettext as _

from samdigi.core.formatting import money
from samdigi.portfolio.models import GateRequest, Project, SteeringMeeting


def build_agenda(meeting: SteeringMeeting) -> int:
    """Put the association's pending gate requests that are on no agenda onto this meeting's."""
    return GateRequest.objects.filter(
        status=GateRequest.Status.PENDING,
        meeting__isnull=True,
        project__kind=Project.Kind.JOINT,
        project__owner_id=meeting.owner_id,
    ).update(meeting=meeting)


def agenda_requests(meeting: SteeringMeeting):
    return list(
        meeting.gate_requests.select_related(
            "project", "to_phase", "project__phase", "requested_by"
        ).order_by("pk")
    )


def meeting_docx(meeting: SteeringMeeting, part: str) -> bytes:
    """The agenda ("agenda") or the minutes with decisions ("minutes") as DOCX bytes."""
    from docx import Document

    document = Document()
    heading = _("Agenda") if part == "agenda" else _("Minutes")
    document.add_heading(f"{heading}: {meeting.title}", level=0)
    document.add_paragraph(
        _("Date: %(date)s") % {"date": meeting.date.strftime("%d.%m.%Y")}
        + (f" · {meeting.location}" if meeting.location else "")
    )
    document.add_paragraph(str(meeting.owner))
    document.add_heading(_("Agenda"), level=1)
    number = 0
    for gate in agenda_requests(meeting):
        number += 1
        document.add_paragraph(
            _("%(number)s. Gate decision: %(project)s – from %(current)s to %(phase)s")
            % {
                "number": number,
                "project": gate.project.title,
                "current": gate.project.phase,
                "phase": gate.to_phase,
            }
        )
        if gate.justification:
            document.add_paragraph(gate.justification, style="Quote")
        if gate.proposed_budget is not None:
            document.add_paragraph(
                _("Proposed budget: %(amount)s") % {"amount": money(gate.proposed_budget)}
            )
    for item in meeting.other_item_list():
        number += 1
        document.add_paragraph(f"{number}. {item}")
    if part == "minutes":
        document.add_heading(_("Decisions"), level=1)
        decisions = meeting.decisions.select_related("project", "to_phase").order_by("pk")
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            (_("Project"), _("Gate"), _("Decision"), _("Conditions")),
            strict=True,
        ):
            cell.text = text
        for decision in decisions:
            cells = table.add_row().cells
            cells[0].text = decision.project.title
            cells[1].text = str(decision.to_phase)
            cells[2].text = str(decision.get_outcome_display())
            cells[3].text = decision.conditions
        document.add_heading(_("Minutes"), level=1)
        for paragraph in (meeting.minutes or "").split("\n\n"):
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
