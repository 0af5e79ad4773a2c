"""The portfolio's panels on the front page: projects in trouble, reports to write, the next
steering committee meeting with the gate requests waiting for it, overdue milestones and risk
reviews.

The lights are the ones the status rules (portfolio/rules/status.py) stored on each report, read as the
project list reads them (`filters.latest_light_subquery`); staleness is the status rules'
`is_stale` over the project model's cadence (`services.is_stale`). Closed projects need nothing
and show no light. Each panel does one or two queries, whatever the size of the portfolio.
"""

import datetime

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy

from samdigi.core.access import can_edit_somewhere
from samdigi.core.dashboard import Item, PanelProvider, register, theirs
from samdigi.portfolio import services
from samdigi.portfolio.filters import latest_light_subquery
from samdigi.portfolio.models import (
    GateRequest,
    Light,
    Milestone,
    Project,
    Risk,
    StatusReport,
    SteeringMeeting,
)


def _open_projects(queryset):
    """Projects not closed, with their latest computed light and report date."""
    latest = StatusReport.objects.filter(project=OuterRef("pk")).order_by("-period_end", "-pk")
    return (
        queryset.exclude(phase__closes_project=True)
        .annotate(
            latest_light=latest_light_subquery(),
            latest_report=Subquery(latest.values("period_end")[:1]),
        )
        .select_related("project_model", "owner")
        .order_by("title", "pk")
    )


def _stale_note(project):
    if project.latest_report is None:
        return gettext("no status report yet")
    return gettext("last status report %(date)s") % {"date": date_format(project.latest_report)}


def projects_needing_attention(user, today: datetime.date) -> list[Item]:
    """Red projects first, then those whose status report is older than its cadence."""
    red, stale = [], []
    for project in _open_projects(theirs(Project.objects.all(), user)):
        is_red = project.latest_light == Light.RED
        is_stale = services.is_stale(project, project.latest_report, today)
        if not (is_red or is_stale):
            continue
        item = Item(
            title=project.title,
            url=project.get_absolute_url(),
            context=project.owner.name,
            light=project.latest_light or "",
            badge=Light(project.latest_light).label if project.latest_light else "",
            note=_stale_note(project) if is_stale else "",
        )
        (red if is_red else stale).append(item)
    return red + stale


def status_reports_due(user, today: datetime.date) -> list[Item]:
    """Projects the user reports on whose report for the current period is missing: the link
    opens a new report for the project."""
    add_url = reverse("portfolio:statusreport_add")
    return [
        Item(
            title=project.title,
            url=f"{add_url}?{urlencode({'project': project.pk})}",
            context=project.owner.name,
            note=_stale_note(project),
        )
        for project in _open_projects(Project.objects.editable_by(user))
        if services.is_stale(project, project.latest_report, today)
    ]


def _edits_somewhere(user):
    return can_edit_somewhere(user)


def next_meeting(user, today: datetime.date) -> list[Item]:
    """The next steering committee meeting the user may see, then the pending gate requests
    waiting for it: those on its agenda and those not yet on any agenda."""
    meeting = (
        SteeringMeeting.objects.visible_to(user)
        .filter(date__gte=today)
        .select_related("owner")
        .order_by("date", "pk")
        .first()
    )
    waiting = Q(meeting__isnull=True)
    if meeting is not None:
        waiting |= Q(meeting=meeting)
    requests = (
        GateRequest.objects.visible_to(user)
        .filter(waiting, status=GateRequest.Status.PENDING)
        .exclude(project__phase__closes_project=True)
        .select_related("project", "to_phase")
        .order_by("meeting", "requested_on", "pk")
    )
    items = []
    if meeting is not None:
        items.append(
            Item(
                title=meeting.title,
                url=meeting.get_absolute_url(),
                date=meeting.date,
                context=meeting.owner.name,
                note=meeting.location,
            )
        )
    on_agenda = [r for r in requests if r.meeting_id is not None]
    unscheduled = [r for r in requests if r.meeting_id is None]
    for request, note in [(r, gettext("on the agenda")) for r in on_agenda] + [
        (r, gettext("not on an agenda yet")) for r in unscheduled
    ]:
        items.append(
            Item(
                title=gettext("%(project)s: gate into %(phase)s")
                % {"project": request.project.title, "phase": request.to_phase.label},
                url=request.get_absolute_url(),
                date=request.requested_on,
                note=note,
                deadline=False,
            )
        )
    return items


def overdue_milestones(user, today: datetime.date) -> list[Item]:
    milestones = (
        theirs(Milestone.objects.all(), user)
        .filter(done_on__isnull=True, due__lt=today)
        .exclude(project__phase__closes_project=True)
        .select_related("project")
        .order_by("due", "pk")
    )
    return [
        Item(
            title=milestone.title,
            url=milestone.get_absolute_url(),
            date=milestone.due,
            context=milestone.project.title,
        )
        for milestone in milestones
    ]


def overdue_risk_reviews(user, today: datetime.date) -> list[Item]:
    risks = (
        theirs(Risk.objects.all(), user)
        .filter(status=Risk.Status.OPEN, next_review__lt=today)
        .exclude(project__phase__closes_project=True)
        .select_related("project")
        .order_by("next_review", "pk")
    )
    return [
        Item(
            title=risk.title,
            url=risk.get_absolute_url(),
            date=risk.next_review,
            context=risk.project.title,
            note=gettext("score %(score)s") % {"score": risk.score},
        )
        for risk in risks
    ]


register(
    PanelProvider(
        key="projects_attention",
        order=40,
        heading=gettext_lazy("Red and stale projects"),
        empty_text=gettext_lazy("No project is red or behind with its status report."),
        items=projects_needing_attention,
        see_all_url=lambda user: reverse("portfolio:project_list"),
        see_all_label=gettext_lazy("See the portfolio"),
    )
)

register(
    PanelProvider(
        key="status_reports_due",
        order=50,
        heading=gettext_lazy("Status reports to write"),
        empty_text=gettext_lazy("Every project you report on has a current status report."),
        items=status_reports_due,
        see_all_url=lambda user: reverse("portfolio:statusreport_list"),
        see_all_label=gettext_lazy("All status reports"),
        applies=_edits_somewhere,
    )
)

register(
    PanelProvider(
        key="next_meeting",
        order=60,
        heading=gettext_lazy("Next steering committee meeting"),
        empty_text=gettext_lazy("No steering committee meeting is planned and no gate is waiting."),
        items=next_meeting,
        see_all_url=lambda user: reverse("portfolio:steeringmeeting_list"),
        see_all_label=gettext_lazy("All meetings"),
    )
)

register(
    PanelProvider(
        key="overdue_milestones",
        order=70,
        heading=gettext_lazy("Overdue milestones"),
        empty_text=gettext_lazy("No milestone is overdue."),
        items=overdue_milestones,
        see_all_url=lambda user: reverse("portfolio:milestone_list"),
        see_all_label=gettext_lazy("All milestones"),
    )
)

register(
    PanelProvider(
        key="overdue_risk_reviews",
        order=80,
        heading=gettext_lazy("Overdue risk reviews"),
        empty_text=gettext_lazy("No risk review is overdue."),
        items=overdue_risk_reviews,
        see_all_url=lambda user: (
            f"{reverse('portfolio:risk_list')}?{urlencode({'status': Risk.Status.OPEN})}"
        ),
        see_all_label=gettext_lazy("All open risks"),
    )
)
