"""Portfolio pages: declarations over the core views, plus the gate flow, participation answers,
documents, the municipality's portfolio, timelines and the meeting exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from samdigi.core import attachments
from samdigi.core.access import get_editable_or_403, get_visible_or_404
from samdigi.core.models import Attachment
from samdigi.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from samdigi.organizations.models import Municipality
from samdigi.portfolio import documents, filters, forms, services, tables
from samdigi.portfolio.models import (
    Benefit,
    BusinessCase,
    BusinessCaseLine,
    DocumentKind,
    GateDecision,
    GateRequest,
    Milestone,
    Participant,
    Phase,
    Project,
    ProjectModel,
    Risk,
    StatusReport,
    SteeringMeeting,
    Strategy,
    StrategyGoal,
    can_decide,
)
from samdigi.portfolio.rules import gantt as timeline


def project_tab_url(project_id, tab):
    return reverse("portfolio:project_tab", args=[project_id, tab])


# --- projects -------------------------------------------------------------------------------


def project_list_queryset():
    return Project.objects.annotate(latest_light=filters.latest_light_subquery())


class ProjectListView(ObjectListView):
    """The association's portfolio: every project the user may see, filtered and exported."""

    queryset = project_list_queryset()
    table_class = tables.ProjectTable
    filterset_class = filters.ProjectFilterSet
    template_name = "portfolio/project_list.html"


PROJECT_TABS = (
    ("phases", "Phases and decisions", "portfolio/project_phases.html"),
    ("participants", "Participants and costs", "portfolio/project_participants.html"),
    ("business-case", "Business case", "portfolio/project_business_case.html"),
    ("risks", "Risks", "portfolio/project_risks.html"),
    ("status", "Status", "portfolio/project_status.html"),
    ("milestones", "Milestones and timeline", "portfolio/project_milestones.html"),
    ("benefits", "Benefits", "portfolio/project_benefits.html"),
    ("documents", "Documents", "portfolio/project_documents.html"),
)


class ProjectDetailView(ObjectDetailView):
    template_name = "portfolio/project_detail.html"
    queryset = Project.objects.select_related(
        "owner",
        "phase",
        "project_model__association",
        "project_owner",
        "project_manager",
    )

    @property
    def tabs(self):
        labels = {
            "phases": _("Phases and decisions"),
            "participants": _("Participants and costs"),
            "business-case": _("Business case"),
            "risks": _("Risks"),
            "status": _("Status"),
            "milestones": _("Milestones and timeline"),
            "benefits": _("Benefits"),
            "documents": _("Documents"),
        }
        return tuple((slug, labels[slug], template) for slug, _label, template in PROJECT_TABS)

    def get_extra_context(self, obj, tab):
        user = self.request.user
        can_edit_rows = Project.objects.open_editable_by(user).filter(pk=obj.pk).exists()
        context = {"can_edit_rows": can_edit_rows, "can_decide": can_decide(user, obj)}
        method = getattr(self, f"tab_{tab.replace('-', '_')}", None)
        if method:
            context.update(method(obj))
        return context

    def tab_overview(self, obj):
        latest = obj.status_reports.order_by("-period_end", "-pk").first()
        return {
            # Linked rows are read back through the access layer, like the record itself.
            "kle": obj.kle.all(),
            "systems": obj.systems.visible_to(self.request.user),
            "goals": obj.goals.visible_to(self.request.user).select_related("strategy"),
            "latest": latest,
            "stale": services.is_stale(obj, latest.period_end if latest else None),
        }

    def tab_phases(self, obj):
        decisions = obj.decisions.select_related(
            "from_phase", "to_phase", "decided_by", "meeting", "business_case"
        )
        requests = obj.gate_requests.select_related("to_phase", "requested_by", "meeting")
        phases = list(obj.project_model.phases.prefetch_related("requirements"))
        present = services.present_documents(obj)
        return {
            "decisions": decisions,
            "gate_requests": requests,
            "phases": phases,
            "present_documents": present,
            "next_phases": services.next_phases(obj),
            "can_request": Project.objects.editable_by(self.request.user)
            .filter(pk=obj.pk)
            .exists(),
        }

    def tab_participants(self, obj):
        participants = obj.participants.select_related("municipality", "responded_by")
        answerable = set(
            Participant.objects.answerable_by(self.request.user)
            .filter(project=obj)
            .values_list("pk", flat=True)
        )
        return {
            "participants": participants,
            "answerable": answerable,
            "cost_lines": obj.cost_lines.all(),
            "shares": services.cost_shares(obj),
        }

    def tab_business_case(self, obj):
        cases = list(obj.business_cases.all())
        current = cases[0] if cases else None
        context = {"cases": cases, "current": current}
        if current:
            summary, per_participant, error = services.business_case_summary(current)
            context.update(
                summary=summary,
                per_participant=per_participant,
                split_error=error,
                lines=current.lines.all(),
            )
        return context

    def tab_risks(self, obj):
        risks = list(obj.risks.all())
        open_risks = [r for r in risks if r.status == Risk.Status.OPEN]
        return {
            "risks": risks,
            "heat_map": services.heat_map_rows(
                [(r.probability, r.consequence) for r in open_risks]
            ),
            "residual_map": services.heat_map_rows(
                [
                    (r.residual_probability, r.residual_consequence)
                    for r in open_risks
                    if r.residual_probability and r.residual_consequence
                ]
            ),
        }

    def tab_status(self, obj):
        reports = list(obj.status_reports.all())
        return {
            "reports": reports,
            "stale": services.is_stale(obj, reports[0].period_end if reports else None),
        }

    def tab_milestones(self, obj):
        milestones = list(obj.milestones.all())
        decisions = list(obj.decisions.select_related("from_phase", "to_phase"))
        return {
            "milestones": milestones,
            "timeline": timeline.layout(
                services.project_timeline_rows(obj, decisions, milestones), timezone.localdate()
            ),
        }

    def tab_benefits(self, obj):
        return {
            "benefits": obj.benefits.select_related("receiving_municipality"),
            "can_edit_benefits": Project.objects.editable_by(self.request.user)
            .filter(pk=obj.pk)
            .exists(),
        }

    def tab_documents(self, obj):
        return {
            **attachments.documents_context(
                obj,
                upload_url=reverse("portfolio:attachment_add", args=[obj.pk]),
                download_url_name="portfolio:attachment",
                kinds=DocumentKind.choices,
                base_template="portfolio/project_base.html",
            ),
            "decision_attachments": Attachment.objects.filter(
                content_type=ContentType.objects.get_for_model(GateDecision),
                object_id__in=[str(pk) for pk in obj.decisions.values_list("pk", flat=True)],
            ),
        }


class ProjectEditView(ObjectEditView):
    form_class = forms.ProjectForm


class ProjectDeleteView(ObjectDeleteView):
    def delete_problem(self, obj):
        if obj.decisions.exists():
            return _("A project with gate decisions is kept for the record; close it instead.")
        return None


# --- a project's rows -------------------------------------------------------------------------


class ProjectChildEditView(ObjectEditView):
    """A row of a project, added and changed by whoever changes the (open) project."""


class ProjectChildDeleteView(ObjectDeleteView):
    def success_url(self, obj):
        return obj.project.get_absolute_url()


class RiskListView(ObjectListView):
    """Every risk the user may see, with the portfolio's heat map of open risks."""

    table_class = tables.RiskTable
    filterset_class = filters.RiskFilterSet
    template_name = "portfolio/risk_list.html"

    def extra_context(self):
        pairs = (
            Risk.objects.visible_to(self.request.user)
            .filter(status=Risk.Status.OPEN)
            .values_list("probability", "consequence")
        )
        return {"heat_map": services.heat_map_rows(list(pairs))}


class RiskDetailView(ObjectDetailView):
    template_name = "portfolio/risk_detail.html"
    queryset = Risk.objects.select_related("project")


class RiskEditView(ProjectChildEditView):
    form_class = forms.RiskForm


class StatusReportListView(ObjectListView):
    table_class = tables.StatusReportTable
    filterset_class = filters.StatusReportFilterSet


class StatusReportDetailView(ObjectDetailView):
    template_name = "portfolio/statusreport_detail.html"
    queryset = StatusReport.objects.select_related("project")


class StatusReportEditView(ProjectChildEditView):
    form_class = forms.StatusReportForm


class MilestoneListView(ObjectListView):
    table_class = tables.MilestoneTable
    filterset_class = filters.MilestoneFilterSet


class MilestoneDetailView(ObjectDetailView):
    template_name = "portfolio/milestone_detail.html"
    queryset = Milestone.objects.select_related("project")


class MilestoneEditView(ProjectChildEditView):
    form_class = forms.MilestoneForm


class BenefitListView(ObjectListView):
    table_class = tables.BenefitTable
    filterset_class = filters.BenefitFilterSet


class BenefitDetailView(ObjectDetailView):
    template_name = "portfolio/benefit_detail.html"
    queryset = Benefit.objects.select_related("project", "receiving_municipality")

    def get_extra_context(self, obj, tab):
        measurements = list(obj.measurements.all())
        return {
            "measurements": measurements,
            "chart": benefit_chart(obj, measurements),
            "can_measure": Benefit.objects.editable_by(self.request.user)
            .filter(pk=obj.pk)
            .exists(),
        }


def benefit_chart(benefit, measurements):
    """Points of the baseline → target → actuals chart, scaled into a 600 × 200 SVG."""
    points = []
    if benefit.baseline_value is not None and benefit.baseline_date:
        points.append(("baseline", benefit.baseline_date, benefit.baseline_value))
    if benefit.target_value is not None and benefit.target_date:
        points.append(("target", benefit.target_date, benefit.target_value))
    actual = [("actual", m.date, m.value) for m in measurements]
    everything = points + actual
    if not everything:
        return None
    days = [p[1] for p in everything]
    values = [p[2] for p in everything]
    first, last = min(days), max(days)
    low, high = min(values), max(values)
    span_days = max((last - first).days, 1)
    span_values = (high - low) or 1

    def xy(day, value):
        x = 50 + 520 * (day - first).days / span_days
        y = 170 - 140 * float((value - low) / span_values)
        return round(x, 1), round(y, 1)

    plan = [xy(day, value) for _kind, day, value in points]
    actuals = [xy(day, value) for _kind, day, value in actual]
    return {
        "plan": " ".join(f"{x},{y}" for x, y in plan),
        "plan_points": [
            {"x": x, "y": y, "label": label, "value": value, "day": day}
            for (x, y), (label, day, value) in zip(plan, points, strict=True)
        ],
        "actual": " ".join(f"{x},{y}" for x, y in actuals),
        "actual_points": [
            {"x": x, "y": y, "value": value, "day": day}
            for (x, y), (_k, day, value) in zip(actuals, actual, strict=True)
        ],
        "low": low,
        "high": high,
        "first": first,
        "last": last,
    }


class BenefitEditView(ProjectChildEditView):
    form_class = forms.BenefitForm


class MeasurementEditView(ObjectEditView):
    form_class = forms.MeasurementForm


class MeasurementDeleteView(ObjectDeleteView):
    def success_url(self, obj):
        return obj.benefit.get_absolute_url()


class ParticipantEditView(ProjectChildEditView):
    form_class = forms.ParticipantForm

    def success_url(self, instance):
        return project_tab_url(instance.project_id, "participants")


class CostLineEditView(ProjectChildEditView):
    form_class = forms.CostLineForm

    def success_url(self, instance):
        return project_tab_url(instance.project_id, "participants")


# --- business cases ---------------------------------------------------------------------------


class BusinessCaseDetailView(ObjectDetailView):
    template_name = "portfolio/businesscase_detail.html"
    queryset = BusinessCase.objects.select_related("project")

    def get_extra_context(self, obj, tab):
        summary, per_participant, error = services.business_case_summary(obj)
        return {
            "cost_differences": cost_differences(obj),
            "summary": summary,
            "per_participant": per_participant,
            "split_error": error,
            "lines": obj.lines.all(),
            "can_add_version": Project.objects.editable_by(self.request.user)
            .filter(pk=obj.project_id)
            .exists(),
        }


def cost_differences(case) -> list[dict]:
    """Where the business case's costs disagree with the project's cost lines (its budget)."""
    from samdigi.portfolio.models import CostLine
    from samdigi.portfolio.rules.business_case import cost_line_differences

    lines = [(line.year, line.kind, line.amount) for line in case.project.cost_lines.all()]
    return [
        {
            "year": str(difference.year),
            "kind": CostLine.Kind(difference.kind).label,
            "business_case": difference.business_case,
            "cost_lines": difference.cost_lines,
        }
        for difference in cost_line_differences(case.year_lines(), case.start_year, lines)
    ]


class BusinessCaseEditView(ProjectChildEditView):
    form_class = forms.BusinessCaseForm


class BusinessCaseLineEditView(ObjectEditView):
    form_class = forms.BusinessCaseLineForm


class BusinessCaseLineDeleteView(ObjectDeleteView):
    def success_url(self, obj):
        return obj.business_case.get_absolute_url()


@login_required
@require_POST
def business_case_new_version(request, pk):
    """Copy a business case (typically the frozen, approved one) into a new editable version."""
    case = get_visible_or_404(BusinessCase, request.user, pk=pk)
    get_editable_or_403(Project, request.user, pk=case.project_id)
    with transaction.atomic():
        number = (case.project.business_cases.order_by("-number").first().number or 0) + 1
        new = BusinessCase.objects.create(
            project=case.project,
            number=number,
            title=case.title,
            start_year=case.start_year,
            discount_rate=case.discount_rate,
            notes=case.notes,
            created_by=request.user,
            updated_by=request.user,
        )
        BusinessCaseLine.objects.bulk_create(
            BusinessCaseLine(
                business_case=new,
                year=line.year,
                investment=line.investment,
                running=line.running,
                budget_releasing=line.budget_releasing,
                other_economic=line.other_economic,
                non_monetary=line.non_monetary,
            )
            for line in case.lines.all()
        )
    messages.success(request, _("Version %(number)s was created.") % {"number": number})
    return HttpResponseRedirect(new.get_absolute_url())


# --- gates ------------------------------------------------------------------------------------


class GateDecisionListView(ObjectListView):
    table_class = tables.GateDecisionTable
    filterset_class = filters.GateDecisionFilterSet

    def can_add(self):
        return False


class GateDecisionDetailView(ObjectDetailView):
    template_name = "portfolio/gatedecision_detail.html"
    queryset = GateDecision.objects.select_related(
        "project", "from_phase", "to_phase", "decided_by", "meeting", "business_case"
    )

    def get_extra_context(self, obj, tab):
        return {"attachments": Attachment.for_object(obj)}


@login_required
def gate_request(request, pk):
    """The project manager asks for a gate; missing required documents block it with a list."""
    project = get_editable_or_403(Project, request.user, pk=pk)
    phases = services.next_phases(project)
    form = forms.GateRequestForm(request.POST or None, phases=phases)
    missing = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.request_gate(
                    project,
                    form.cleaned_data["to_phase"],
                    request.user,
                    justification=form.cleaned_data["justification"],
                    proposed_budget=form.cleaned_data["proposed_budget"],
                    proposed_end=form.cleaned_data["proposed_end"],
                )
            except services.GateBlocked as blocked:
                form.add_error(None, blocked.message)
                missing = blocked.missing
                status = 409
            else:
                messages.success(request, _("The gate request was sent."))
                return HttpResponseRedirect(project_tab_url(pk, "phases"))
    return render(
        request,
        "portfolio/gate_request.html",
        {
            "project": project,
            "form": form,
            "missing": missing,
            "cancel_url": project_tab_url(pk, "phases"),
        },
        status=status,
    )


@login_required
def gate_decide(request, pk):
    """Record the decision on a pending gate request (steering committee, or the municipality's
    admin for a local project)."""
    gate = get_object_or_404(
        GateRequest.objects.visible_to(request.user).select_related("project", "to_phase"), pk=pk
    )
    project = gate.project
    if not can_decide(request.user, project):
        raise PermissionDenied(_("Only the steering committee decides at this gate."))
    if gate.status != GateRequest.Status.PENDING:
        raise Http404(_("This request has already been decided."))
    initial = {
        "decided_on": timezone.localdate(),
        "baseline_budget": gate.proposed_budget,
        "baseline_end": gate.proposed_end,
        "meeting": request.GET.get("meeting") or gate.meeting_id,
    }
    form = forms.GateDecisionForm(
        request.POST or None, request.FILES or None, initial=initial, user=request.user, gate=gate
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    decision = services.record_decision(
                        project,
                        gate.to_phase,
                        data["outcome"],
                        request.user,
                        request=gate,
                        decided_on=data["decided_on"],
                        conditions=data["conditions"],
                        decision_body=data["decision_body"],
                        meeting=data["meeting"],
                        baseline_budget=data["baseline_budget"],
                        baseline_end=data["baseline_end"],
                        baseline_benefits=data["baseline_benefits"],
                    )
                    uploaded = data.get("document")
                    if uploaded:
                        attachments.attach(
                            decision,
                            uploaded,
                            title=uploaded.name,
                            kind="decision",
                            media_type=form.media_type,
                            user=request.user,
                        )
            except services.GateBlocked as blocked:
                form.add_error(blocked.field, blocked.message)
                status = 400 if blocked.field else 409
            else:
                messages.success(request, _("The decision was recorded."))
                return HttpResponseRedirect(decision.get_absolute_url())
    return render(
        request,
        "portfolio/gate_decide.html",
        {
            "gate": gate,
            "project": project,
            "form": form,
            "cancel_url": project_tab_url(project.pk, "phases"),
        },
        status=status,
    )


# --- participation ----------------------------------------------------------------------------


@login_required
@require_POST
def participant_answer(request, pk):
    """A municipality's admin joins or declines a joint project for their municipality."""
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    if not Participant.objects.answerable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("Only the municipality's admin answers for it."))
    answer = request.POST.get("answer")
    if answer not in ("join", "decline"):
        return HttpResponse(_("Answer join or decline."), status=400)
    services.answer_participation(participant, answer == "join", request.user)
    messages.success(request, _("Your answer was recorded."))
    return HttpResponseRedirect(project_tab_url(participant.project_id, "participants"))


@login_required
@require_POST
def project_invite_members(request, pk):
    """Invite every current member municipality of the association to a joint project."""
    project = get_editable_or_403(Project, request.user, pk=pk)
    if project.is_closed:
        raise PermissionDenied(_("You may see this record but not change it."))
    if not project.is_joint:
        return HttpResponse(_("Only joint projects have participants."), status=400)
    invited = services.invite_all_members(project, request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s municipality was invited.",
            "%(count)s municipalities were invited.",
            len(invited),
        )
        % {"count": len(invited)},
    )
    return HttpResponseRedirect(project_tab_url(pk, "participants"))


# --- documents --------------------------------------------------------------------------------


project_attachment_upload = attachments.upload_view(
    Project, lambda pk: project_tab_url(pk, "documents"), kinds=DocumentKind.choices
)
# A document of a project or of a gate decision, for those who see the record.
attachment_download = attachments.download_view(models=(Project, GateDecision))


# --- meetings ---------------------------------------------------------------------------------


class SteeringMeetingListView(ObjectListView):
    table_class = tables.SteeringMeetingTable
    filterset_class = filters.SteeringMeetingFilterSet


def schedulable_requests(meeting):
    """Pending requests of the meeting's association that could go on its agenda."""
    return (
        GateRequest.objects.filter(
            status=GateRequest.Status.PENDING,
            project__kind=Project.Kind.JOINT,
            project__owner_id=meeting.owner_id,
            requested_on__lte=meeting.date,
        )
        .exclude(meeting=meeting)
        .select_related("project", "from_phase", "to_phase")
        .order_by("requested_on", "pk")
    )


class SteeringMeetingDetailView(ObjectDetailView):
    template_name = "portfolio/steeringmeeting_detail.html"

    def get_extra_context(self, obj, tab):
        user = self.request.user
        items = documents.agenda_items(obj)
        can_edit_agenda = SteeringMeeting.objects.editable_by(user).filter(pk=obj.pk).exists()
        return {
            "agenda_items": items,
            "decisions": obj.decisions.visible_to(user).select_related(
                "project", "from_phase", "to_phase", "decided_by"
            ),
            "can_decide_ids": {
                item["gate"].pk
                for item in items
                if item["gate"].is_pending and can_decide(user, item["gate"].project)
            },
            "can_edit_agenda": can_edit_agenda,
            "agenda_form": forms.AgendaAddForm(requests=schedulable_requests(obj))
            if can_edit_agenda
            else None,
        }


class SteeringMeetingEditView(ObjectEditView):
    form_class = forms.SteeringMeetingForm

    def after_save(self, instance, created):
        if created:
            documents.build_agenda(instance, self.request.user)


def editable_meeting(request, pk):
    """The meeting whose agenda the user changes: 404 unseen, 403 seen but not editable."""
    return get_editable_or_403(
        SteeringMeeting,
        request.user,
        message=_("Only the association's admins set the agenda."),
        pk=pk,
    )


def _schedule(request, gate, meeting):
    try:
        services.put_on_agenda(gate, meeting, request.user)
    except services.GateBlocked as blocked:
        messages.error(request, blocked.message)
        return False
    messages.success(
        request,
        _("%(request)s is on the agenda of %(meeting)s.") % {"request": gate, "meeting": meeting},
    )
    return True


@login_required
@require_POST
def meeting_agenda_add(request, pk):
    """From the meeting's page: put a pending gate request on this meeting's agenda."""
    meeting = editable_meeting(request, pk)
    form = forms.AgendaAddForm(request.POST, requests=schedulable_requests(meeting))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(meeting.get_absolute_url())
    _schedule(request, form.cleaned_data["gate_request"], meeting)
    return HttpResponseRedirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_agenda_remove(request, pk, gate_pk):
    """Take an undecided gate request off this meeting's agenda (back to the next meeting's)."""
    meeting = editable_meeting(request, pk)
    gate = get_object_or_404(
        meeting.gate_requests.filter(status=GateRequest.Status.PENDING), pk=gate_pk
    )
    gate.meeting = None
    gate.save_if_current(gate.version, user=request.user)
    messages.success(request, _("%(request)s was taken off the agenda.") % {"request": gate})
    return HttpResponseRedirect(meeting.get_absolute_url())


class GateRequestDetailView(ObjectDetailView):
    """A gate request: the move it asks for, its documents, its decisions, and (for the
    association's admins) the meeting whose agenda it is on."""

    template_name = "portfolio/gaterequest_detail.html"
    queryset = GateRequest.objects.select_related(
        "project", "from_phase", "to_phase", "requested_by", "meeting"
    )

    def get_extra_context(self, obj, tab):
        user = self.request.user
        meetings = (
            SteeringMeeting.objects.editable_by(user)
            .filter(owner_id=obj.project.owner_id, date__gte=obj.requested_on)
            .order_by("date", "pk")
        )
        can_schedule = obj.is_pending and obj.project.is_joint and meetings.exists()
        return {
            "project": obj.project,
            "documents": Attachment.for_object(obj.project).order_by("kind", "title"),
            "decisions": obj.decisions.select_related("from_phase", "to_phase", "decided_by"),
            "schedule_form": forms.ScheduleGateForm(
                meetings=meetings, initial={"meeting": obj.meeting_id}
            )
            if can_schedule
            else None,
            "can_decide": obj.is_pending and can_decide(user, obj.project),
        }


@login_required
@require_POST
def gate_request_schedule(request, pk):
    """From the gate request's page: put it on the agenda of the chosen meeting."""
    gate = get_object_or_404(
        GateRequest.objects.visible_to(request.user).select_related("project"), pk=pk
    )
    meetings = SteeringMeeting.objects.visible_to(request.user)
    form = forms.ScheduleGateForm(request.POST, meetings=meetings)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(gate.get_absolute_url())
    meeting = editable_meeting(request, form.cleaned_data["meeting"].pk)
    _schedule(request, gate, meeting)
    return HttpResponseRedirect(gate.get_absolute_url())


@login_required
def meeting_export(request, pk, part):
    """The meeting's agenda or minutes as a DOCX file."""
    meeting = get_object_or_404(SteeringMeeting.objects.visible_to(request.user), pk=pk)
    if part not in ("agenda", "minutes"):
        raise Http404
    content = documents.meeting_docx(meeting, part)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = slugify(f"{part}-{meeting.title}-{meeting.date.isoformat()}")
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response


# --- strategies -------------------------------------------------------------------------------


class StrategyListView(ObjectListView):
    table_class = tables.StrategyTable
    filterset_class = filters.StrategyFilterSet


class StrategyDetailView(ObjectDetailView):
    template_name = "portfolio/strategy_detail.html"

    def get_extra_context(self, obj, tab):
        return {
            "goals": obj.goals.all(),
            "can_add_goal": Strategy.objects.editable_by(self.request.user)
            .filter(pk=obj.pk)
            .exists(),
        }


class StrategyEditView(ObjectEditView):
    form_class = forms.StrategyForm


class StrategyGoalDetailView(ObjectDetailView):
    template_name = "portfolio/strategygoal_detail.html"
    queryset = StrategyGoal.objects.select_related("strategy")

    def get_extra_context(self, obj, tab):
        return {
            "projects": Project.objects.visible_to(self.request.user)
            .filter(goals=obj)
            .select_related("owner", "phase")
        }


class StrategyGoalEditView(ObjectEditView):
    form_class = forms.StrategyGoalForm


class StrategyGoalDeleteView(ObjectDeleteView):
    def success_url(self, obj):
        return obj.strategy.get_absolute_url()


# --- project models ---------------------------------------------------------------------------


class ProjectModelListView(ObjectListView):
    table_class = tables.ProjectModelTable
    filterset_class = filters.ProjectModelFilterSet


class ProjectModelDetailView(ObjectDetailView):
    template_name = "portfolio/projectmodel_detail.html"
    queryset = ProjectModel.objects.select_related("association")

    def get_extra_context(self, obj, tab):
        phases = list(obj.phases.prefetch_related("requirements"))
        counts = dict(
            Project.objects.filter(project_model=obj)
            .values_list("phase_id")
            .annotate(n=Count("pk"))
            .values_list("phase_id", "n")
        )
        for phase in phases:
            phase.project_count = counts.get(phase.pk, 0)
        return {"phases": phases, "projects_using": sum(counts.values())}


class ProjectModelEditView(ObjectEditView):
    form_class = forms.ProjectModelForm


class ProjectModelDeleteView(ObjectDeleteView):
    def delete_problem(self, obj):
        if obj.projects.exists():
            return _("Projects follow this project model, so it cannot be deleted.")
        return None


class PhaseEditView(ObjectEditView):
    form_class = forms.PhaseForm


class PhaseDeleteView(ObjectDeleteView):
    def delete_problem(self, obj):
        return services.phase_removal_problem(obj)

    def success_url(self, obj):
        return obj.project_model.get_absolute_url()


@login_required
@require_POST
def phase_move(request, pk, direction):
    """Move a phase one place earlier or later in its project model."""
    phase = get_editable_or_403(
        Phase,
        request.user,
        message=_("Only the association's admins change its project models."),
        pk=pk,
    )
    if direction not in ("up", "down"):
        raise Http404
    try:
        services.move_phase(phase, -1 if direction == "up" else 1)
    except services.PhaseModelError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(phase.project_model.get_absolute_url())


# --- portfolio-wide pages ---------------------------------------------------------------------


@login_required
def municipality_portfolio(request, code):
    """A municipality's portfolio: its local projects and the joint projects it takes part in,
    with its share of each joint project's cost."""
    municipality = get_object_or_404(Municipality.objects.visible_to(request.user), code=code)
    participations = Participant.objects.filter(
        municipality=municipality,
        status__in=[Participant.Status.JOINED, Participant.Status.INVITED],
    )
    projects = list(
        Project.objects.visible_to(request.user)
        .filter(Q(owner_id=municipality.pk) | Q(pk__in=participations.values("project_id")))
        .annotate(latest_light=filters.latest_light_subquery())
        .select_related("owner", "phase", "project_manager")
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("municipality")),
            "cost_lines",
        )
        .order_by("kind", "title")
    )
    # One population query for every joint project, whatever the number of projects.
    joint = [project for project in projects if project.is_joint]
    populations = services.populations_by_day(
        {p.municipality for project in joint for p in services.joined_participants(project)},
        {services.population_day(project) for project in joint},
    )
    rows = []
    total_share = 0
    for project in projects:
        share = None
        status = None
        if project.is_joint:
            shares = services.cost_shares(project, populations[services.population_day(project)])
            share = shares.by_municipality.get(municipality.code)
            status = next(
                (p for p in project.participants.all() if p.municipality_id == municipality.pk),
                None,
            )
            total_share += share or 0
        else:
            share = services.cost_shares(project).total
            total_share += share
        rows.append({"project": project, "share": share, "participant": status})
    return render(
        request,
        "portfolio/municipality_portfolio.html",
        {"municipality": municipality, "rows": rows, "total_share": total_share},
    )


@login_required
def portfolio_timeline(request):
    """The portfolio as a Gantt-style timeline (filters as on the portfolio list)."""
    queryset = project_list_queryset().visible_to(request.user)
    filterset = filters.ProjectFilterSet(request.GET or None, queryset=queryset, request=request)
    if filterset.is_bound:
        queryset = filterset.qs
    projects = list(
        queryset.select_related("phase")
        .prefetch_related("milestones")
        .order_by("start_date", "title")[:300]
    )
    return render(
        request,
        "portfolio/timeline.html",
        {
            "timeline": timeline.layout(
                services.portfolio_timeline_rows(projects), timezone.localdate()
            ),
            "filterset": filterset,
        },
    )
