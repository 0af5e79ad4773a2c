"""Demo portfolio for the Sjælland demo association: the joint public strategy 2026–2029, joint and
local projects in every phase with gate decisions, the steering committee's quarterly meetings with
minutes (and the next one, with a gate request waiting for it), business cases, risks, status
reports in all three colours and benefits with measurements.

The demo tells one consistent story, checked by organizations/tests/test_demo_story.py with the
domain's own rules: each business case states the same costs as the project's cost lines, and the
approved budget is their total; every gate request comes before its decision, and a joint
project's gates are decided at steering meetings held after the request; a project starts before
its first gate; status reports follow the baseline they are measured against, and a closed
project's last report is its final one, on budget and on time.

Idempotent: everything is found by its natural key (get_or_create) before it is created.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from samdigi.core.demo import demo_seeder
from samdigi.core.rules.months import add_months, last_day_of_month
from samdigi.organizations.models import Association, Municipality
from samdigi.portfolio import services
from samdigi.portfolio.models import (
    Benefit,
    BusinessCase,
    BusinessCaseLine,
    CostLine,
    GateDecision,
    Measurement,
    Participant,
    Phase,
    Project,
    ProjectModel,
    Risk,
    StatusReport,
    SteeringMeeting,
    Strategy,
    StrategyGoal,
)

D = Decimal
GOALS = [
    "Et brugervenligt digitalt offentligt Danmark",
    "Ansvarlig brug af ny teknologi",
    "Et sammenhængende digitalt fundament",
    "Digital suverænitet i Europa",
]
PHASES = ["idea", "analysis", "procurement", "execution", "realisation", "closed"]

# title, kind (owner municipality for local), phase, goal index, innovation, participants
JOINT = [
    ("Fælles borgerportal", "execution", 0, ("citizen_service", "incremental", "service")),
    ("AI-assisteret journalisering", "analysis", 1, ("back_office", "radical", "process")),
    (
        "Fælles identitets- og adgangsstyring",
        "procurement",
        2,
        ("back_office", "incremental", "process"),
    ),
    ("Open source-kontorpakke", "idea", 3, ("back_office", "radical", "service")),
    ("Fælles ESDH-udbud", "realisation", 2, ("back_office", "incremental", "process")),
    ("Chatbot til borgerservice", "closed", 1, ("citizen_service", "radical", "service")),
    (
        "Digital pladsanvisning i dagtilbud",
        "execution",
        0,
        ("citizen_service", "incremental", "service"),
    ),
    ("Fælles datavarehus", "analysis", 2, ("back_office", "incremental", "process")),
    ("Fælles jobcenterløsning", "procurement", 0, ("citizen_service", "incremental", "process")),
    ("Sikker e-mail og digital post", "realisation", 3, ("back_office", "incremental", "process")),
    ("Velfærdsteknologi i ældreplejen", "idea", 1, ("citizen_service", "radical", "service")),
    ("Fælles GIS-platform", "analysis", 2, ("back_office", "incremental", "service")),
    ("Digital skoleindskrivning", "closed", 0, ("citizen_service", "incremental", "service")),
    ("Fælles cloud-strategi", "idea", 3, ("back_office", "radical", "process")),
]
LOCAL = [
    ("Roskilde", "Selvbetjening for parkeringstilladelser", "execution", 0),
    ("Roskilde", "Robotter i lønbehandling", "realisation", 1),
    ("Roskilde", "Ny intranetplatform", "idea", 2),
    ("Køge", "Digital affaldsplanlægning", "analysis", 0),
    ("Køge", "Sensorer i plejeboliger", "procurement", 1),
    ("Holbæk", "Digital byggesagsbehandling", "execution", 0),
    ("Næstved", "Tablets til hjemmeplejen", "closed", 0),
    ("Slagelse", "Mobilt arbejdsredskab til vejdrift", "idea", 2),
    ("Greve", "Automatisk ydelsesberegning", "analysis", 1),
    ("Lejre", "Digital borgerdialog om lokalplaner", "execution", 0),
    ("Solrød", "Ny hjemmeside", "realisation", 0),
    ("Odsherred", "Selvbetjent booking af haller", "idea", 0),
    ("Kalundborg", "Digitalt tilsyn med plejehjem", "procurement", 1),
    ("Ringsted", "RPA i økonomiafdelingen", "closed", 1),
    ("Sorø", "Trådløst netværk på skolerne", "execution", 2),
    ("Faxe", "Sikker adgang til fagsystemer", "analysis", 3),
]
PARTICIPANTS = [
    "265",
    "259",
    "316",
    "370",
    "330",
    "336",
]  # Roskilde, Køge, Holbæk, Næstved, Slagelse, Stevns
# The steering committee meets quarterly from the association's first spring; the last one is
# still to come, with a gate request on its agenda.
MEETINGS = [
    (datetime.date(2025, 3, 12), "Styregruppemøde, marts 2025"),
    (datetime.date(2025, 6, 11), "Styregruppemøde, juni 2025"),
    (datetime.date(2025, 9, 10), "Styregruppemøde, september 2025"),
    (datetime.date(2025, 12, 10), "Styregruppemøde, december 2025"),
    (datetime.date(2026, 3, 12), "Styregruppemøde, marts 2026"),
    (datetime.date(2026, 6, 10), "Styregruppemøde, juni 2026"),
    (datetime.date(2026, 9, 9), "Styregruppemøde, september 2026"),
]
NEXT_MEETING = (datetime.date(2026, 12, 9), "Styregruppemøde, december 2026")
# Requests reach the secretariat two weeks before the meeting that decides them.
REQUEST_LEAD = datetime.timedelta(days=14)
# Monthly status reports of running projects (after every project's last gate).
REPORT_MONTHS = (datetime.date(2026, 10, 31), datetime.date(2026, 11, 30))
# phase → (computed light, forecast cost / approved budget, months late)
LIGHTS = {
    "execution": ("green", D("0.98"), 0),
    "realisation": ("yellow", D("1.08"), 2),
    "analysis": ("red", D("1.12"), 4),
    "procurement": ("red", D("1.12"), 4),
}


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _meetings(association):
    """The held meetings in date order, and the next one."""
    created = 0
    held = []
    for day, title in MEETINGS:
        meeting, new = SteeringMeeting.objects.get_or_create(
            owner=association,
            title=title,
            defaults={
                "date": day,
                "location": "Roskilde Rådhus",
                "other_items": "Orientering om udbudsplan\nEventuelt",
                "minutes": "Styregruppen behandlede porteføljen og traf beslutningerne nedenfor.",
            },
        )
        held.append(meeting)
        created += new
    day, title = NEXT_MEETING
    upcoming, new = SteeringMeeting.objects.get_or_create(
        owner=association,
        title=title,
        defaults={
            "date": day,
            "location": "Køge Rådhus",
            "other_items": "Budget for fælles projekter 2027\nEventuelt",
        },
    )
    return held, upcoming, created + new


def gate_path(phase_code, index) -> list[str]:
    """The phases a demo project passed through gates to reach its phase (procurement skipped
    by every other project: nothing bought)."""
    target = PHASES.index(phase_code)
    return [code for code in PHASES[1 : target + 1] if not (code == "procurement" and index % 2)]


def gate_dates(kind, path, index, held):
    """(requested on, decided on, meeting) for each gate of the path, and the start date.

    Joint projects are decided at consecutive steering meetings (the latest at the June or
    September 2026 meeting); local ones by their municipality every three months. A project
    starts two months before its first gate; one with no gate yet started this autumn."""
    if not path:
        return [], datetime.date(2026, 8 + index % 3, 1)
    if kind == Project.Kind.JOINT:
        last = len(held) - 1 - index % 2
        meetings = held[last - len(path) + 1 : last + 1]
        gates = [(m.date - REQUEST_LEAD, m.date, m) for m in meetings]
    else:
        last = datetime.date(2026, 6 + index % 4, 10)
        days = [add_months(last, -3 * (len(path) - 1 - n)) for n in range(len(path))]
        gates = [(day - REQUEST_LEAD, day, None) for day in days]
    start = add_months(gates[0][1].replace(day=1), -2)
    return gates, start


@demo_seeder
def seed(stdout) -> int:
    association = Association.objects.filter(short_name="DFS").first()
    if association is None:
        return 0
    created = 0
    model = ProjectModel.objects.for_association(association)
    pm, cio, secretariat, steering = (
        _user("pm-roskilde"),
        _user("cio-roskilde"),
        _user("sekretariat"),
        _user("styregruppe"),
    )
    strategy, new = Strategy.objects.get_or_create(
        owner=association,
        title="Fællesoffentlig digitaliseringsstrategi",
        defaults={
            "period_start": 2026,
            "period_end": 2029,
            "description": "Den fællesoffentlige digitaliseringsstrategi med fire indsatsområder.",
        },
    )
    created += new
    goals = []
    for number, title in enumerate(GOALS, 1):
        goal, new = StrategyGoal.objects.get_or_create(
            strategy=strategy, number=number, defaults={"title": title}
        )
        goals.append(goal)
        created += new
    held, upcoming, new = _meetings(association)
    created += new
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=PARTICIPANTS)}
    specs = [
        (title, association, Project.Kind.JOINT, phase, goal, innovation)
        for title, phase, goal, innovation in JOINT
    ] + [
        (
            title,
            Municipality.objects.get(name=owner),
            Project.Kind.LOCAL,
            phase,
            goal,
            ("back_office", "incremental", "process"),
        )
        for owner, title, phase, goal in LOCAL
    ]
    for index, (title, owner, kind, phase_code, goal, innovation) in enumerate(specs):
        path = gate_path(phase_code, index)
        gates, start = gate_dates(kind, path, index, held)
        if phase_code == "closed":
            # The project ended the month before the gate that closed it.
            planned_end = last_day_of_month(add_months(gates[-1][1], -1))
        else:
            planned_end = last_day_of_month(datetime.date(2027, 1 + index % 12, 1))
        project, new = Project.objects.get_or_create(
            title=title,
            owner=owner,
            defaults={
                "kind": kind,
                "project_model": model,
                "summary": f"Demo: {title.lower()}.",
                "project_manager": pm,
                "project_owner": cio if kind == Project.Kind.LOCAL else secretariat,
                "innovation_area": innovation[0],
                "innovation_degree": innovation[1],
                "innovation_type": innovation[2],
                "start_date": start,
                "planned_end": planned_end,
                "population_date": datetime.date(2026, 1, 1),
                "published": kind == Project.Kind.JOINT,
                "tags": "demo",
            },
        )
        if not new:
            continue
        created += 1
        project.goals.add(goals[goal])
        created += _fill(project, phase_code, path, gates, municipalities, steering, index)
        created += _pending_request(project, phase_code, index, upcoming)
    return created


def _budget(project, index) -> tuple[D, list[tuple[int, str, D]]]:
    """The project's yearly costs: the investment in its first year, then four years of running
    costs; (total, [(year, kind, amount)]). The business case and the cost lines both state them."""
    amount = D(400000 + 150000 * index)
    running = (amount / 4).quantize(D("0.01"))
    first = project.start_date.year
    lines = [(first, CostLine.Kind.INVESTMENT, amount)] + [
        (first + offset, CostLine.Kind.RUNNING, running) for offset in range(1, 5)
    ]
    return sum((line[2] for line in lines), D(0)), lines


def _fill(project, phase_code, path, gates, municipalities, decider, index) -> int:
    created = 0
    if project.is_joint:
        for position, code in enumerate(PARTICIPANTS[: 3 + index % 4]):
            status = (
                Participant.Status.JOINED
                if position < 3 + index % 3
                else Participant.Status.INVITED
            )
            Participant.objects.create(
                project=project, municipality=municipalities[code], status=status
            )
            created += 1
    total, budget = _budget(project, index)
    for year, kind, amount in budget:
        CostLine.objects.create(project=project, year=year, kind=kind, amount=amount)
        created += 1
    start_year = project.start_date.year
    case = BusinessCase.objects.create(
        project=project, start_year=start_year, title="Første version"
    )
    by_year = {year: (kind, amount) for year, kind, amount in budget}
    for offset in range(5):
        kind, amount = by_year[start_year + offset]
        BusinessCaseLine.objects.create(
            business_case=case,
            year=start_year + offset,
            investment=amount if kind == CostLine.Kind.INVESTMENT else D(0),
            running=amount if kind == CostLine.Kind.RUNNING else D(0),
            budget_releasing=(budget[0][2] / 2).quantize(D("0.01")) if offset else D(0),
            other_economic=D("25000.00") if offset else D(0),
            non_monetary="Bedre service for borgerne" if offset == 1 else "",
        )
    closed = phase_code == "closed"
    Risk.objects.create(
        project=project,
        title="Leverandøren leverer for sent",
        probability=3 + index % 3,
        consequence=4,
        residual_probability=2,
        residual_consequence=3,
        responsible="Projektlederen",
        # A closed project's risks are closed and need no review; some open ones are overdue.
        status=Risk.Status.CLOSED if closed else Risk.Status.OPEN,
        next_review=None
        if closed
        else datetime.date(2026, 11, 16)
        if index % 2
        else datetime.date(2027, 1, 15),
    )
    Risk.objects.create(
        project=project,
        title="Manglende ressourcer i kommunerne",
        probability=2,
        consequence=2 + index % 4,
        response=Risk.Response.ACCEPT,
        status=Risk.Status.CLOSED if closed else Risk.Status.OPEN,
    )
    benefit = Benefit.objects.create(
        project=project,
        title="Færre manuelle sagsskridt",
        kind=Benefit.Kind.BUDGET_RELEASING,
        responsible="Borgerservicechefen",
        kpi="Manuelle sagsskridt pr. måned",
        unit="skridt",
        baseline_value=D("1200"),
        baseline_date=last_day_of_month(add_months(project.start_date, -1)),
        target_value=D("600"),
        target_date=datetime.date(2028, 12, 31),
    )
    created += 3
    # Measured quarterly after the baseline, up to the last quarter ended.
    for month, value in ((3, "1150"), (6, "1010"), (9, "930")):
        day = datetime.date(2026, month, 30)
        if day > benefit.baseline_date:
            Measurement.objects.create(benefit=benefit, date=day, value=D(value))
            created += 1
    # Attach the registers as documents so the gates can be passed; walk to the target phase.
    phases = {p.code: p for p in Phase.objects.filter(project_model=project.project_model)}
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    from samdigi.core.models import Attachment

    for kind in ("charter", "closure_report"):
        attachment = Attachment(
            content_type=ContentType.objects.get_for_model(Project),
            object_id=str(project.pk),
            title=f"{kind}.pdf",
            kind=kind,
            media_type="application/pdf",
        )
        attachment.file.save(f"{kind}.pdf", ContentFile(b"%PDF-1.4\n% demo\n"), save=False)
        attachment.size = attachment.file.size
        attachment.save()
    decided = {}
    for step, (code, (requested_on, decided_on, meeting)) in enumerate(
        zip(path, gates, strict=True), 1
    ):
        # Created with its own date and meeting, so the history shows no later re-dating.
        gate = services.request_gate(
            project,
            phases[code],
            project.project_manager,
            requested_on=requested_on,
            meeting=meeting,
        )
        project.refresh_from_db()
        services.record_decision(
            project,
            phases[code],
            GateDecision.Outcome.APPROVED
            if step % 2
            else GateDecision.Outcome.APPROVED_WITH_CONDITIONS,
            decider,
            request=gate,
            decided_on=decided_on,
            decision_body="Styregruppen" if meeting else f"Direktionen, {project.owner.name}",
            conditions="" if step % 2 else "Kvartalsvis afrapportering til styregruppen",
            meeting=meeting,
            # The approved budget is the business case's total cost, the sum of the cost lines.
            baseline_budget=total,
            baseline_end=project.planned_end,
            baseline_benefits="Halvering af manuelle sagsskridt",
        )
        project.refresh_from_db()
        decided[code] = decided_on
        created += 2
    created += _status_reports(project, phase_code)
    created += _milestones(project, phase_code, decided)
    return created


def _status_reports(project, phase_code) -> int:
    """Monthly reports against the approved baseline; a closed project has its final report,
    on budget and on time, at its end (before the gate that closed it)."""
    if project.baseline_budget is None:
        return 0
    if phase_code == "closed":
        StatusReport.objects.create(
            project=project,
            period_end=project.baseline_end,
            manager_rating="green",
            summary="Slutrapport: projektet er afsluttet inden for budget og tid.",
            forecast_cost=(project.baseline_budget * D("0.97")).quantize(D("0.01")),
            forecast_end=project.baseline_end,
        )
        return 1
    light, factor, months = LIGHTS[phase_code]
    for number, period_end in enumerate(REPORT_MONTHS):
        StatusReport.objects.create(
            project=project,
            period_end=period_end,
            manager_rating="green" if number else light,
            summary="Projektet skrider frem.",
            forecast_cost=(project.baseline_budget * factor).quantize(D("0.01")),
            forecast_end=add_months(project.baseline_end, months),
        )
    return len(REPORT_MONTHS)


def _milestones(project, phase_code, decided) -> int:
    """The contract and the go-live: reached on the gates that followed them, else ahead."""
    contract_on = decided.get("execution")
    live_on = decided.get("realisation")
    project.milestones.create(
        title="Kontrakt underskrevet",
        due=contract_on or datetime.date(2027, 2, 1),
        done_on=contract_on,
    )
    project.milestones.create(
        title="Idriftsættelse",
        due=live_on or datetime.date(2027, 10, 1),
        done_on=live_on,
    )
    return 2


def _pending_request(project, phase_code, index, upcoming) -> int:
    """Joint projects in analysis ask for their next gate at the coming meeting."""
    if not project.is_joint or phase_code != "analysis" or index % 3 != 1:
        return 0
    path = gate_path("execution", index)
    target = Phase.objects.get(project_model=project.project_model, code=path[1])
    services.request_gate(
        project,
        target,
        project.project_manager,
        requested_on=upcoming.date - REQUEST_LEAD,
        meeting=upcoming,
        justification="Analysen er færdig; business casen er opdateret.",
    )
    return 1
