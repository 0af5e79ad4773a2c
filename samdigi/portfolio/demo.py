"""Demo portfolio for the Sjælland demo association: the joint public strategy 2026–2029, joint and
local projects in every phase with gate decisions, a steering-committee meeting with minutes,
business cases, risks, status reports in all three colours and benefits with measurements.

Idempotent: everything is found by its natural key (get_or_create) before it is created.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from samdigi.core.demo import demo_seeder
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
LIGHTS = {"execution": ("green", D("0.98"), 0), "realisation": ("yellow", D("1.08"), 2)}


def _user(username):
    return get_user_model().objects.filter(username=username).first()


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
    meeting, new = SteeringMeeting.objects.get_or_create(
        owner=association,
        title="Styregruppemøde, marts",
        defaults={
            "date": datetime.date(2026, 3, 12),
            "location": "Roskilde Rådhus",
            "other_items": "Orientering om udbudsplan\nEventuelt",
            "minutes": "Styregruppen behandlede porteføljen og traf beslutningerne nedenfor.",
        },
    )
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
                "start_date": datetime.date(2025, 1 + index % 12, 1),
                "planned_end": datetime.date(2027, 1 + index % 12, 28),
                "population_date": datetime.date(2026, 1, 1),
                "published": kind == Project.Kind.JOINT,
                "tags": "demo",
            },
        )
        if not new:
            continue
        created += 1
        project.goals.add(goals[goal])
        created += _fill(project, phase_code, meeting, municipalities, steering, index)
    return created


def _fill(project, phase_code, meeting, municipalities, decider, index) -> int:
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
    amount = D(400000 + 150000 * index)
    for year in (2026, 2027, 2028):
        CostLine.objects.create(
            project=project,
            year=year,
            kind=CostLine.Kind.INVESTMENT if year == 2026 else CostLine.Kind.RUNNING,
            amount=amount if year == 2026 else (amount / 4).quantize(D("0.01")),
        )
        created += 1
    case = BusinessCase.objects.create(project=project, start_year=2026, title="Første version")
    for offset in range(5):
        BusinessCaseLine.objects.create(
            business_case=case,
            year=2026 + offset,
            investment=amount if offset == 0 else D(0),
            running=(amount / 4).quantize(D("0.01")) if offset else D(0),
            budget_releasing=(amount / 2).quantize(D("0.01")) if offset else D(0),
            other_economic=D("25000.00") if offset else D(0),
            non_monetary="Bedre service for borgerne" if offset == 1 else "",
        )
    Risk.objects.create(
        project=project,
        title="Leverandøren leverer for sent",
        probability=3 + index % 3,
        consequence=4,
        residual_probability=2,
        residual_consequence=3,
        responsible="Projektlederen",
        next_review=datetime.date(2026, 6, 1),
    )
    Risk.objects.create(
        project=project,
        title="Manglende ressourcer i kommunerne",
        probability=2,
        consequence=2 + index % 4,
        response=Risk.Response.ACCEPT,
    )
    benefit = Benefit.objects.create(
        project=project,
        title="Færre manuelle sagsskridt",
        kind=Benefit.Kind.BUDGET_RELEASING,
        responsible="Borgerservicechefen",
        kpi="Manuelle sagsskridt pr. måned",
        unit="skridt",
        baseline_value=D("1200"),
        baseline_date=datetime.date(2025, 12, 31),
        target_value=D("600"),
        target_date=datetime.date(2028, 12, 31),
    )
    for month, value in ((3, "1150"), (6, "1010"), (9, "930")):
        Measurement.objects.create(
            benefit=benefit, date=datetime.date(2026, month, 30), value=D(value)
        )
    created += 13
    # Attach the registers as documents so the gates can be passed; walk to the target phase.
    target = PHASES.index(phase_code)
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
    for step, code in enumerate(PHASES[1 : target + 1], 1):
        if code == "procurement" and index % 2:
            continue  # nothing bought: procurement skipped
        gate = services.request_gate(project, phases[code], project.project_manager)
        gate.meeting = meeting if project.is_joint and step == target else None
        # Decided at the meeting, or earlier gates in 2025; asked for two weeks before.
        decided_on = gate.meeting.date if gate.meeting else datetime.date(2025, 2 + step, 10)
        gate.requested_on = decided_on - datetime.timedelta(days=14)
        gate.save()
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
            decision_body="Styregruppen",
            conditions="" if step % 2 else "Kvartalsvis afrapportering til styregruppen",
            meeting=gate.meeting,
            baseline_budget=amount * D("1.5"),
            baseline_end=project.planned_end,
            baseline_benefits="Halvering af manuelle sagsskridt",
        )
        project.refresh_from_db()
        created += 2
    if project.baseline_budget is not None:
        light, factor, months = LIGHTS.get(phase_code, ("red", D("1.12"), 4))
        for month in (1, 2):
            StatusReport.objects.create(
                project=project,
                period_end=datetime.date(2026, month, 28),
                manager_rating="green" if month == 2 else light,
                summary="Projektet skrider frem.",
                forecast_cost=(project.baseline_budget * factor).quantize(D("0.01")),
                forecast_end=project.baseline_end + datetime.timedelta(days=30 * months),
            )
            created += 1
    project.milestones.create(title="Kontrakt underskrevet", due=datetime.date(2026, 4, 1))
    project.milestones.create(title="Idriftsættelse", due=datetime.date(2026, 11, 1))
    return created + 2
