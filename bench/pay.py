"""Benchmark: the pay compliance summary and the simulator, on the national demo, against the same aggregate as
one hand-written SQL statement on the same database (DESIGN §4: goal ≤ 1.5×).

    .venv/bin/python bench/pay.py [--url sqlite:///var/bench/pay-national.sqlite3] [--build] [--repeat 3]

--build migrates the database and loads `talent demo --scale national` into it when it holds no regions (this
takes a while). Each measurement is the best of --repeat runs, after one warm-up run. Printed per case: seconds
through talent.pay (selectors / simulator, as the page and the API call them), seconds for the raw statement
(executed on the same connection), their ratio, and whether both gave the same numbers.
"""

import argparse
import asyncio
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tortoise import Tortoise  # noqa: E402

from bench.reports import best as best_of  # noqa: E402
from talent.core.access import Role, Scope  # noqa: E402
from talent.db import is_postgres, tortoise_config  # noqa: E402

ADMIN = Scope(user_id=0, role=Role.ADMIN)


def lit(day: date, pg: bool) -> str:
    return f"DATE '{day.isoformat()}'" if pg else f"'{day.isoformat()}'"


def _terms(day: date, pg: bool):
    """The pieces both statements use: the day as a literal, a numeric column as a number, and the full years since
    a worker's first start (x.first_start) on the day."""
    num = (lambda c: c) if pg else (lambda c: f"CAST({c} AS REAL)")
    years = (
        f"({day.year} - CAST(EXTRACT(YEAR FROM x.first_start) AS INTEGER) - CASE WHEN to_char(x.first_start, 'MM-DD')"
        f" > '{day:%m-%d}' THEN 1 ELSE 0 END)"
        if pg
        else f"({day.year} - CAST(strftime('%Y', x.first_start) AS INTEGER) - CASE WHEN strftime('%m-%d',"
        f" x.first_start) > '{day:%m-%d}' THEN 1 ELSE 0 END)"
    )
    return lit(day, pg), num, years


def raw_compliance(day: date, pg: bool, prefix: str = "") -> str:
    """Headcount, counts by status and the shortfall total, written out by hand in one statement."""
    d, num, years = _terms(day, pg)
    where = f" AND st.region_path LIKE '{prefix}%'" if prefix else ""
    return f"""
WITH a AS (
  SELECT sp.worker_id, st.region_path FROM employment_spells sp JOIN stations st ON st.id = sp.station_id
  WHERE sp.full_time = TRUE AND sp.start_on <= {d} AND (sp.end_on IS NULL OR sp.end_on >= {d}){where}
), p AS MATERIALIZED (
  SELECT q.region_path, (SELECT s.id FROM pay_standards s WHERE s.status = 'published' AND s.effective_from <= {d}
    AND substr(q.region_path, 1, length(s.region_path)) = s.region_path
    ORDER BY s.region_path DESC, s.effective_from DESC, s.published_at DESC, s.id DESC LIMIT 1) AS sid
  FROM (SELECT DISTINCT region_path FROM a) q
), fs AS (
  SELECT worker_id, MIN(start_on) AS first_start FROM employment_spells
  WHERE worker_id IN (SELECT worker_id FROM a) GROUP BY worker_id
), x AS MATERIALIZED (
  SELECT p.sid,
    COALESCE((SELECT MAX(c.level) FROM certificates c WHERE c.worker_id = a.worker_id AND c.obtained_on <= {d}), 'none')
      AS lvl, fs.first_start,
    (SELECT {num("r.monthly_base")} + {num("r.monthly_allowances")} FROM pay_salary_records r
      WHERE r.worker_id = a.worker_id AND r.effective_from <= {d} ORDER BY r.effective_from DESC LIMIT 1) AS pay
  FROM a LEFT JOIN p ON p.region_path = a.region_path LEFT JOIN fs ON fs.worker_id = a.worker_id
), y AS MATERIALIZED (
  SELECT x.sid, x.pay, {num("s.floor")} AS fl, {num("b.min_pay")} AS lo, {num("b.max_pay")} AS hi
  FROM x LEFT JOIN pay_standards s ON s.id = x.sid
  LEFT JOIN pay_bands b ON b.standard_id = x.sid AND b.level = x.lvl AND b.years_from <= {years}
    AND (b.years_to IS NULL OR {years} < b.years_to)
), z AS (
  SELECT y.*, CASE WHEN y.sid IS NULL THEN 'uncovered' WHEN y.pay IS NULL THEN 'no_record'
    WHEN y.pay < y.fl THEN 'below_floor' WHEN y.lo IS NULL THEN 'within_band' WHEN y.pay < y.lo THEN 'below_band'
    WHEN y.pay <= y.hi THEN 'within_band' ELSE 'above_band' END AS status,
    CASE WHEN y.sid IS NULL OR y.pay IS NULL THEN 0
      WHEN y.pay >= (CASE WHEN y.lo IS NOT NULL AND y.lo > y.fl THEN y.lo ELSE y.fl END) THEN 0
      ELSE (CASE WHEN y.lo IS NOT NULL AND y.lo > y.fl THEN y.lo ELSE y.fl END) - y.pay END AS short
  FROM y
)
SELECT COUNT(*) AS headcount, SUM(CASE WHEN status = 'below_floor' THEN 1 ELSE 0 END) AS below_floor,
  SUM(CASE WHEN status = 'below_band' THEN 1 ELSE 0 END) AS below_band,
  SUM(CASE WHEN status = 'within_band' THEN 1 ELSE 0 END) AS within_band,
  SUM(CASE WHEN status = 'above_band' THEN 1 ELSE 0 END) AS above_band,
  SUM(CASE WHEN status = 'no_record' THEN 1 ELSE 0 END) AS no_record, SUM(short) AS shortfall FROM z"""


def raw_simulation(day: date, pg: bool, standard_id: int, prefix: str, floor: Decimal) -> str:
    """The draft's monthly cost, written by hand: every worker lifted to max(floor, draft band min)."""
    d, num, years = _terms(day, pg)
    return f"""
WITH a AS (
  SELECT sp.worker_id FROM employment_spells sp JOIN stations st ON st.id = sp.station_id
  WHERE sp.full_time = TRUE AND sp.start_on <= {d} AND (sp.end_on IS NULL OR sp.end_on >= {d})
    AND st.region_path LIKE '{prefix}%'
), fs AS (
  SELECT worker_id, MIN(start_on) AS first_start FROM employment_spells
  WHERE worker_id IN (SELECT worker_id FROM a) GROUP BY worker_id
), x AS MATERIALIZED (
  SELECT COALESCE((SELECT MAX(c.level) FROM certificates c WHERE c.worker_id = a.worker_id AND c.obtained_on <= {d}),
      'none') AS lvl, fs.first_start,
    (SELECT {num("r.monthly_base")} + {num("r.monthly_allowances")} FROM pay_salary_records r
      WHERE r.worker_id = a.worker_id AND r.effective_from <= {d} ORDER BY r.effective_from DESC LIMIT 1) AS pay
  FROM a LEFT JOIN fs ON fs.worker_id = a.worker_id
), t AS (
  SELECT x.pay, CASE WHEN {num("b.min_pay")} > {floor:f} THEN {num("b.min_pay")} ELSE {floor:f} END AS target
  FROM x LEFT JOIN pay_bands b ON b.standard_id = {int(standard_id)} AND b.level = x.lvl
    AND b.years_from <= {years} AND (b.years_to IS NULL OR {years} < b.years_to)
)
SELECT COUNT(*) AS headcount, SUM(CASE WHEN t.pay IS NOT NULL AND t.pay < t.target THEN t.target - t.pay ELSE 0 END)
  AS monthly FROM t"""


async def best(repeat: int, fn):
    await fn()  # the warm-up run
    return await best_of(fn, repeat)


def money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=f"sqlite://{ROOT / 'var' / 'bench' / 'pay-national.sqlite3'}")
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    config = tortoise_config(args.url)
    if args.build:
        from tortoise.cli.cli import tortoise_cli_context
        from tortoise.migrations.api import migrate

        async with tortoise_cli_context(config):
            await migrate(config=config)
    await Tortoise.init(config=config)
    from talent.demo import load_demo
    from talent.pay import selectors, services, simulator
    from talent.pay.models import SalaryStandard, StandardStatus
    from talent.places.models import Region

    if args.build and not await Region.exists():
        await load_demo(scale="national", seed=2026)
    pg = is_postgres(args.url)
    conn = SalaryStandard._meta.db
    day = date.today()
    rows = []

    async def raw(sql: str):
        return (await conn.execute_query_dict(sql))[0]

    # 1. compliance summary of everything (the admin's page and API), and of one province grouped by its cities.
    t_app, s = await best(args.repeat, lambda: selectors.compliance_summary(scope=ADMIN, on=day))
    t_raw, r = await best(args.repeat, lambda: raw(raw_compliance(day, pg)))
    same = (
        s.headcount == r["headcount"]
        and s.counts["below_floor"] == r["below_floor"]
        and (s.shortfall_total == money(r["shortfall"]))
    )
    rows.append(("compliance summary, national", s.headcount, t_app, t_raw, same))
    province = await Region.filter(level="province").order_by("path").first()
    t_app, s = await best(
        args.repeat, lambda: selectors.compliance_summary(scope=ADMIN, on=day, region=province, group_by="region")
    )
    t_raw, r = await best(args.repeat, lambda: raw(raw_compliance(day, pg, province.path)))
    same = s.headcount == r["headcount"] and s.shortfall_total == money(r["shortfall"])
    rows.append((f"compliance by city, {province.name}", s.headcount, t_app, t_raw, same))

    # 2. the simulator: the demo county's draft, and a draft for the first province (made here, removed after).
    county_draft = await SalaryStandard.filter(status=StandardStatus.DRAFT).order_by("id").first()
    published = (
        await SalaryStandard.filter(region_path=province.path, status="published").order_by("-effective_from").first()
    )
    province_draft = await services.standard_new_version(
        actor=None, scope=ADMIN, source=published, effective_from=day, uplift_pct=Decimal(5)
    )
    try:
        for label, draft in (("simulator, county draft", county_draft), ("simulator, province draft", province_draft)):
            if draft is None:
                continue
            inputs = simulator.Inputs(on=day, floor=draft.floor)
            t_app, res = await best(
                args.repeat, lambda d=draft, i=inputs: simulator.simulate(scope=ADMIN, standard=d, inputs=i)
            )
            t_raw, r = await best(
                args.repeat, lambda d=draft: raw(raw_simulation(day, pg, d.id, d.region_path, d.floor))
            )
            same = res.total.headcount == r["headcount"] and res.total.monthly == money(r["monthly"])
            rows.append((label, res.total.headcount, t_app, t_raw, same))
    finally:
        await services.standard_delete(actor=None, scope=ADMIN, standard=province_draft)

    engine = "PostgreSQL" if pg else "SQLite"
    print(f"pay benchmark on {engine}, {args.url.split('@')[-1]}, day {day}, best of {args.repeat}")
    print(f"{'case':42} {'workers':>8} {'talent s':>9} {'raw s':>8} {'ratio':>6}  same numbers")
    for label, n, t_app, t_raw, same in rows:
        print(f"{label:42} {n:>8} {t_app:>9.3f} {t_raw:>8.3f} {t_app / t_raw:>6.2f}  {'yes' if same else 'NO'}")
    await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(main())
