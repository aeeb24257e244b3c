"""Workers list export: the filtered rows of every page, in the columns of the workers import."""

import re
from datetime import date

from talent.core.clock import local_today
from talent.people.models import EmploymentSpell, Gender, Source, Worker
from tests.conftest import login
from tests.exports.conftest import headers_of
from tests.exports.helpers import attachment_name, csv_rows, xlsx_rows
from tests.factories import world

EN_HEADERS = headers_of("workers")
ZH_HEADERS = headers_of("workers", "zh")


async def test_a_csv_export_has_the_import_columns_and_only_the_searched_rows_in_scope(client):
    w = await world()
    await login(client, "hr")  # HR of organisation A: W1 at S1 and W2 at S2
    w1 = w["workers"][0]
    w1.gender, w1.birth_date, w1.social_work_major, w1.source = Gender.FEMALE, date(1990, 1, 1), True, Source.INCUBATED
    await w1.save()
    response = await client.get("/workers/export", params={"format": "csv"})
    assert response.status_code == 200
    assert attachment_name(response) == f"workers-{local_today().isoformat()}.csv"
    rows = csv_rows(response)
    assert rows[0] == EN_HEADERS
    # W3 and W4 work for organisation B: out of HR's scope.
    assert [r[0] for r in rows[1:]] == ["W1", "W2"]
    # English codes, ISO dates and yes/no, so the file re-imports; HR sees phone and ID in full.
    assert rows[1] == [
        "W1",
        "工作者1",
        "female",
        "1990-01-01",
        "",
        "yes",
        "incubated",
        "13812345678",
        "320102199001011234",
    ]
    assert rows[2][5] == "no" and rows[2][6] == "other"

    # A search narrows the export exactly as it narrows the list: "工作者2" matches W2 only.
    rows = csv_rows(await client.get("/workers/export", params={"format": "csv", "q": "工作者2"}))
    assert [r[0] for r in rows[1:]] == ["W2"]


async def test_an_xlsx_export_opens_with_openpyxl_and_holds_every_page_of_the_filtered_list(client):
    w = await world()
    # 30 more workers at S1 (organisation A): with 25 rows a page the list has two pages; the export has all.
    station = w["stations"][0]
    for i in range(30):
        worker = await Worker.create(worker_no=f"X{i:02}", name=f"批量{i}")
        await EmploymentSpell.create(worker=worker, station=station, start_on=date(2023, 1, 1))
    await login(client, "hr")
    page = await client.get("/workers", params={"q": "批量"})
    assert "Page 1 of 2" in page.text
    response = await client.get("/workers/export", params={"format": "xlsx", "q": "批量", "sort": "-worker_no"})
    assert response.status_code == 200
    assert attachment_name(response) == f"workers-{local_today().isoformat()}.xlsx"
    rows = xlsx_rows(response)
    assert rows[0] == EN_HEADERS
    # All 30 matches, in the list's current sort (worker number descending).
    assert [r[0] for r in rows[1:]] == [f"X{i:02}" for i in range(29, -1, -1)]


async def test_the_filters_status_station_and_source_apply_to_the_export(client):
    w = await world()
    await login(client, "admin")
    spell = await EmploymentSpell.get(worker=w["workers"][3])
    spell.end_on = date(2023, 6, 30)
    await spell.save()
    w3 = w["workers"][2]
    w3.source = Source.INTRODUCED
    await w3.save()

    async def numbers(**params):
        return [r[0] for r in csv_rows(await client.get("/workers/export", params={"format": "csv", **params}))[1:]]

    # Active by default: W4 left on 2023-06-30.
    assert await numbers() == ["W1", "W2", "W3"]
    assert await numbers(status="left") == ["W4"]
    assert await numbers(status="all", station="S4") == ["W4"]
    assert await numbers(source="introduced") == ["W3"]
    # Sorted by "since" (W4 has none: the database decides where NULLs go), the export keeps the page's order.
    page = await client.get("/workers", params={"status": "all", "sort": "-start"})
    on_page = re.findall(r'<td class="text-nowrap"><a href="/workers/\d+">([^<]+)</a>', page.text)
    assert sorted(on_page) == ["W1", "W2", "W3", "W4"]
    assert await numbers(status="all", sort="-start") == on_page


async def test_headers_follow_the_language_cookie_or_accept_language(client):
    await world()
    await login(client, "hr")
    client.cookies.set("talent_lang", "zh_CN")
    rows = csv_rows(await client.get("/workers/export", params={"format": "csv"}))
    assert rows[0] == ZH_HEADERS
    rows = xlsx_rows(await client.get("/workers/export"))
    assert rows[0] == ZH_HEADERS
    # Codes stay English whatever the language, so the file re-imports.
    client.cookies.delete("talent_lang")
    rows = csv_rows(await client.get("/workers/export?format=csv", headers={"Accept-Language": "zh-CN,zh;q=0.9"}))
    assert rows[0] == ZH_HEADERS and rows[1][6] == "other"
    rows = csv_rows(await client.get("/workers/export?format=csv", headers={"Accept-Language": "en-GB"}))
    assert rows[0] == EN_HEADERS


async def test_a_formula_looking_name_is_neutralised_in_csv_and_xlsx(client):
    w = await world()
    w1 = w["workers"][0]
    w1.name = '=HYPERLINK("http://evil.example","click")'
    w1.phone = "+8613812345678"
    await w1.save()
    await login(client, "hr")
    row = csv_rows(await client.get("/workers/export", params={"format": "csv", "q": "W1"}))[1]
    assert row[1] == '\'=HYPERLINK("http://evil.example","click")'
    assert row[7] == "'+8613812345678"
    row = xlsx_rows(await client.get("/workers/export", params={"q": "W1"}))[1]
    # A plain text cell with the apostrophe, never a formula.
    assert row[1] == '\'=HYPERLINK("http://evil.example","click")'


async def test_a_supervisor_gets_phone_and_id_masked_while_hr_sees_them_in_full(client):
    await world()
    await login(client, "supervisor")  # assigned to S1: sees W1
    rows = csv_rows(await client.get("/workers/export", params={"format": "csv"}))
    assert [r[0] for r in rows[1:]] == ["W1"]
    # mask_phone keeps 3 + 4 digits, mask_id 4 + 4 characters, like the pages.
    assert rows[1][7:] == ["138****5678", "3201**********1234"]
    rows = xlsx_rows(await client.get("/workers/export"))
    assert rows[1][7:] == ["138****5678", "3201**********1234"]
    client.cookies.delete("talent_session")
    await login(client, "hr")
    rows = csv_rows(await client.get("/workers/export", params={"format": "csv", "q": "W1"}))
    assert rows[1][7:] == ["13812345678", "320102199001011234"]


async def test_a_worker_account_may_not_export_the_worker_list(client):
    await world()
    await login(client, "worker")
    assert (await client.get("/workers/export")).status_code == 403
    assert (await client.get("/workers/export?format=csv")).status_code == 403


async def test_an_unknown_format_gives_xlsx_and_an_empty_result_gives_only_the_header(client):
    await world()
    await login(client, "admin")
    response = await client.get("/workers/export", params={"format": "pdf", "q": "nobody"})
    assert response.status_code == 200
    assert xlsx_rows(response) == [EN_HEADERS]


async def test_anonymous_visitors_are_sent_to_sign_in(client):
    await world()
    response = await client.get("/workers/export?format=csv")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
