"""Landscape pages: declarations over the core views, plus deadlines, calendars and import."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from samdigi.core import attachments, imports
from samdigi.core.access import can_edit_somewhere
from samdigi.core.imports import ImportResult
from samdigi.core.rules.months import add_months
from samdigi.core.rules.urgency import group_by_month, urgency
from samdigi.core.uploads import (
    RefuseOversizedImport,
    check_import_upload,
    import_too_large_message,
    oversized_import_bytes,
)
from samdigi.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from samdigi.landscape import filters, forms, services, tables
from samdigi.landscape import ical as calendar
from samdigi.landscape import tasks as import_tasks
from samdigi.landscape.models import (
    CalendarFeed,
    Contract,
    DeadlineKind,
    ItSystem,
    SystemUsage,
)
from samdigi.landscape.staging import StagedImport, background_rows
from samdigi.organizations.models import Association, Municipality


class VendorListView(ObjectListView):
    table_class = tables.VendorTable
    filterset_class = filters.VendorFilterSet


class VendorDetailView(ObjectDetailView):
    template_name = "landscape/vendor_detail.html"

    def get_extra_context(self, obj, tab):
        return {
            "systems": ItSystem.objects.visible_to(self.request.user).filter(vendor=obj),
            "contracts": Contract.objects.visible_to(self.request.user)
            .filter(vendor=obj)
            .select_related("owner"),
        }


class VendorEditView(ObjectEditView):
    form_class = forms.VendorForm


class KleClassListView(ObjectListView):
    table_class = tables.KleClassTable
    filterset_class = filters.KleClassFilterSet
    paginate_by = 100

    def can_add(self):
        return False


class KleClassDetailView(ObjectDetailView):
    template_name = "landscape/kleclass_detail.html"

    def get_extra_context(self, obj, tab):
        return {
            "children": obj.children.order_by("number"),
            "systems": ItSystem.objects.visible_to(self.request.user)
            .filter(kle__number__startswith=obj.number)
            .distinct(),
        }


class ItSystemListView(ObjectListView):
    table_class = tables.ItSystemTable
    filterset_class = filters.ItSystemFilterSet


class ItSystemDetailView(ObjectDetailView):
    template_name = "landscape/itsystem_detail.html"

    def get_extra_context(self, obj, tab):
        # Who in the association uses the system and when their contracts end: the view that makes
        # joint work visible. Internal usages and contracts stay hidden outside their municipality.
        usages = (
            SystemUsage.objects.visible_to(self.request.user)
            .filter(system=obj)
            .select_related("owner", "main_contract")
            .order_by("owner__name")
        )
        contracts = (
            Contract.objects.visible_to(self.request.user)
            .filter(systems=obj)
            .select_related("owner", "vendor")
            .order_by("ends_on", "owner__name")
        )
        return {"usages": usages, "contracts": contracts}


class ItSystemEditView(ObjectEditView):
    form_class = forms.ItSystemForm


class SystemUsageListView(ObjectListView):
    table_class = tables.SystemUsageTable
    filterset_class = filters.SystemUsageFilterSet


class SystemUsageDetailView(ObjectDetailView):
    template_name = "landscape/systemusage_detail.html"


class SystemUsageEditView(ObjectEditView):
    form_class = forms.SystemUsageForm


class ContractListView(ObjectListView):
    table_class = tables.ContractTable
    filterset_class = filters.ContractFilterSet


class ContractDetailView(ObjectDetailView):
    template_name = "landscape/contract_detail.html"

    @property
    def tabs(self):
        return (("documents", _("Documents"), "core/documents_tab.html"),)

    def get_extra_context(self, obj, tab):
        if tab == "documents":
            return attachments.documents_context(
                obj,
                upload_url=reverse("landscape:contract_attachment_add", args=[obj.pk]),
                download_url_name="landscape:attachment",
            )
        today = timezone.localdate()
        from samdigi.landscape.explanations import explain

        return {
            "deadlines": [(deadline, explain(deadline)) for deadline in obj.deadlines(today)],
            "validity": obj.validity(today),
            "timeline": calendar.contract_timeline(obj, today),
            "co_owners": obj.co_owners.all(),
            "systems": obj.systems.visible_to(self.request.user),
            "unnoticed": bool(
                obj.notice_deadline
                and obj.notice_deadline < today
                and not obj.terminated_on
                and obj.current_end
                and obj.current_end >= today
            ),
        }


class ContractEditView(ObjectEditView):
    form_class = forms.ContractForm
    template_name = "landscape/contract_form.html"


class ReminderListView(ObjectListView):
    table_class = tables.ReminderSubscriptionTable


class ReminderDetailView(ObjectDetailView):
    template_name = "landscape/remindersubscription_detail.html"


class ReminderEditView(ObjectEditView):
    form_class = forms.ReminderSubscriptionForm


class LeadTimeListView(ObjectListView):
    table_class = tables.LeadTimeTable


class LeadTimeDetailView(ObjectDetailView):
    template_name = "landscape/leadtime_detail.html"


class LeadTimeEditView(ObjectEditView):
    form_class = forms.LeadTimeForm


# --- deadlines ----------------------------------------------------------------------------------


@login_required
def deadline_list(request):
    """Deadlines ahead for a municipality or the association, with passed notice deadlines as
    warnings. Filters: municipality (code), association (id), kind, months ahead (default 24)."""
    today = timezone.localdate()
    try:
        months = max(1, min(120, int(request.GET.get("months", 24))))
    except ValueError:
        months = 24
    end = add_months(today, months)  # the end-of-month rule, like the deadlines themselves
    kinds = [k for k in request.GET.getlist("kind") if k in DeadlineKind.values] or None
    contracts = Contract.objects.visible_to(request.user).select_related("owner", "vendor")
    municipality = association = None
    if request.GET.get("municipality"):
        municipality = get_object_or_404(Municipality, code=request.GET["municipality"])
        contracts = contracts.filter(owner=municipality)
    elif request.GET.get("association"):
        try:
            association = Association.objects.visible_to(request.user).get(
                pk=request.GET["association"]
            )
        except (Association.DoesNotExist, ValueError) as error:
            raise Http404 from error
        members = association.current_members()
        contracts = contracts.filter(owner__in=members.values("municipality_id"))
    rows = services.deadline_rows(
        contracts.filter(services.range_q(today, end, kinds)), today, end, kinds
    )
    warnings = list(contracts.filter(services.unnoticed_q(today)).order_by("notice_deadline"))
    if not kinds or DeadlineKind.NOTICE_DEADLINE in kinds:
        # A passed notice deadline of a contract that still runs is the most urgent row of all:
        # listed first, as overdue, not only in the warning above the list.
        rows = [
            services.DeadlineRow(
                contract, DeadlineKind.NOTICE_DEADLINE.value, contract.notice_deadline
            )
            for contract in warnings
        ] + rows
    days_left = [(row, (row.date - today).days) for row in rows]
    groups = group_by_month(
        ({"row": row, "days": days, "urgency": urgency(days)} for row, days in days_left),
        lambda entry: entry["row"].date,
    )
    context = {
        "rows": rows,
        "groups": groups,
        "warnings": warnings,
        "months": months,
        "kinds": DeadlineKind.choices,
        "selected_kinds": kinds or [],
        "municipality": municipality,
        "association": association,
        "municipalities": Municipality.objects.in_reach_of(request.user),
        "associations": Association.objects.visible_to(request.user),
        "today": today,
    }
    if request.GET.get("export") in ("csv", "xlsx"):
        return calendar.export_deadlines(rows, request.GET["export"])
    return render(request, "landscape/deadlines.html", context)


# --- calendar feeds ---------------------------------------------------------------------------


@login_required
def calendar_page(request):
    feed, _created = CalendarFeed.objects.get_or_create(user=request.user)
    feed_url = calendar.absolute_url(
        reverse("landscape:calendar_feed", args=[feed.secret]), request
    )
    municipality_feeds = [
        (
            municipality,
            url := calendar.absolute_url(
                reverse(
                    "landscape:calendar_feed_municipality", args=[feed.secret, municipality.code]
                ),
                request,
            ),
            calendar.webcal_url(url),
        )
        for municipality in Municipality.objects.in_reach_of(request.user)
    ]
    return render(
        request,
        "landscape/calendar.html",
        {
            "feed": feed,
            "feed_url": feed_url,
            "webcal_url": calendar.webcal_url(feed_url),
            "municipality_feeds": municipality_feeds,
        },
    )


@login_required
@require_POST
def calendar_rotate(request):
    feed, _created = CalendarFeed.objects.get_or_create(user=request.user)
    feed.rotate()
    messages.success(request, _("Your calendar address was replaced; the old one no longer works."))
    return HttpResponseRedirect(reverse("landscape:calendar"))


def calendar_feed(request, secret, code=None):
    """The iCal feed. The secret in the URL is the credential (calendar clients cannot log in)."""
    try:
        feed = CalendarFeed.objects.select_related("user").get(secret=secret)
    except CalendarFeed.DoesNotExist as error:
        raise Http404 from error
    user = feed.user
    if not user.is_active:
        raise Http404
    contracts = Contract.objects.select_related("owner", "vendor")
    name = _("samdigi deadlines")
    if code is not None:
        municipality = get_object_or_404(Municipality, code=code)
        contracts = contracts.visible_to(user).for_owner(municipality)
        name = _("samdigi deadlines – %(name)s") % {"name": municipality.name}
    else:
        contracts = contracts.of_own_municipalities(user)
    today = timezone.localdate()
    rows = services.deadline_rows(contracts, today - datetime.timedelta(days=365), None)
    body = calendar.ical_for(
        rows, name, extra_events=calendar.extra_events_for(user, code), request=request
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="samdigi.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


# --- attachments ------------------------------------------------------------------------------


def _contract_documents_url(pk):
    return reverse("landscape:contract_tab", args=[pk, "documents"])


contract_attachment_upload = attachments.upload_view(Contract, _contract_documents_url)
# Serves the documents of every record whose tab links here (contracts and tenders).
attachment_download = attachments.download_view()


# --- import -----------------------------------------------------------------------------------


def _import_page(request, form, *, result=None, staged=None, status=200, upload_error=""):
    return render(
        request,
        "landscape/import.html",
        {
            "form": form,
            "result": result,
            "staged": staged,
            "token": staged.token if staged and staged.status == "previewed" else None,
            "upload_error": upload_error,
            "import_limits": {
                "rows": imports.max_rows(),
                "megabytes": imports.max_bytes() // (1024 * 1024),
                "background": background_rows(),
            },
        },
        status=status,
    )


def limit_import_upload(request):
    """Before anything reads the body: an upload beyond the import limit is not stored at all."""
    request.upload_handlers.insert(0, RefuseOversizedImport(request))


@csrf_exempt  # only to set the upload handlers first; the view itself is CSRF-protected
def import_view(request):
    limit_import_upload(request)
    return _import_view(request)


@csrf_protect
@login_required
def _import_view(request):
    """Upload → preview (nothing saved) → confirm (all rows or none). Files with many rows are
    checked and saved by the background worker, and the page follows its progress."""
    if not can_edit_somewhere(request.user):
        raise PermissionDenied(_("Only editors import data."))
    if request.method == "POST" and _upload_too_large(request):
        # The file was not stored (RefuseOversizedImport); answer before anything reads it.
        form = forms.ImportForm()
        error = import_too_large_message(None, int(request.META.get("CONTENT_LENGTH") or 0))
        label = capfirst(form.fields["file"].label)
        return _import_page(request, form, status=413, upload_error=f"{label}: {error}")
    # The "Import" link beside a list's export names what the file contains (?kind=contracts).
    form = forms.ImportForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")}
    )
    if request.method != "POST":
        return _import_page(request, form)
    token = request.POST.get("token", "")
    if token and request.POST.get("cancel"):
        return _cancel_staged(request, token)
    if token and request.POST.get("commit"):
        return _commit_staged(request, token)
    if form.is_valid():
        try:
            check_import_upload(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    staged, result = import_tasks.stage_upload(
        request.user,
        form.cleaned_data["kind"],
        form.cleaned_data["create_missing"],
        form.cleaned_data["file"],
        translation.get_language() or settings.LANGUAGE_CODE,
    )
    if result is None and staged.background:
        import_tasks.start_background(staged, commit=False)
        return HttpResponseRedirect(reverse("landscape:import_status", args=[staged.token]))
    if result is None:
        result = import_tasks.run_staged(staged, commit=False)
    return _import_page(
        request, form, result=result, staged=staged, status=200 if result.ok else 400
    )


def _upload_too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > oversized_import_bytes()


def _own_staged(request, token, **filters):
    return StagedImport.objects.filter(token=token, user=request.user, **filters).first()


def _cancel_staged(request, token):
    staged = _own_staged(request, token)
    if staged is not None and not staged.active:
        staged.delete()
    messages.info(request, _("The import was cancelled; nothing was saved."))
    return HttpResponseRedirect(reverse("landscape:import"))


def _commit_staged(request, token):
    staged = _own_staged(request, token, status=StagedImport.Status.PREVIEWED)
    expired = staged is None or staged.created_at < timezone.now() - datetime.timedelta(
        hours=settings.IMPORT_STAGE_HOURS
    )
    if expired or staged.path is None or not staged.path.exists():
        if staged is not None:
            staged.delete()
        messages.error(request, _("The preview has expired; upload the file again."))
        return HttpResponseRedirect(reverse("landscape:import"))
    if staged.background:
        import_tasks.start_background(staged, commit=True)
        return HttpResponseRedirect(reverse("landscape:import_status", args=[staged.token]))
    result = import_tasks.run_staged(staged, commit=True)
    if result is not None and result.committed:
        messages.success(request, _import_summary(result))
        return HttpResponseRedirect(reverse("landscape:import"))
    form = forms.ImportForm(initial={"kind": staged.kind})
    return _import_page(request, form, result=result, staged=staged, status=400)


def _import_summary(result):
    return _(
        "Imported: %(created)s created, %(updated)s changed, %(unchanged)s unchanged, "
        "%(skipped)s skipped (not yours to change)."
    ) % {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
    }


@login_required
def import_status(request, token):
    """A background import's state; htmx polls the progress part every two seconds."""
    staged = _own_staged(request, token)
    if staged is None:
        raise Http404
    result = ImportResult.from_dict(staged.result) if staged.result else None
    context = {
        "staged": staged,
        "result": result,
        "token": staged.token if staged.status == StagedImport.Status.PREVIEWED else None,
    }
    template = "landscape/import_progress.html" if request.htmx else "landscape/import_status.html"
    return render(request, template, context)
