"""Yearly assessments and pay changes through HTTP and spreadsheets: the `assessments` kind in codes or Chinese words
with an export that re-imports unchanged; HR's list and form; the proposals page, its accept and dismiss buttons,
and a query count that does not grow with the workers; performance steps on the standard's form and page."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from talent.audit.models import AuditEntry
from talent.core import export as writers
from talent.imports.framework import get_kind, run
from talent.pay.models import Assessment, PerformanceStep, SalaryRecord
from tests.conftest import csrf_of, login, post, text_of
from tests.factories import world
from tests.pay.helpers import ADMIN, band, hire, salary, standard
from tests.querycount import count_queries


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(date(2026, 3, 1), tick=False):
        yield


@pytest.fixture
async def setup(db):
    w = await world()
    await standard(
        w["regions"]["county_a"],
        date(2025, 1, 1),
        3600,
        [band("none", 0, None, 3600, 4400), band("assistant", 0, None, 4200, 5200)],
        steps={"excellent": Decimal(300)},
        title="玄武区社工薪酬标准",
    )
    for worker in w["workers"]:
        await salary(worker, date(2022, 1, 1), 4000)
    return w


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "assessments.csv"
    path.write_text(text, encoding="utf-8")
    return path


async def test_assessments_import_in_codes_or_chinese_words_and_export_back_unchanged(client, setup, tmp_path):
    path = _csv(tmp_path, "工号,考核年度,考核等次\nW1,2025,优秀\nW2,2025,basically_competent\nW3,2024,不合格\n")
    outcome = await run(get_kind("assessments"), path, scope=ADMIN, actor=None, dry_run=False)
    assert outcome.ok, outcome.report()
    grades = {(a.worker_id, a.year): a.grade.value for a in await Assessment.all()}
    w1, w2, w3, _w4 = setup["workers"]
    assert grades == {(w1.id, 2025): "excellent", (w2.id, 2025): "basically_competent", (w3.id, 2024): "incompetent"}
    assert await AuditEntry.filter(entity="pay_assessment", action="create").count() == 3
    await login(client, "admin")
    exported = await client.get("/pay/assessments/export?year=2025&format=csv")
    lines = exported.text.lstrip("\ufeff").strip().splitlines()
    assert lines[1:] == ["W1,2025,excellent", "W2,2025,basically_competent"]
    again = _csv(tmp_path, exported.text.lstrip("\ufeff"))
    outcome = await run(get_kind("assessments"), again, scope=ADMIN, actor=None, dry_run=False)
    assert outcome.ok and (outcome.counts.created, outcome.counts.updated, outcome.counts.unchanged) == (0, 0, 2)


async def test_the_assessments_export_reads_its_rows_from_one_statement_a_batch_at_a_time(client, setup, monkeypatch):
    """The same file from one streamed statement whether its rows fit one batch or take one each."""
    w1, w2, w3, w4 = setup["workers"]
    await Assessment.bulk_create(
        [
            Assessment(worker=w, year=y, grade=g)
            for w, y, g in (
                (w2, 2025, "excellent"),
                (w1, 2025, "competent"),
                (w3, 2024, "incompetent"),
                (w4, 2025, "competent"),
            )
        ]
    )
    await login(client, "admin")
    url = "/pay/assessments/export?format=csv"
    await client.get(url)  # warm-up: the session touch and the like happen once
    async with count_queries() as few:
        whole = (await client.get(url)).text
    monkeypatch.setattr(writers, "BATCH_SIZE", 1)
    async with count_queries() as many:
        each = (await client.get(url)).text
    assert each == whole
    # By year, then worker number.
    assert whole.lstrip("\ufeff").strip().splitlines()[1:] == [
        "W3,2024,incompetent",
        "W1,2025,competent",
        "W2,2025,excellent",
        "W4,2025,competent",
    ]
    assert many.count == few.count and len(many.streamed) == len(few.streamed) == 1


async def test_a_bad_grade_a_future_year_or_a_worker_out_of_scope_refuses_the_file(setup, tmp_path):
    from talent.core.access import Role, Scope

    hr = Scope(user_id=1, role=Role.HR, organisation_id=setup["stations"][0].organisation_id)
    path = _csv(tmp_path, "worker_no,year,grade\nW1,2025,优良\nW2,2027,excellent\nW3,2025,excellent\n")
    outcome = await run(get_kind("assessments"), path, scope=hr, actor=None, dry_run=False)
    assert not outcome.ok
    assert {(p.row, p.column) for p in outcome.problems} == {(2, "grade"), (3, "year"), (4, "worker_no")}
    assert not await Assessment.exists()


async def test_hr_records_an_assessment_and_sees_the_pay_change_proposed(client, setup):
    await login(client, "hr")
    bad = await post(client, "/pay/assessments", {"worker_no": "W3", "year": "2025", "grade": "excellent"})
    assert bad.status_code == 422 and not await Assessment.exists()  # W3 is another organisation's
    ok = await post(client, "/pay/assessments", {"worker_no": "W1", "year": "2025", "grade": "excellent"})
    assert ok.status_code == 303
    listing = text_of((await client.get("/pay/assessments?year=2025")).text)
    assert "工作者1" in listing and "Excellent" in listing
    # HR's search (a jurisdiction's: joined to the workers, where the administrator's searches them first).
    for q, found in (("工作者1", True), ("W1", True), ("工作者3", False)):
        searched = text_of((await client.get("/pay/assessments", params={"year": 2025, "q": q})).text)
        assert ("工作者1" in searched) is found, q
    page = await client.get("/pay/changes?on=2026-03-01")
    text = text_of(page.text)
    # W1: base 4000 + step 300 for excellent = 4300; W2 (no assessment) nothing; W3/W4 another organisation's.
    assert "工作者1" in text and "4,300.00" in text and "工作者2" not in text and "工作者3" not in text
    assert '<strong id="changes-count">1</strong>' in page.text


async def test_hr_deletes_an_assessment_after_a_confirmation_naming_the_worker_and_year(client, setup):
    await login(client, "hr")
    assert (
        await post(client, "/pay/assessments", {"worker_no": "W1", "year": "2025", "grade": "excellent"})
    ).status_code == 303
    assessment = await Assessment.get()
    listing = (await client.get("/pay/assessments?year=2025")).text
    action = f"/pay/assessments/{assessment.id}/delete"
    form = re.search(rf'<form method="post" action="{action}"[^>]*>', listing).group(0)
    # htmx asks before it posts: the question names whose assessment of which year goes.
    assert f'hx-post="{action}"' in form and 'hx-confirm="Delete the assessment of 工作者1 for 2025?"' in form
    deleted = await client.post(action, data={"csrf_token": csrf_of(client)}, headers={"HX-Request": "true"})
    assert deleted.status_code == 204 and deleted.headers["HX-Redirect"] == "/pay/assessments?year=2025"
    assert not await Assessment.exists()
    assert await AuditEntry.filter(entity="pay_assessment", action="delete", entity_id=str(assessment.id)).exists()


async def test_the_assessments_list_takes_its_total_from_the_grade_counts_unless_searching(client, setup):
    workers = setup["workers"]
    for worker, year, grade in (
        (0, 2025, "competent"),
        (1, 2025, "excellent"),
        (3, 2025, "competent"),
        (2, 2024, "incompetent"),
    ):
        await Assessment.create(worker=workers[worker], year=year, grade=grade)
    await login(client, "admin")
    await client.get("/pay/assessments?year=2025")  # warm-up
    # 2025: W1 and W4 competent, W2 excellent (W3's is 2024's): 3 in all, 2 competent; a search for W2, by number or
    # by name, finds 1.
    pages = {}
    for url, total in (
        ("", 3),
        ("&grade=competent", 2),
        ("&grade=senior", 3),
        ("&q=W2", 1),
        ("&q=%E5%B7%A5%E4%BD%9C%E8%80%852", 1),  # by name: 工作者2 (W2)
        ("&q=W2&grade=competent", 0),
    ):
        async with count_queries() as counted:
            page = text_of((await client.get(f"/pay/assessments?year=2025{url}")).text)
        assert (f"1–{total} of {total}" in page) if total else ("No assessments recorded for this year." in page), url
        pages[url] = counted.count
    # The grade counts are read for the page anyway: without a search they are its total, not counted again.
    assert pages[""] == pages["&grade=competent"] == pages["&q=W2"] - 1 == pages["&q=W2&grade=competent"] - 1


async def test_accepting_and_dismissing_through_the_page(client, setup):
    w1, w2, *_rest = setup["workers"]
    await Assessment.create(worker=w1, year=2025, grade="excellent")
    await Assessment.create(worker=w2, year=2025, grade="excellent")
    await login(client, "hr")
    accepted = await post(client, f"/pay/changes/{w1.id}/accept", {"on": "2026-03-01"})
    assert accepted.status_code == 303
    record = await SalaryRecord.get(worker=w1, effective_from=date(2026, 3, 1))
    assert record.monthly_base == Decimal("4300.00")
    dismissed = await post(client, f"/pay/changes/{w2.id}/dismiss", {"on": "2026-03-01"})
    assert dismissed.status_code == 303 and await SalaryRecord.filter(worker=w2).count() == 1
    page = await client.get("/pay/changes?on=2026-03-01")
    assert '<strong id="changes-count">0</strong>' in page.text
    # Out of scope: W3's worker id is not HR's; the page says so and writes nothing.
    await post(client, f"/pay/changes/{setup['workers'][2].id}/accept", {"on": "2026-03-01"})
    assert await SalaryRecord.filter(worker=setup["workers"][2]).count() == 1


async def test_the_proposals_page_costs_the_same_queries_with_more_workers(client, setup):
    await login(client, "hr")
    await client.get("/pay/changes")
    # Each count is a visit after a change (the rows computed, not read back from the stored ones).
    await Assessment.create(worker=setup["workers"][0], year=2025, grade="excellent")
    async with count_queries() as small:
        await client.get("/pay/changes")
    for i in range(20):
        w = await hire(f"X{i}", setup["stations"][i % 2], date(2023, 1, 1))
        await salary(w, date(2023, 1, 1), 3800 + 10 * i)
        await Assessment.create(worker=w, year=2025, grade="excellent")
    async with count_queries() as big:
        page = await client.get("/pay/changes")
    assert big.count == small.count
    assert '<strong id="changes-count">21</strong>' in page.text


async def test_a_bureau_sets_performance_steps_on_its_standard(client, setup):
    await login(client, "bureau")
    form = {
        "title": "玄武区2026年标准",
        "region_code": "320102",
        "effective_from": "2026-07-01",
        "floor": "3800",
        "step_excellent": "400",
        "step_competent": "-5",
        "band-0-level": "none",
        "band-0-years_from": "0",
        "band-0-min_pay": "3800",
        "band-0-max_pay": "4600",
    }
    bad = await post(client, "/pay/standards", form)
    assert bad.status_code == 422 and not await PerformanceStep.filter(amount=400).exists()
    response = await post(client, "/pay/standards", {**form, "step_competent": "150"})
    assert response.status_code == 303
    detail = text_of((await client.get(response.headers["location"])).text)
    assert "Excellent" in detail and "400.00" in detail and "150.00" in detail


async def test_the_page_of_the_day_proposes_on_new_years_day_and_on_the_day_a_certificate_is_obtained(client, setup):
    from tests.pay.helpers import certificate

    w1, w2, *_rest = setup["workers"]
    await Assessment.create(worker=w1, year=2025, grade="excellent")
    await certificate(w2, "assistant", date(2026, 1, 5))
    for today, expected in (
        (date(2025, 12, 31), "0"),  # the 2025 assessment counts from 2026; no certificate yet
        (date(2026, 1, 1), "1"),  # W1: 4000 + 300
        (date(2026, 1, 4), "1"),
        (date(2026, 1, 5), "2"),  # W2: assistant band min 4200 > 4000: base raised to 4200
    ):
        with time_machine.travel(today, tick=False):
            client.cookies.clear()
            await login(client, "hr")
            page = await client.get("/pay/changes")
        assert f'<strong id="changes-count">{expected}</strong>' in page.text, today
    assert "4,200.00" in page.text and "4,300.00" in page.text


async def test_a_jurisdictions_first_page_is_read_beside_the_grade_counts_that_are_its_total(setup, monkeypatch):
    from talent.core import pagination
    from talent.core.access import Role, Scope
    from talent.core.pagination import ListParams
    from talent.pay import selectors

    w1, w2, w3, w4 = setup["workers"]
    for worker, grade in ((w1, "competent"), (w2, "excellent"), (w3, "competent"), (w4, "competent")):
        await Assessment.create(worker=worker, year=2025, grade=grade)
    gathered = []

    async def noted(calls, **_kwargs):
        gathered.append(len(calls))
        return [await call() for call in calls]

    monkeypatch.setattr(pagination, "gather_reads", noted)
    monkeypatch.setattr(selectors, "gather_reads", noted)
    hr = Scope(user_id=1, role=Role.HR, organisation_id=setup["stations"][0].organisation_id)

    async def read(scope, **params):
        gathered.clear()
        async with count_queries() as counted:
            counts, page = await selectors.assessment_page(scope=scope, params=ListParams(**params), year=2025)
        return counts, [row["worker__worker_no"] for row in page.items], page.total, gathered[:], counted.statements

    # HR's organisation: W1 (competent) and W2 (excellent); W3 and W4 are another organisation's. The counts are
    # its total: read at once with the page (two calls gathered), two statements in all, the window by a probe of
    # each assessment's worker.
    counts, rows, total, gathering, statements = await read(hr, sort="name")
    assert counts["competent"] == counts["excellent"] == 1 and rows == ["W1", "W2"] and total == 2
    assert gathering == [2] and len(statements) == 2 and "ORDER BY (SELECT" in statements[-1]
    # The administrator's, the country's: the counts first (the total chooses the page's plan), then the page.
    counts, rows, total, gathering, statements = await read(ADMIN, sort="name")
    assert counts["competent"] == 3 and rows == ["W1", "W2", "W3", "W4"] and total == 4
    assert gathering == [] and len(statements) == 2
    # A search: the counts are not the total; they are read beside the list (its count, then its page).
    counts, rows, total, gathering, statements = await read(hr, q="W2")
    assert counts["competent"] == 1 and rows == ["W2"] and total == 1 and gathering[0] == 2 and len(statements) == 3


async def test_the_year_and_grade_are_written_into_the_counts_and_the_page_so_neither_has_a_parameter(client, setup):
    # Both checked by the code (a year the page offers, a grade's own code): written in, the statements have no
    # parameter and PostgreSQL plans each once per connection (talent.core.sql.literal_int, literal_code).
    await Assessment.create(worker=setup["workers"][0], year=2024, grade="excellent")
    await login(client, "hr")
    await client.get("/pay/assessments?year=2024&grade=excellent")  # warm-up: the session touch
    async with count_queries() as counter:
        page = await client.get("/pay/assessments?year=2024&grade=excellent")
    assert "工作者1" in text_of(page.text)
    counts, rows = counter.statements[1:3]
    assert not any(counter.params[1:3]), counter.params
    # The counts are the year's, every grade; the page the year's excellent ones.
    assert '"year"=2024' in counts and "excellent" not in counts
    assert '"year"=2024' in rows and "\"grade\"='excellent'" in rows, rows
