"""The reports the pages, the exports and the JSON API all show: each builds one plain dict from the measures,
so a page and an API answer for the same area and dates carry the same numbers (DESIGN §3)."""

from dataclasses import replace
from datetime import date

from talent.analytics import formulas
from talent.analytics.area import Area, child_regions
from talent.analytics.measures import (
    TOTAL,
    Grouping,
    certification,
    certification_series,
    exit_reasons,
    turnover,
    turnover_series,
)
from talent.analytics.periods import months_back
from talent.analytics.retention import RETENTION_GROUPS, first_year_attrition, retention
from talent.analytics.workforce import (
    ce_compliance,
    pass_rates,
    registration_counts,
    staffing_summary,
    staffing_table,
    totals,
)
from talent.cohorts.models import CohortKind
from talent.core.concurrency import gather_reads
from talent.core.i18n import N_
from talent.figures.freshness import Kept, cached, cached_many, key_of, register_coded, scope_key
from talent.pay.rules import PayStatus
from talent.people.models import ExitReason, ExitType, Source
from talent.places.models import CertLevel, StationKind
from talent.places.rules import ALL_KINDS

MAX_STATIONS = 500


def _region(area: Area) -> dict | None:
    if area.region is None:
        return None
    return {"code": area.region.code, "name": area.region.name, "level": area.region.level.value}


async def certification_report(area: Area, on: date) -> dict:
    figure = (await certification(area, on))[TOTAL]
    return {"region": _region(area), "formula": formulas.CERTIFICATION.tr(), **figure.as_dict()}


async def turnover_report(area: Area, start: date, end: date) -> dict:
    figures, reasons, attrition = await gather_reads(
        [
            lambda: turnover(area, start, end),
            lambda: exit_reasons(area, start, end),
            lambda: first_year_attrition(area, start, end, end),
        ]
    )
    figure = figures[TOTAL]
    out = {"region": _region(area), "formula": formulas.TURNOVER.tr(), **figure.as_dict()}
    out["exit_reasons"] = reasons
    out["first_year_attrition"] = {"hires": attrition.hires, "left": attrition.left, "rate": attrition.rate}
    return out


def _worded_labels(group_by: str) -> dict[str, str]:
    """The retention groups' labels that are words in the reader's language (a child region's is its name)."""
    if group_by == "level":
        return {lv.value: lv.label.tr() for lv in CertLevel} | {"none": N_("No certificate").tr()}
    if group_by == "source":
        return {s.value: s.label.tr() for s in Source}
    if group_by == "cohort":
        return {k.value: k.label.tr() for k in CohortKind} | {"none": N_("Not in a cohort").tr()}
    if group_by == "region":
        return {"": N_("Directly in this region").tr()}
    if group_by == "pay":
        return {s.value: s.label.tr() for s in PayStatus} | {"uncovered": N_("No standard applies").tr()}
    return {"all": N_("Everyone").tr()}


async def _group_labels(area: Area, group_by: str) -> dict[str, str]:
    if group_by == "region":
        return {r.code: r.name for r in await child_regions(area)} | _worded_labels(group_by)
    return _worded_labels(group_by)


async def retention_report(area: Area, on: date, group_by: str = "") -> dict:
    group_by = group_by if group_by in RETENTION_GROUPS else ""
    curves = await retention(area, on, group_by)
    labels = await _group_labels(area, group_by)
    return {
        "region": _region(area),
        "on": on.isoformat(),
        "group_by": group_by,
        "formula": formulas.RETENTION.tr(),
        "groups": [
            {
                **c.as_dict(),
                "label": labels.get(c.group, c.group),
                "survival_365": c.survival_at(365),
                "survival_730": c.survival_at(730),
            }
            for c in curves
        ],
    }


def kind_label(kind: str) -> str:
    """What a report counts as stations, in the reader's language."""
    return N_("All kinds of station").tr() if kind == ALL_KINDS else StationKind(kind).label.tr()


EMPTY_SUMMARY = {"stations": 0, "tiered": 0, "met": 0}


async def kinds_overview(area: Area, on: date) -> list[dict]:
    """One row per kind of station of the network, whatever kind the report counts: stations, full-time workers
    and certified ones on d, stations with a tier of their kind and those meeting it; two statements."""
    every = replace(area, kind=ALL_KINDS)
    staff, cert = await gather_reads(
        [
            lambda: staffing_summary(every, on, by_kind=True),
            lambda: certification(every, on, Grouping.station_kinds()),
        ]
    )
    rows = []
    for kind in StationKind:
        s, c = staff.get(kind.value, EMPTY_SUMMARY), cert.get(kind.value)
        rows.append(
            {
                "kind": kind.value,
                "label": kind.label.tr(),
                "stations": s["stations"],
                "headcount": c.headcount if c else 0,
                "certified": c.certified if c else 0,
                "tiered": s["tiered"],
                "met": s["met"],
            }
        )
    return rows


async def staffing_report(area: Area, on: date, attention: bool = False) -> dict:
    """Staffing of the stations of the kind the area counts (township stations unless asked otherwise) against
    the norms of their kind, by code (`attention`: only those below their norms), with the totals of all of them,
    and the whole network per kind (`by_kind`)."""
    (rows, summary), by_kind = await gather_reads(
        [lambda: staffing_table(area, on, limit=None, unmet=attention), lambda: kinds_overview(area, on)]
    )
    return {
        "region": _region(area),
        "on": on.isoformat(),
        "kind": area.kind,
        "kind_label": kind_label(area.kind),
        "formula": formulas.STAFFING.tr(),
        "stations": [
            {
                "station": r["code"],
                "name": r["name"],
                "kind": r["kind"],
                "tier": r["tier"],
                "min_fulltime": r["min_fulltime"],
                "min_certified": r["min_certified"],
                "min_level": r["min_level"],
                "headcount": int(r["headcount"]),
                "certified": int(r["certified"]),
                "at_level": r["at_level"],
                "met": r["met"],
            }
            for r in rows
        ],
        "truncated": False,
        "totals": {**summary, "rate": summary["met"] / summary["tiered"] if summary["tiered"] else None},
        "by_kind": by_kind,
    }


async def ce_report(area: Area, on: date, attention: bool = False) -> dict:
    """CE compliance per station by code (`attention`: only those with a registered certificate off track), with
    the totals of all of them, and the registrations needing action."""
    rows, registration = await gather_reads([lambda: ce_compliance(area, on), lambda: registration_counts(area, on)])
    total = totals(rows, ("registered", "on_track"))
    total["rate"] = total["on_track"] / total["registered"] if total["registered"] else None
    if attention:
        rows = [r for r in rows if r["on_track"] < r["registered"]]
    return {
        "region": _region(area),
        "on": on.isoformat(),
        "formula": formulas.CE.tr(),
        "stations": rows,
        "truncated": False,
        "totals": total,
        "registration": registration,
    }


async def children_overview(area: Area, on: date, start: date, end: date) -> dict:
    """One row per child region (the bureau's drill-down table): headcount, certified, rate, separations and
    turnover rate, stations meeting their tier; four statements whatever the number of rows."""
    children = await child_regions(area)
    grouping = Grouping.child_regions(children)
    cert, turn, staff = await gather_reads(
        [
            lambda: certification(area, on, grouping),
            lambda: turnover(area, start, end, grouping),
            lambda: staffing_summary(area, on, children),
        ]
    )
    rows = []
    for region in children:
        c, t, s = cert.get(region.code), turn.get(region.code), staff.get(region.code, {})
        rows.append(
            {
                "code": region.code,
                "name": region.name,
                "headcount": c.headcount if c else 0,
                "certified": c.certified if c else 0,
                "rate": c.rate if c else None,
                "separations": t.separations if t else 0,
                "turnover_rate": t.rate if t else None,
                "stations": s.get("stations", 0),
                "met": s.get("met", 0),
            }
        )
    return {"children": rows}


async def stations_overview(area: Area, on: date, start: date, end: date, attention: bool = False) -> list[dict]:
    """One row per station of the area (the lowest level of the drill-down, and HR's and a supervisor's view):
    tier, headcount, certified per level, rate, separations, turnover rate, norms met; four statements. With
    `attention`, only the stations below their tier's norms."""
    (rows, _totals), cert, turn = await gather_reads(
        [
            lambda: staffing_table(area, on, limit=MAX_STATIONS, unmet=attention),
            lambda: certification(area, on, Grouping.stations()),
            lambda: turnover(area, start, end, Grouping.stations()),
        ]
    )
    out = []
    for r in rows:
        key = str(r["station_id"])
        c, t = cert.get(key), turn.get(key)
        out.append(
            {
                "code": r["code"],
                "name": r["name"],
                "tier": r["tier"] or "",
                "headcount": int(r["headcount"]),
                "certified": c.certified if c else 0,
                "by_level": c.by_level if c else {},
                "rate": c.rate if c else None,
                "separations": t.separations if t else 0,
                "turnover_rate": t.rate if t else None,
                "met": r["met"],
            }
        )
    return out


# The parts of a report, the keys of full_report's dict; a single table's export builds only the part it reads
# (tables.PART), a whole-country table in a fraction of the page's time.
PARTS = ("certification", "turnover", "staffing", "ce", "retention", "series", "pass_rates", "children", "stations")


async def full_report(
    area: Area,
    dates,
    group_by: str = "",
    parts: tuple[str, ...] = PARTS,
    attention: bool = False,
) -> dict:
    """Everything the reports page shows for an area (or only `parts` of it), from the measures above (a fixed
    number of statements). An area with child regions has "children", one without "stations". The staffing and CE
    tables hold every station (with `attention` those needing action: below their tier's norms, a registered
    certificate off track); their totals are every station's."""
    on, start, end = dates.on, dates.start, dates.end
    builders = {
        "certification": lambda: certification_report(area, on),
        "turnover": lambda: turnover_report(area, start, end),
        "staffing": lambda: staffing_report(area, on, attention),
        "ce": lambda: ce_report(area, on, attention),
        "retention": lambda: retention_report(area, on, group_by),
        "series": lambda: series_report(area, on, start, end, dates.grain),
        "pass_rates": lambda: _pass_rates(area),
    }

    async def rows() -> dict:
        if await child_regions(area):
            return {"children": (await children_overview(area, on, start, end))["children"]}
        return {"stations": await stations_overview(area, on, start, end, attention)}

    chosen = [part for part in builders if part in parts]
    with_rows = "children" in parts or "stations" in parts
    # The parts read independently: two at a time (settings.read_concurrency), in turn inside a transaction.
    results = await gather_reads([builders[part] for part in chosen] + ([rows] if with_rows else []))
    report = dict(zip(chosen, results, strict=False))
    return report | results[-1] if with_rows else report


# The exit reasons table holds these members; a cached report brings them back as members (their labels).
register_coded(ExitType, ExitReason)


# The tables each part of a report reads, for every viewer (tests/figures/test_freshness.py checks them): each part
# is kept under its own, so a change has only the parts that read its table computed again (a CE credit the CE
# table, an exam result the pass rates, a salary record the retention by pay status) and leaves the rest served.
_PLACES = ("employment_spells", "stations")
PART_READS: dict[str, tuple[str, ...]] = {
    "certification": ("certificates", *_PLACES),
    "turnover": _PLACES,
    "staffing": ("certificates", "station_tiers", *_PLACES),
    "ce": ("ce_credit_rules", "ce_credits", "certificates", "exam_levels", *_PLACES),
    "series": ("certificates", *_PLACES),
    "pass_rates": ("exam_results", "exam_subjects", "workers", *_PLACES),
    # The children's or the stations' rows.
    "rows": ("certificates", "regions", "station_tiers", *_PLACES),
}
# Retention reads what its grouping names besides the spells (talent.analytics.retention.GROUPS).
RETENTION_READS: dict[str, tuple[str, ...]] = {
    "": _PLACES,
    "level": ("certificates", *_PLACES),
    "source": ("workers", *_PLACES),
    "region": ("regions", *_PLACES),
    "cohort": ("cohort_members", "cohorts", *_PLACES),
    "pay": ("certificates", "pay_bands", "pay_salary_records", "pay_standards", *_PLACES),
}
# Every table a report may read: none of the organisations, the registrations' history, the yearly CE rules and the
# pay lists' own (allowances, performance steps, assessments, decisions), whose changes leave the reports as they were.
REPORT_READS = tuple(sorted({t for reads in (*PART_READS.values(), *RETENTION_READS.values()) for t in reads}))
# The parts whose station tables a page cuts to the stations it lists.
_CUT = ("staffing", "ce")


# The parts page_report keeps: full_report's, the children's and the stations' rows as one ("rows": an area has
# one or the other).
KEPT_PARTS = ("certification", "turnover", "staffing", "ce", "retention", "series", "pass_rates", "rows")


def _kept_part(area: Area, dates, group_by: str, attention: bool, part: str) -> Kept:
    """One part of the report, whole, under the tables it reads and keyed by the parameters it depends on besides
    the area (full_report's builders)."""
    on, start, end = dates.on, dates.start, dates.end
    # As retention_report reads it: an unknown grouping is everyone's, not a key of its own for each word asked.
    group_by = group_by if group_by in RETENTION_GROUPS else ""
    params = {
        "certification": (on,),
        "turnover": (start, end),
        "staffing": (on, attention),
        "ce": (on, attention),
        "retention": (on, group_by),
        "series": (on, start, end, dates.grain),
        "pass_rates": (),
        "rows": (on, start, end, attention),
    }[part]

    async def compute():
        report = await full_report(area, dates, group_by, ("stations",) if part == "rows" else (part,), attention)
        return report if part == "rows" else report[part]

    reads = RETENTION_READS[group_by] if part == "retention" else PART_READS[part]
    return Kept(f"report:{part}:{key_of(scope_key(area.scope), area.key, area.kind, *params)}", compute, reads)


def _cut_part(kept: Kept, today: date, listed: int) -> Kept:
    """A staffing or CE table cut to `listed` stations, computed from the whole one (stored beside it)."""

    async def compute():
        return _cut(await cached(key=kept.key, day=today, compute=kept.compute, reads=kept.reads), listed)

    return Kept(f"{kept.key}:{listed}", compute, kept.reads)


async def _kept_report(area: Area, parts: list[str], figures: list[Kept], today: date) -> dict:
    report: dict = {}
    for part, value in zip(parts, await cached_many(day=today, figures=figures), strict=True):
        if part == "rows":
            report |= value
        else:
            report[part] = value
    return _in_language(report, area)


async def page_report(
    area: Area, dates, group_by: str, today: date, *, listed: int | None, attention: bool = False
) -> dict:
    """full_report for the reports pages (the page, the yearly report and its files), kept exact under the data
    version (talent.figures.freshness) part by part, each under the tables it reads and the parameters it depends
    on (a page asking another retention grouping computes that curve alone, another period the parts over the
    period): served in one statement while nothing they read has changed today; the whole country's took 2.2 s on
    PostgreSQL and 5.6 s on SQLite a visit. A page lists the first `listed` stations of its staffing and CE tables
    (None: every one, for the yearly workbook). Those tables are kept whole, and the page's cut of them beside them,
    computed from them: a page's visit decodes only the rows it lists (the country's 24,131 CE rows were 3.9 MB of
    its 4.1 MB, decoded on every visit to show 500), and the workbook after the page computes nothing again."""
    figures = []
    for part in KEPT_PARTS:
        kept = _kept_part(area, dates, group_by, attention, part)
        figures.append(_cut_part(kept, today, listed) if part in _CUT and listed is not None else kept)
    return await _kept_report(area, list(KEPT_PARTS), figures, today)


async def report_parts(
    area: Area, dates, group_by: str, today: date, parts: tuple[str, ...], *, attention: bool = False
) -> dict:
    """full_report(…, parts) as the pages keep it (page_report's parts whole, "children" and "stations" its rows):
    a table's download and the report API served from what the page stored, or computed and stored for it."""
    kept = list(dict.fromkeys("rows" if p in ("children", "stations") else p for p in parts))
    figures = [_kept_part(area, dates, group_by, attention, part) for part in kept]
    return await _kept_report(area, kept, figures, today)


def _cut(part: dict, listed: int) -> dict:
    """A staffing or CE table cut to its first `listed` stations (its totals stay every station's)."""
    stations = part["stations"]
    return {**part, "truncated": len(stations) > listed, "stations": stations[:listed]}


# The formula each part states (the API's "formula").
_FORMULAS = {
    "certification": formulas.CERTIFICATION,
    "turnover": formulas.TURNOVER,
    "staffing": formulas.STAFFING,
    "ce": formulas.CE,
    "retention": formulas.RETENTION,
}


def _in_language(report: dict, area: Area) -> dict:
    """A stored report's words put in the reader's language at each reading: the report is stored once for every
    language (its numbers and names are the same in all), where the words of the first visit's language were
    served to every reader (a Chinese page showed the station kinds in English)."""
    for part, formula in _FORMULAS.items():
        if part in report:
            report[part]["formula"] = formula.tr()
    if "staffing" in report:
        report["staffing"]["kind_label"] = kind_label(area.kind)
        for row in report["staffing"]["by_kind"]:
            row["label"] = StationKind(row["kind"]).label.tr()
    if "retention" in report:
        words = _worded_labels(report["retention"]["group_by"])
        for group in report["retention"]["groups"]:
            group["label"] = words.get(group["group"], group["label"])
    return report


async def _pass_rates(area: Area) -> list[dict]:
    return [
        {
            "year": p.year,
            "subject": p.subject,
            "name": p.name,
            "name_en": p.name_en,
            "sat": p.sat,
            "passed": p.passed,
            "rate": p.rate,
        }
        for p in await pass_rates(area, None)
    ]


async def series_report(area: Area, on: date, start: date, end: date, grain: str = "month") -> dict:
    """The trend charts' data: the certification rate at each month's end of the last twelve months, and turnover
    per month (or quarter, year) of the period."""
    cert, turn = await gather_reads(
        [lambda: certification_series(area, months_back(on, 12)), lambda: turnover_series(area, start, end, grain)]
    )
    return {
        "certification": [c.as_dict() for c in cert],
        "turnover": [t.as_dict() for t in turn],
        "grain": grain,
    }
