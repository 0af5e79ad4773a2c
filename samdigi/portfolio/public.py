"""The public pages of the portfolio: published projects, readable without logging in.

Only projects marked published and not internal are shown, with what the public may know: title,
description, owner, phase, period, participating municipalities and strategy goals. Costs, risks,
status and people stay inside.
"""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render

from samdigi.portfolio.models import Participant, Project


def published_projects():
    return (
        Project.objects.filter(published=True, internal=False)
        .select_related("owner", "phase")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.filter(status="joined").select_related("municipality"),
                to_attr="joined_participants",
            ),
            "goals",
        )
        .order_by("title")
    )


def public_project_list(request):
    page = Paginator(published_projects(), 50).get_page(request.GET.get("page"))
    return render(request, "portfolio/public_project_list.html", {"page": page})


def public_project_detail(request, pk):
    try:
        project = published_projects().get(pk=pk)
    except Project.DoesNotExist as error:
        raise Http404 from error
    return render(request, "portfolio/public_project_detail.html", {"project": project})
