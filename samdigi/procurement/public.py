"""The public pages of procurement: published tenders with their plan and their OCDS data,
readable without logging in."""

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import render

from samdigi.procurement.models import StepKey, Tender, TenderParticipant, TenderStep


def public_q() -> Q:
    """Tenders anyone may read without logging in: published as open data and not internal.
    Internal wins over published, so a tender marked both is never public (page, OCDS, API)."""
    return Q(published=True, internal=False)


def published_tenders():
    return (
        Tender.objects.filter(public_q())
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "participants", queryset=TenderParticipant.objects.select_related("municipality")
            ),
            Prefetch("steps", queryset=TenderStep.objects.order_by("date")),
        )
        .order_by("-required_start", "title")
    )


def public_tender_list(request):
    page = Paginator(published_tenders(), 50).get_page(request.GET.get("page"))
    return render(request, "procurement/public_tender_list.html", {"page": page})


def public_tender_detail(request, pk):
    try:
        tender = published_tenders().get(pk=pk)
    except Tender.DoesNotExist as error:
        raise Http404 from error
    return render(
        request,
        "procurement/public_tender_detail.html",
        {"tender": tender, "tender_deadline": current_tender_deadline(tender)},
    )


def current_tender_deadline(tender):
    """The deadline bidders must meet now: the actual one (the notice's, as corrected), else the
    planned step; the same date OCDS publishes as tenderPeriod.endDate."""
    planned = next((s.date for s in tender.steps.all() if s.key == StepKey.TENDER_DEADLINE), None)
    return tender.tender_deadline_on or planned
