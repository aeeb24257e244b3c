"""Import pages: upload → dry-run preview → confirm, templates, background jobs, ownership and roles."""

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from talent.imports import readers, services
from talent.imports.models import ImportJob, ImportStatus
from talent.people.models import Worker
from tests.conftest import ensure_csrf, login, post, text_of
from tests.factories import world
from tests.imports.conftest import csv_bytes
from tests.querycount import count_queries

HTMX = {"HX-Request": "true"}
ROWS = [["worker_no", "name", "gender"], ["N1", "新人甲", "female"], ["W1", "工作者1", ""]]


async def upload(client, kind: str, name: str, data: bytes, headers=None):
    token = await ensure_csrf(client)
    return await client.post(
        f"/imports/{kind}", data={"csrf_token": token}, files={"file": (name, data, "text/csv")}, headers=headers
    )


async def test_an_upload_is_checked_previewed_and_imported_after_confirmation(client, storage):
    await world()
    await login(client, "admin")
    response = await upload(client, "workers", "我的工人.csv", csv_bytes(ROWS))
    assert response.status_code == 303
    job = await ImportJob.get()
    assert response.headers["location"] == f"/imports/jobs/{job.id}"
    assert job.status == ImportStatus.VALID and job.file_name == "我的工人.csv"
    # Stored under its SHA-256, never under the user's file name.
    assert (storage / "imports" / job.file_sha256[:2] / job.file_sha256[2:4] / job.file_sha256).exists()
    assert not list(storage.rglob("*.csv"))
    page = await client.get(response.headers["location"])
    text = text_of(page.text)
    # N1 is new; W1 exists with the same name (gender left out of nothing: it was empty before too).
    assert "Importing it will create 1, update 0 and leave 1 unchanged." in text
    assert "新人甲" in text and "Confirm import" in text
    assert not await Worker.filter(worker_no="N1").exists()
    confirmed = await post(client, f"/imports/jobs/{job.id}/confirm")
    assert confirmed.status_code == 303
    assert await Worker.filter(worker_no="N1").exists()
    done = text_of((await client.get(f"/imports/jobs/{job.id}")).text)
    assert "Imported: 1 created, 0 updated, 1 unchanged." in done and "Confirm import" not in done
    again = await post(client, f"/imports/jobs/{job.id}/confirm")
    assert again.status_code == 303
    assert "This import is not ready to be confirmed." in (await client.get(again.headers["location"])).text


async def test_reimporting_the_same_file_on_the_web_says_nothing_changed(client, storage):
    await world()
    await login(client, "admin")
    for _ in range(2):
        response = await upload(client, "workers", "w.csv", csv_bytes(ROWS))
        job_url = response.headers["location"]
        await post(client, job_url + "/confirm")
    assert "Nothing changed: all 2 rows were already up to date." in text_of((await client.get(job_url)).text)


async def test_a_file_with_problems_lists_them_offers_no_confirmation_and_a_csv_of_them(client, storage):
    await world()
    await login(client, "hr")
    rows = [["工号", "姓名", "出生日期"], ["N1", "甲", "2023-02-30"], ["W3", "丙", ""]]
    response = await upload(client, "workers", "w.csv", csv_bytes(rows, "gbk"))
    page = await client.get(response.headers["location"])
    text = text_of(page.text)
    assert "The file has 2 problems; nothing was written." in text
    assert "There is no such date." in text and "This worker number is taken." in text
    assert "Confirm import" not in text
    job = await ImportJob.get()
    assert job.status == ImportStatus.INVALID
    refused = await post(client, f"/imports/jobs/{job.id}/confirm")
    assert refused.status_code == 303 and not await Worker.filter(worker_no="N1").exists()
    report = await client.get(f"/imports/jobs/{job.id}/errors.csv")
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Value,Reason"
    assert lines[1] == "2,出生日期,2023-02-30,There is no such date."


async def test_many_problems_are_paginated(client, storage):
    await login_world(client, "admin")
    rows = [["worker_no", "name", "birth_date"]] + [[f"N{i}", "甲", "bad"] for i in range(120)]
    response = await upload(client, "workers", "w.csv", csv_bytes(rows))
    first = text_of((await client.get(response.headers["location"])).text)
    # 120 problems, 50 per page: 3 pages.
    assert "1–50 of 120" in first and "Page 1 of 3" in first
    last = await client.get(response.headers["location"] + "?page=3", headers=HTMX)
    assert "101–120 of 120" in text_of(last.text) and "<html" not in last.text


async def login_world(client, role):
    await world()
    await login(client, role)


async def test_an_upload_that_is_no_spreadsheet_or_too_large_or_missing_is_refused(client, storage, monkeypatch):
    await login_world(client, "bureau")
    response = await upload(client, "workers", "w.xlsx", b"MZ\x90\x00" + bytes(300))
    page = text_of((await client.get(response.headers["location"])).text)
    assert "This is not a spreadsheet: use an .xlsx or .csv file." in page
    monkeypatch.setattr(readers, "max_bytes", lambda: 1024)
    big = await upload(client, "workers", "w.csv", csv_bytes([["worker_no", "name"]] + [["N1", "甲" * 50]] * 40))
    assert big.status_code == 413 and "The file is larger than the limit of 1 KB." in big.text
    token = await ensure_csrf(client)
    missing = await client.post(
        "/imports/workers", data={"csrf_token": token}, files={"other": ("x", b"x")}, headers=HTMX
    )
    assert missing.status_code == 422 and "Choose a spreadsheet file to upload." in missing.text
    assert "<html" not in missing.text and 'id="upload-form"' in missing.text
    assert await ImportJob.all().count() == 1


async def test_a_large_file_is_checked_in_the_background_and_the_page_polls_until_done(client, storage, monkeypatch):
    await login_world(client, "admin")
    monkeypatch.setattr(services, "INLINE_BYTES", 0)
    response = await upload(client, "workers", "w.csv", csv_bytes(ROWS))
    job = await ImportJob.get()
    if job.status == ImportStatus.CHECKING:
        page = await client.get(response.headers["location"])
        # The background check may end between reading the job and rendering the page; while it runs, the
        # page polls.
        still_checking = (await ImportJob.get(id=job.id)).status == ImportStatus.CHECKING
        assert 'hx-trigger="every 1s"' in page.text or not still_checking
    await services.wait_for_background()
    progress = await client.get(f"/imports/jobs/{job.id}/progress", headers=HTMX)
    assert progress.headers.get("hx-refresh") == "true" and "every 1s" not in progress.text
    await post(client, f"/imports/jobs/{job.id}/confirm")
    await services.wait_for_background()
    assert (await ImportJob.get(id=job.id)).status == ImportStatus.DONE
    assert await Worker.filter(worker_no="N1").exists()


async def test_a_job_in_progress_shows_a_polling_progress_fragment(client, storage):
    w = await world()
    job = await ImportJob.create(
        kind="workers",
        user=w["users"]["admin"],
        file_name="w.csv",
        file_sha256="0" * 64,
        status="checking",
        rows_total=200,
        rows_done=50,
    )
    await login(client, "admin")
    progress = await client.get(f"/imports/jobs/{job.id}/progress", headers=HTMX)
    assert 'hx-trigger="every 1s"' in progress.text and 'value="25"' in progress.text
    assert "hx-refresh" not in progress.headers


async def test_the_template_has_one_header_row_a_help_sheet_and_imports_as_is(client, storage):
    await login_world(client, "admin")
    response = await client.get("/imports/workers/template.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["data", "说明 Help"]
    rows = list(workbook["data"].iter_rows(values_only=True, max_row=2))
    assert rows[0][:3] == ("worker_no", "name", "gender") and rows[1][0] == "W2024001"
    help_rows = list(workbook["说明 Help"].iter_rows(values_only=True))
    assert ("worker_no", "工号") == help_rows[1][:2] and "female (女), male (男)" in help_rows[3][4]
    zh = await client.get("/imports/stations/template.xlsx", headers={"Accept-Language": "zh-CN"})
    assert load_workbook(io.BytesIO(zh.content)).worksheets[0]["A1"].value == "站点编码"
    checked = await client.post(
        "/imports/workers",
        data={"csrf_token": await ensure_csrf(client)},
        files={"file": ("t.xlsx", response.content, readers_xlsx())},
    )
    job = await ImportJob.get(id=int(checked.headers["location"].rsplit("/", 1)[1]))
    assert job.status == ImportStatus.VALID, job.report


def readers_xlsx() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_job_of_another_user_answers_404(client, storage):
    w = await world()
    job = await ImportJob.create(kind="workers", user=w["users"]["hr"], file_name="w.csv", file_sha256="0" * 64)
    await login(client, "admin")
    for url in (f"/imports/jobs/{job.id}", f"/imports/jobs/{job.id}/progress", f"/imports/jobs/{job.id}/errors.csv"):
        assert (await client.get(url)).status_code == 404, url
    assert (await post(client, f"/imports/jobs/{job.id}/confirm")).status_code == 404
    assert (await client.get("/imports/jobs/999999")).status_code == 404


async def test_each_role_sees_only_the_kinds_it_may_import(client, storage):
    await login_world(client, "hr")
    html = (await client.get("/imports")).text
    assert 'href="/imports/workers"' in html and 'href="/imports/employment"' in html
    assert "/imports/stations" not in html and "/imports/regions" not in html
    assert "import their employment file too" in text_of(html)
    assert (await client.get("/imports/regions")).status_code == 403
    assert (await client.get("/imports/stations/template.xlsx")).status_code == 403
    assert (await client.get("/imports/nothing")).status_code == 404
    kind_page = await client.get("/imports/employment")
    assert kind_page.status_code == 200 and 'enctype="multipart/form-data"' in kind_page.text
    await login(client, "supervisor")
    assert (await client.get("/imports")).status_code == 403


async def test_the_imports_page_costs_the_same_queries_with_few_and_many_jobs(client, storage):
    w = await world()
    await login(client, "admin")
    await ImportJob.create(kind="workers", user=w["users"]["admin"], file_name="a.csv", file_sha256="0" * 64)
    async with count_queries() as few:
        await client.get("/imports")
    for i in range(30):
        await ImportJob.create(kind="workers", user=w["users"]["admin"], file_name=f"{i}.csv", file_sha256="0" * 64)
    async with count_queries() as many:
        page = await client.get("/imports")
    assert few.count == many.count and "29.csv" in page.text


async def test_a_job_orphaned_by_a_server_restart_is_shown_failed_and_a_live_one_is_left_alone(client, storage):
    # services.STALE_AFTER is 30 minutes: a check last heard of 31 minutes ago and an import started 2 hours
    # ago without a word have lost their process; a check touched 5 minutes ago is still running.
    w = await world()
    now = datetime.now(UTC)
    common = {"kind": "workers", "user": w["users"]["admin"], "file_name": "w.csv", "file_sha256": "0" * 64}
    orphan = await ImportJob.create(**common, status="checking", touched_at=now - timedelta(minutes=31))
    silent = await ImportJob.create(**common, status="importing")
    await ImportJob.filter(id=silent.id).update(created_at=now - timedelta(hours=2))
    live = await ImportJob.create(**common, status="checking", touched_at=now - timedelta(minutes=5))
    done = await ImportJob.create(**common, status="done", touched_at=now - timedelta(days=3))
    await login(client, "admin")
    page = await client.get("/imports")
    assert page.status_code == 200
    states = {j.id: j.status for j in await ImportJob.all()}
    assert states == {
        orphan.id: ImportStatus.FAILED,
        silent.id: ImportStatus.FAILED,
        live.id: ImportStatus.CHECKING,
        done.id: ImportStatus.DONE,
    }
    job_page = await client.get(f"/imports/jobs/{orphan.id}")
    assert "The import was interrupted (the server stopped); nothing was written." in text_of(job_page.text)
    assert await services.jobs_recover() == 0  # a second pass finds nothing more
