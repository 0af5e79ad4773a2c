"""Calendar feeds link to the host the site is really reached under: the SITE_URL setting, or the
request's own host when it is unset; the calendar page offers a webcal:// link and a copy button."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from samdigi.core.testing import client_for
from samdigi.landscape import ical
from samdigi.landscape.models import CalendarFeed, Contract, Vendor
from samdigi.procurement import services as procurement_services
from samdigi.procurement.tests.helpers import joint_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(world):
    vendor = Vendor.objects.create(name="Nordisk Journal A/S", cvr="29189846")
    Contract.objects.create(
        owner=world.own,
        vendor=vendor,
        name="ESDH",
        expiration=datetime.date(2027, 12, 31),
        notice_months=6,
        option_count=2,
        option_months=12,
        procurement_form="open",
    )
    # A tender's milestones come from another app's provider; its links must follow too.
    procurement_services.schedule_tender(joint_tender(world, title="Fællesudbud af ESDH"))
    return CalendarFeed.objects.create(user=world.user("own_viewer"))


def event_urls(body: bytes) -> list[str]:
    events = Calendar.from_ical(body).walk("VEVENT")
    return [str(event["URL"]) for event in events if "URL" in event]


def test_feed_links_use_the_configured_site_url(feed, settings):
    settings.SITE_URL = "https://samdigi.example.dk/"
    settings.ALLOWED_HOSTS = ["internal-app-01"]
    body = Client(HTTP_HOST="internal-app-01").get(
        reverse("landscape:calendar_feed", args=[feed.secret])
    )
    urls = event_urls(body.content)
    assert any("/contracts/" in url for url in urls)
    assert any("/procurement/" in url or "/tenders/" in url for url in urls)
    assert urls and all(url.startswith("https://samdigi.example.dk/") for url in urls)
    assert "127.0.0.1" not in body.content.decode()


def test_without_site_url_feed_links_use_the_host_the_request_came_to(feed, settings, world):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["samdigi.kommune.dk"]
    url = reverse("landscape:calendar_feed_municipality", args=[feed.secret, world.own.code])
    body = Client(HTTP_HOST="samdigi.kommune.dk").get(url, secure=True).content
    urls = event_urls(body)
    assert len(urls) >= 2
    assert all(url.startswith("https://samdigi.kommune.dk/") for url in urls)


def test_without_site_url_and_host_header_links_use_the_server_name(feed, settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["calendar.example.dk"]
    client = Client(SERVER_NAME="calendar.example.dk")
    urls = event_urls(client.get(reverse("landscape:calendar_feed", args=[feed.secret])).content)
    assert urls and all(url.startswith("http://calendar.example.dk/") for url in urls)


def test_the_calendar_page_offers_webcal_and_a_copy_button_on_the_site_url(feed, settings, world):
    settings.SITE_URL = "https://samdigi.example.dk"
    response = client_for(world, "own_viewer").get(reverse("landscape:calendar"))
    html = response.content.decode()
    feed_url = f"https://samdigi.example.dk{reverse('landscape:calendar_feed', args=[feed.secret])}"
    assert response.context["feed_url"] == feed_url
    assert 'href="webcal://samdigi.example.dk/' in html
    assert 'data-testid="webcal-link"' in html
    # The fallback is visible without script: the address in a readonly input.
    assert re.search(r'<input id="feed-url"[^>]*readonly[^>]*value="' + re.escape(feed_url), html)
    assert 'data-copy="feed-url"' in html
    assert "landscape/copy.js" in html
    # CSP: no inline script on the page, only scripts with a src.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    per_municipality = reverse(
        "landscape:calendar_feed_municipality", args=[feed.secret, world.own.code]
    )
    assert f"webcal://samdigi.example.dk{per_municipality}" in html
    assert "testserver" not in html


def test_the_calendar_page_uses_the_request_host_without_site_url(feed, settings, world):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["samdigi.kommune.dk"]
    client = client_for(world, "own_viewer")
    response = client.get(reverse("landscape:calendar"), HTTP_HOST="samdigi.kommune.dk")
    assert response.context["webcal_url"].startswith("webcal://samdigi.kommune.dk/")


def test_the_copy_script_is_served_as_a_static_file():
    from django.contrib.staticfiles import finders

    path = finders.find("landscape/copy.js")
    assert path is not None
    with open(path, encoding="utf-8") as script:
        assert "navigator.clipboard" in script.read()


# --- the helpers -------------------------------------------------------------------------------


def test_site_root_prefers_the_setting_then_the_request(settings, rf):
    settings.ALLOWED_HOSTS = ["a.example.dk"]
    request = rf.get("/", HTTP_HOST="a.example.dk")
    settings.SITE_URL = "https://public.example.dk/"
    assert ical.site_root(request) == "https://public.example.dk"
    settings.SITE_URL = ""
    assert ical.site_root(request) == "http://a.example.dk"
    assert ical.site_root() == ical.DEVELOPMENT_SITE


def test_absolute_url_and_webcal_url():
    assert ical.webcal_url("https://x.dk/landscape/calendar/s.ics") == (
        "webcal://x.dk/landscape/calendar/s.ics"
    )
    assert ical.webcal_url("http://x.dk/a.ics") == "webcal://x.dk/a.ics"
    assert ical.absolute_url("https://other.dk/p") == "https://other.dk/p"


def test_reminder_emails_link_to_the_site_url(world, settings):
    from django.core import mail

    from samdigi.landscape import reminders
    from samdigi.landscape.models import ReminderSubscription

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://samdigi.example.dk"
    vendor = Vendor.objects.create(name="Snart A/S")
    Contract.objects.create(
        owner=world.own,
        vendor=vendor,
        name="Snart",
        expiration=datetime.date(2027, 3, 31),
        option_count=0,
        notice_months=3,
    )
    ReminderSubscription.objects.create(
        owner=world.own,
        user=world.user("own_editor"),
        days_ahead=[90, 30],
        kinds=["notice_deadline", "expiry"],
    )
    assert reminders.send_reminders(datetime.date(2026, 11, 29)) == 1
    assert "https://samdigi.example.dk/" in mail.outbox[0].body
