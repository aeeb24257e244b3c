"""Benchmark: supervision coverage and cohort outcomes against hand-written SQL on the same database (DESIGN §4:
a report costs at most 1.5× the same aggregate as raw SQL).

    TALENT_DATABASE_URL=sqlite:///path/demo.sqlite3 .venv/bin/python bench/cohorts.py [--repeat 20]

On a database holding the demo (any scale), times:
  (a) talent.supervision.selectors.coverage for the whole country (an admin) — three queries — against one raw
      statement counting stations and covered stations;
  (b) talent.cohorts.outcomes.compare for the first cohort — three aggregates — against the same three statements
      run directly;
and prints each ratio (goal ≤ 1.5).
"""

import argparse
import asyncio
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RAW_COVERAGE = """
SELECT COUNT(*) AS stations,
       SUM(CASE WHEN EXISTS (SELECT 1 FROM supervision_assignments a WHERE a.station_id = s.id AND a.is_primary = $1
                AND a.start_on <= $2 AND (a.end_on IS NULL OR a.end_on >= $2)) THEN 1 ELSE 0 END) AS covered
FROM stations s
"""


async def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        await fn()
        best = min(best, time.perf_counter() - started)
    return best


async def main(repeat: int) -> None:
    from tortoise import Tortoise

    from talent import rawsql
    from talent.cohorts import outcomes
    from talent.cohorts.models import Cohort
    from talent.cohorts.rules import RETENTION_DAYS
    from talent.core.access import Role, Scope
    from talent.db import tortoise_config
    from talent.people.models import EmploymentSpell
    from talent.places.models import Station
    from talent.supervision import selectors
    from talent.supervision.models import Assignment

    await Tortoise.init(config=tortoise_config())
    try:
        today = date.today()
        admin = Scope(user_id=0, role=Role.ADMIN)
        true = rawsql.db_value(Assignment, "is_primary", True)
        day = rawsql.db_value(Assignment, "start_on", today)
        page = await _best(lambda: selectors.coverage(scope=admin, region=None, today=today), repeat)
        raw = await _best(lambda: rawsql.fetch_all(Station, RAW_COVERAGE, true, day), repeat)
        print(f"coverage (country): page {page * 1000:.2f} ms, raw SQL {raw * 1000:.2f} ms, ratio {page / raw:.2f}")
        cohort = await Cohort.all().order_by("id").first()
        if cohort is None:
            print("no cohort: load the demo first")
            return
        whole = await _best(lambda: outcomes.compare(cohort=cohort, on=today), repeat)
        dialect = Station._meta.db.capabilities.dialect
        spell = EmploymentSpell
        marks = [rawsql.db_value(spell, "start_on", today - timedelta(days=d)) for d in RETENTION_DAYS.values()]
        args = [
            cohort.region_path,
            rawsql.db_value(spell, "full_time", True),
            rawsql.db_value(spell, "start_on", today),
        ]
        other = "external_introduction" if cohort.kind == "internal_incubation" else "internal_incubation"
        statements = [
            (outcomes._sql(outcomes.COHORT_GROUP, dialect), [*args, *marks, cohort.id]),
            (outcomes._sql(outcomes.OTHER_GROUP, dialect), [*args, *marks, other, cohort.id]),
            (
                outcomes._sql(outcomes.OUTSIDE_GROUP, dialect),
                [
                    *args,
                    *marks,
                    rawsql.db_value(spell, "start_on", date(2000, 1, 1)),
                    rawsql.db_value(spell, "start_on", today),
                ],
            ),
        ]

        async def three_raw():
            for sql, values in statements:
                await rawsql.fetch_all(spell, sql, *values)

        raw3 = await _best(three_raw, repeat)
        print(
            f"cohort outcomes: page {whole * 1000:.2f} ms, 3 raw statements {raw3 * 1000:.2f} ms, "
            f"ratio {whole / raw3:.2f}"
        )
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    asyncio.run(main(parser.parse_args().repeat))
