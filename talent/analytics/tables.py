"""The report's tables as (headers, rows) for the exports: the same numbers as the page, in the viewer's
language, rates as fractions rounded to 4 places."""

from collections.abc import AsyncIterator, Iterable

from talent.core.export import neutralise
from talent.core.i18n import N_
from talent.people.models import ExitReason, ExitType


def _rate(value) -> float | str:
    return round(value, 4) if value is not None else ""


def children(report: dict):
    headers = [
        N_("Code"),
        N_("Region"),
        N_("Headcount"),
        N_("Certified"),
        N_("Certification rate"),
        N_("Separations"),
        N_("Turnover rate"),
        N_("Stations"),
        N_("Stations meeting their tier"),
    ]
    rows = [
        (
            r["code"],
            r["name"],
            r["headcount"],
            r["certified"],
            _rate(r["rate"]),
            r["separations"],
            _rate(r["turnover_rate"]),
            r["stations"],
            r["met"],
        )
        for r in report.get("children", [])
    ]
    return [h.tr() for h in headers], rows


def stations(report: dict):
    headers = [
        N_("Code"),
        N_("Station"),
        N_("Tier"),
        N_("Headcount"),
        N_("Certified"),
        N_("Assistant"),
        N_("Intermediate"),
        N_("Senior"),
        N_("Certification rate"),
        N_("Separations"),
        N_("Turnover rate"),
        N_("Meets its tier"),
    ]
    rows = [
        (
            r["code"],
            r["name"],
            r["tier"],
            r["headcount"],
            r["certified"],
            r["by_level"].get("assistant", 0),
            r["by_level"].get("intermediate", 0),
            r["by_level"].get("senior", 0),
            _rate(r["rate"]),
            r["separations"],
            _rate(r["turnover_rate"]),
            "" if r["met"] is None else (N_("Yes") if r["met"] else N_("No")).tr(),
        )
        for r in report.get("stations", [])
    ]
    return [h.tr() for h in headers], rows


def exit_reasons(report: dict):
    headers = [N_("Exit type"), N_("Exit reason"), N_("Separations")]
    rows = [
        (
            ExitType(r["exit_type"]).label.tr() if r["exit_type"] else "",
            ExitReason(r["exit_reason"]).label.tr() if r["exit_reason"] else "",
            r["n"],
        )
        for r in report["turnover"]["exit_reasons"]
    ]
    return [h.tr() for h in headers], rows


def pass_rates(report: dict):
    headers = [N_("Year"), N_("Subject"), N_("Sat"), N_("Passed"), N_("Pass rate")]
    rows = [(r["year"], r["subject"], r["sat"], r["passed"], _rate(r["rate"])) for r in report["pass_rates"]]
    return [h.tr() for h in headers], rows


def certification_series(report: dict):
    headers = [N_("Day"), N_("Headcount"), N_("Certified"), N_("Certification rate")]
    rows = [(c["on"], c["headcount"], c["certified"], _rate(c["rate"])) for c in report["series"]["certification"]]
    return [h.tr() for h in headers], rows


def turnover_series(report: dict):
    headers = [
        N_("From"),
        N_("To"),
        N_("Separations"),
        N_("Voluntary"),
        N_("Involuntary"),
        N_("Average headcount"),
        N_("Turnover rate"),
    ]
    rows = [
        (
            t["from"],
            t["to"],
            t["separations"],
            t["voluntary"],
            t["involuntary"],
            t["average_headcount"],
            _rate(t["rate"]),
        )
        for t in report["series"]["turnover"]
    ]
    return [h.tr() for h in headers], rows


def staffing(report: dict):
    headers = [
        N_("Code"),
        N_("Station"),
        N_("Tier"),
        N_("Minimum full-time"),
        N_("Minimum certified"),
        N_("Minimum level"),
        N_("Headcount"),
        N_("Certified"),
        N_("At the level"),
        N_("Meets its tier"),
    ]
    rows = [
        (
            r["station"],
            r["name"],
            r["tier"] or "",
            r["min_fulltime"] if r["min_fulltime"] is not None else "",
            r["min_certified"] if r["min_certified"] is not None else "",
            r["min_level"] or "",
            r["headcount"],
            r["certified"],
            r["at_level"] if r["at_level"] is not None else "",
            "" if r["met"] is None else (N_("Yes") if r["met"] else N_("No")).tr(),
        )
        for r in report["staffing"]["stations"]
    ]
    return [h.tr() for h in headers], rows


def ce(report: dict):
    headers = [N_("Code"), N_("Station"), N_("Registered"), N_("On track"), N_("CE compliance")]
    rows = [
        (r["station"], r["name"], r["registered"], r["on_track"], _rate(r["rate"])) for r in report["ce"]["stations"]
    ]
    return [h.tr() for h in headers], rows


def retention(report: dict):
    headers = [
        N_("Group"),
        N_("Workers followed"),
        N_("Separations"),
        N_("Retained at 1 year"),
        N_("Retained at 2 years"),
    ]
    rows = [
        (g["group"], g["at_risk"], g["events"], _rate(_survival(g, 365)), _rate(_survival(g, 730)))
        for g in report["retention"]["groups"]
    ]
    return [h.tr() for h in headers], rows


def _survival(group: dict, days: int) -> float:
    value = 1.0
    for point in group["points"]:
        if point["days"] > days:
            break
        value = point["survival"]
    return value


TABLES = {
    "children": children,
    "stations": stations,
    "exit-reasons": exit_reasons,
    "pass-rates": pass_rates,
    "certification-series": certification_series,
    "turnover-series": turnover_series,
    "staffing": staffing,
    "ce": ce,
    "retention": retention,
}


async def aiter_rows(rows: Iterable) -> AsyncIterator:
    for row in rows:
        yield row


SHEET_TITLES = {
    "children": N_("By region"),
    "stations": N_("By station and level"),
    "exit-reasons": N_("Exit reasons"),
    "pass-rates": N_("Exam pass rates"),
    "certification-series": N_("Certification rate, month by month"),
    "turnover-series": N_("Turnover rate by period"),
    "staffing": N_("Staffing against tiers"),
    "ce": N_("CE compliance by station"),
    "retention": N_("Retention"),
}


def workbook(report: dict, target) -> None:
    """The yearly report as one workbook, one sheet per table (cells neutralised as every export's are)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for key, build in TABLES.items():
        if key == "children" and "children" not in report or key == "stations" and "stations" not in report:
            continue
        headers, rows = build(report)
        # Sheet titles may not hold []:*?/\\ and have at most 31 characters.
        title = "".join(c for c in SHEET_TITLES[key].tr() if c not in "[]:*?/\\\\")[:31]
        sheet = book.create_sheet(title=title)
        sheet.append([neutralise(h) for h in headers])
        for row in rows:
            sheet.append([neutralise(v) for v in row])
    book.save(target)
