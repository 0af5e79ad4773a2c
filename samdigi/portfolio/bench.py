"""Portfolio at national scale (run by `make bench` on a throwaway database, never in tests):
the portfolio list and a project page at 5,000 projects with 50,000 status reports, and cost sharing
for 98 participants × 10 years × 20 lines."""

import datetime
import random
import statistics
import time
from decimal import Decimal


def _timed(func, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return samples


def _p95(samples):
    return statistics.quantiles(samples, n=20)[-1]


def run():
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from samdigi.core.history import acting_as
    from samdigi.organizations.models import (
        Association,
        AssociationMember,
        Membership,
        Municipality,
    )
    from samdigi.portfolio.models import Project, ProjectModel, StatusReport
    from samdigi.portfolio.rules import cost_sharing

    rows = []
    rng = random.Random(11)
    municipalities = list(Municipality.objects.order_by("code"))
    participants = [
        cost_sharing.Participant(municipality_code=m.code, population=m.population)
        for m in municipalities
    ]
    lines = [
        cost_sharing.CostLine(amount=Decimal(rng.randint(10_000_00, 5_000_000_00)) / 100)
        for _year in range(10)
        for _line in range(20)
    ]
    best = min(_timed(lambda: cost_sharing.split_costs(lines, participants), 5))
    rows.append(("cost sharing: 98 participants × 10 years × 20 lines", best, "target < 0.05 s"))

    association, _ = Association.objects.get_or_create(
        short_name="BENCH", defaults={"name": "Bench"}
    )
    for municipality in municipalities:
        AssociationMember.objects.get_or_create(
            association=association,
            municipality=municipality,
            defaults={"joined": datetime.date(2020, 1, 1)},
        )
    user, _ = get_user_model().objects.get_or_create(username="bench-steering")
    Membership.objects.get_or_create(
        user=user, organization=association, defaults={"role": "steering_member"}
    )
    model = ProjectModel.objects.for_association(association)
    phases = list(model.phases.order_by("order"))
    if Project.objects.count() < 5_000:
        with transaction.atomic(), acting_as(None):
            projects = Project.objects.bulk_create(
                [
                    Project(
                        title=f"Projekt {index}",
                        kind="joint" if index % 3 == 0 else "local",
                        owner=association if index % 3 == 0 else municipalities[index % 98],
                        project_model=model,
                        phase=phases[index % len(phases)],
                        start_date=datetime.date(2025, 1, 1),
                        planned_end=datetime.date(2028, 1, 1),
                    )
                    for index in range(5_000)
                ],
                batch_size=1000,
            )
            lights = ("green", "yellow", "red")
            StatusReport.objects.bulk_create(
                [
                    StatusReport(
                        project=project,
                        period_end=datetime.date(2025, 1, 31) + datetime.timedelta(days=30 * month),
                        manager_rating=lights[month % 3],
                        cost_light=lights[(month + 1) % 3],
                        schedule_light=lights[month % 2],
                        computed_light=lights[(month + 2) % 3],
                    )
                    for project in projects
                    for month in range(10)
                ],
                batch_size=2000,
            )
    client = Client()
    client.force_login(user)
    assert client.get("/projects/").status_code == 200
    reset_queries()  # a full query log (DEBUG) makes CaptureQueriesContext count nothing
    with CaptureQueriesContext(connection) as queries:
        client.get("/projects/")
    page = _timed(lambda: client.get("/projects/"), 40)
    rows.append(
        (
            "portfolio list, 5,000 projects (p95)",
            _p95(page),
            f"{len(queries)} queries; target < 0.1 s",
        )
    )
    project = Project.objects.filter(kind="joint").first()
    url = project.get_absolute_url()
    assert client.get(url).status_code == 200
    reset_queries()  # a full query log (DEBUG) makes CaptureQueriesContext count nothing
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    detail = _timed(lambda: client.get(url), 40)
    rows.append(
        (
            "project page with 10 status reports (p95)",
            _p95(detail),
            f"{len(queries)} queries; target < 0.1 s",
        )
    )
    status = _timed(lambda: client.get(f"{url}status/"), 40)
    rows.append(("project status tab (p95)", _p95(status), "target < 0.1 s"))
    return rows
