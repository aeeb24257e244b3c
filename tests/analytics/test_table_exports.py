"""A single report table's export builds only the part of the report that table reads (tables.PART): the same rows
as the table cut from the whole report, for a fraction of its statements."""

import csv
import io

from talent.analytics import tables
from tests.analytics.data import build
from tests.analytics.test_pages import PERIOD
from tests.conftest import login
from tests.querycount import count_queries


def rows_of(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_each_table_export_holds_the_rows_of_the_whole_report_and_builds_only_its_part(client, db):
    from talent.accounts.models import User
    from talent.accounts.selectors import scope_for
    from talent.analytics.area import area_for
    from talent.analytics.params import report_dates
    from talent.analytics.reports import full_report
    from talent.core.clock import local_today

    await build()
    await login(client, "citybureau")
    user = await User.get(username="citybureau").select_related("region")
    area = await area_for(await scope_for(user, today=local_today()))
    dates, _valid = report_dates(local_today(), PERIOD["on"], PERIOD["from"], PERIOD["to"], "")
    whole = await full_report(area, dates, "")
    async with count_queries() as page:
        assert (await client.get("/reports", params=PERIOD)).status_code == 200
    assert set(tables.PART) == set(tables.TABLES)
    for table, build_table in tables.TABLES.items():
        async with count_queries() as counter:
            r = await client.get(f"/reports/{table}/export", params={**PERIOD, "format": "csv"})
        assert r.status_code == 200, table
        headers, rows = build_table(whole)
        expected = [headers, *[["" if v is None else str(v) for v in row] for row in rows]]
        assert rows_of(r.content) == expected, table
        # The page's 26 statements against at most eight for one table (staffing: its list, its summary, the
        # network per kind and the session; the others fewer).
        assert counter.count <= 8 < page.count, (table, counter.count, page.count)
