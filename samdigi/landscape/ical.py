"""Deadlines as iCalendar (RFC 5545) feeds, the contract timeline drawing, and deadline exports.

Other apps add events to the feeds (e.g. tender milestones) by registering a provider:
`register_event_provider(func)` where func(user, municipality_code) returns CalendarEvent items.
An event's url is a path on this site; the feed makes it absolute with `site_root(request)`, so the
links point at the host the site is really reached under.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from samdigi.core.tables import csv_response, xlsx_response

#: Where e-mails (which have no request) link to when SITE_URL is unset: the development server.
DEVELOPMENT_SITE = "http://127.0.0.1:8000"


def site_root(request=None) -> str:
    """The scheme and host links point at, without a trailing slash: the SITE_URL setting when
    it is set (a proxy may hide the public name from the request), else the host the request
    came to, else the development server."""
    configured = (settings.SITE_URL or "").strip().rstrip("/")
    if configured:
        return configured
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return DEVELOPMENT_SITE


def absolute_url(path: str, request=None) -> str:
    """`path` on this site as a full address (see site_root); full addresses pass unchanged."""
    if "://" in path:
        return path
    return f"{site_root(request)}{path}"


def webcal_url(url: str) -> str:
    """The subscription address for calendar programs: the feed's address with webcal://."""
    _scheme, sep, rest = url.partition("://")
    return f"webcal://{rest}" if sep else url


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    date: datetime.date
    summary: str
    description: str = ""
    url: str = ""


_PROVIDERS = []


def register_event_provider(func):
    _PROVIDERS.append(func)
    return func


def extra_events_for(user, municipality_code=None):
    events = []
    for provider in _PROVIDERS:
        events.extend(provider(user, municipality_code))
    return events


def events_from_rows(rows):
    for row in rows:
        contract = row.contract
        summary = f"{row.kind_label}: {contract.name} ({contract.owner.name})"
        description = _("Contract %(name)s with %(vendor)s. %(kind)s on %(date)s.") % {
            "name": contract.name,
            "vendor": contract.vendor.name,
            "kind": row.kind_label,
            "date": formats.date_format(row.date, "SHORT_DATE_FORMAT"),
        }
        yield CalendarEvent(
            uid=row.uid,
            date=row.date,
            summary=summary,
            description=description,
            url=contract.get_absolute_url(),
        )


def ical_for(rows, name, extra_events=(), request=None) -> bytes:
    """The feed; event links are made absolute against site_root(request)."""
    calendar = Calendar()
    calendar.add("prodid", "-//samdigi//deadlines//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for item in [*events_from_rows(rows), *extra_events]:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", item.summary)
        # All-day events: DTSTART as a DATE and DTEND the day after (RFC 5545 §3.6.1).
        event.add("dtstart", item.date)
        event.add("dtend", item.date + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", absolute_url(item.url, request))
        calendar.add_component(event)
    return calendar.to_ical()


@dataclass
class TimelinePoint:
    label: str
    date: datetime.date
    x: float
    kind: str
    label_y: int = 0
    anchor: str = "middle"


def contract_timeline(contract, today, width=900):
    """Positions (in SVG user units) of the contract's dates on one line, with today marked."""
    from samdigi.landscape.models import Contract

    named = [
        (Contract._meta.get_field("concluded").verbose_name, contract.concluded, "start"),
        (Contract._meta.get_field("valid_from").verbose_name, contract.valid_from, "start"),
        (
            Contract._meta.get_field("irrevocable_until").verbose_name,
            contract.irrevocable_until,
            "info",
        ),
        (
            Contract._meta.get_field("retender_start").verbose_name,
            contract.retender_start,
            "deadline",
        ),
        (
            Contract._meta.get_field("option_decision").verbose_name,
            contract.option_decision,
            "deadline",
        ),
        (
            Contract._meta.get_field("notice_deadline").verbose_name,
            contract.notice_deadline,
            "deadline",
        ),
        (Contract._meta.get_field("terminated_on").verbose_name, contract.terminated_on, "info"),
        (Contract._meta.get_field("ends_on").verbose_name, contract.ends_on, "end"),
        (Contract._meta.get_field("latest_end").verbose_name, contract.latest_end, "info"),
        (_("today"), today, "today"),
    ]
    points = [(str(label), day, kind) for label, day, kind in named if day]
    if len(points) < 2:
        return None
    first = min(day for _label, day, _kind in points)
    last = max(day for _label, day, _kind in points)
    span = max((last - first).days, 1)
    margin = 40
    result = []
    for index, (label, day, kind) in enumerate(sorted(points, key=lambda p: p[1])):
        x = margin + (width - 2 * margin) * (day - first).days / span
        # Labels near the ends grow inwards so they are not cut off by the drawing's edge.
        anchor = "start" if x < width * 0.2 else "end" if x > width * 0.8 else "middle"
        result.append(
            TimelinePoint(
                label, day, round(x, 1), kind, label_y=30 + 16 * (index % 4), anchor=anchor
            )
        )
    return {
        "points": result,
        "width": width,
        "height": 110,
        "line_y": 18,
        "x0": margin,
        "x1": width - margin,
    }


def export_deadlines(rows, fmt):
    headers = [
        str(h) for h in (_("Date"), _("Kind"), _("Contract"), _("Municipality"), _("Vendor"))
    ]
    values = (
        [r.date, str(r.kind_label), r.contract.name, r.contract.owner.name, r.contract.vendor.name]
        for r in rows
    )
    if fmt == "csv":
        return csv_response("deadlines", headers, values)
    return xlsx_response("deadlines", headers, values)
