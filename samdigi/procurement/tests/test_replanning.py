"""From the user's side: edits re-plan the tender (page and API), moved dates flow into later
steps and the award defaults, actual dates are checked against the legal minimums, the rule
texts cite udbudsloven in Danish (page and OCDS), and internal tenders are never public."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from samdigi.core.testing import api_client_for, client_for
from samdigi.landscape.models import Contract
from samdigi.procurement import services
from samdigi.procurement.models import Tender
from samdigi.procurement.rules import schedule
from samdigi.procurement.tests.helpers import municipal_tender, vendor

pytestmark = pytest.mark.django_db


def edit_data(tender, **changes):
    data = {
        "owner": tender.owner_id,
        "title": tender.title,
        "procedure": tender.procedure,
        "category": tender.category,
        "estimated_value": str(tender.estimated_value or ""),
        "required_start": tender.required_start.isoformat() if tender.required_start else "",
        "electronic_submission": "on" if tender.electronic_submission else "",
        "status": tender.status,
        "version": tender.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def scheduled(world, **kwargs):
    tender = municipal_tender(world, **kwargs)
    services.schedule_tender(tender)
    tender.refresh_from_db()
    return tender


def keys(tender):
    return set(tender.steps.values_list("key", flat=True))


# --- item 3: edits re-plan -----------------------------------------------------------------------


def test_changing_the_procedure_on_the_page_replans_the_schedule(world):
    tender = scheduled(world)
    assert "participation_deadline" not in keys(tender)
    response = client_for(world, "own_admin").post(
        reverse("procurement:tender_edit", args=[tender.pk]),
        edit_data(tender, procedure="restricted"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tender.refresh_from_db()
    assert {"participation_deadline", "invitation_to_tender"} <= keys(tender)
    expected = schedule.plan(
        "restricted", "services", tender.estimated_value, tender.required_start
    ).dates()
    assert {s.key: s.date for s in tender.steps.all()} == expected
    page = client_for(world, "own_admin").get(tender.get_absolute_url()).content.decode()
    assert 'data-testid="steps"' in page and "§ 59" in page


def test_changing_the_value_by_api_patch_reassesses_the_threshold(world):
    tender = scheduled(world, procedure="national", estimated_value=Decimal("500000"))
    assert tender.eu_procedure_required is False
    api = api_client_for(world, "own_admin")
    answer = api.patch(
        f"/api/v1/tenders/{tender.pk}/",
        {"estimated_value": "9000000.00", "procedure": "open", "version": tender.version},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["eu_procedure_required"] is True
    assert "notice_publication" in {s["key"] for s in body["steps"]}
    tender.refresh_from_db()
    assert tender.eu_procedure_required is True
    # The stored assessment is in Danish, the default language, and cites the threshold rule.
    assert "udbudslovens § 6" in tender.classification


def test_a_lawful_manual_move_survives_an_edit_and_later_steps_follow_it(world):
    tender = scheduled(world)
    award = tender.steps.get(key="award_decision")
    later = schedule.next_working_day(award.date + datetime.timedelta(days=21))
    response = client_for(world, "own_admin").post(
        reverse("procurement:tender_step_move", args=[tender.pk, "award_decision"]),
        {"date": later.isoformat(), "reason": "Evalueringen tager længere tid"},
    )
    assert response.status_code == 302
    steps = {s.key: s for s in tender.steps.all()}
    assert steps["award_decision"].date == later
    assert steps["standstill_end"].date == schedule.standstill_end(later)
    assert steps["contract_start"].date > tender.required_start
    # The award form's default contract start is the moved one.
    assert services.contract_start_default(tender) == steps["contract_start"].date
    award_page = client_for(world, "own_admin").get(
        reverse("procurement:tender_award", args=[tender.pk])
    )
    assert steps["contract_start"].date.isoformat() in award_page.content.decode()
    tender.refresh_from_db()
    api = api_client_for(world, "own_admin")
    answer = api.patch(
        f"/api/v1/tenders/{tender.pk}/",
        {"estimated_value": "3000000.00", "version": tender.version},
        format="json",
    )
    assert answer.status_code == 200
    kept = tender.steps.get(key="award_decision")
    assert kept.date == later and kept.moved_reason == "Evalueringen tager længere tid"


def test_a_move_made_unlawful_by_an_edit_is_undone_and_recorded(world):
    tender = scheduled(world, prior_information_notice=True)
    notice = tender.steps.get(key="notice_publication").date
    tender.notice_published_on = notice  # the notice went out as planned
    tender.save_if_current(tender.version)
    # Lawful with a prior information notice (15 days), not without one (30 days electronic).
    moved = schedule.next_working_day(notice + datetime.timedelta(days=16))
    services.move_step(tender.steps.get(key="tender_deadline"), moved, "Kortere frist")
    assert tender.steps.get(key="tender_deadline").date == moved
    tender.refresh_from_db()
    tender.prior_information_notice = False
    tender.save_if_current(tender.version)
    deadline = tender.steps.get(key="tender_deadline")
    assert deadline.moved_reason == ""
    assert deadline.date >= schedule.next_working_day(notice + datetime.timedelta(days=30))
    assert tender.get_changes().filter(changes__icontains="Kortere frist").count() == 2


def test_an_unlawful_move_is_refused_naming_the_date_field(world):
    tender = scheduled(world, procedure="restricted")
    notice = tender.steps.get(key="notice_publication").date
    response = client_for(world, "own_admin").post(
        reverse("procurement:tender_step_move", args=[tender.pk, "participation_deadline"]),
        {"date": (notice + datetime.timedelta(days=20)).isoformat(), "reason": "Hurtigere"},
    )
    assert response.status_code == 400
    assert "participation_deadline" not in {s.key for s in tender.steps.all() if s.moved_reason}


# --- item 2: actual dates against the minimums ---------------------------------------------------


def test_a_tender_deadline_21_days_after_a_restricted_notice_is_warned_on_page_and_api(world):
    tender = scheduled(world, procedure="restricted")
    notice = datetime.date(2027, 3, 1)
    api = api_client_for(world, "own_admin")
    answer = api.patch(
        f"/api/v1/tenders/{tender.pk}/",
        {
            "notice_published_on": notice.isoformat(),
            "tender_deadline_on": (notice + datetime.timedelta(days=21)).isoformat(),
            "version": tender.version,
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="da",
    )
    assert answer.status_code == 200, answer.json()
    warnings = answer.json()["warnings"]
    assert [(w["code"], w["step"]) for w in warnings] == [("below_minimum", "tender_deadline")]
    assert warnings[0]["minimum_date"] == "2027-04-26"
    assert "udbudslovens § 60" in warnings[0]["rule"]
    step = next(s for s in answer.json()["steps"] if s["key"] == "tender_deadline")
    assert step["date"] == "2027-03-22" and step["warnings"][0]["code"] == "below_minimum"
    page = client_for(world, "own_admin").get(tender.get_absolute_url()).content.decode()
    assert 'data-testid="step-warning-tender_deadline"' in page
    assert 'data-testid="date-warnings"' in page and "§ 60" in page


def test_lawful_actual_dates_give_no_warning(world):
    tender = scheduled(world)
    tender.notice_published_on = datetime.date(2027, 3, 1)
    tender.tender_deadline_on = datetime.date(2027, 3, 31)
    tender.save_if_current(tender.version)
    answer = api_client_for(world, "own_admin").get(f"/api/v1/tenders/{tender.pk}/")
    assert answer.json()["warnings"] == []
    # The actual notice date moved the schedule: the deadline step is the actual one.
    assert tender.steps.get(key="notice_publication").date == datetime.date(2027, 3, 1)


# --- item 4: rule texts in Danish ------------------------------------------------------------------


def test_the_danish_page_cites_udbudsloven_for_the_open_procedure(world):
    tender = scheduled(world)
    client = client_for(world, "own_admin")
    page = client.get(tender.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "udbudslovens § 57 (direktivets art. 27)" in page
    assert "lov om Klagenævnet for Udbud § 3" in page


def test_ocds_planning_rationale_is_danish(world):
    tender = scheduled(world, published=True)
    with translation.override("en"):
        release = services.releases_for(tender)[0]
    assert release["language"] == "da"
    rationale = release["planning"]["rationale"]
    assert "udbudslovens § 6 (direktivets art. 4)" in rationale
    assert "direktiv 2014/24/EU art. 5(4)" in rationale


# --- issue 16: internal wins over published ------------------------------------------------------


def test_a_published_internal_tender_is_not_public(world, client):
    tender = scheduled(world, published=True, internal=True)
    shown = scheduled(world, index=1, published=True)
    listing = client.get(reverse("procurement:public_tenders")).content.decode()
    assert shown.title in listing and tender.title not in listing
    assert client.get(reverse("procurement:public_tender", args=[tender.pk])).status_code == 404
    assert client.get(f"/api/v1/tenders/{tender.pk}/ocds/").status_code == 404
    assert client.get(f"/api/v1/tenders/{shown.pk}/ocds/").status_code == 200
    releases = client.get("/api/v1/ocds/releases/").json()["releases"]
    titles = {r["tender"]["title"] for r in releases}
    assert shown.title in titles and tender.title not in titles
    assert list(Tender.objects.published()) == [shown]
    # The owner's own staff still read it.
    assert (
        client_for(world, "own_viewer").get(f"/api/v1/tenders/{tender.pk}/ocds/").status_code == 200
    )


def test_the_opportunities_page_does_not_name_a_tender_the_user_cannot_see(world):
    contract = Contract.objects.create(
        owner=world.own,
        vendor=vendor(),
        name="ESDH Roskilde",
        expiration=datetime.date.today() + datetime.timedelta(days=600),
        annual_value=Decimal("100000"),
    )
    secret = municipal_tender(world, title="Hemmeligt internt udbud", internal=True)
    secret.contracts.add(contract)
    other_contract = Contract.objects.create(
        owner=world.peer,
        vendor=vendor(),
        name="ESDH Køge",
        expiration=datetime.date.today() + datetime.timedelta(days=600),
        annual_value=Decimal("100000"),
    )
    foreign = municipal_tender(
        world, index=2, owner=world.other_association, title="Andet fællesskabs udbud"
    )
    foreign.contracts.add(other_contract)
    page = client_for(world, "association_admin").get(
        reverse("procurement:opportunities") + f"?association={world.association.pk}"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "ESDH Roskilde" in text
    assert "Hemmeligt internt udbud" not in text
    assert "ESDH Køge" in text and "Andet fællesskabs udbud" not in text
    own = client_for(world, "own_admin").get(
        reverse("procurement:opportunities") + f"?association={world.association.pk}"
    )
    assert "Hemmeligt internt udbud" in own.content.decode()


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("procedure", schedule.PROCEDURES)
def test_every_rule_text_renders_in_both_languages(procedure, language):
    from samdigi.procurement import rule_texts

    base = schedule.schedule(
        procedure, "social_services", Decimal("9e6"), datetime.date(2027, 7, 1)
    )
    award = base.get("award_decision").date + datetime.timedelta(days=30)
    result = schedule.plan(
        procedure,
        "social_services",
        Decimal("9e6"),
        datetime.date(2027, 7, 1),
        moves={"award_decision": award, "tender_deadline": datetime.date(2020, 1, 1)},
        today=datetime.date(2027, 1, 4),
    )
    warnings = schedule.check_actual_dates(
        procedure,
        {
            "notice_publication": datetime.date(2027, 12, 1),
            "tender_deadline": datetime.date(2027, 12, 24),
            "award_decision": datetime.date(2027, 12, 20),
            "contract_signature": datetime.date(2027, 12, 21),
        },
    )
    with translation.override(language):
        texts = [rule_texts.step_text(step, procedure) for step in result.steps]
        texts += rule_texts.assessment_lines(result.classification)
        texts += rule_texts.schedule_warnings(result)
        texts += [rule_texts.date_warning_text(w, procedure) for w in warnings]
    assert all(text and "%(" not in text for text in texts), texts
    if language == "da" and procedure == "open":
        joined = " ".join(texts)
        assert "udbudslovens § 57 (direktivets art. 27)" in joined
        assert "juleaftensdag" in joined
