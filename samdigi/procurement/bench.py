"""Benchmarks of the procurement rules at national scale (pure modules, no Django database).

`run()` returns rows (name, seconds, note), best of three with time.perf_counter:
- the opportunity finder over 40,000 synthetic contracts in 98 municipalities;
- the backward scheduler for 10,000 tenders;
- the core of the same grouping (per system, the date covered by the most municipalities) as one
  SQL query in an in-memory SQLite database, for comparison.
"""

from __future__ import annotations

import datetime
import random
import sqlite3
import time
from decimal import Decimal

from samdigi.procurement.rules import opportunities, schedule

AS_OF = datetime.date(2026, 11, 29)
CONTRACTS = 40_000
MUNICIPALITIES = 98
SYSTEMS = 600
TENDERS = 10_000
KLE_AREAS = ("00", "02", "27", "28", "29", "32", "54", "81", "85", "88")
TYPES = ("licence", "operation", "support", "saas", "development")


def best_of(func, repeat=3):
    best = None
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def synthetic_contracts(count=CONTRACTS, seed=5) -> list[opportunities.ContractInfo]:
    rng = random.Random(seed)
    codes = [f"{101 + i:03d}" for i in range(MUNICIPALITIES)]
    rows = []
    for index in range(count):
        end = AS_OF + datetime.timedelta(days=rng.randint(-200, 2200))
        end = schedule.add_months(end.replace(day=1), 1) - datetime.timedelta(days=1)
        options = rng.choice((0, 0, 1, 1, 2, 3))
        months = rng.choice((6, 12, 12, 24)) if options else 0
        annual = Decimal(rng.randint(50_000, 3_000_000))
        system = rng.randint(1, SYSTEMS) if rng.random() < 0.8 else None
        rows.append(
            opportunities.ContractInfo(
                contract_id=str(index),
                municipality_code=rng.choice(codes),
                system_id=system,
                kle_areas=tuple(sorted(rng.sample(KLE_AREAS, rng.randint(1, 2)))),
                contract_type=rng.choice(TYPES),
                current_end=end,
                latest_possible_end=schedule.add_months(end, options * months),
                option_months=months,
                options_remaining=options,
                annual_value=annual,
                estimated_value=annual * 4 + annual * options * months / 12,
            )
        )
    return rows


def finder_row():
    contracts = synthetic_contracts()

    def find():
        return opportunities.find_opportunities(
            contracts, AS_OF, window_months=36, max_prolongation=12, min_lead_months=12
        )

    seconds, report = best_of(find)
    return (
        (
            f"opportunity finder: {CONTRACTS:,} contracts in {MUNICIPALITIES} municipalities",
            seconds,
            f"{len(report.groups):,} groups found",
        ),
        contracts,
        report,
    )


def scheduler_row():
    rng = random.Random(11)
    cases = [
        (
            rng.choice(schedule.PROCEDURES),
            rng.choice(schedule.CATEGORIES),
            Decimal(rng.randint(100_000, 60_000_000)),
            AS_OF + datetime.timedelta(days=rng.randint(200, 2000)),
            rng.random() < 0.9,
            rng.random() < 0.1,
        )
        for _ in range(TENDERS)
    ]

    def plan():
        for procedure, category, value, start, electronic, pin in cases:
            schedule.schedule(procedure, category, value, start, electronic, pin)

    seconds, _ = best_of(plan)
    return (f"backward scheduler: {TENDERS:,} tenders", seconds, "classification + verification")


SQL_GROUPING = """
WITH points AS (SELECT DISTINCT system_id, start_day AS day FROM contracts),
scores AS (
    SELECT p.system_id, p.day, COUNT(DISTINCT c.muni) AS municipalities, COUNT(*) AS members,
           SUM(c.cents) AS cents
    FROM points p
    JOIN contracts c ON c.system_id = p.system_id AND c.start_day <= p.day AND p.day <= c.end_day
    GROUP BY p.system_id, p.day
),
ranked AS (
    SELECT *, ROW_NUMBER() OVER (
        PARTITION BY system_id ORDER BY municipalities DESC, members DESC, cents DESC, day
    ) AS position
    FROM scores WHERE municipalities >= 2
)
SELECT system_id, day, municipalities, members, cents FROM ranked WHERE position = 1
"""


def sql_row(contracts):
    """The first (best) target per system as one SQL query; the finder does more (repeated
    sweeps, KLE matching, plans, reasons), so this is a lower bound of the SQL alternative."""
    lo = schedule.add_months(AS_OF, 12).toordinal()
    hi = schedule.add_months(AS_OF, 36).toordinal()
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE contracts (system_id INTEGER, muni TEXT, start_day INTEGER, "
        "end_day INTEGER, cents INTEGER)"
    )
    rows = []
    for info in contracts:
        if info.system_id is None:
            continue
        reach = schedule.add_months(
            info.current_end, info.options_remaining * info.option_months
        ).toordinal()
        start, end = max(info.current_end.toordinal(), lo), min(reach, hi)
        if start <= end:
            rows.append(
                (
                    info.system_id,
                    info.municipality_code,
                    start,
                    end,
                    int(info.estimated_value * 100),
                )
            )
    db.executemany("INSERT INTO contracts VALUES (?, ?, ?, ?, ?)", rows)
    db.execute("CREATE INDEX contracts_system_start ON contracts (system_id, start_day, end_day)")
    seconds, found = best_of(lambda: db.execute(SQL_GROUPING).fetchall())
    db.close()
    return (
        "same grouping as one SQL query (SQLite, in memory)",
        seconds,
        f"{len(found):,} systems with a best date; options only, no § 180, no KLE, one sweep",
    )


def run() -> list[tuple[str, float, str]]:
    finder, contracts, _report = finder_row()
    sql = sql_row(contracts)
    ratio = sql[1] / finder[1] if finder[1] else 0
    sql = (sql[0], sql[1], f"{sql[2]}; {ratio:.1f}× the finder's time")
    return [finder, scheduler_row(), sql]


if __name__ == "__main__":
    for name, seconds, note in run():
        print(f"{name:<70} {seconds:8.3f} s  {note}")
