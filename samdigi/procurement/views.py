"""Procurement pages: declarations over the core views, plus the tender actions, the pipeline and
the opportunity finder."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samdigi.core import attachments
from samdigi.core.access import scope_for
from samdigi.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from samdigi.landscape.models import Contract
from samdigi.organizations.models import Association, Municipality
from samdigi.procurement import (
    filters,
    forms,
    rule_texts,
    services,
    tables,
)
from samdigi.procurement.models import (
    AwardDecision,
    Complaint,
    Tender,
    TenderParticipant,
)
from samdigi.procurement.rules import opportunity_summary

# --- thresholds ---------------------------------------------------------------------------------


class ThresholdListView(ObjectListView):
    table_class = tables.ThresholdTable
    filterset_class = filters.ThresholdFilterSet

    def extra_context(self):
        from samdigi.procurement.models import eur_rate

        return {"eur_rate": eur_rate()}


class ThresholdDetailView(ObjectDetailView):
    template_name = "procurement/threshold_detail.html"

    def get_extra_context(self, obj, tab):
        from samdigi.procurement.models import eur_rate

        return {"amounts": obj.amounts(), "eur_rate": eur_rate()}


class ThresholdEditView(ObjectEditView):
    form_class = forms.ThresholdForm


# --- tenders ------------------------------------------------------------------------------------


class TenderListView(ObjectListView):
    table_class = tables.TenderTable
    filterset_class = filters.TenderFilterSet


class TenderDetailView(ObjectDetailView):
    template_name = "procurement/tender_detail.html"

    def base_queryset(self):
        return Tender.objects.select_related("owner", "winning_vendor", "coordinator")

    @property
    def tabs(self):
        return (
            ("outcome", _("Outcome"), "procurement/tender_outcome.html"),
            ("documents", _("Documents"), "core/documents_tab.html"),
        )

    def get_extra_context(self, obj, tab):
        if tab == "outcome":
            return outcome_context(obj)
        if tab == "documents":
            return attachments.documents_context(
                obj,
                upload_url=reverse("procurement:tender_attachment_add", args=[obj.pk]),
                download_url_name="landscape:attachment",
            )
        participants = obj.participants.select_related(
            "municipality", "replaced_contract", "resulting_contract"
        )
        # Related rows are read back through the access layer: a linked contract or system the
        # user may not see is not shown (not even its name).
        user = self.request.user
        linked = [
            pk
            for p in participants
            for pk in (p.replaced_contract_id, p.resulting_contract_id)
            if pk is not None
        ]
        steps = list(obj.steps.all())
        return {
            "steps": steps,
            **timeline_context(obj, steps),
            "participants": participants,
            "seen_contracts": set(
                Contract.objects.visible_to(user).filter(pk__in=linked).values_list("pk", flat=True)
            ),
            "contracts": obj.contracts.visible_to(user).select_related("owner", "vendor"),
            "systems": obj.systems.visible_to(user),
            "kle_areas": obj.kle.visible_to(user),
            "can_award": not participants.filter(resulting_contract__isnull=False).exists()
            and obj.status != Tender.Status.CANCELLED,
            "ocds_url": reverse("tender-ocds", args=[obj.pk]),
            "today": timezone.localdate(),
            "editable_participants": set(
                TenderParticipant.objects.editable_by(self.request.user)
                .filter(tender=obj)
                .values_list("pk", flat=True)
            ),
        }


def timeline_context(tender, steps):
    """The schedule rows with their rule texts, warnings and notes, and the threshold assessment,
    in the user's language (replanning.py)."""
    from samdigi.procurement import replanning

    return {
        "timeline_rows": replanning.timeline_rows(tender, steps),
        "assessment": replanning.current_assessment(tender) if steps else [],
        "date_warnings": replanning.warnings_data(tender),
    }


class TenderEditView(ObjectEditView):
    form_class = forms.TenderForm

    def after_save(self, instance, created):
        sync_participants(instance, self.form.cleaned_data.get("participants") or [])

    def get_form(self, obj, data=None, files=None):
        self.form = super().get_form(obj, data, files)
        return self.form


def sync_participants(tender, municipalities):
    """Add the chosen municipalities, remove the others that have no resulting contract yet."""
    wanted = {m.pk for m in municipalities}
    existing = {p.municipality_id: p for p in tender.participants.all()}
    for municipality_id in wanted - set(existing):
        TenderParticipant.objects.create(tender=tender, municipality_id=municipality_id)
    for municipality_id, participant in existing.items():
        if municipality_id not in wanted and participant.resulting_contract_id is None:
            participant.delete()


def _editable_tender(request, pk):
    tender = get_object_or_404(Tender.objects.visible_to(request.user), pk=pk)
    if not Tender.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("You may see this record but not change it."))
    return tender


@login_required
@require_POST
def tender_schedule(request, pk):
    """Plan the tender backwards from the date the new contract must start."""
    tender = _editable_tender(request, pk)
    try:
        result = services.schedule_tender(tender, request.user)
    except services.ProcurementError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The timeline was scheduled backwards from the contract start.")
        )
        for warning in rule_texts.schedule_warnings(result):
            messages.warning(request, warning)
    return HttpResponseRedirect(tender.get_absolute_url())


@login_required
def tender_step_move(request, pk, key):
    tender = _editable_tender(request, pk)
    step = get_object_or_404(tender.steps, key=key)
    form = forms.StepMoveForm(request.POST or None, initial={"date": step.date})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.move_step(
                    step, form.cleaned_data["date"], form.cleaned_data["reason"], request.user
                )
            except services.ProcurementError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The date was moved; the reason is in the history."))
                return HttpResponseRedirect(tender.get_absolute_url())
        status = 400
    from samdigi.procurement import replanning

    return render(
        request,
        "procurement/step_move.html",
        {
            "tender": tender,
            "step": step,
            "form": form,
            # The stored explanation is in Danish; the page speaks the reader's language.
            "explanation": replanning.timeline_rows(tender, [step])[0]["text"],
        },
        status=status,
    )


@login_required
def tender_award(request, pk):
    """Record the outcome and create every participant's resulting contract in one action, each
    with its own start date (roll-out in waves). All or nothing: a participant whose landscape
    the user may not write into refuses the whole award (403, nothing created)."""
    tender = _editable_tender(request, pk)
    if tender.participants.filter(resulting_contract__isnull=False).exists():
        messages.info(request, _("The resulting contracts have already been created."))
        return HttpResponseRedirect(tender.get_absolute_url())
    decision = services.active_award(tender)
    initial = {
        "vendor": decision.vendor_id if decision else tender.winning_vendor_id,
        "awarded_value": (decision.value if decision else None)
        or tender.awarded_value
        or tender.estimated_value,
        "criteria": decision.criteria if decision else None,
        "decided_on": decision.decided_on if decision else tender.award_decision_on,
        "product": decision.product_id if decision else None,
        "signed_on": tender.contract_signed_on or timezone.localdate(),
        "contract_start": services.contract_start_default(tender),
    }
    participants = list(tender.participants.select_related("municipality"))
    form = forms.AwardForm(
        request.POST or None,
        initial={k: v for k, v in initial.items() if v is not None},
        participants=participants,
    )
    form.fields["vendor"].queryset = form.fields["vendor"].queryset.visible_to(request.user)
    form.fields["product"].queryset = form.fields["product"].queryset.visible_to(request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.award(
                    tender,
                    data["vendor"],
                    data["awarded_value"],
                    data["signed_on"],
                    data["contract_start"],
                    data["contract_end"],
                    data["option_count"] or 0,
                    data["option_months"] or 0,
                    request.user,
                    starts=form.starts(),
                    criteria=data["criteria"],
                    decided_on=data["decided_on"],
                    product=data["product"],
                    new_product=data["new_product"],
                )
            except services.AwardNotAllowed as error:
                form.add_error(None, error.message)
                return render(
                    request,
                    "procurement/award.html",
                    {"tender": tender, "form": form},
                    status=403,
                )
            except services.ProcurementError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("%(count)s resulting contracts were created in the landscape.")
                    % {"count": len(created)},
                )
                return HttpResponseRedirect(tender.get_absolute_url())
        status = 400
    return render(
        request, "procurement/award.html", {"tender": tender, "form": form}, status=status
    )


def _tender_documents_url(pk):
    return reverse("procurement:tender_tab", args=[pk, "documents"])


tender_attachment_upload = attachments.upload_view(Tender, _tender_documents_url)


# --- pipeline -----------------------------------------------------------------------------------


def _chosen_organisation(request):
    """The municipality (?municipality=code) or association (?association=id) asked for."""
    municipality = association = None
    if request.GET.get("municipality"):
        municipality = get_object_or_404(Municipality, code=request.GET["municipality"])
    elif request.GET.get("association"):
        try:
            association = Association.objects.visible_to(request.user).get(
                pk=request.GET["association"]
            )
        except (Association.DoesNotExist, ValueError) as error:
            raise Http404 from error
    return municipality, association


@login_required
def pipeline(request):
    """Tenders ahead by quarter and the gap list, for a municipality or the association."""
    municipality, association = _chosen_organisation(request)
    tenders, contracts = services.pipeline_scope(request.user, municipality, association)
    quarters, undated = services.pipeline(tenders)
    return render(
        request,
        "procurement/pipeline.html",
        {
            "quarters": quarters,
            "undated": undated,
            "gaps": list(services.gap_list(contracts)),
            "municipality": municipality,
            "association": association,
            "municipalities": Municipality.objects.in_reach_of(request.user),
            "associations": Association.objects.visible_to(request.user),
        },
    )


# --- opportunities ------------------------------------------------------------------------------


def _association_for_finder(request, raw=None):
    associations = Association.objects.visible_to(request.user)
    raw = raw if raw is not None else request.GET.get("association")
    if raw:
        try:
            return associations.get(pk=raw)
        except (Association.DoesNotExist, ValueError) as error:
            raise Http404 from error
    association = associations.order_by("pk").first()
    if association is None:
        raise Http404(_("You are not a member of any association."))
    return association


@login_required
def opportunity_list(request):
    """The joint-tender opportunity finder over the association's contracts the user can see: a
    sortable, filterable summary first, each group's explanation folded out below it."""
    association = _association_for_finder(request)
    result = services.find_for_association(association, request.user)
    filter_form = forms.OpportunityFilterForm(request.GET)
    sort = opportunity_summary.normalise_sort(request.GET.get("sort"))
    rows = opportunity_summary.select(
        (summary_row(view) for view in result.views), filter_form.summary_filter(), sort
    )
    shown = {row.key for row in rows}
    query = request.GET.copy()
    query.pop("sort", None)
    context = {
        "association": association,
        "associations": Association.objects.visible_to(request.user),
        "result": result,
        "rows": rows,
        "shown_views": [view for view in result.views if view.key in shown],
        "filter_form": filter_form,
        "sort": sort,
        "sort_links": sort_links(sort),
        "summary_columns": summary_columns(),
        "query": query.urlencode(),
        "can_plan": scope_for(request.user).can_edit_owned(association.pk),
        "window_months": services.OPPORTUNITY_WINDOW_MONTHS,
        "lead_months": services.OPPORTUNITY_LEAD_MONTHS,
        "max_prolongation": services.OPPORTUNITY_MAX_PROLONGATION,
        # Only tenders the user may see are named; another tenant's (e.g. an internal one)
        # covers its contract anonymously.
        "tenders": Tender.objects.visible_to(request.user).in_bulk(set(result.covered.values())),
    }
    template = "procurement/opportunities.html"
    if request.htmx and request.htmx.target == "opportunity-summary":
        template += "#summary"
    return render(request, template, context)


def summary_row(view) -> opportunity_summary.SummaryRow:
    group = view.group
    if view.system:
        name = view.system.name
    else:
        name = _("KLE %(area)s, contract type %(type)s") % {
            "area": group.kle_area,
            "type": group.contract_type,
        }
    return opportunity_summary.SummaryRow(
        key=group.key,
        rank=group.rank,
        name=name,
        members=len(group.municipality_codes),
        contracts=len(group.members),
        target_date=group.target_date,
        value=group.combined_estimated_value,
        eu_required=view.eu_procedure_required,
    )


def summary_columns() -> list:
    """(sort key, header, numeric) of the summary table, in the order shown."""
    return [
        ("rank", _("No."), True),
        ("group", _("Group"), False),
        ("members", _("Municipalities"), True),
        ("date", _("Common end date"), False),
        ("value", _("Combined estimated value"), True),
        ("eu", _("EU procedure"), False),
        ("avoided", _("Separate tenders avoided"), True),
    ]


def sort_links(sort) -> dict:
    """Column → (the sort its header link asks for, "ascending"/"descending"/"" now)."""
    links = {}
    for key in opportunity_summary.SORTS:
        if sort == key:
            links[key] = (f"-{key}", "ascending")
        elif sort == f"-{key}":
            links[key] = (key, "descending")
        else:
            links[key] = (key, "")
    return links


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def opportunity_plan(request, key):
    """Turn a group into a planned joint tender of the association (its admins only): GET shows
    what would be created, only the confirming POST creates it."""
    raw = request.POST.get("association", "") if request.method == "POST" else None
    association = _association_for_finder(request, raw)
    if not scope_for(request.user).can_edit_owned(association.pk):
        raise PermissionDenied(_("Only the association's admins plan joint tenders."))
    back = reverse("procurement:opportunities") + f"?association={association.pk}"
    if request.method != "POST":
        try:
            preview = services.plan_preview(association, key, request.user)
        except services.ProcurementError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(back)
        return render(
            request,
            "procurement/opportunity_plan.html",
            {"association": association, "preview": preview, "back": back},
        )
    try:
        with transaction.atomic():
            tender = services.plan_opportunity(association, key, request.user)
    except services.ProcurementError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(back)
    messages.success(request, _("The joint tender was planned: %(name)s.") % {"name": tender})
    return HttpResponseRedirect(tender.get_absolute_url())


class TenderParticipantEditView(ObjectEditView):
    """A participating municipality's admin keeps its own part of a joint tender: its share of the
    estimated value, the contract it replaces and the options it must use to reach the common date.
    Participants are added by the tender's editors (the tender form or planning an opportunity)."""

    form_class = forms.TenderParticipantForm

    def can_add(self):
        return False

    def success_url(self, instance):
        return instance.tender.get_absolute_url()


# --- outcome: requests to participate, bids, award decisions, complaints -----------------------


def outcome_context(tender) -> dict:
    return {
        "participation_requests": tender.participation_requests.select_related("vendor"),
        "bids": tender.bids.select_related("vendor"),
        "award_decisions": tender.award_decisions.select_related("vendor", "product"),
        "complaints": tender.complaints.select_related("complainant", "award__vendor"),
        "summary": services.outcome_summary(tender),
    }


class TenderChildEditView(ObjectEditView):
    """A row of a tender's outcome, added and changed by whoever changes the tender."""

    def success_url(self, instance):
        return reverse("procurement:tender_tab", args=[instance.tender_id, "outcome"])


class TenderChildDeleteView(ObjectDeleteView):
    def success_url(self, obj):
        return reverse("procurement:tender_tab", args=[obj.tender_id, "outcome"])


class ParticipationRequestEditView(TenderChildEditView):
    form_class = forms.ParticipationRequestForm


class BidEditView(TenderChildEditView):
    form_class = forms.BidForm


class AwardDecisionEditView(TenderChildEditView):
    """Recording or changing a decision keeps the tender's winner and status in step."""

    form_class = forms.AwardDecisionForm

    def after_save(self, instance, created):
        services.sync_award(instance.tender, self.request.user)


class AwardDecisionDeleteView(TenderChildDeleteView):
    def post(self, request, pk):
        decision = AwardDecision.objects.visible_to(request.user).filter(pk=pk).first()
        response = super().post(request, pk)
        if decision is not None and response.status_code == 302:
            services.sync_award(decision.tender, request.user)
        return response


class ComplaintEditView(TenderChildEditView):
    """An upheld complaint's consequence is carried out on saving (services.apply_complaint)."""

    form_class = forms.ComplaintForm

    def after_save(self, instance, created):
        services.apply_complaint(Complaint.objects.get(pk=instance.pk), self.request.user)
