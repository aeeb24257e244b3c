"""The empty template of a kind (.xlsx) and the column descriptions shown on its import page."""

import io
from datetime import date

from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.imports.columns import Column
from talent.imports.framework import Kind
from talent.imports.readers import allowed_codes

TYPE_LABELS = {
    "str": N_("Text"),
    "date": N_("Date, e.g. 2024-03-01"),
    "bool": N_("Yes or no (是 / 否)"),
    "int": N_("Whole number"),
    "decimal": N_("Number"),
    "enum": N_("Code"),
}
HELP_SHEET = "说明 Help"  # Excel forbids "/" in sheet names


def column_rows(kind: Kind) -> list[dict]:
    rows = []
    for column in kind.spec.columns:
        rows.append(
            {
                "en": column.en,
                "zh": column.zh,
                "type": TYPE_LABELS.get(column.type, TYPE_LABELS["str"]).tr(),
                "required": column.required,
                "codes": allowed_codes(column.enum, column.words) if column.enum else "",
                "max_length": column.max_length,
            }
        )
    return rows


def _example_value(column: Column, value: str):
    if column.type == "date" and value:
        return date.fromisoformat(value)
    return value


def template_xlsx(kind: Kind, locale: str) -> bytes:
    """One header row in the user's language (either language imports), an example row, and a help sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据" if locale == "zh_CN" else "data"
    columns = kind.spec.columns
    sheet.append([c.header(locale) for c in columns])
    sheet.append([_example_value(c, kind.example.get(c.key, "")) for c in columns])
    for index, column in enumerate(columns, 1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.header(locale)) * 2 + 4)
        if column.type == "date":
            sheet.cell(row=2, column=index).number_format = "yyyy-mm-dd"
        elif column.type == "str":
            # Text columns stay text, so long numbers (ID numbers, phones) keep every digit.
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.append([_("English header"), _("Chinese header"), _("Type"), _("Required"), _("Allowed codes")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for row in column_rows(kind):
        help_sheet.append([row["en"], row["zh"], row["type"], _("yes") if row["required"] else _("no"), row["codes"]])
    help_sheet.append([])
    help_sheet.append([_("Either header name is accepted, in any column order. Fill in the first sheet only.")])
    if kind.note:
        help_sheet.append([kind.note.tr()])
    for letter, width in zip("ABCDE", (20, 24, 26, 10, 60), strict=True):
        help_sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
