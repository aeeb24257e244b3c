"""The yearly region report: the printable page, the PDF (cover, tables with formula notes, charts) and the
workbook (one sheet per table, localised headers) carry the same numbers, scoped like every report."""

import io

import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from talent.analytics.tables import Rate
from tests.analytics.data import build
from tests.conftest import login, text_of

# Every request of these tests happens on 1 March 2025: the report of 2024 is the whole year, its figures on
# 31 December 2024.
TODAY = "2025-03-01T10:00+08:00"


def pdf_text(body: bytes) -> str:
    """The text a PDF draws, as pypdf reads it (the CJK font's strings included)."""
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


async def test_the_pdf_and_the_workbook_carry_the_numbers_of_the_report_page(client, db):
    await build()
    with time_machine.travel(TODAY, tick=False):
        await login(client, "citybureau")
        page = text_of((await client.get("/reports/yearly", params={"year": "2024"})).text)
        cert = (await client.get("/api/v1/reports/certification", params={"on": "2024-12-31"})).json()
        turn = (await client.get("/api/v1/reports/turnover", params={"from": "2024-01-01", "to": "2024-12-31"})).json()
        pdf = await client.get("/reports/yearly/pdf", params={"year": "2024"})
        book = await client.get("/reports/yearly/export", params={"year": "2024"})
    # On 31 Dec 2024 in the city: W1 (S1), W2 (S3 since 10 Apr), W3 (S4 since 1 Sep), W4 (S1 since 15 Jul) → 4;
    # W5 left on 15 Oct, W6 is part-time. Separations in 2024: W3 (voluntary, 30 Jun), W4 (a transfer followed
    # only after 45 days, 31 May), W5 (involuntary, 15 Oct) → 3; W2's transfer was followed after 10 days.
    assert cert["headcount"] == 4 and turn["separations"] == 3 and turn["voluntary"] == 1
    rate = f"{turn['rate'] * 100:.1f}%"
    assert f"{turn['separations']} separations ÷ average headcount" in page and rate in page
    cert_rate = f"{cert['rate'] * 100:.1f}%"
    assert f"{cert['certified']} certified of {cert['headcount']}" in page and cert_rate in page

    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    text = pdf_text(pdf.content)
    # The cover: region, year, generation date.
    assert "Yearly region report" in text and "南京市" in text and "2024" in text and "Mar 1, 2025" in text
    # The figures of the page, and each table's formula note (sentences of the page's formulas).
    for figure in (rate, cert_rate, "玄武区", "秦淮区", "Turnover rate = separations ÷ average headcount"):
        assert figure in text, figure
    assert "Exam pass rates" in text and "Staffing against tiers" in text and "Retention" in text

    workbook = load_workbook(io.BytesIO(book.content))
    headline = dict(list(workbook["Headcount and certification"].values)[1:5])
    assert headline["Full-time workers"] == cert["headcount"] and headline["Certified"] == cert["certified"]
    assert headline["Certification rate"] == round(cert["rate"], 4)
    turnover = dict(list(workbook["Turnover and attrition"].values)[1:11])
    assert turnover["Separations"] == 3 and turnover["Turnover rate"] == round(turn["rate"], 4)
    # By county (each county counts W4's move out of county A as a separation: 2 + 2).
    rows = list(workbook["By region"].values)
    assert [(row[1], row[5]) for row in rows[1:3]] == [("玄武区", 2), ("秦淮区", 2)]
    assert rows[-1][0].startswith("Certification rate = ")


async def test_the_yearly_pdf_is_in_chinese_for_a_chinese_reader(client, db):
    await build()
    with time_machine.travel(TODAY, tick=False):
        await login(client, "citybureau")
        headers = {"Accept-Language": "zh-CN"}
        pdf = await client.get("/reports/yearly/pdf", params={"year": "2024"}, headers=headers)
        book = await client.get("/reports/yearly/export", params={"year": "2024"}, headers=headers)
    text = pdf_text(pdf.content)
    assert "地区年度报告" in text and "2025年3月1日" in text and "流失率" in text and "人员流失与首年流失" in text
    sheets = load_workbook(io.BytesIO(book.content)).sheetnames
    assert "离职原因" in sheets and "Exit reasons" not in sheets


async def test_a_county_bureau_gets_no_yearly_report_of_the_neighbouring_county(client, db):
    await build()
    with time_machine.travel(TODAY, tick=False):
        await login(client, "bureau")
        for url in ("/reports/yearly", "/reports/yearly/pdf", "/reports/yearly/export"):
            assert (await client.get(url, params={"region": "320104", "year": "2024"})).status_code == 404, url
        # Its own: county A (玄武区) only — its stations S1, S2 and none of county B's.
        text = pdf_text((await client.get("/reports/yearly/pdf", params={"year": "2024"})).content)
        book = load_workbook(io.BytesIO((await client.get("/reports/yearly/export", params={"year": "2024"})).content))
    assert "玄武区" in text and "秦淮区" not in text and "社工站3" not in text and "社工站4" not in text
    cells = {str(v) for sheet in book.worksheets for row in sheet.values for v in row}
    assert "社工站1" in cells and "秦淮区" not in cells and "社工站3" not in cells


async def test_the_year_picker_chooses_the_report_year(client, db):
    await build()
    with time_machine.travel(TODAY, tick=False):
        await login(client, "citybureau")
        page = await client.get("/reports/yearly", params={"year": "2023"})
        book = load_workbook(io.BytesIO((await client.get("/reports/yearly/export", params={"year": "2023"})).content))
    assert '<option value="2023" selected>' in page.text and "/reports/yearly/pdf?year=2023" in page.text
    # 2023: nobody left the city (the first separation is W4's on 31 May 2024).
    turnover = dict(list(book["Turnover and attrition"].values)[1:11])
    assert turnover["Separations"] == 0


def test_a_rate_cell_is_rounded_for_the_spreadsheet_and_exact_for_the_pdf():
    rate = Rate(0.123449)
    assert rate == 0.1234 and rate.exact == 0.123449


async def test_the_printed_report_lists_the_first_stations_and_sends_the_reader_to_the_workbook(
    client, db, monkeypatch
):
    from talent.analytics import reports

    await build()
    monkeypatch.setattr(reports, "MAX_STATIONS", 1)
    with time_machine.travel(TODAY, tick=False):
        await login(client, "citybureau")
        pdf = await client.get("/reports/yearly/pdf", params={"year": "2024"})
    text = " ".join(pdf_text(pdf.content).split())
    # The city's four township stations: the staffing table prints S1 alone and says where the others are.
    assert "The first 1 stations are listed; the yearly workbook has every station." in text
    staffing = text.split("Staffing against tiers", 2)[-1]
    assert "社工站1" in staffing and "社工站2" not in staffing


async def test_the_workbook_after_the_yearly_page_computes_nothing_again(client, db):
    from tests.querycount import count_queries

    await build()
    with time_machine.travel(TODAY, tick=False):
        await login(client, "citybureau")
        await client.get("/reports/yearly", params={"year": "2024"})
        counts = []
        for _ in range(2):
            async with count_queries() as counter:
                book = await client.get("/reports/yearly/export", params={"year": "2024"})
            counts.append(counter.count)
    # The page stored the whole report with its cut: the first download reads it as the second does.
    assert book.status_code == 200 and counts[0] == counts[1]
