"""Texts that used to be stored or shown in one language follow the reader's: the traffic
lights' reasons, phase names, History values, dates inside sentences; the API answers in the
language the client asks for (Accept-Language), Danish when it asks for none."""

import datetime
from decimal import Decimal

from django.urls import reverse

from samdigi.core.history import acting_as, display_changes
from samdigi.core.testing import api_client_for, client_for
from samdigi.portfolio.models import Project, StatusReport
from samdigi.portfolio.tests.factories import local_project


def _red_report(world):
    project = local_project(world)
    project.baseline_budget = Decimal("1000000.00")
    project.baseline_end = datetime.date(2027, 1, 31)
    project.save()
    return StatusReport.objects.create(
        project=project,
        period_end=datetime.date(2026, 11, 30),
        manager_rating="green",
        forecast_cost=Decimal("1120000.00"),
        forecast_end=datetime.date(2027, 2, 15),
    )


def test_the_status_reasons_and_title_follow_the_page_language(world):
    report = _red_report(world)
    client = client_for(world, "own_viewer")
    danish = client.get(report.get_absolute_url()).content.decode()
    assert "Prognosen 1.120.000,00 kr. overstiger basisbudgettet på 1.000.000,00 kr." in danish
    assert "mere end 10 % af basisbudgettet." in danish
    assert "Forventet slutdato 15.02.2027 mod basisslutdatoen 31.01.2027: 15 dage forsinket" in (
        danish
    )
    assert "Status 30.11.2026" in danish and "2026-11-30" not in danish
    client.cookies["django_language"] = "en"
    english = client.get(report.get_absolute_url()).content.decode()
    assert "Forecast 1,120,000.00 kr. exceeds the baseline budget of 1,000,000.00 kr." in english
    assert "Forecast end 15/02/2027 against baseline end 31/01/2027: 15 days late" in english
    assert "Status 30/11/2026" in english
    assert "basisbudget" not in english


def test_the_api_answers_in_the_language_asked_for(world):
    report = _red_report(world)
    api = api_client_for(world, "own_viewer")
    url = f"/api/v1/status-reports/{report.pk}/"
    default = api.get(url).json()
    english = api.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    danish = api.get(url, HTTP_ACCEPT_LANGUAGE="da").json()
    assert default["cost_reason"] == danish["cost_reason"]
    assert danish["cost_reason"].startswith("Prognosen 1.120.000,00 kr.")
    assert english["cost_reason"].startswith("Forecast 1,120,000.00 kr.")
    assert english["schedule_reason"].startswith("Forecast end 15/02/2027")


def test_api_errors_come_in_the_language_asked_for(world):
    api = api_client_for(world, "own_editor")
    bad = {"period_end": "not a date", "manager_rating": "green"}
    english = api.post("/api/v1/status-reports/", bad, format="json", HTTP_ACCEPT_LANGUAGE="en")
    danish = api.post("/api/v1/status-reports/", bad, format="json")
    assert english.status_code == danish.status_code == 400
    assert english.headers["Content-Language"] == "en"
    assert danish.headers["Content-Language"] == "da"
    assert "This field is required." in str(english.json()["project"])
    assert "This field is required." not in str(danish.json()["project"])
    assert english.json()["period_end"] != danish.json()["period_end"]


def test_pages_ignore_the_browser_language_and_stay_danish(world):
    page = client_for(world, "own_viewer").get(
        reverse("portfolio:project_list"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.headers["Content-Language"] == "da"


def test_the_shipped_phases_are_named_in_the_page_language(world):
    project = local_project(world)
    client = client_for(world, "own_viewer")
    assert project.phase.name == "Idé"
    danish = client.get(project.get_absolute_url()).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="phase">Idé' in danish
    assert 'data-testid="phase">Idea' in english
    project.phase.name = "Forundersøgelse"
    project.phase.save()
    renamed = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="phase">Forundersøgelse' in renamed


def test_history_shows_choice_labels_field_names_and_local_dates(world):
    project = local_project(world)
    with acting_as(world.user("own_editor")):
        project = Project.objects.get(pk=project.pk)
        project.kind = Project.Kind.JOINT
        project.baseline_end = datetime.date(2026, 11, 30)
        project.baseline_budget = Decimal("1234567.50")
        project.save()
    client = client_for(world, "own_viewer")
    url = reverse("portfolio:project_tab", args=[project.pk, "history"])
    danish = client.get(url).content.decode()
    assert "30.11.2026" in danish and "2026-11-30" not in danish
    assert "1.234.567,50" in danish
    assert "lokalt projekt" in danish and ">local<" not in danish
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "30/11/2026" in english and "1,234,567.50" in english
    assert "local project" in english and "lokalt projekt" not in english


def test_history_rows_translate_codes_and_keep_unknown_fields():
    from django.utils import translation

    with translation.override("da"):
        rows = display_changes(
            Project,
            {
                "kind": ["local", "joint"],
                "baseline_end": [None, "2026-11-30"],
                "gone": ["a", "b"],
            },
        )
    assert rows[0] == ("type", "lokalt projekt", "fælles projekt")
    assert rows[1][2] == "30.11.2026"
    assert rows[2] == ("gone", "a", "b")


def test_a_cost_split_that_cannot_be_made_is_explained_in_the_page_language(world):
    from samdigi.portfolio.models import CostLine
    from samdigi.portfolio.tests.factories import join, joint_project

    project = joint_project(world, cost_key="agreed")
    join(project, world.own, percentage="60")
    join(project, world.peer, percentage="30")
    CostLine.objects.create(project=project, year=2026, kind="investment", amount=Decimal("1000"))
    client = client_for(world, "association_admin")
    url = reverse("portfolio:project_tab", args=[project.pk, "participants"])
    danish = client.get(url).content.decode()
    assert "De aftalte procentsatser giver 90 % tilsammen, ikke 100 %." in danish
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "The agreed percentages add up to 90 %, not 100 %." in english
    assert "must sum to exactly" not in danish + english


def test_a_moved_step_is_named_in_the_readers_language_in_the_history(world):
    from samdigi.procurement import services
    from samdigi.procurement.rules import schedule
    from samdigi.procurement.tests.helpers import municipal_tender

    tender = municipal_tender(world)
    services.schedule_tender(tender)
    step = tender.steps.get(key="tender_deadline")
    moved = schedule.next_working_day(step.date + datetime.timedelta(days=7))
    with acting_as(world.user("own_admin")):
        services.move_step(step, moved, "Leverandørerne bad om mere tid")
    client = client_for(world, "own_admin")
    url = reverse("procurement:tender_tab", args=[tender.pk, "history"])
    danish = client.get(url).content.decode()
    assert "begrundelse for flytning" in danish and "tender_deadline" not in danish
    assert moved.strftime("%d.%m.%Y") in danish
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "reason for moving" in english and moved.strftime("%d/%m/%Y") in english


def test_contract_date_errors_come_in_the_language_asked_for(world):
    from samdigi.landscape.models import Vendor

    data = {
        "owner": world.own.pk,
        "vendor": Vendor.objects.create(name="Leverandør").pk,
        "name": "ESDH-kontrakt",
        "expiration_date": "2029-06-30",
        "option_count": 1,
        "option_months": 12,
        "options_used": 2,
    }
    api = api_client_for(world, "own_editor")
    danish = api.post("/api/v1/contracts/", data, format="json")
    english = api.post("/api/v1/contracts/", data, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert danish.status_code == english.status_code == 400
    assert danish.json()["options_used"] == ["2 optioner er brugt, men kontrakten har kun 1."]
    assert english.json()["options_used"] == ["2 options used, but the contract has only 1."]


def test_the_step_move_page_explains_the_step_in_the_page_language(world):
    from django.utils import translation
    from django.utils.html import escape

    from samdigi.procurement import replanning, services
    from samdigi.procurement.tests.helpers import municipal_tender

    tender = municipal_tender(world)
    services.schedule_tender(tender)
    step = tender.steps.get(key="tender_deadline")
    client = client_for(world, "own_admin")
    client.cookies["django_language"] = "en"
    url = reverse("procurement:tender_step_move", args=[tender.pk, step.key])
    english = client.get(url).content.decode()
    assert step.explanation  # stored in Danish
    assert step.explanation not in english
    with translation.override("en"):
        text = replanning.timeline_rows(tender, [step])[0]["text"]
    assert text != step.explanation and escape(text) in english
