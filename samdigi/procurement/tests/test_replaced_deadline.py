"""A tender deadline that has been replaced (a corrected notice extends the deadline the notice
set) shows its current date everywhere: the tender, its public page, OCDS, and OCDS readers that
poll with ?since= see the tender again."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samdigi.core.models import ChangeRecord
from samdigi.core.testing import client_for
from samdigi.procurement import services
from samdigi.procurement.models import Tender
from samdigi.procurement.rules import schedule
from samdigi.procurement.tests.helpers import municipal_tender

pytestmark = pytest.mark.django_db

NOTICE = datetime.date(2027, 2, 1)
FIRST = datetime.date(2027, 3, 15)
EXTENDED = datetime.date(2027, 4, 12)


@pytest.fixture
def published(world):
    tender = municipal_tender(world, published=True, required_start=datetime.date(2028, 1, 1))
    services.schedule_tender(tender)
    tender.refresh_from_db()
    tender.notice_published_on = NOTICE
    tender.tender_deadline_on = FIRST
    tender.save_if_current(tender.version)
    return Tender.objects.get(pk=tender.pk)


def public_deadline(tender) -> str:
    page = Client().get(reverse("procurement:public_tender", args=[tender.pk])).content.decode()
    return re.search(r'data-testid="tender-deadline">([^<]*)<', page).group(1)


def test_moving_the_tender_deadline_the_notice_set_replaces_it_everywhere(world, published):
    assert public_deadline(published) == "15.03.2027"
    step = published.steps.get(key=schedule.TENDER_DEADLINE)
    response = client_for(world, "own_admin").post(
        reverse("procurement:tender_step_move", args=[published.pk, step.key]),
        {"date": EXTENDED.isoformat(), "reason": "Rettelsesbekendtgørelse: fristen forlænget."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tender = Tender.objects.get(pk=published.pk)
    assert tender.tender_deadline_on == EXTENDED
    assert tender.steps.get(key=schedule.TENDER_DEADLINE).date == EXTENDED
    page = Client().get(reverse("procurement:public_tender", args=[tender.pk])).content.decode()
    assert public_deadline(tender) == "12.04.2027"
    assert "15.03.2027" not in page
    ocds = Client().get(f"/api/v1/tenders/{tender.pk}/ocds/").json()
    ends = {
        r["tender"]["tenderPeriod"]["endDate"][:10]
        for r in ocds["releases"]
        if "tenderPeriod" in r["tender"]
    }
    assert ends == {"2027-04-12"}
    # The reason is on the record next to the old and new date.
    assert any(
        "Rettelsesbekendtgørelse: fristen forlænget." in str(change.changes)
        for change in ChangeRecord.objects.for_object(tender)
    )


def test_a_moved_planned_date_brings_the_tender_back_to_ocds_readers_polling_since(world):
    tender = municipal_tender(world, published=True)
    services.schedule_tender(tender)
    before = timezone.now()
    step = tender.steps.get(key=schedule.AWARD_DECISION)
    services.move_step(step, step.date + datetime.timedelta(days=7), "Længere evaluering.")
    package = Client().get("/api/v1/ocds/releases/", {"since": before.isoformat()}).json()
    assert tender.title in {r["tender"]["title"] for r in package["releases"]}


def test_the_public_page_names_the_planned_deadline_before_a_notice(world):
    tender = municipal_tender(world, published=True)
    services.schedule_tender(tender)
    planned = tender.steps.get(key=schedule.TENDER_DEADLINE).date
    assert public_deadline(tender) == planned.strftime("%d.%m.%Y")
