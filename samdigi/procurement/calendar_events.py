"""Tender milestones in the iCal feeds of the landscape (landscape.ical providers)."""

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from samdigi.landscape.ical import CalendarEvent


def tender_events(user, municipality_code=None):
    """The planned steps of open tenders the user can see (of one municipality when asked)."""
    from samdigi.procurement.models import TenderStep
    from samdigi.procurement.services import OPEN_STATUSES

    steps = TenderStep.objects.filter(
        tender__in=_tenders(user, municipality_code).filter(status__in=OPEN_STATUSES)
    ).select_related("tender__owner")
    for step in steps:
        tender = step.tender
        label = step.get_key_display()
        yield CalendarEvent(
            uid=f"samdigi-tender-{tender.pk}-{step.key}@samdigi",
            date=step.date,
            summary=f"{label}: {tender.title} ({tender.owner.name})",
            description=_("Tender %(name)s. %(step)s on %(date)s. %(explanation)s")
            % {
                "name": tender.title,
                "step": label,
                "date": formats.date_format(step.date, "SHORT_DATE_FORMAT"),
                "explanation": step.explanation,
            },
            # A path: the feed makes it absolute against the host the site is reached under.
            url=tender.get_absolute_url(),
        )


def _tenders(user, municipality_code):
    from samdigi.procurement.models import Tender

    tenders = Tender.objects.visible_to(user)
    if municipality_code:
        tenders = tenders.filter(
            Q(owner__municipality__code=municipality_code)
            | Q(participants__municipality__code=municipality_code)
        ).distinct()
    return tenders
