"""The landscape from the user's side: deadlines, calendars, reminders, KLE import, documents."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar

from samdigi.core.testing import client_for
from samdigi.landscape.models import (
    CalendarFeed,
    Contract,
    ItSystem,
    KleClass,
    LeadTime,
    ReminderSubscription,
    SentReminder,
    SystemUsage,
    Vendor,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def vendor():
    return Vendor.objects.create(name="Nordisk Journal A/S", cvr="29189846")


def contract(world, vendor, **kwargs):
    defaults = {
        "owner": world.own,
        "vendor": vendor,
        "name": "ESDH",
        "expiration": datetime.date(2027, 12, 31),
        "notice_months": 6,
        "option_count": 2,
        "option_months": 12,
        "procurement_form": "open",
    }
    defaults.update(kwargs)
    return Contract.objects.create(**defaults)


def test_saving_a_contract_stores_its_deadlines(world, vendor):
    c = contract(world, vendor)
    assert c.current_end == datetime.date(2027, 12, 31)
    assert c.latest_end == datetime.date(2029, 12, 31)
    assert c.notice_deadline == datetime.date(2027, 6, 30)
    assert c.option_decision == datetime.date(2027, 6, 30)
    assert c.retender_start == datetime.date(2027, 1, 1)  # 12 months before 1 Jan 2028


def test_the_associations_lead_time_moves_the_retender_start(world, vendor):
    LeadTime.objects.create(association=world.association, procedure="open", months=18)
    c = contract(world, vendor)
    assert c.retender_start == datetime.date(2026, 7, 1)


def test_changing_or_removing_a_lead_time_recomputes_existing_contracts(world, vendor):
    c = contract(world, vendor)
    lead_time = LeadTime.objects.create(association=world.association, procedure="open", months=18)
    c.refresh_from_db()
    assert c.retender_start == datetime.date(2026, 7, 1)
    lead_time.delete()
    c.refresh_from_db()
    assert c.retender_start == datetime.date(2027, 1, 1)


def test_bad_contract_dates_are_refused_naming_the_field(world, vendor):
    client = client_for(world, "own_editor")
    response = client.post(
        reverse("landscape:contract_add"),
        {
            "owner": world.own.pk,
            "vendor": vendor.pk,
            "name": "X",
            "contract_type": "licence",
            "notice_months": "3",
            "notice_to_end_of": "none",
            "option_count": "1",
            "option_months": "12",
            "options_used": "2",
            "expiration": "2028-01-01",
        },
    )
    assert response.status_code == 400
    assert "options_used" in response.context["form"].errors
    assert not Contract.objects.exists()


def test_a_bad_cvr_is_refused_with_a_clear_message(world):
    response = client_for(world, "own_editor").post(
        reverse("landscape:vendor_add"), {"name": "Firma", "cvr": "12345678"}
    )
    assert response.status_code == 400
    assert "CVR" in str(response.context["form"].errors["cvr"])
    duplicate = client_for(world, "own_editor").post(
        reverse("landscape:vendor_add"), {"name": "A", "cvr": "29189846"}
    )
    assert duplicate.status_code == 302
    again = client_for(world, "own_editor").post(
        reverse("landscape:vendor_add"), {"name": "B", "cvr": "29 18 98 46"}
    )
    assert again.status_code == 400 and "cvr" in again.context["form"].errors


def test_contract_page_shows_timeline_deadlines_and_status(world, vendor):
    c = contract(world, vendor)
    response = client_for(world, "peer").get(c.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and 'role="img"' in html
    # Coordinates are plain numbers even in Danish, where 640.3 would print as "640,3".
    coordinates = re.findall(r'\s(?:cx|x|x1|x2)="([^"]*)"', html)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in coordinates)
    kinds = [d.kind for d, _text in response.context["deadlines"]]
    assert "notice_deadline" in kinds and "retender_start" in kinds
    assert "Sidste dag for opsigelse" in html and "30.06.2027" in html  # explained in Danish


def test_deadline_list_filters_by_kind_and_horizon_and_warns_of_missed_notice(world, vendor):
    soon = contract(
        world,
        vendor,
        name="Snart",
        expiration=datetime.date(2027, 3, 31),
        option_count=0,
        notice_months=3,
    )
    later = contract(
        world, vendor, name="Senere", expiration=datetime.date(2031, 12, 31), option_count=0
    )
    missed = contract(
        world,
        vendor,
        name="Glemt",
        expiration=datetime.date(2027, 1, 31),
        option_count=0,
        notice_months=3,
    )
    client = client_for(world, "own_viewer")
    response = client.get(reverse("landscape:deadlines"), {"municipality": world.own.code})
    names = {row.contract.name for row in response.context["rows"]}
    assert "Snart" in names and "Senere" not in names
    assert missed in response.context["warnings"]
    only_notice = client.get(
        reverse("landscape:deadlines"), {"kind": "notice_deadline", "months": 6}
    )
    assert {row.kind for row in only_notice.context["rows"]} == {"notice_deadline"}
    assert later not in [row.contract for row in only_notice.context["rows"]]
    assert soon in [row.contract for row in only_notice.context["rows"]]


def test_deadlines_of_internal_contracts_stay_inside_the_municipality(world, vendor):
    contract(world, vendor, name="Hemmelig", internal=True, expiration=datetime.date(2027, 3, 31))
    peer_rows = client_for(world, "peer").get(reverse("landscape:deadlines")).context["rows"]
    own_rows = client_for(world, "own_viewer").get(reverse("landscape:deadlines")).context["rows"]
    assert "Hemmelig" not in {r.contract.name for r in peer_rows}
    assert "Hemmelig" in {r.contract.name for r in own_rows}


def test_the_calendar_feed_is_valid_ical_with_stable_uids_and_revocable(world, vendor):
    c = contract(world, vendor)
    user = world.user("own_viewer")
    feed = CalendarFeed.objects.create(user=user)
    from django.test import Client

    anonymous = Client()
    url = reverse("landscape:calendar_feed", args=[feed.secret])
    body = anonymous.get(url).content
    calendar = Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    uids = {str(e["UID"]) for e in events}
    assert f"contract-{c.pk}-notice_deadline@samdigi" in uids
    event = next(e for e in events if str(e["UID"]) == f"contract-{c.pk}-notice_deadline@samdigi")
    assert event.decoded("DTSTART") == datetime.date(2027, 6, 30)  # an all-day event
    assert event.decoded("DTEND") == datetime.date(2027, 7, 1)
    assert Calendar.from_ical(anonymous.get(url).content).walk("VEVENT")[0]["UID"] in uids  # stable
    per_municipality = anonymous.get(
        reverse("landscape:calendar_feed_municipality", args=[feed.secret, world.own.code])
    )
    assert per_municipality.status_code == 200 and b"VCALENDAR" in per_municipality.content
    old = feed.secret
    client_for(world, "own_viewer").post(reverse("landscape:calendar_rotate"))
    assert anonymous.get(reverse("landscape:calendar_feed", args=[old])).status_code == 404


def test_an_outsiders_feed_shows_nothing_of_another_association(world, vendor):
    contract(world, vendor)
    feed = CalendarFeed.objects.create(user=world.user("outsider"))
    from django.test import Client

    body = Client().get(reverse("landscape:calendar_feed", args=[feed.secret])).content
    assert Calendar.from_ical(body).walk("VEVENT") == []


def test_reminders_send_one_digest_once(world, vendor, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from samdigi.landscape import reminders

    contract(
        world,
        vendor,
        name="Snart",
        expiration=datetime.date(2027, 3, 31),
        option_count=0,
        notice_months=3,
    )
    contract(
        world,
        vendor,
        name="Også snart",
        expiration=datetime.date(2027, 4, 30),
        option_count=0,
        notice_months=3,
    )
    ReminderSubscription.objects.create(
        owner=world.own,
        user=world.user("own_editor"),
        days_ahead=[90, 30],
        kinds=["notice_deadline", "expiry"],
    )
    assert reminders.send_reminders(TODAY) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["own_editor@example.dk"]
    assert "Snart" in message.body and "Også snart" in message.body
    assert reminders.send_reminders(TODAY) == 0  # the same day again: nothing twice
    assert len(mail.outbox) == 1
    # On 2 March 2027 the expiry on 31 March is within 30 days: the next threshold, sent once.
    assert reminders.send_reminders(datetime.date(2027, 3, 2)) == 1
    assert SentReminder.objects.filter(days_ahead=30).exists()


def test_send_reminders_command_runs_from_cron(world, vendor, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "reminder e-mail(s) sent" in out.getvalue()


KLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<KLE-Emneplan>
  <UdgivelsesDato>2026-06-01</UdgivelsesDato>
  <Hovedgruppe>
    <HovedgruppeNr>85</HovedgruppeNr>
    <HovedgruppeTitel>Kommunens administrative systemer</HovedgruppeTitel>
    <HovedgruppeAdministrativInfo><OprettetDato>1988-01-01</OprettetDato><UUID>11111111-1111-1111-1111-111111111111</UUID></HovedgruppeAdministrativInfo>
    <Gruppe>
      <GruppeNr>85.02</GruppeNr>
      <GruppeTitel>{title}</GruppeTitel>
      <GruppeVejledning><VejledningTekst>&lt;p&gt;Vejledning &lt;script&gt;x&lt;/script&gt;&lt;/p&gt;</VejledningTekst></GruppeVejledning>
      <GruppeAdministrativInfo><OprettetDato>1988-01-01</OprettetDato><UUID>22222222-2222-2222-2222-222222222222</UUID></GruppeAdministrativInfo>
      {topic}
    </Gruppe>
  </Hovedgruppe>
</KLE-Emneplan>
"""
TOPIC = """<Emne><EmneNr>85.02.02</EmneNr><EmneTitel>ESDH-systemer</EmneTitel>
        <EmneAdministrativInfo><OprettetDato>1990-01-01</OprettetDato><UUID>33333333-3333-3333-3333-333333333333</UUID></EmneAdministrativInfo>
        <BevaringJaevnfoerArkivloven>B</BevaringJaevnfoerArkivloven></Emne>"""


def test_kle_import_is_idempotent_and_retires_instead_of_deleting(tmp_path):
    path = tmp_path / "kle.xml"
    path.write_text(KLE_XML.format(title="Edb-systemer", topic=TOPIC), encoding="utf-8")
    out = io.StringIO()
    call_command("import_kle", str(path), stdout=out)
    assert "2 new" in out.getvalue()
    topic = KleClass.objects.get(number="85.02.02")
    assert topic.parent.number == "85.02" and topic.level == 3
    assert "<" not in KleClass.objects.get(number="85.02").guidance
    call_command("import_kle", str(path), stdout=(out := io.StringIO()))
    assert "0 new, 0 changed, 0 retired" in out.getvalue()
    system = ItSystem.objects.create(owner_id=_any_association(), name="ESDH")
    system.kle.add(topic)
    path.write_text(KLE_XML.format(title="It-systemer", topic=""), encoding="utf-8")
    call_command("import_kle", str(path), stdout=(out := io.StringIO()))
    assert "1 changed, 1 retired" in out.getvalue()
    topic.refresh_from_db()
    assert topic.retired is not None and system.kle.filter(pk=topic.pk).exists()
    assert KleClass.objects.get(number="85.02").title == "It-systemer"


def _any_association():
    from samdigi.organizations.models import Association

    return Association.objects.create(name="KLE-test", short_name="KLE").pk


def test_kle_import_refuses_entities_and_changes_nothing(tmp_path):
    from django.core.management.base import CommandError

    before = KleClass.objects.count()
    path = tmp_path / "evil.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><KLE-Emneplan>&a;</KLE-Emneplan>'
    )
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_kle", str(path))
    assert KleClass.objects.count() == before


def test_kle_main_groups_ship_with_samdigi():
    assert KleClass.objects.filter(level=1).count() >= 30
    assert KleClass.objects.get(number="85").title == "Kommunens administrative systemer"
    assert KleClass.objects.get(number="88").title == "Kommunens indkøb og udbud"


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_documents_are_type_checked_and_follow_the_contracts_access(world, vendor):
    c = contract(world, vendor)
    url = reverse("landscape:contract_attachment_add", args=[c.pk])
    editor = client_for(world, "own_editor")
    fake = SimpleUploadedFile("kontrakt.pdf", b"MZ this is an exe", content_type="application/pdf")
    editor.post(url, {"title": "Falsk", "file": fake})
    from samdigi.core.models import Attachment

    assert not Attachment.objects.exists()
    editor.post(url, {"title": "Kontrakt", "file": SimpleUploadedFile("kontrakt.pdf", PDF)})
    attachment = Attachment.objects.get()
    assert (
        client_for(world, "peer")
        .get(reverse("landscape:attachment", args=[attachment.pk]))
        .status_code
        == 200
    )
    assert (
        client_for(world, "outsider")
        .get(reverse("landscape:attachment", args=[attachment.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(world, "peer")
        .post(url, {"title": "X", "file": SimpleUploadedFile("a.pdf", PDF)})
        .status_code
        == 403
    )


def test_the_catalogue_page_shows_who_uses_a_system_and_when_contracts_end(world, vendor):
    system = ItSystem.objects.create(owner=world.association, name="Journalis", vendor=vendor)
    c = contract(world, vendor)
    c.systems.add(system)
    SystemUsage.objects.create(owner=world.own, system=system, main_contract=c)
    SystemUsage.objects.create(owner=world.peer, system=system, internal=True)
    response = client_for(world, "peer").get(system.get_absolute_url())
    owners = [u.owner.name for u in response.context["usages"]]
    assert owners == [
        "Køge",
        "Roskilde",
    ]  # the peer sees its own internal usage and Roskilde's shared one
    assert "31.12.2027" in response.content.decode()
    viewer_owners = [
        u.owner.name
        for u in client_for(world, "own_viewer").get(system.get_absolute_url()).context["usages"]
    ]
    assert viewer_owners == ["Roskilde"]
