"""The demo tells one consistent story: the domain's own rules, run over everything `seed_demo`
creates, find nothing to object to (issue 9: a business case of 800,000 kr. beside cost lines of
600,000 kr., gate requests dated after their decisions, closed projects shown red, EUR thresholds
labelled kr., a public tender page keeping a replaced tender deadline).

Each check calls the project's pure rule (or the ORM wrapper around it), never a copy of it. The
demo is seeded once for the module inside a transaction that is rolled back at the end.
"""

import datetime
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from samdigi.core.formatting import money, number
from samdigi.core.models import ChangeRecord
from samdigi.core.rules.months import add_months
from samdigi.landscape.models import Contract, lead_time_overrides_for, services_threshold
from samdigi.landscape.rules import deadlines
from samdigi.portfolio.models import GateDecision, GateRequest, Project
from samdigi.portfolio.rules import business_case, gates, status
from samdigi.procurement import replanning
from samdigi.procurement import services as procurement_services
from samdigi.procurement.demo import REPLACED_DEADLINES
from samdigi.procurement.models import Tender, TenderParticipant, Threshold, eur_rate
from samdigi.procurement.public import public_q
from samdigi.procurement.rules import schedule


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with open("/dev/null", "w") as out:
            call_command("seed_demo", "--force", stdout=out)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo, db):
    return None


def secretariat_client():
    client = Client()
    client.force_login(get_user_model().objects.get(username="sekretariat"))
    return client


# --- portfolio -----------------------------------------------------------------------------------


def test_every_business_case_states_the_costs_of_the_projects_cost_lines(seeded):
    checked = 0
    for project in Project.objects.prefetch_related("cost_lines", "business_cases__lines"):
        cost_lines = [(line.year, line.kind, line.amount) for line in project.cost_lines.all()]
        for case in project.business_cases.all():
            differences = business_case.cost_line_differences(
                case.year_lines(), case.start_year, cost_lines
            )
            assert differences == [], (project.title, differences)
            if project.baseline_budget is not None:
                # The budget the gates approved is the business case's total cost.
                summary = business_case.summarize(case.year_lines())
                assert summary.total_costs == project.baseline_budget, project.title
            checked += 1
    assert checked >= 30


def test_the_project_page_shows_one_total_for_business_case_and_cost_lines(seeded):
    project = Project.objects.get(title="Fælles borgerportal")
    total = sum(line.amount for line in project.cost_lines.all())
    case = project.business_cases.get()
    summary = business_case.summarize(case.year_lines())
    assert summary.total_costs == total
    client = secretariat_client()
    page = client.get(case.get_absolute_url()).content.decode()
    assert money(total) in html.unescape(page)


def test_every_gate_request_comes_before_its_decision_and_on_a_meeting_after_it(seeded):
    decisions = GateDecision.objects.select_related("request", "meeting", "project")
    assert decisions.count() > 40
    for decision in decisions:
        request = decision.request
        assert request is not None, decision.project.title
        meeting_date = decision.meeting.date if decision.meeting else None
        problem = gates.decision_date_problem(
            decision.decided_on, request.requested_on, meeting_date
        )
        assert problem is None, (decision.project.title, problem)
        assert request.requested_on < decision.decided_on
        if decision.project.is_joint:
            # The steering committee decides a joint project's gates at its meetings.
            assert decision.meeting is not None, decision.project.title
        # A project starts before its first gate.
        assert decision.project.start_date <= request.requested_on, decision.project.title
    for request in GateRequest.objects.select_related("meeting", "project"):
        if request.meeting is None:
            continue
        problem = gates.agenda_problem(
            pending=True,
            same_association=request.meeting.owner_id == request.project.owner_id,
            requested_on=request.requested_on,
            meeting_date=request.meeting.date,
        )
        assert problem is None, (request.project.title, problem)
    # The requests were created with their own date: no history entry re-dates one.
    redated = [
        change
        for change in ChangeRecord.objects.filter(
            content_type__model="gaterequest", action=ChangeRecord.Action.UPDATE
        )
        if "requested_on" in change.changes
    ]
    assert redated == []
    # The next meeting has a request waiting for it.
    assert GateRequest.objects.filter(
        status=GateRequest.Status.PENDING, meeting__date__gt=datetime.date(2026, 12, 3)
    ).exists()


def test_status_reports_follow_their_baseline_and_closed_projects_end_on_time(seeded):
    lights = set()
    for project in Project.objects.select_related("phase").prefetch_related(
        "status_reports", "decisions"
    ):
        reports = sorted(project.status_reports.all(), key=lambda r: r.period_end)
        approvals = sorted(
            d.decided_on for d in project.decisions.all() if gates.moves_phase(d.outcome)
        )
        for report in reports:
            # Measured against a baseline that a gate had approved by then.
            assert approvals and approvals[0] <= report.period_end, project.title
            overview = status.assess(
                project.baseline_budget,
                report.forecast_cost,
                project.baseline_end,
                report.forecast_end,
                report.manager_rating,
            )
            assert report.computed_light == overview.computed.value, project.title
            lights.add(overview.computed)
        if project.phase.closes_project:
            final = reports[-1]
            # The final report comes before the gate that closed the project and is green.
            assert final.period_end <= approvals[-1], project.title
            overview = status.assess(
                project.baseline_budget,
                final.forecast_cost,
                project.baseline_end,
                final.forecast_end,
            )
            assert overview.computed == status.Light.GREEN, project.title
            assert not project.risks.filter(status="open").exists(), project.title
            assert not project.milestones.filter(done_on__isnull=True).exists(), project.title
    assert lights == {status.Light.GREEN, status.Light.YELLOW, status.Light.RED}


def test_closed_projects_show_no_light_in_the_portfolio_list(seeded):
    client = secretariat_client()
    page = client.get(reverse("portfolio:project_list"), {"per_page": 100}).content.decode()
    closed = Project.objects.filter(phase__closes_project=True)
    assert closed.count() >= 4
    for project in closed:
        row = re.search(
            r"<tr>(?:(?!</tr>).)*"
            + re.escape(project.get_absolute_url())
            + r"(?:(?!</tr>).)*</tr>",
            page,
            re.S,
        )
        assert row is not None, project.title
        assert 'data-light="closed"' in row.group(0), project.title
        assert not re.search(r'data-light="(red|yellow|green)"', row.group(0)), project.title


# --- contracts -----------------------------------------------------------------------------------


def test_every_contract_obeys_the_end_of_month_and_notice_rules(seeded):
    resulting = set(
        TenderParticipant.objects.exclude(resulting_contract=None).values_list(
            "resulting_contract_id", flat=True
        )
    )
    contracts = Contract.objects.all()
    assert contracts.count() > 150
    for contract in contracts:
        dates = contract.dates()
        stored = {name: getattr(contract, name) for name in deadlines.DERIVED_FIELDS}
        lead = contract.lead_months(lead_time_overrides_for(contract.owner_id))
        assert stored == deadlines.derived_dates(dates, lead), contract.contract_number
        if contract.concluded and contract.valid_from:
            assert contract.concluded <= contract.valid_from, contract.contract_number
        if contract.valid_from and contract.expiration:
            # A term of whole months by the end-of-month rule: valid from the day after
            # "expiration − term".
            day_before = contract.valid_from - datetime.timedelta(days=1)
            assert any(
                add_months(contract.expiration, -months) == day_before for months in range(1, 121)
            ), contract.contract_number
        if contract.options_used:
            # An option in use extends the current end by whole option terms.
            assert contract.current_end == add_months(
                contract.expiration, contract.options_used * contract.option_months
            )
        if contract.pk not in resulting and contract.concluded and contract.procurement_form:
            # Bought by the procedure the threshold assessment required (whole term with
            # options, threshold period in force when it was signed).
            required = deadlines.required_procedure(
                deadlines.estimated_value(dates, contract.annual_value, contract.total_value),
                services_threshold(contract.concluded),
            )
            assert contract.procurement_form == required, contract.contract_number


def test_the_option_in_use_carries_the_contract_to_its_re_tender(seeded):
    contract = Contract.objects.get(contract_number="DEMO-013")
    tender = Tender.objects.get(reference="DEMO-T1")
    assert contract in tender.contracts.all()
    assert contract.current_end + datetime.timedelta(days=1) == tender.required_start


# --- thresholds ----------------------------------------------------------------------------------


def cells(page: str) -> list[list[str]]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_thresholds_in_eur_are_labelled_eur_and_dkk_figures_kr(seeded):
    client = secretariat_client()
    response = client.get(reverse("procurement:threshold_list"), {"per_page": 25})
    names = [column.name for column in response.context["table"].columns]
    rate = eur_rate()
    rows = {row["object"].pk: row for row in response.context["rows"]}
    assert len(rows) == Threshold.objects.count() >= 5
    categories = {
        "supplies_services": schedule.SERVICES,
        "works": schedule.WORKS,
        "social_services": schedule.SOCIAL_SERVICES,
    }
    for threshold in Threshold.objects.all():
        texts = dict(
            zip(names, (cell["text"] for cell in rows[threshold.pk]["cells"]), strict=True)
        )
        period = threshold.as_period()
        for prefix, category in categories.items():
            amount = period.amount(category, rate)
            eur_text, dkk_text = texts[f"{prefix}_eur"], texts[f"{prefix}_dkk"]
            assert eur_text == f"{money(amount.eur, with_unit=False)} EUR", threshold.label
            assert "kr." not in eur_text
            assert dkk_text.startswith(money(amount.dkk)), threshold.label
            assert ("EUR" in dkk_text) == amount.estimated, threshold.label
        detail = cells(client.get(threshold.get_absolute_url()).content.decode())
        for row, amount in zip(detail, threshold.amounts(), strict=True):
            assert row[1] == f"{number(amount.eur)} EUR"
            assert row[2] == money(amount.dkk)


# --- tenders -------------------------------------------------------------------------------------


def test_every_public_tender_shows_its_current_tender_deadline(seeded):
    anonymous = Client()
    public = Tender.objects.filter(public_q())
    assert public.count() >= 2
    for tender in public:
        moves = {key: day for key, (day, _reason) in replanning.stored_moves(tender).items()}
        current = replanning.compute(tender, moves).dates()[schedule.TENDER_DEADLINE]
        assert tender.steps.get(key=schedule.TENDER_DEADLINE).date == current
        page = anonymous.get(reverse("procurement:public_tender", args=[tender.pk]))
        deadline = re.search(r'data-testid="tender-deadline">([^<]*)<', page.content.decode())
        assert deadline.group(1) == current.strftime("%d.%m.%Y"), tender.reference
        releases = procurement_services.releases_for(tender)
        ends = {
            r["tender"]["tenderPeriod"]["endDate"][:10]
            for r in releases
            if "tenderPeriod" in r["tender"]
        }
        assert ends == {current.isoformat()}, tender.reference
        # Actual dates meet the legal minimums (notes about working days aside).
        assert [w for w in replanning.date_warnings(tender) if not w.is_note] == []
    for reference, (first, current, _reason) in REPLACED_DEADLINES.items():
        tender = Tender.objects.get(reference=reference)
        assert tender.tender_deadline_on == current
        page = anonymous.get(reverse("procurement:public_tender", args=[tender.pk])).content
        assert first.strftime("%d.%m.%Y") not in page.decode()
        assert current.strftime("%d.%m.%Y") in page.decode()
        # The replacement is on the record.
        assert any(
            first.isoformat() in str(change.changes) and current.isoformat() in str(change.changes)
            for change in ChangeRecord.objects.for_object(tender)
        )
