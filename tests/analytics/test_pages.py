"""The reports pages: each staff role's home, drill-down by child region (full page and htmx fragment), the
page's figures equal to the API's, exports, the yearly report, and a constant number of queries."""

import re
from datetime import date
from pathlib import Path

from talent.certification.models import ExamResult, ExamSubject
from talent.people.models import EmploymentSpell, Worker
from tests.analytics.data import build
from tests.conftest import login, text_of
from tests.querycount import count_queries

PERIOD = {"on": "2024-08-01", "from": "2024-01-01", "to": "2024-12-31"}


async def test_the_city_bureau_sees_one_row_per_county_and_drills_down_to_stations(client, db):
    await build()
    await login(client, "citybureau")
    r = await client.get("/reports", params=PERIOD)
    assert r.status_code == 200
    text = text_of(r.text)
    assert "玄武区" in text and "秦淮区" in text and "By region" in text
    assert 'hx-push-url="true"' in r.text and "region=320102" in r.text
    # Drill-down: the same URL as a fragment for htmx, and as a full page.
    fragment = await client.get("/reports", params={**PERIOD, "region": "320102"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "梅园新村街道" in fragment.text and "秦虹街道" not in fragment.text
    full = await client.get("/reports", params={**PERIOD, "region": "320102001"})
    assert "<html" in full.text and "By station and level" in full.text
    assert "社工站1" in full.text and "社工站3" not in full.text


async def test_a_county_bureau_cannot_open_the_neighbouring_county(client, db):
    await build()
    await login(client, "bureau")
    assert (await client.get("/reports", params={"region": "320104"})).status_code == 404
    assert (await client.get("/reports", params={"region": "320100"})).status_code == 404
    r = await client.get("/reports", params=PERIOD)
    assert r.status_code == 200 and "秦淮区" not in r.text and "社工站3" not in r.text


async def test_hr_sees_its_organisation_by_station_and_a_supervisor_its_stations(client, db):
    await build()
    await login(client, "hr")
    r = await client.get("/reports", params=PERIOD)
    assert r.status_code == 200 and "社工站1" in r.text and "社工站2" in r.text and "社工站3" not in r.text
    await login(client, "supervisor")
    r = await client.get("/reports", params=PERIOD)
    assert r.status_code == 200 and "社工站1" in r.text and "社工站2" not in r.text
    await login(client, "worker")
    assert (await client.get("/reports")).status_code == 403


async def test_the_page_prints_the_numbers_the_api_returns(client, db):
    await build()
    await login(client, "citybureau")
    page = text_of((await client.get("/reports", params=PERIOD)).text)
    api = (await client.get("/api/v1/reports/turnover", params={"from": "2024-01-01", "to": "2024-12-31"})).json()
    cert = (await client.get("/api/v1/reports/certification", params={"on": "2024-08-01"})).json()
    # 2024: 3 separations in the city (tests/analytics/test_turnover.py); 4 full-time workers on 1 August.
    assert api["separations"] == 3 and cert["headcount"] == 4
    assert f"{api['separations']} separations ÷ average headcount" in page
    assert f"{cert['certified']} certified of {cert['headcount']}" in page
    rate = f"{api['rate'] * 100:.1f}%"
    assert rate in page


async def test_the_tables_downloads_and_the_api_read_the_parts_the_page_stored(client, db):
    from talent.figures.models import FigureCache

    await build()
    await login(client, "citybureau")
    await client.get("/reports", params=PERIOD)
    stored = await FigureCache.all().count()
    for url, params in (
        ("/reports/children/export", {**PERIOD, "format": "csv"}),
        ("/reports/turnover-series/export", {**PERIOD, "format": "csv"}),
        ("/reports/retention/export", {**PERIOD, "format": "csv"}),
        ("/api/v1/reports/turnover", {"from": PERIOD["from"], "to": PERIOD["to"]}),
        ("/api/v1/reports/certification", {"on": PERIOD["on"]}),
    ):
        async with count_queries() as visit:
            r = await client.get(url, params=params)
        assert r.status_code == 200, url
        # One statement reads what the page stored; no other reads the spells (nothing computed again or stored).
        assert sum("FROM data_versions" in q for q in visit.statements) == 1, url
        assert not any("employment_spells" in q for q in visit.statements if "FROM data_versions" not in q), url
    assert await FigureCache.all().count() == stored
    # The API's numbers are the page's (tests/analytics/test_turnover.py: 3 separations in the city in 2024).
    assert (await client.get("/api/v1/reports/turnover", params={"from": "2024-01-01", "to": "2024-12-31"})).json()[
        "separations"
    ] == 3


async def test_exports_carry_the_tables(client, db):
    await build()
    await login(client, "citybureau")
    r = await client.get("/reports/children/export", params={**PERIOD, "format": "csv"})
    assert r.status_code == 200
    body = r.content.decode("utf-8-sig")
    assert "玄武区" in body and "秦淮区" in body
    for table in (
        "stations",
        "exit-reasons",
        "pass-rates",
        "certification-series",
        "turnover-series",
        "staffing",
        "ce",
        "retention",
    ):
        assert (await client.get(f"/reports/{table}/export", params={**PERIOD, "format": "xlsx"})).status_code == 200
    assert (await client.get("/reports/nope/export")).status_code == 404


async def test_the_yearly_report_is_one_printable_page(client, db):
    await build()
    await login(client, "citybureau")
    r = await client.get("/reports/yearly", params={"year": "2024"})
    assert r.status_code == 200 and "Yearly region report" in r.text and "2024" in r.text
    assert "Exit reasons" in r.text and "Exam pass rates" in r.text and "Retention" in r.text


async def test_the_reports_page_costs_the_same_queries_for_more_data(client, db):
    w = await build()
    await login(client, "citybureau")
    async with count_queries() as few:
        assert (await client.get("/reports", params=PERIOD)).status_code == 200
    for i in range(30):
        worker = await Worker.create(worker_no=f"X{i}", name=f"X{i}")
        await EmploymentSpell.create(
            worker=worker,
            station=w["stations"][i % 4],
            start_on=date(2023, 1 + i % 12, 1),
            end_on=date(2024, 1 + i % 12, 3),
            exit_type="voluntary",
        )
    async with count_queries() as many:
        assert (await client.get("/reports", params=PERIOD)).status_code == 200
    assert many.count == few.count


async def test_the_yearly_workbook_has_one_sheet_per_table(client, db):
    import io

    from openpyxl import load_workbook

    await build()
    await login(client, "citybureau")
    r = await client.get("/reports/yearly/export", params={"year": "2024"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))
    # Four summary tables, by station kind, by region (a city has counties), and the eight tables of the page.
    assert "By region" in book.sheetnames and "Exit reasons" in book.sheetnames and len(book.sheetnames) == 13
    assert "By station kind" in book.sheetnames
    assert "By station and level" not in book.sheetnames
    rows = list(book["By region"].values)
    # 2024 in the city: county A and county B (tests/analytics/test_turnover.py: 2 + 2 separations); a blank row,
    # then the formula note.
    assert [(row[1], row[5]) for row in rows[1:-2]] == [("玄武区", 2), ("秦淮区", 2)]


async def test_each_registration_heading_opens_the_certificates_it_counts(client, db):
    from tests.analytics.test_workforce import registrations

    w = await build()
    await registrations(w)
    await login(client, "citybureau")
    # On 30 June 2024 (tests/analytics/test_workforce.py): renewal open 1 (W3), CE short 2 (W1, W3), expired 1
    # (W5), awaiting first registration 1 (W2).
    expected = {"renewal_open": ["W3"], "ce_short": ["W1", "W3"], "expired": ["W5"], "unregistered": ["W2"]}
    page = (await client.get("/reports", params={"on": "2024-06-30"})).text
    for key, workers in expected.items():
        assert f"/reports/list/{key}?" in page
        r = await client.get(f"/reports/list/{key}", params={"on": "2024-06-30"})
        assert r.status_code == 200
        text = text_of(r.text)
        assert f"of {len(workers)}" in text and all(f" {no} " in f" {text} " for no in workers), key


async def test_odd_parameters_fall_back_to_the_defaults_and_never_fail(client, db):
    await build()
    await login(client, "citybureau")
    for params in (
        {"on": "2024-02-30", "from": "x", "to": "9999-01-01", "group": "nope", "grain": "decade"},
        {"region": "３２０１０２"},  # full-width digits are no code
        {"from": "2024-07-01", "to": "2024-06-01"},
    ):
        r = await client.get("/reports", params=params)
        assert r.status_code in (200, 404), params
    assert (await client.get("/reports/yearly", params={"year": "²⁰²⁴"})).status_code == 200
    assert (await client.get("/reports/list/headcount", params={"on": "nonsense", "page": 99})).status_code == 200


async def test_a_report_page_lists_the_first_stations_of_its_station_tables_and_their_downloads_every_one(
    client, db, monkeypatch
):
    import csv
    import io

    from openpyxl import load_workbook

    from talent.analytics import reports
    from talent.certification.models import Certificate
    from talent.figures.freshness import decode
    from talent.figures.models import FigureCache

    w = await build()
    # Registered certificates at three stations on 1 August 2024: W1 at S1, W3 at S4 (back on 1 September: not
    # yet), W2 at S3 since 10 April, W4 at S1 since 15 July: the CE table lists S1 and S3, one row each.
    for worker, number in ((w["workers"][0], "A1"), (w["workers"][1], "A2"), (w["workers"][3], "A4")):
        await Certificate.create(
            worker=worker,
            level="assistant",
            number=number,
            obtained_on=date(2023, 6, 1),
            registered_on=date(2023, 7, 1),
        )
    monkeypatch.setattr(reports, "MAX_STATIONS", 1)
    await login(client, "citybureau")
    r = await client.get("/reports", params=PERIOD)
    ce = r.text.split('id="h-ce"', 1)[1]
    assert "The first 1 stations are listed; the download has every station." in text_of(ce)
    assert "社工站1" in ce and "社工站3" not in ce
    # The page's cut of the CE and staffing tables keeps only the stations it lists, the totals the whole area's (3
    # registered); the whole tables are kept beside them, for the downloads, and the report's six other parts.
    # (The stored text was searched for names once: JSON writes them escaped, so that test could not fail.)
    [ce_cut], [staffing_cut] = [
        [
            decode(text)
            for text in await FigureCache.filter(key__startswith=f"report:{part}:", key__endswith=":1").values_list(
                "payload", flat=True
            )
        ]
        for part in ("ce", "staffing")
    ]
    assert [row["station"] for row in ce_cut["stations"]] == ["S1"] and ce_cut["totals"]["registered"] == 3
    assert await FigureCache.filter(key__startswith="report:ce:").count() == 2
    assert await FigureCache.all().count() == 10
    # The staffing table: the city's four township stations, the first listed.
    staffing = r.text.split('id="h-staffing"', 1)[1].split('id="h-ce"', 1)[0]
    assert "The first 1 stations are listed; the download has every station." in text_of(staffing)
    assert "社工站1" in staffing and "社工站2" not in staffing
    assert [row["station"] for row in staffing_cut["stations"]] == ["S1"] and staffing_cut["truncated"]
    for table, codes in (("staffing", {"S1", "S2", "S3", "S4"}), ("ce", {"S1", "S3"})):
        body = (await client.get(f"/reports/{table}/export", params={**PERIOD, "format": "csv"})).content
        assert {row[0] for row in csv.reader(io.StringIO(body.decode("utf-8-sig")))} - {"Code"} == codes, table
    book = load_workbook(io.BytesIO((await client.get("/reports/yearly/export", params={"year": "2024"})).content))
    for sheet, codes in (
        ("Staffing against tiers", {"S1", "S2", "S3", "S4"}),
        ("CE compliance by station", {"S1", "S3"}),
    ):
        assert codes <= {row[0] for row in book[sheet].iter_rows(values_only=True)}, sheet


async def test_a_bureau_can_list_only_the_stations_needing_action_and_download_them(client, db):
    from tests.analytics.test_workforce import registrations

    w = await build()
    await registrations(w)
    await login(client, "citybureau")
    # On 30 June 2024 (tests/analytics/test_workforce.py): S2 and S4 are below the tier's norms, S1 and S3 meet
    # them; W1's certificate (S1) is on track for CE, W3's (S3) is not.
    day = {"on": "2024-06-30", "from": "2024-01-01", "to": "2024-06-30"}
    every = await client.get("/reports", params=day)
    needing = await client.get("/reports", params={**day, "attention": "1"})
    for r, staffed, ce in ((every, {"1", "2", "3", "4"}, {"1", "3"}), (needing, {"2", "4"}, {"3"})):
        staffing = r.text.split('id="h-staffing"', 1)[1].split('id="h-ce"', 1)[0]
        listed = r.text.split('id="h-ce"', 1)[1]
        assert {n for n in "1234" if f"社工站{n}" in staffing} == staffed
        assert {n for n in "1234" if f"社工站{n}" in listed} == ce
        # The figures count every station whatever is listed.
        assert "2 of 4 stations with a tier." in text_of(r.text) and "1 of 2 registered certificates" in text_of(r.text)
    assert "Only the stations below their tier" in text_of(needing.text) and "attention=1" in needing.text
    assert "Only the stations below their tier" not in text_of(every.text)
    for table, codes in (("staffing", {"S2", "S4"}), ("ce", {"S3"})):
        body = (await client.get(f"/reports/{table}/export", params={**day, "attention": "1", "format": "csv"})).text
        assert {line.split(",")[0] for line in body.lstrip("\ufeff").splitlines()[1:]} == codes, table
    # HR's organisation (S1, S2: no child regions) reads its stations by level: S2 alone is below the norms.
    await login(client, "hr")
    for params, shown in ((day, {"1", "2"}), ({**day, "attention": "1"}, {"2"})):
        html = (await client.get("/reports", params=params)).text
        by_station = html.split('id="h-stations"', 1)[1].split('id="h-action"', 1)[0]
        assert {n for n in "12" if f"社工站{n}" in by_station} == shown


async def test_a_report_stored_in_english_is_read_in_chinese_by_a_chinese_reader(client, db):
    from talent.figures.models import FigureCache

    await build()
    await login(client, "citybureau")
    english = await client.get("/reports", params=PERIOD, headers={"Accept-Language": "en"})
    chinese = await client.get("/reports", params=PERIOD, headers={"Accept-Language": "zh-CN"})
    # The stations counted (the staffing figure's note), the station kinds' table and the retention group
    # ("Everyone") are words the report holds; one report is stored for both languages.
    assert "Township (street) station" in text_of(english.text) and "Everyone" in text_of(english.text)
    assert "Township (street) station" not in text_of(chinese.text) and "Everyone" not in text_of(chinese.text)
    assert "乡镇（街道）社工站" in text_of(chinese.text)
    # The report's eight parts, the staffing and CE tables whole and as the page's cut of them.
    assert await FigureCache.all().count() == 10
    # A retention group that is a child region is named by the region, the one directly in it in the reader's words.
    by_region = {**PERIOD, "group": "region"}
    await client.get("/reports", params=by_region, headers={"Accept-Language": "en"})
    chinese = (await client.get("/reports", params=by_region, headers={"Accept-Language": "zh-CN"})).text
    retention = text_of(chinese.split('id="h-retention"', 1)[1].split('id="h-exits"', 1)[0])
    assert "玄武区" in retention and "秦淮区" in retention


async def test_the_reports_station_tables_scroll_inside_the_page_with_their_column_names_in_view(client, db):
    # Up to reports.MAX_STATIONS rows each: a province's report was tens of thousands of pixels long.
    await build()
    await login(client, "citybureau")
    r = await client.get("/reports", params={**PERIOD, "region": "320102001"})
    boxes = re.findall(r'<div class="table-responsive table-scroll" tabindex="0"><table[^>]*>\s*<thead>', r.text)
    assert len(boxes) == 3  # by station and level, staffing against tiers, CE by station
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "talent.css").read_text()
    assert re.search(r"\.table-scroll \{ max-height: [^;]+; overflow-y: auto; \}", css)
    assert re.search(r"\.table-scroll > \.table > thead th \{ position: sticky; top: 0;", css)
    assert re.search(r"@media print \{ \.table-scroll \{ max-height: none; overflow: visible; \} \}", css)


async def test_the_reports_pass_rates_name_each_subject_beside_its_code(client, db):
    w = await build()
    subject = await ExamSubject.get(code="A-ZH")
    await ExamResult.create(
        worker=w["workers"][0], year=2024, subject=subject, score=65, pass_mark=60, passed=True, region_path="320000/"
    )
    await login(client, "admin")
    page = text_of((await client.get("/reports", params=PERIOD)).text)
    assert f"2024 {subject.name_en} A-ZH 1 1 100.0%" in page
