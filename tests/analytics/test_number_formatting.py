"""Counts on the reports and the dashboard are written the locale's way (12,345), like the figures beside them: a
country's report showed "可办理再登记: 2570" and "37436 张已登记证书中 30741 张" next to "82,947" (national demo)."""

import re
from pathlib import Path

from talent.analytics import reports
from talent.dashboard import router as dashboard_router
from tests.conftest import login, text_of
from tests.factories import world

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# A number cell or a bold figure: its expressions go through a formatter (or are a literal dash).
CELL = re.compile(r'<td class="text-end">(.*?)</td>|<strong[^>]*>(.*?)</strong>', re.S)
EXPRESSION = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.S)
FORMATTED = re.compile(r'^(m\.rate\(|")|\|\s*format_(number|percent)\b')


def test_every_number_cell_of_the_reports_and_the_dashboard_goes_through_a_formatter():
    bare = []
    for name in ("analytics/_fragment.html", "dashboard/page.html"):
        for cell in CELL.finditer((TEMPLATES / name).read_text()):
            # The cell's text, not its links' addresses.
            text = re.sub(r"<[^>]*>", "", cell[1] or cell[2] or "")
            for expression in EXPRESSION.findall(text):
                if not FORMATTED.search(expression):
                    bare.append((name, expression))
    assert bare == []


async def test_the_reports_counts_needing_action_and_the_figures_formulas_read_with_thousands_separators(
    client, monkeypatch
):
    await world()
    page_report = reports.page_report

    async def large(*args, **kwargs):
        report = await page_report(*args, **kwargs)
        report["ce"]["registration"]["renewal_open"] = 12345
        report["ce"]["totals"].update(on_track=30741, registered=37436)
        report["turnover"]["first_year_attrition"].update(left=1801, hires=11238)
        return report

    monkeypatch.setattr(reports, "page_report", large)
    await login(client, "admin")
    page = text_of((await client.get("/reports")).text)
    assert "12,345" in page and "30,741" in page and "37,436" in page
    assert "1,801" in page and "11,238" in page
    assert "12345" not in page and "37436" not in page


async def test_the_dashboards_counts_needing_action_read_with_thousands_separators(client, monkeypatch):
    await world()
    staff_dashboard = dashboard_router.staff_dashboard

    async def large(**kwargs):
        dashboard = await staff_dashboard(**kwargs)
        dashboard["attention"] = {key: 26915 for key in dashboard["attention"]}
        return dashboard

    monkeypatch.setattr(dashboard_router, "staff_dashboard", large)
    await login(client, "admin")
    page = text_of((await client.get("/")).text)
    assert "26,915" in page and "26915" not in page
