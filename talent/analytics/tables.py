"""The report's tables as (headers, rows) for the exports, the yearly workbook and the yearly PDF: the same
numbers as the page (each cell read from the report dict, never computed again), in the viewer's language, rates
as fractions rounded to 4 places (a `Rate`, which keeps the exact value for the PDF's percentages)."""

from collections.abc import AsyncIterator, Iterable

from talent.analytics import formulas
from talent.core.export import neutralise
from talent.core.i18n import N_
from talent.people.models import ExitReason, ExitType
from talent.places.models import CertLevel, StationKind


class Rate(float):
    """A rate cell: the fraction rounded to 4 places (what a spreadsheet gets), with the exact value kept so the
    PDF prints the percentage the page prints (rounding once)."""

    exact: float

    def __new__(cls, value: float) -> "Rate":
        rate = super().__new__(cls, round(value, 4))
        rate.exact = value
        return rate


def _rate(value) -> Rate | str:
    return Rate(value) if value is not None else ""


def _level(code: str | None) -> str:
    """A certificate level's name in the reader's language (the tier stores its code)."""
    member = CertLevel._value2member_map_.get(code or "")
    return member.label.tr() if member is not None else (code or "")


def _yes_no(met) -> str:
    return "" if met is None else (N_("Yes") if met else N_("No")).tr()


def _measure_rows(pairs) -> tuple[list[str], list[tuple]]:
    return [N_("Measure").tr(), N_("Value").tr()], [(label.tr(), value) for label, value in pairs]


def headcount(report: dict):
    """Headcount and certification by level on the report day."""
    cert = report["certification"]
    pairs = [
        (N_("Full-time workers"), cert["headcount"]),
        (N_("Certified"), cert["certified"]),
        (N_("Certification rate"), _rate(cert["rate"])),
    ]
    pairs += [(level.label, cert["by_level"].get(level.value, 0)) for level in CertLevel]
    return _measure_rows(pairs)


def turnover(report: dict):
    """Turnover over the period, by kind, and first-year attrition."""
    t = report["turnover"]
    attrition = t["first_year_attrition"]
    return _measure_rows(
        [
            (N_("Separations"), t["separations"]),
            (N_("Voluntary"), t["voluntary"]),
            (N_("Involuntary"), t["involuntary"]),
            (N_("Average headcount"), round(t["average_headcount"], 2)),
            (N_("Turnover rate"), _rate(t["rate"])),
            (N_("Voluntary turnover rate"), _rate(t["voluntary_rate"])),
            (N_("Involuntary turnover rate"), _rate(t["involuntary_rate"])),
            (N_("Hires in the period"), attrition["hires"]),
            (N_("Of whom left within a year"), attrition["left"]),
            (N_("First-year attrition"), _rate(attrition["rate"])),
        ]
    )


def registration(report: dict):
    """Registration status counts (not exclusive) and CE compliance in all."""
    reg, ce_totals = report["ce"]["registration"], report["ce"]["totals"]
    return _measure_rows(
        [
            (N_("Certificates"), reg["certificates"]),
            (N_("Valid"), reg["valid"]),
            (N_("Renewal window open"), reg["renewal_open"]),
            (N_("CE short"), reg["ce_short"]),
            (N_("Expired"), reg["expired"]),
            (N_("Awaiting first registration"), reg["unregistered"]),
            (N_("Registered"), ce_totals["registered"]),
            (N_("On track"), ce_totals["on_track"]),
            (N_("CE compliance"), _rate(ce_totals["rate"])),
        ]
    )


def staffing_summary(report: dict):
    """Stations, those with a tier, those meeting it, and the compliance rate."""
    totals = report["staffing"]["totals"]
    return _measure_rows(
        [
            (N_("Stations counted"), report["staffing"]["kind_label"]),
            (N_("Stations"), totals["stations"]),
            (N_("Stations with a tier"), totals["tiered"]),
            (N_("Stations meeting their tier"), totals["met"]),
            (N_("Staffing compliance"), _rate(totals["rate"])),
        ]
    )


def kinds(report: dict):
    """The whole network per kind of station: stations, headcount, certified, norms met."""
    headers = [
        N_("Station kind"),
        N_("Stations"),
        N_("Headcount"),
        N_("Certified"),
        N_("Stations with a tier"),
        N_("Stations meeting their tier"),
    ]
    rows = [
        (r["label"], r["stations"], r["headcount"], r["certified"], r["tiered"], r["met"])
        for r in report["staffing"]["by_kind"]
    ]
    return [h.tr() for h in headers], rows


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
            _yes_no(r["met"]),
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
        N_("Station kind"),
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
            StationKind(r["kind"]).label.tr(),
            r["tier"] or "",
            r["min_fulltime"] if r["min_fulltime"] is not None else "",
            r["min_certified"] if r["min_certified"] is not None else "",
            _level(r["min_level"]),
            r["headcount"],
            r["certified"],
            r["at_level"] if r["at_level"] is not None else "",
            _yes_no(r["met"]),
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
        N_("Retention group"),
        N_("Spells followed"),
        N_("Separations"),
        N_("Retained at 1 year"),
        N_("Retained at 2 years"),
    ]
    rows = [
        (g.get("label", g["group"]), g["at_risk"], g["events"], _rate(g["survival_365"]), _rate(g["survival_730"]))
        for g in report["retention"]["groups"]
    ]
    return [h.tr() for h in headers], rows


# The single tables a report page offers for download, and (all of them, in this order) the yearly report's.
TABLES = {
    "headcount": headcount,
    "turnover": turnover,
    "registration": registration,
    "staffing-summary": staffing_summary,
    "kinds": kinds,
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


# The report part (reports.PARTS) each table reads: a single table's export builds only that.
PART = {
    "headcount": "certification",
    "turnover": "turnover",
    "registration": "ce",
    "staffing-summary": "staffing",
    "kinds": "staffing",
    "children": "children",
    "stations": "stations",
    "exit-reasons": "turnover",
    "pass-rates": "pass_rates",
    "certification-series": "series",
    "turnover-series": "series",
    "staffing": "staffing",
    "ce": "ce",
    "retention": "retention",
}


async def aiter_rows(rows: Iterable) -> AsyncIterator:
    for row in rows:
        yield row


SHEET_TITLES = {
    "headcount": N_("Headcount and certification"),
    "turnover": N_("Turnover and attrition"),
    "registration": N_("Registrations and CE"),
    "staffing-summary": N_("Staffing compliance"),
    "kinds": N_("By station kind"),
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


# The sentence(s) saying how each table's figures are computed (under each table of the PDF, below each sheet).
NOTES = {
    "headcount": (formulas.HEADCOUNT, formulas.CERTIFICATION),
    "turnover": (formulas.TURNOVER, formulas.ATTRITION),
    "registration": (formulas.REGISTRATION, formulas.CE),
    "staffing-summary": (formulas.STAFFING,),
    "kinds": (formulas.KINDS,),
    "children": (formulas.CERTIFICATION, formulas.TURNOVER),
    "stations": (formulas.CERTIFICATION, formulas.TURNOVER),
    "exit-reasons": (formulas.EXIT_REASONS,),
    "pass-rates": (formulas.PASS_RATE,),
    "certification-series": (formulas.CERTIFICATION,),
    "turnover-series": (formulas.TURNOVER,),
    "staffing": (formulas.STAFFING,),
    "ce": (formulas.CE,),
    "retention": (formulas.RETENTION,),
}


def note(key: str) -> str:
    return " ".join(formula.tr() for formula in NOTES[key])


def yearly_tables(report: dict) -> list[tuple[str, list[str], list[tuple]]]:
    """(key, headers, rows) of every table of the yearly report, in order: by region where the area has child
    regions, by station otherwise."""
    out = []
    for key, build in TABLES.items():
        if key == "children" and "children" not in report or key == "stations" and "stations" not in report:
            continue
        headers, rows = build(report)
        out.append((key, headers, rows))
    return out


def workbook(report: dict, target) -> None:
    """The yearly report as one workbook, one sheet per table with localised headers, the formula note two rows
    below the table (cells neutralised as every export's are)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for key, headers, rows in yearly_tables(report):
        # Sheet titles may not hold []:*?/\\ and have at most 31 characters.
        title = "".join(c for c in SHEET_TITLES[key].tr() if c not in "[]:*?/\\\\")[:31]
        sheet = book.create_sheet(title=title)
        sheet.append([neutralise(h) for h in headers])
        for row in rows:
            sheet.append([neutralise(v) for v in row])
        sheet.append([])
        sheet.append([neutralise(note(key))])
    book.save(target)
