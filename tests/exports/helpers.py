"""Reading downloaded exports back in tests."""

import csv
import io

from openpyxl import load_workbook


def csv_rows(response) -> list[list[str]]:
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = workbook.worksheets[0]
    rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def attachment_name(response) -> str:
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    return disposition.split('filename="', 1)[1].split('"', 1)[0]
