"""The charts' data in the reports page: JSON beside each canvas, every label in the reader's language (the
retention chart's axis title came from the script, in English on a Chinese page)."""

import json
import re

from tests.analytics.data import build
from tests.analytics.test_pages import PERIOD
from tests.conftest import login


def chart(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{chart_id}">(.*?)</script>', html, re.S)
    assert match, chart_id
    return json.loads(match.group(1))


async def test_the_retention_chart_names_its_axis_in_the_readers_language(client, db):
    await build()
    await login(client, "citybureau")
    english = chart((await client.get("/reports", params=PERIOD)).text, "chart-retention")
    chinese = chart(
        (await client.get("/reports", params=PERIOD, headers={"Accept-Language": "zh-CN"})).text, "chart-retention"
    )
    assert english["x_title"] == "Days since the start of tenure"
    assert chinese["x_title"] == "自入职起的天数"
    assert chinese["curves"] and chinese["curves"][0]["points"][0] == {"days": 0, "survival": 1.0}


async def test_the_exit_reasons_table_names_types_and_reasons_in_the_readers_language(client, db):
    from talent.people.models import ExitType

    await build()
    await login(client, "citybureau")
    html = (await client.get("/reports", params=PERIOD, headers={"Accept-Language": "zh-CN"})).text
    table = html[html.index("chart-turnover") :]
    # The city's 2024 separations include voluntary ones (tests/analytics/test_turnover.py).
    assert f"<td>{ExitType.VOLUNTARY.label.tr()}</td>" in table or ExitType.VOLUNTARY.label.tr() in table
    assert "<td>voluntary</td>" not in table
