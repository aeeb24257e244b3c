"""Reports against hand-written SQL: for each measure, the selector's time (as the pages and the API call it)
versus one hand-written SQL statement computing the same aggregate on the same database, with the numbers
checked equal; then the API answers and the /reports page end to end, with their query counts.

    talent demo --scale county            # into the database below (TALENT_DATABASE_URL)
    .venv/bin/python bench/reports.py [--db sqlite:///path.sqlite3 | postgres://…] [--repeat 5]

Each figure is the best of --repeat runs (the machine is shared); the goal (DESIGN §4) is a ratio ≤ 1.5.
The query count of the page must not depend on the data size (tests/analytics/test_pages.py checks it on
small data; this script prints it on the large one).
"""

import argparse
import asyncio
import io
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


async def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = await fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def raw_sql(pg: bool) -> dict[str, str]:
    """One hand-written statement per measure; :path, :d, :d0, :d1 are bound per run."""
    d = "CAST(:d AS DATE)" if pg else ":d"
    plus31 = "a.end_on + 31" if pg else "date(a.end_on, '+31 days')"
    active = "sp.full_time AND sp.start_on <= {d} AND (sp.end_on IS NULL OR sp.end_on >= {d})"
    base = "FROM employment_spells sp JOIN stations st ON st.id = sp.station_id WHERE st.region_path LIKE :path AND "
    return {
        "headcount": f"SELECT COUNT(DISTINCT sp.worker_id) {base}{active.format(d=d)}",
        "certification": (
            "SELECT COUNT(DISTINCT sp.worker_id), COUNT(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM certificates c"
            f" WHERE c.worker_id = sp.worker_id AND c.obtained_on <= {d}) THEN sp.worker_id END)"
            f" {base}{active.format(d=d)}"
        ),
        "separations": (
            "SELECT COUNT(*) FROM employment_spells a JOIN stations st ON st.id = a.station_id"
            " WHERE st.region_path LIKE :path AND a.full_time AND a.end_on >= :d0 AND a.end_on <= :d1"
            " AND NOT (a.exit_type = 'transfer' AND EXISTS (SELECT 1 FROM employment_spells b JOIN stations bs"
            " ON bs.id = b.station_id WHERE b.worker_id = a.worker_id AND b.id <> a.id AND b.station_id <> a.station_id"
            f" AND b.start_on >= a.end_on AND b.start_on <= {plus31} AND bs.region_path LIKE :path))"
        ),
    }


def bind(sql: str, values: dict, pg: bool) -> tuple[str, list]:
    order = []

    def repl(match):
        order.append(values[match.group(1)])
        return f"${len(order)}" if pg else "?"

    return re.sub(r":(\w+)", repl, sql), order


def same(a, b) -> str:
    a = a if isinstance(a, tuple) else (a,)
    b = b if isinstance(b, tuple) else (b,)
    return "yes" if tuple(a) == tuple(b) else f"NO {a} != {b}"


async def bench_area(conn, pg: bool, username: str, today: date, repeat: int) -> None:
    from talent.accounts.models import User
    from talent.accounts.selectors import scope_for
    from talent.analytics import reports
    from talent.analytics.area import area_for
    from talent.analytics.measures import TOTAL, certification, headcount, separations_qs
    from talent.analytics.params import report_dates
    from talent.analytics.retention import retention
    from talent.analytics.workforce import ce_compliance, registration_counts, staffing_summary
    from tests.querycount import count_queries

    d0, d1 = today - timedelta(days=364), today
    sqls = raw_sql(pg)
    user = await User.get(username=username).select_related("region")
    area = await area_for(await scope_for(user, today=today))
    values = {"path": (area.path or "") + "%", "d": today, "d0": d0, "d1": d1}
    if not pg:
        values = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}

    async def raw(name):
        sql, args = bind(sqls[name], values, pg)
        return (await conn.execute_query(sql, args))[1][0]

    async def cert_pair():
        figure = (await certification(area, today))[TOTAL]
        return figure.headcount, figure.certified

    cases = [
        ("headcount", lambda: headcount(area, today), lambda r: r[0]),
        ("certification", cert_pair, lambda r: (r[0], r[1])),
        ("separations", lambda: separations_qs(area, d0, d1).count(), lambda r: r[0]),
    ]
    for label, selector, pick in cases:
        t_sel, got = await best(selector, repeat)
        t_raw, row = await best(lambda label=label: raw(label), repeat)
        ratio, equal = t_sel / t_raw, same(got, pick(row))
        print(f"{username:<12} {label:<16} {1000 * t_sel:>12.1f} {1000 * t_raw:>11.1f} {ratio:>6.2f}  {equal}")
    for label, fn in [
        ("retention", lambda: retention(area, today, "level")),
        ("staffing", lambda: staffing_summary(area, today)),
        ("ce", lambda: ce_compliance(area, today)),
        ("registrations", lambda: registration_counts(area, today)),
    ]:
        t_sel, _ = await best(fn, repeat)
        print(f"{username:<12} {label:<16} {1000 * t_sel:>12.1f} {'—':>11} {'—':>6}  (no raw twin yet)")
    dates, _ok = report_dates(today)
    t_full, _ = await best(lambda: reports.full_report(area, dates, ""), max(1, repeat // 2))
    async with count_queries() as counter:
        await reports.full_report(area, dates, "")
    print(f"{username:<12} {'whole page data':<16} {1000 * t_full:>12.1f} {'':>18}  {counter.count} queries")
    # The yearly report's files from the same data (no query of their own): the PDF and the workbook.
    from talent.analytics import pdf, tables

    yearly = await reports.full_report(area, dates, "level")

    async def build_files():
        tables.workbook(yearly, io.BytesIO())
        name = area.region.name if area.region else "-"
        return pdf.yearly_pdf(yearly, region_name=name, year=today.year, on=today, start=d0, end=d1, generated=today)

    t_files, body = await best(build_files, max(1, repeat // 2))
    print(f"{username:<12} {'yearly pdf+xlsx':<16} {1000 * t_files:>12.1f} {'':>18}  {len(body) // 1024} KiB PDF")


async def run(db_url: str, repeat: int) -> None:
    from tortoise.connection import get_connection
    from tortoise.context import TortoiseContext

    from talent import domains
    from talent.db import tortoise_config

    domains.load()
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(db_url))
        conn = get_connection("default")
        pg = conn.capabilities.dialect == "postgres"
        today = date.today()
        print(f"database: {conn.capabilities.dialect}; day {today}; best of {repeat}")
        print(f"{'area':<12} {'measure':<16} {'selector ms':>12} {'raw SQL ms':>11} {'ratio':>6}  equal")
        for username in ("bureau", "citybureau", "admin"):
            await bench_area(conn, pg, username, today, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="", help="database URL (default: TALENT_DATABASE_URL)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from talent.settings import get_settings

    asyncio.run(run(args.db or get_settings().database_url, args.repeat))


if __name__ == "__main__":
    main()
