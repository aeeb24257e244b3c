"""The yearly region report as a PDF (reportlab): a cover page (region, year, generation date), then every table of
the yearly report (talent.analytics.tables.yearly_tables, the cells the workbook holds) with its formula note
beneath, and the trends drawn as charts with reportlab.graphics (vector drawings, no plotting library).

Chinese text uses reportlab's built-in CJK font STSong-Light (as the completion certificate does: no font file to
ship). No figure is computed here: numbers are formatted from the table cells, rates with the page's
format_percent on the exact value a `Rate` keeps."""

from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from talent.analytics.tables import SHEET_TITLES, Rate, note, yearly_tables
from talent.core.i18n import format_date, format_number, format_percent
from talent.core.i18n import gettext as _

FONT = "STSong-Light"
PALETTE = [colors.HexColor(c) for c in ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")]
CHART_WIDTH, CHART_HEIGHT = 170 * mm, 60 * mm


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontSize=26, leading=34, alignment=1, spaceAfter=12 * mm),
        "cover": ParagraphStyle("cover", parent=base, fontSize=14, leading=22, alignment=1),
        "h": ParagraphStyle("h", parent=base, fontSize=13, leading=18, spaceBefore=6 * mm, spaceAfter=2 * mm),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.5),
        "head": ParagraphStyle("head", parent=base, fontSize=7.5, leading=9.5, textColor=colors.white),
        "note": ParagraphStyle("note", parent=base, fontSize=7.5, leading=10, textColor=colors.HexColor("#555555")),
    }


def cell_text(value) -> str:
    """A table cell as the page prints it: rates as percentages, counts with digit grouping."""
    if isinstance(value, Rate):
        return format_percent(value.exact)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, float):
        return format_number(value, 2)
    return "" if value is None else str(value)


def _table(headers: list[str], rows: list[tuple], styles: dict) -> Table:
    data = [[Paragraph(escape(h), styles["head"]) for h in headers]]
    data += [[Paragraph(escape(cell_text(v)), styles["cell"]) for v in row] for row in rows]
    if not rows:
        data.append([Paragraph(escape(_("Nothing to report.")), styles["cell"])] + [""] * (len(headers) - 1))
    width = 180 * mm
    table = Table(data, colWidths=[width / len(headers)] * len(headers), repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#34495e")),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#bbbbbb")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f5f7")]),
    ]
    if not rows:
        style.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(TableStyle(style))
    return table


def _percent(value) -> float | None:
    return None if value is None else round(value * 100, 2)


def _axis_font(font: str, *axes) -> None:
    for axis in axes:
        axis.labels.fontName = font
        axis.labels.fontSize = 7


def _legend(drawing: Drawing, names: list[str], font: str, x: float) -> None:
    legend = Legend()
    legend.x, legend.y = x, CHART_HEIGHT - 6
    legend.fontName, legend.fontSize = font, 7
    legend.alignment = "right"
    legend.columnMaximum = 8
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, name in enumerate(names)]
    drawing.add(legend)


def certification_chart(report: dict, font: str) -> Drawing:
    """The certification rate at each month's end (percent), as a line."""
    points = report["series"]["certification"]
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 30, 22, CHART_WIDTH - 45, CHART_HEIGHT - 32
    chart.data = [[_percent(p["rate"]) for p in points] or [None]]
    chart.categoryAxis.categoryNames = [p["on"][:7] for p in points] or [""]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 20
    chart.lines[0].strokeColor = PALETTE[0]
    chart.lines[0].strokeWidth = 1.5
    _axis_font(font, chart.categoryAxis, chart.valueAxis)
    drawing.add(chart)
    return drawing


def turnover_chart(report: dict, font: str) -> Drawing:
    """Voluntary and involuntary turnover rate (percent) per period, as grouped bars."""
    periods = report["series"]["turnover"]
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 22, CHART_WIDTH - 130, CHART_HEIGHT - 32
    chart.data = [
        [_percent(p["voluntary_rate"]) or 0 for p in periods] or [0],
        [_percent(p["involuntary_rate"]) or 0 for p in periods] or [0],
    ]
    chart.categoryAxis.categoryNames = [p["from"][:7] for p in periods] or [""]
    chart.valueAxis.valueMin = 0
    for i in range(2):
        chart.bars[i].fillColor = PALETTE[i]
    _axis_font(font, chart.categoryAxis, chart.valueAxis)
    drawing.add(chart)
    _legend(drawing, [_("Voluntary"), _("Involuntary")], font, CHART_WIDTH)
    return drawing


def retention_chart(report: dict, font: str) -> Drawing:
    """Each group's Kaplan–Meier curve (percent retained against days of tenure), drawn as steps."""
    groups = report["retention"]["groups"]
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    chart = LinePlot()
    chart.x, chart.y, chart.width, chart.height = 30, 22, CHART_WIDTH - 130, CHART_HEIGHT - 32
    lines = []
    for g in groups:
        steps, last = [], 100.0
        for point in g["points"]:
            value = round(point["survival"] * 100, 2)
            steps += [(point["days"], last), (point["days"], value)]
            last = value
        end = max([p["days"] for p in g["points"]] + [1])
        steps.append((end, last))
        lines.append(steps)
    chart.data = lines or [[(0, 100), (1, 100)]]
    chart.yValueAxis.valueMin = 0
    chart.yValueAxis.valueMax = 100
    chart.yValueAxis.valueStep = 20
    chart.xValueAxis.valueMin = 0
    for i in range(len(chart.data)):
        chart.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        chart.lines[i].strokeWidth = 1.2
    _axis_font(font, chart.xValueAxis, chart.yValueAxis)
    drawing.add(chart)
    _legend(drawing, [g["label"] for g in groups], font, CHART_WIDTH)
    return drawing


def exit_reasons_chart(headers: list[str], rows: list[tuple], font: str) -> Drawing | None:
    """Separations by reason, as horizontal bars (the table's rows, most frequent first)."""
    if not rows:
        return None
    rows = rows[:10]
    height = max(CHART_HEIGHT / 2, 16 * len(rows) + 30)
    drawing = Drawing(CHART_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 110, 15, CHART_WIDTH - 130, height - 25
    chart.data = [[row[2] for row in reversed(rows)]]
    chart.categoryAxis.categoryNames = [" / ".join(part for part in (row[0], row[1]) if part) for row in reversed(rows)]
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = PALETTE[1]
    _axis_font(font, chart.categoryAxis, chart.valueAxis)
    drawing.add(chart)
    return drawing


def _note(report: dict, key: str) -> str:
    """A table's formula note, and for a station table the printed report cuts (reports.page_report's `listed`)
    where to find every station."""
    text = note(key)
    if key in ("staffing", "ce") and report[key].get("truncated"):
        listed = format_number(len(report[key]["stations"]))
        text += " " + _("The first %(n)s stations are listed; the yearly workbook has every station.", n=listed)
    return text


def yearly_pdf(
    report: dict, *, region_name: str, year: int, on: date, start: date, end: date, generated: date
) -> bytes:
    font = _font()
    styles = _styles(font)
    title = _("Yearly region report")
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"{title} {region_name} {year}",
        author="Talent",
    )
    # STSong-Light has no middle dot (U+00B7): it printed as a missing-glyph box.
    footer = f"{region_name}  |  {title}  |  {year}"

    def on_page(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#777777"))
        canvas.drawString(15 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, str(document.page))
        canvas.restoreState()

    story = [
        Spacer(1, 60 * mm),
        Paragraph(escape(title), styles["title"]),
        Paragraph(escape(region_name), styles["cover"]),
        Paragraph(escape(_("Year %(year)s", year=year)), styles["cover"]),
        Spacer(1, 20 * mm),
        Paragraph(
            escape(
                _(
                    "Figures on %(day)s; the period is %(start)s to %(end)s.",
                    day=format_date(on),
                    start=format_date(start),
                    end=format_date(end),
                )
            ),
            styles["cover"],
        ),
        Paragraph(escape(_("Generated on %(day)s", day=format_date(generated))), styles["cover"]),
        PageBreak(),
    ]
    for key, headers, rows in yearly_tables(report):
        block = [Paragraph(escape(SHEET_TITLES[key].tr()), styles["h"])]
        chart = None
        if key == "certification-series":
            chart = certification_chart(report, font)
        elif key == "turnover-series":
            chart = turnover_chart(report, font)
        elif key == "retention":
            chart = retention_chart(report, font)
        elif key == "exit-reasons":
            chart = exit_reasons_chart(headers, rows, font)
        if chart is not None:
            block += [chart, Spacer(1, 3 * mm)]
        story.append(KeepTogether(block))
        story += [
            _table(headers, rows, styles),
            Spacer(1, 1.5 * mm),
            Paragraph(escape(_note(report, key)), styles["note"]),
        ]
    doc.build(story, onFirstPage=lambda canvas, document: None, onLaterPages=on_page)
    return buffer.getvalue()
