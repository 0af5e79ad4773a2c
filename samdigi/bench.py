"""`make bench`: the heavier work measured at national scale, never asserted in tests.

Run with `python -m samdigi.bench`. Each app may offer `samdigi.<app>.bench.run()` returning rows
of (name, seconds, note); this module adds the landscape and portfolio rules and prints a table.
"""

import datetime
import importlib
import os
import random
import sys
import time
from decimal import Decimal


def best_of(func, repeat=3):
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def landscape_rows():
    from samdigi.landscape.rules import deadlines

    rng = random.Random(42)
    today = datetime.date(2026, 11, 29)
    contracts = []
    for _ in range(100_000):
        expiration = today + datetime.timedelta(days=rng.randint(-400, 2500))
        running = rng.random() < 0.1
        count = rng.randint(0, 3)
        contracts.append(
            deadlines.ContractDates(
                expiration=None if running else expiration,
                notice_months=rng.choice((0, 3, 6, 12)),
                notice_to_end_of=rng.choice(("none", "month", "quarter", "year")),
                option_count=0 if running else count,
                option_months=rng.choice((6, 12, 24)) if count and not running else 0,
                options_used=0,
                terminated_on=today - datetime.timedelta(days=30) if rng.random() < 0.05 else None,
                procurement_procedure=rng.choice(("open", "national", "framework_call_off")),
            )
        )

    def run():
        for contract in contracts:
            deadlines.deadlines(contract, today, 12)
            deadlines.validity(contract, today)

    return [
        ("deadline engine: deadlines + validity for 100,000 contracts", best_of(run), "pure Python")
    ]


def portfolio_rows():
    from samdigi.portfolio.rules import business_case, cost_sharing

    rng = random.Random(7)
    participants = [
        cost_sharing.Participant(
            municipality_code=f"{100 + i:03d}", population=rng.randint(1_800, 670_000)
        )
        for i in range(98)
    ]
    lines = [Decimal(rng.randint(1, 10_000_000_00)) / 100 for _ in range(10_000)]

    def share():
        for amount in lines:
            cost_sharing.split_cost(amount, participants, "population")

    years = [
        business_case.YearLine(
            year=y,
            investment=Decimal("2500000.00") if y < 2 else 0,
            running=Decimal("400000.00"),
            budget_releasing=Decimal("900000.00"),
        )
        for y in range(10)
    ]

    def cases():
        for _ in range(200):
            business_case.participant_summaries(years, participants[:17], "population")

    return [
        (
            "cost sharing: 10,000 cost lines over 98 municipalities",
            best_of(share),
            "largest remainder, øre",
        ),
        (
            "business cases: 200 cases × 17 participants × 10 years",
            best_of(cases, 1),
            "NPV at 3.5 %",
        ),
    ]


def app_rows():
    rows = []
    for app in ("procurement", "portfolio", "landscape"):
        try:
            module = importlib.import_module(f"samdigi.{app}.bench")
        except ModuleNotFoundError as error:
            if error.name == f"samdigi.{app}.bench":
                continue
            raise
        rows.extend(module.run())
    return rows


def main():
    # A throwaway SQLite database: benchmarks fill it with a country's worth of rows.
    import tempfile

    workdir = tempfile.mkdtemp(prefix="samdigi-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samdigi.settings")
    os.environ["AXES_ENABLED"] = "false"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    rows = [*landscape_rows(), *portfolio_rows(), *app_rows()]
    width = max(len(name) for name, _seconds, _note in rows)
    print(f"{'benchmark':<{width}}  {'seconds':>9}  note")
    for name, seconds, note in rows:
        print(f"{name:<{width}}  {seconds:>9.3f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
