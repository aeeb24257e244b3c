"""Reads for the exam catalogue, results, certificates, registrations and the CE ledger.

The catalogue (levels, subjects, paper structures, exam years, pass lines, eligibility) is national
reference data every signed-in user may read. Everything about a worker goes through the viewer's scope.

For exam preparation (courses.examprep):
    subject = await subject_by_code("A-ZH")          # ExamSubject or None
    paper = await paper_structure(subject)           # PaperStructure: minutes, full marks, pass mark, sections
    for section in paper.sections: section.kind, section.count, section.points
A fresh test database built from the models has no catalogue: call
`await talent.certification.services.catalogue_seed()` first (idempotent; migration 0003 seeds real databases).
"""

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from tortoise.expressions import Case, Q, RawSQL, Value, When
from tortoise.functions import Count, Sum

from talent.certification.expressions import (
    CertificateSql,
    date_literal,
    social_work_days_sql,
    worker_region_path_sql,
)
from talent.certification.models import (
    CeCredit,
    CeCreditRule,
    Certificate,
    CeSource,
    CeYearlyRule,
    EligibilityRule,
    ExamLevel,
    ExamResult,
    ExamSubject,
    ExamYear,
    PaperSection,
    PassLine,
    Registration,
)
from talent.certification.rules import (
    CE_CREDIT_DEFAULTS,
    STATUSES,
    YEARLY_DEFAULT,
    CapRule,
    CertStatus,
    Held,
    LevelEligibility,
    LevelRules,
    Rule,
    Thresholds,
    capped,
    ce_caps,
    eligibility_for,
    first_registration_deadline,
    period_ce_hours,
    ranked,
    renewal_opens,
    yearly_ce,
    years_of,
    years_to_cutoff,
)
from talent.core.access import Scope
from talent.core.export import sql_batches
from talent.core.filters import filtered_by_given
from talent.core.memo import once
from talent.core.pagination import ListParams, Page, WindowSql, attach, paginate, window_sql
from talent.core.sql import (
    RawSubquery,
    Unordered,
    dialect,
    icontains,
    inline_sql,
    lacking,
    under,
    unordered,
)
from talent.people.access import of_reached_worker_q, of_reached_workers_q, spells_at_q, spells_q
from talent.people.models import COUNTED_EXPERIENCE, EmploymentSpell, PriorExperience, Worker
from talent.people.selectors import active_on, worker_get
from talent.places.access import regional_rules_q, regions_q
from talent.places.models import CertLevel, Region
from talent.places.rules import ancestor_paths
from talent.rawsql import fetch_all, fixed


@dataclass(frozen=True)
class Section:
    kind: str  # single | multiple | case | programme | essay
    count: int
    points: Decimal

    @property
    def total(self) -> Decimal:
        return self.points * self.count


@dataclass(frozen=True)
class PaperStructure:
    code: str
    level: str
    minutes: int
    full_marks: Decimal
    pass_mark: Decimal
    sections: list[Section] = field(default_factory=list)

    @property
    def question_count(self) -> int:
        return sum(s.count for s in self.sections)


async def subject_by_code(code: str) -> ExamSubject | None:
    """The subject with this code (A-ZH, A-SW, I-ZH, I-FG, I-SW, S-SW …), or None."""
    if not code:
        return None
    return await ExamSubject.get_or_none(code=code.strip().upper())


SUBJECT_SUGGEST_LIMIT = 20


async def subject_suggest(*, term: str, limit: int = SUBJECT_SUGGEST_LIMIT) -> list[dict]:
    """Subjects (national reference data, the same for every viewer) whose code starts with or whose name holds
    `term`, in the catalogue's order, at most `limit`: one query."""
    qs = ExamSubject.all()
    if term:
        qs = qs.filter(Q(code__istartswith=term) | icontains("name", term) | icontains("name_en", term))
    return await qs.order_by("position", "code").limit(limit).values("code", "name", "name_en")


async def subjects(level: CertLevel | str | None = None) -> list[ExamSubject]:
    qs = ExamSubject.all()
    if level:
        qs = qs.filter(level=level)
    return await qs.order_by("position", "code")


async def subject_get(*, subject_id: int) -> ExamSubject:
    return await ExamSubject.get(id=subject_id)


async def paper_structure(subject: ExamSubject) -> PaperStructure:
    """The subject's paper: minutes, full marks, national pass mark and its sections in order."""
    rows = await PaperSection.filter(subject_id=subject.id).order_by("position", "id")
    return PaperStructure(
        code=subject.code,
        level=subject.level.value if hasattr(subject.level, "value") else str(subject.level),
        minutes=subject.minutes,
        full_marks=Decimal(subject.full_marks),
        pass_mark=Decimal(subject.pass_mark),
        sections=[Section(kind=str(r.kind.value), count=r.count, points=Decimal(r.points)) for r in rows],
    )


async def sections_of(*, subject_id: int) -> list[PaperSection]:
    return await PaperSection.filter(subject_id=subject_id).order_by("position", "id")


async def section_get(*, subject_id: int, section_id: int) -> PaperSection:
    return await PaperSection.filter(subject_id=subject_id).select_related("subject").get(id=section_id)


async def levels() -> list[ExamLevel]:
    return await ExamLevel.all().order_by("position", "id")


async def level_rules(level: CertLevel | str) -> ExamLevel | None:
    return await ExamLevel.get_or_none(level=level)


async def level_get(*, level_id: int) -> ExamLevel:
    return await ExamLevel.get(id=level_id)


async def exam_years() -> list[ExamYear]:
    return await ExamYear.all().order_by("-year")


async def exam_year_get(*, year_id: int) -> ExamYear:
    return await ExamYear.get(id=year_id)


async def pass_lines() -> list[PassLine]:
    return await PassLine.all().select_related("subject", "region").order_by("subject__position", "year", "id")


async def pass_line_get(*, line_id: int) -> PassLine:
    return await PassLine.all().select_related("subject", "region").get(id=line_id)


async def pass_mark_for(*, subject: ExamSubject, year: int, region_path: str = "") -> Decimal:
    """The pass line for a subject in a year for someone sitting in the region with this path: the line
    of the deepest region containing it (no region = national) wins, then a line for this year over an
    any-year line; without any line, the subject's national pass mark."""
    lines = await PassLine.filter(Q(year=year) | Q(year=None), subject_id=subject.id).select_related("region")
    best = None
    best_key = None
    ancestors = set(ancestor_paths(region_path))
    for line in lines:
        if line.region_id is not None and line.region.path not in ancestors:
            continue
        key = (line.region.depth if line.region_id is not None else -1, 1 if line.year is not None else 0)
        if best_key is None or key > best_key:
            best, best_key = line, key
    return Decimal(best.pass_mark) if best is not None else Decimal(subject.pass_mark)


# --- certificates, registration status and CE per worker ------------------------------------------------

LEVEL_ORDER = ("assistant", "intermediate", "senior")
LIST_SORTS = {"worker_no": "worker_no", "name": "name", "level": "cert_level", "expires": "cert_expires"}
# Sorts over a column that may be blank (no certificate, never registered): the list orders by a key that puts the
# blanks last whichever the direction, the same on SQLite (NULL first ascending) and PostgreSQL (NULL last).
_BLANK_LAST_SORTS = {"level": "cert_level_key", "expires": "cert_expires_key"}
EXPIRING_MAX_DAYS = 3660


@dataclass(frozen=True)
class ListFilters:
    """The certificate list's filters. Each one set narrows the list, and they combine: a registration expiring in
    75 days with too few CE hours is found under `renewal_open`, under `ce_short` and under both at once. The
    flags read the worker's highest certificate, as the status badge does; `status` is that badge (one per row)."""

    level: str = ""
    status: str = ""
    station_code: str = ""
    expiring_days: int | None = None  # the registration ends between today and today + N days
    renewal_open: bool = False  # the renewal window is open (the registration ends within the level's window)
    ce_short: bool = False  # the CE hours are short, where the status would say so (the period's last year)
    expired: bool = False  # the registration period has ended

    @property
    def flags(self) -> dict[str, bool]:
        return {"renewal_open": self.renewal_open, "ce_short": self.ce_short, "expired": self.expired}


# The catalogue reads as fixed statements: every report measure reading certificates asks for them, and through the
# ORM the two small tables cost more than a county's whole measure (0.9 ms against 0.2).
_LEVEL_COLUMNS = ("level", *(f.name for f in fields(LevelRules)))
_CAP_COLUMNS = ("region_path", "kind", "effective_from", "max_hours")
_LEVEL_RULES_SQL = f"SELECT {', '.join(_LEVEL_COLUMNS)} FROM exam_levels"
# Both in one round trip (`part` tells them apart), for certificate_sql.
_CATALOGUE_SQL = (
    f"SELECT 0 AS part, {', '.join(_LEVEL_COLUMNS)}, {', '.join(f'NULL AS {c}' for c in _CAP_COLUMNS)}"
    f" FROM exam_levels UNION ALL SELECT 1, {', '.join('NULL' for _ in _LEVEL_COLUMNS)}, {', '.join(_CAP_COLUMNS)}"
    " FROM ce_credit_rules"
)


def _level_rules(rows: list[dict]) -> dict[str, LevelRules]:
    out = {}
    for row in rows:
        values = {name: row[name] for name in _LEVEL_COLUMNS[1:]}
        values["review_required"] = bool(values["review_required"])  # SQLite gives the boolean back as 0 or 1
        out[str(row["level"])] = LevelRules(**values)
    return {level: out.get(level, LevelRules()) for level in LEVEL_ORDER}


def _cap_rules(rows: list[dict]) -> tuple[CapRule, ...]:
    # Each value as the ORM reads its column (SQLite gives back text for dates and decimals).
    day, cap = (CeCreditRule._meta.fields_map[name].to_python_value for name in ("effective_from", "max_hours"))
    return tuple(
        CapRule(
            r["region_path"],
            str(r["kind"]),
            day(r["effective_from"]),
            None if r["max_hours"] is None else cap(r["max_hours"]),
        )
        for r in rows
    )


async def level_rules_map() -> dict[str, LevelRules]:
    """Rules per level value; a level without a row gets the defaults."""
    return _level_rules(await fetch_all(ExamLevel, _LEVEL_RULES_SQL))


def _is_postgres(model=Certificate) -> bool:
    return model._meta.db.capabilities.dialect == "postgres"


async def _catalogue_now() -> tuple[Mapping[str, LevelRules], tuple[CapRule, ...]]:
    """The catalogue's level rules and CE caps of now: one small statement, read once per reading request
    (talent.core.memo) for all who ask (a worker's home asks for the certificate rules in one panel and for the CE caps
    in another, each a statement of its own before)."""
    rows = await once(("certification_catalogue",), lambda: fetch_all(ExamLevel, _CATALOGUE_SQL))
    return _catalogue(tuple(tuple(r.values()) for r in rows))


async def certificate_sql(row: str = "c") -> CertificateSql:
    """The certification rules as SQL on this database, with the catalogue's level rules and CE caps of now."""
    levels, caps = await _catalogue_now()
    return CertificateSql(rules=levels, pg=_is_postgres(), row=row, caps=caps)


def live_certificate_sql(row: str = "c") -> CertificateSql:
    """The level rules (valid years, required hours, expiry) read by the statement itself: no catalogue read
    (CertificateSql.live; the caps and the status need `certificate_sql`)."""
    return CertificateSql(rules={}, pg=_is_postgres(), row=row, live=True)


@lru_cache(maxsize=16)
def _catalogue(rows: tuple[tuple, ...]) -> tuple[Mapping[str, LevelRules], tuple[CapRule, ...]]:
    """The rules the catalogue's rows hold, built once per distinct catalogue (converting the rows cost more than
    reading them). Read-only: shared by every caller."""
    names = ("part", *_LEVEL_COLUMNS, *_CAP_COLUMNS)
    dicts = [dict(zip(names, r, strict=True)) for r in rows]
    levels = _level_rules([r for r in dicts if int(r["part"]) == 0])
    return MappingProxyType(levels), _cap_rules([r for r in dicts if int(r["part"]) == 1])


# ── what counts toward CE (CeCreditRule) and the yearly rule (CeYearlyRule) ───────────────────────────


async def ce_cap_rules() -> tuple[CapRule, ...]:
    """Every CE credit rule (one row per region, kind and day: a small table), as the catalogue holds them."""
    _levels, caps = await _catalogue_now()
    return caps


async def worker_region_path(*, worker_id: int) -> str:
    """The region whose CE rules hold for a worker (CertificateSql.worker_region_path): that of the station of their
    latest spell, else the region that registered them. One statement either way."""
    rows = await fetch_all(Worker, f"SELECT {worker_region_path_sql('$1')} AS p", worker_id)
    return rows[0]["p"] or ""


async def _recorded_hours(worker_id: int, periods: Mapping[int, tuple[date, date]]) -> dict[int, dict[str, Decimal]]:
    """Per key of `periods` (key → first and last day, both included), the hours credited to the worker in that
    period per kind, summed in SQL: one statement for every period, asked even for none (an empty period stands in,
    so the statement is the same)."""
    pg = _is_postgres()
    spans = periods.items() or [(0, (date(1, 1, 2), date(1, 1, 1)))]
    values = ", ".join(f"({int(key)}, {date_literal(s, pg)}, {date_literal(e, pg)})" for key, (s, e) in spans)
    rows = await fetch_all(
        CeCredit,
        f"WITH p(period, s, e) AS (VALUES {values}) SELECT p.period AS period, e.source AS source,"
        " SUM(CAST(e.hours AS NUMERIC)) AS total FROM p JOIN ce_credits e ON e.worker_id = $1"
        " AND e.earned_on >= p.s AND e.earned_on <= p.e GROUP BY p.period, e.source",
        worker_id,
    )
    recorded: dict[int, dict[str, Decimal]] = {key: {} for key in periods}
    for row in rows:
        recorded[row["period"]][str(row["source"])] = Decimal(str(row["total"] or 0))
    return recorded


async def period_ce(*, worker_id: int, start: date, end: date) -> tuple[Decimal, dict, dict]:
    """The CE hours of a registration period [start, end] as the status counts them (rules.period_ce_hours: each
    kind capped by the rule of the worker's region in force on `start`), with the hours recorded per kind and the
    caps. The Python mirror of CertificateSql.ce_hours, read by the services before a renewal."""
    recorded = (await _recorded_hours(worker_id, {0: (start, end)}))[0]
    caps = ce_caps(await ce_cap_rules(), await worker_region_path(worker_id=worker_id), start)
    credits = [(start, hours, kind) for kind, hours in recorded.items()]
    return period_ce_hours(credits, start, end, caps), recorded, caps


async def yearly_rule(*, region_path: str, on: date):
    """The yearly CE rule of a region on a day (most specific region, then latest); off by default."""
    rules = await CeYearlyRule.filter(region_path__in=["", *ancestor_paths(region_path)], effective_from__lte=on)
    winners = ranked(rules, region_path, on)
    return winners[0] if winners else YEARLY_DEFAULT


async def worker_yearly_ce(*, scope: Scope, worker_id: int, today: date):
    """This calendar year's CE of a worker in scope against the yearly rule of their region, or None where the
    rule is off (rules.yearly_ce)."""
    rule = await yearly_rule(region_path=await worker_region_path(worker_id=worker_id), on=today)
    if not rule.applies:
        return None
    start = date(today.year, 1, 1)
    rows = (
        await CeCredit.filter(of_reached_worker_q(scope, worker_id), earned_on__gte=start)
        .filter(earned_on__lte=date(today.year, 12, 31))
        .annotate(total=Sum("hours"))
        .group_by("source")
        .values_list("source", "total")
    )
    return yearly_ce([(start, Decimal(str(total or 0)), str(kind)) for kind, total in rows], today.year, rule)


@dataclass(frozen=True)
class CapInForce:
    """The cap of one kind of credit for a region on a day, with the rule row it comes from (None: the default)."""

    kind: CeSource
    max_hours: Decimal | None
    rule: CeCreditRule | None
    source: str


async def ce_caps_in_force(*, region_path: str, on: date) -> list[CapInForce]:
    """Each kind's cap for a registration period beginning on `on` in the region at `region_path` ("" national),
    with the rule deciding it (rules.ce_caps, which the status and the page read alike)."""
    rows = await CeCreditRule.filter(region_path__in=["", *ancestor_paths(region_path)], effective_from__lte=on)
    out = []
    for kind, (default, source) in CE_CREDIT_DEFAULTS.items():
        winners = ranked([r for r in rows if r.kind == kind], region_path, on)
        rule = winners[0] if winners else None
        cap = (None if rule.max_hours is None else Decimal(str(rule.max_hours))) if rule else default
        out.append(CapInForce(CeSource(kind), cap, rule, rule.source if rule else source))
    return out


async def region_of_path(*, path: str) -> Region | None:
    """The region at `path` (a bureau's own), None for "" (national)."""
    # By its unique path: one plan serves every path (rawsql.fixed: planned once on PostgreSQL).
    return await Region.filter(path=path).using_db(fixed(Region)).first() if path else None


CE_CREDIT_RULE_SORTS = {"region": "region_path", "kind": "kind", "effective": "effective_from"}


async def ce_credit_rule_list(*, scope: Scope, params: ListParams) -> Page:
    qs = CeCreditRule.filter(regional_rules_q(scope)).select_related("region")
    if params.q:
        qs = qs.filter(icontains("source", params.q) | icontains("region__name", params.q) | Q(region__code=params.q))
    return await paginate(qs, params, CE_CREDIT_RULE_SORTS, default="region")


async def ce_yearly_rule_list(*, scope: Scope) -> list[CeYearlyRule]:
    return (
        await CeYearlyRule.filter(regional_rules_q(scope))
        .select_related("region")
        .order_by("region_path", "-effective_from")
    )


async def ce_credit_rule_get(*, scope: Scope, rule_id: int) -> CeCreditRule:
    return await CeCreditRule.filter(regional_rules_q(scope)).select_related("region").get(id=rule_id)


async def ce_yearly_rule_get(*, scope: Scope, rule_id: int) -> CeYearlyRule:
    return await CeYearlyRule.filter(regional_rules_q(scope)).select_related("region").get(id=rule_id)


def _top_certificate(expression: str) -> str:
    """A correlated subquery reading `expression` from the worker's highest certificate (senior >
    intermediate > assistant, which is also the alphabetical order of the level codes)."""
    return (
        f'(SELECT {expression} FROM certificates c WHERE c.worker_id = "workers"."id"'
        " ORDER BY c.level DESC, c.obtained_on DESC, c.id DESC LIMIT 1)"
    )


def _per_level(sql: CertificateSql, values: Mapping[str, str], default: str) -> str:
    whens = " ".join(f"WHEN '{level}' THEN {value}" for level, value in values.items())
    return f"(CASE {sql.column('level')} {whens} ELSE {default} END)"


def flag_conditions(sql: CertificateSql, today: date, expiring_days: int | None) -> dict[str, str]:
    """Each filter flag as a condition over one certificate row, with the thresholds the status uses
    (rules.Thresholds), so a row whose badge says "CE shortfall" or "renewal window open" has the flag too."""
    default = Thresholds.of(LevelRules(), today)
    thresholds = {level: Thresholds.of(r, today) for level, r in sql.rules.items()}

    def by_level(name: str) -> str:
        values = {level: date_literal(getattr(t, name), sql.pg) for level, t in thresholds.items()}
        return _per_level(sql, values, date_literal(getattr(default, name), sql.pg))

    registered, expiry = f"{sql.column('registered_on')} IS NOT NULL", sql.expiry()
    current = f"{registered} AND {expiry} >= {date_literal(today, sql.pg)}"
    renewal = f"{expiry} <= {by_level('renewal_from')}"
    last_year = f"{expiry} < {date_literal(default.last_year_from, sql.pg)}"
    conditions = {
        "renewal_open": f"{current} AND {renewal}",
        "ce_short": f"{current} AND ({renewal} OR {last_year}) AND {sql.ce_hours()} < {sql.required_hours()}",
        "expired": f"{registered} AND {expiry} < {date_literal(today, sql.pg)}",
    }
    if expiring_days is not None:
        until = date_literal(today + timedelta(days=expiring_days), sql.pg)
        conditions["expiring"] = f"{current} AND {expiry} <= {until}"
    return conditions


# The certificate `c` is its worker's highest: none of a higher level (one certificate a level, models.Certificate).
_HIGHEST = "NOT EXISTS (SELECT 1 FROM certificates h WHERE h.worker_id = c.worker_id AND h.level > c.level)"


def _narrowed(qs, name: str, condition: str | None, pg: bool):
    """`qs` (of Worker) narrowed to the workers whose highest certificate meets `condition` (SQL over the row `c`),
    or to those with no certificate at all when `condition` is None; `name` is the annotation SQLite filters by.
    On PostgreSQL as the workers so found, for `id__in`, which the planner joins to the list's workers however many
    there are: tested worker by worker, the whole country's list (~90,000 workers) took about a second, and an
    `EXISTS (…) = false` is never made an anti-join. On SQLite as that test, a probe of the certificates' worker
    index for each worker of the list: SQLite reads an `id__in` subquery whole first, the whole country's
    certificates for a city's list (0.02 → 0.8 s on the national demo, bench/pages.py)."""
    if condition is None:
        if pg:
            return qs.filter(id__in=lacking("workers", Certificate.all().values("worker_id"), "worker_id"))
        return qs.annotate(
            **{name: RawSQL('EXISTS (SELECT 1 FROM certificates c WHERE c.worker_id = "workers"."id")')}
        ).filter(**{name: False})
    meets = f"{condition} AND {_HIGHEST}"
    if pg:
        return qs.filter(id__in=RawSubquery(f"SELECT c.worker_id FROM certificates c WHERE {meets}"))
    probe = f'EXISTS (SELECT 1 FROM certificates c WHERE c.worker_id = "workers"."id" AND {meets})'
    return qs.annotate(**{name: RawSQL(probe)}).filter(**{name: True})


def _blank_last_key(expression: str, descending: bool, last_high: str, last_low: str) -> RawSQL:
    """`expression` with a blank replaced by a value past every other in the sort's direction."""
    return RawSQL(f"COALESCE({expression}, {last_low if descending else last_high})")


@lru_cache(maxsize=1024)
def _current_station_sql(scope: Scope, today: date, _dialect: str) -> str:
    """The station of the current spell in scope of the worker `w` (the outer row), the latest started when they
    hold two: a correlated subquery, its values (the reach, the day) inlined. Written once per scope, day and
    dialect: built through Tortoise on each request, it was a fifteenth of a county's /certificates in the server
    (pyinstrument, small demo, SQLite)."""
    spell = (
        EmploymentSpell.filter(spells_q(scope), active_on(today), worker_id=RawSQL("w.id"))
        .order_by("-start_on", "-id")
        .limit(1)
        .values("station_id")
    )
    return f"({inline_sql(spell)})"


def _rows_sql(sql: CertificateSql, today: date, ids: str, station: str, window: WindowSql | None = None) -> str:
    """The statement of the rows shown (id, worker_no, name, cert_level, cert_number, cert_expires, cert_ce,
    cert_status, station_code, station_name) of the workers whose ids `ids` (SQL: a list or a subquery) gives, by
    worker id, with the station `station` (_current_station_sql) chooses: each worker's highest certificate found
    once, its expiry and period CE hours computed once (a materialised derived table), its status over those
    columns. Written as a column each (a correlated subquery per column, the status repeating expiry and hours), a
    row found its certificate five times and summed its CE credits three times: the whole country's file 1.8 → 1.5 s
    of SQL on PostgreSQL, 1.26 → 1.05 s on SQLite (a throwaway timing script, the same rows).

    `window` (a page: its window's SQL, the ORDER BY over it, its columns; pagination.window_sql) reads the page's
    rows from the window in the same statement, in the page's order, with the window's columns (a cursor's sort key)
    in place of the shown ones of the same name; `ids` is then ignored."""
    cert = replace(sql, row="c")
    top = (
        "(SELECT c2.id FROM certificates c2 WHERE c2.worker_id = w.id"
        " ORDER BY c2.level DESC, c2.obtained_on DESC, c2.id DESC LIMIT 1)"
    )
    # The certificate and the station joined by the ids their subqueries chose, in a derived table of their own (a
    # materialised one, which PostgreSQL does not fold back into the join): joined on the subqueries themselves,
    # PostgreSQL hashed every station (or certificate) of the country whatever the rows. The statement fetched whole:
    # a city's 380 rows 12.1 → 5.9 ms, a province's 3,763 98 → 84 ms, the country's 93,834 1.16 → 1.00 s.
    if window is not None:
        ids = "SELECT p.id FROM p"
    chosen = (
        f"SELECT w.id AS id, w.worker_no AS worker_no, w.name AS name, {top} AS certificate_id,"
        f" {station} AS station_id FROM workers w WHERE w.id IN ({ids})"
    )
    found = (
        "SELECT w0.id AS id, w0.worker_no AS worker_no, w0.name AS name, c.id AS certificate_id, c.level AS level,"
        " c.number AS number, c.obtained_on AS obtained_on, c.registered_on AS registered_on,"
        f" {cert.expiry()} AS expiry, {cert.ce_hours()} AS hours, w0.station_id AS station_id"
        " FROM w0 LEFT JOIN certificates c ON c.id = w0.certificate_id"
    )
    status = replace(sql, row="r0").status(today, expiry="r0.expiry", hours="r0.hours")
    shown = {
        "id": "r0.id",
        "worker_no": "r0.worker_no",
        "name": "r0.name",
        "cert_level": "r0.level",
        "cert_number": "r0.number",
        "cert_expires": "r0.expiry",
        "cert_ce": "r0.hours",
        "cert_status": f"CASE WHEN r0.certificate_id IS NULL THEN 'none' ELSE {status} END",
        "station_code": "COALESCE(st.code, '')",
        "station_name": "COALESCE(st.name, '')",
    }
    if window is None:
        ctes, source, order_by = "", "r0", "r0.id"
    else:
        # The window materialised first: the rows it picks are the page, whatever the statement around it.
        ctes, source, order_by = f"p AS MATERIALIZED ({window.sql}), ", "p JOIN r0 ON r0.id = p.id", window.order_by
        shown = {name: column for name, column in shown.items() if name not in window.columns}
    columns = ", ".join(f"{column} AS {name}" for name, column in shown.items())
    return (
        f"WITH {ctes}w0 AS MATERIALIZED ({chosen}), r0 AS MATERIALIZED ({found})"
        f" SELECT {'p.*, ' if window else ''}{columns}"
        f" FROM {source} LEFT JOIN stations st ON st.id = r0.station_id ORDER BY {order_by}"
    )


async def certificate_queryset(
    *,
    scope: Scope,
    today: date,
    q: str = "",
    filters: ListFilters | None = None,
    sort: str = "",
    sql: CertificateSql | None = None,
    **legacy,
):
    """Workers in scope with an active spell in scope, narrowed by `filters` (ListFilters) on their highest
    certificate (_narrowed); `sort` (a list sort key, "-" for descending) adds the blanks-last key it needs. The
    rows shown are read by _rows_sql for the ids this chooses. `level`, `status` and `station_code` may also be
    given as keywords."""
    filters = filters or ListFilters(**legacy)
    sql = sql or await certificate_sql()
    at = spells_at_q(scope, filters.station_code) if filters.station_code else spells_q(scope)
    current = EmploymentSpell.filter(at, active_on(today))
    # No workers_q beside it: a worker with a spell in scope is reached (people.access), and testing the reach's
    # union too cost a city's count and page statements a third of their time on PostgreSQL.
    qs = Worker.filter(id__in=Unordered(current.values("worker_id")))
    if q:
        qs = qs.filter(icontains("name", q) | icontains("worker_no", q))
    # Level, status and flags read the worker's highest certificate ("no certificate", the level "none" and the
    # status "none", whether there is any); the codes are the filter's own (LEVEL_ORDER, STATUSES), never the
    # request's text.
    if filters.level in LEVEL_ORDER:
        qs = _narrowed(qs, "top_level", f"c.level = '{filters.level}'", sql.pg)
    if filters.level == "none" or filters.status == CertStatus.NONE:
        qs = _narrowed(qs, "certified", None, sql.pg)
    elif filters.status in STATUSES:
        qs = _narrowed(qs, "top_status", sql.status_is(today, CertStatus(filters.status).value), sql.pg)
    conditions = flag_conditions(sql, today, filters.expiring_days)
    wanted = [name for name, on in filters.flags.items() if on]
    if filters.expiring_days is not None:
        wanted.append("expiring")
    for name in wanted:
        qs = _narrowed(qs, f"flag_{name}", conditions[name], sql.pg)
    key = sort.lstrip("-")
    if key in _BLANK_LAST_SORTS:
        descending = sort.startswith("-")
        if key == "level":
            expression, high, low = _top_certificate("c.level"), "'zzzz'", "''"
        else:
            expression = _top_certificate(sql.expiry())
            # Not date.max/date.min: asyncpg sends those as ±infinity, so a pager cursor holding one would pass
            # every row.
            high, low = date_literal(date(9999, 12, 30), sql.pg), date_literal(date(1, 1, 2), sql.pg)
        qs = qs.annotate(**{_BLANK_LAST_SORTS[key]: _blank_last_key(expression, descending, high, low)})
    return qs, sql.rules


def _as_date(value) -> date | None:
    """A date the SQL computed (SQLite hands dates back as text)."""
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _as_hours(value) -> Decimal:
    """Hours the SQL summed (SQLite hands sums back as floats), to the ledger's 0.1."""
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


def clean_row(row: dict, rules: Mapping[str, LevelRules]) -> dict:
    """Normalise one annotated row: dates and hours as Python values, level and status as their codes."""
    row["cert_expires"] = _as_date(row["cert_expires"])
    row["cert_ce"] = _as_hours(row["cert_ce"])
    row["cert_level"] = CertLevel(row["cert_level"]) if row["cert_level"] else None
    row["cert_status"] = CertStatus(row["cert_status"])
    row["required"] = rules[row["cert_level"]].ce_hours_per_period if row["cert_level"] in rules else None
    return row


async def certificate_list(
    *,
    scope: Scope,
    params: ListParams,
    today: date,
    level: str = "",
    status: str = "",
    station_code: str = "",
    filters: ListFilters | None = None,
    beside: Mapping[str, Callable[[], Awaitable[Any]]] | None = None,
) -> Page:
    """One page of the list, each row with its current station; blanks sort last in either direction. Three
    statements whatever the page size or depth: the level rules, the count, and the page: its window (the ids,
    computing only the columns its filters and sort need) and the rows shown with their stations in one statement
    (_rows_sql over the window). `beside`: the request's other reads, read with the total (paginate's beside)."""
    filters = filters or ListFilters(level=level, status=status, station_code=station_code)
    key = params.sort.lstrip("-")
    sort = params.sort if key in LIST_SORTS else ""
    sql = await certificate_sql()
    qs, rules = await certificate_queryset(scope=scope, today=today, q=params.q, filters=filters, sort=sort, sql=sql)
    sorts = {**LIST_SORTS, **_BLANK_LAST_SORTS}
    station = _current_station_sql(scope, today, dialect())

    async def read(window, order, values) -> list[dict]:
        # The window and the rows shown in one statement: the ids, then their rows, were two round trips.
        page = window_sql(window, order, values)
        statement = _rows_sql(sql, today, "", station, window=page)
        # Each item keeps the window's sort key too (the pager's cursors read it).
        return [clean_row(row, rules) for row in await page.convert(await fetch_all(Worker, statement, *page.params))]

    # A jurisdiction's workers are sorted, not walked in the country's order (pagination._sorted).
    return await paginate(
        qs, params, sorts, default="worker_no", values=("id",), sort_rows=not scope.is_admin, read=read, beside=beside
    )


async def certificate_export_rows(
    *, scope: Scope, today: date, q: str = "", filters: ListFilters | None = None, size=None, **legacy
):
    """Every row of the filtered list with its current station, by worker id, from ONE statement (_rows_sql over
    the filtered ids) read `size` rows at a time (talent.core.export.sql_batches: bounded memory, the filter runs
    once)."""
    sql = await certificate_sql()
    qs, rules = await certificate_queryset(
        scope=scope, today=today, q=q, filters=filters or ListFilters(**legacy), sql=sql
    )
    ids, params = unordered(qs.values("id")).get_parameterized_sql()
    statement = _rows_sql(sql, today, ids, _current_station_sql(scope, today, dialect()))
    async with aclosing(sql_batches(Worker._meta.db, statement, params, size)) as batches:
        async for batch in batches:
            for row in batch:
                yield clean_row(row, rules)


async def worker_certificates(*, scope: Scope, worker_id: int, today: date) -> list[Certificate]:
    """The certificates of a worker in the viewer's scope (none otherwise), highest level first, each with
    `rules`, `expiry`, `ce_hours` (this period) and `status` computed by the same SQL as the list, and
    `renewal_opens`, `registration_deadline` and its `registrations` history."""
    sql = await certificate_sql(row='"certificates"')
    certificates = await (
        Certificate.filter(of_reached_worker_q(scope, worker_id))
        .annotate(expiry=RawSQL(sql.expiry()), ce_hours=RawSQL(sql.ce_hours()), status=RawSQL(sql.status(today)))
        .order_by("-level", "-obtained_on")
    )
    await attach(certificates, Registration.all().order_by("-registered_on"), key="certificate_id", to_attr="history")
    for cert in certificates:
        r = sql.rules.get(cert.level, LevelRules())
        cert.rules = r
        cert.expiry = _as_date(cert.expiry)
        cert.ce_hours = _as_hours(cert.ce_hours)
        cert.status = CertStatus(cert.status)
        cert.renewal_opens = renewal_opens(cert.expiry, r.renewal_window_months) if cert.expiry else None
        cert.registration_deadline = first_registration_deadline(cert.obtained_on, r.first_registration_months)
    kinds = await _ce_kinds(worker_id, {c.id: (c.registered_on, c.expiry) for c in certificates if c.registered_on})
    for cert in certificates:
        cert.ce_kinds = kinds.get(cert.id, [])
    return certificates


@dataclass(frozen=True)
class CeKindLine:
    """One kind of credit in a period: the hours recorded, its cap (None: none) and the hours counted."""

    kind: CeSource
    recorded: Decimal
    cap: Decimal | None
    counted: Decimal


async def _ce_kinds(worker_id: int, periods: Mapping[int, tuple[date, date]]) -> dict[int, list[CeKindLine]]:
    """Per certificate id, the kinds with hours recorded in its period (`periods`: id → first and last day), with
    what each counts (the breakdown of ce_hours, as period_ce computes it): three statements for every period of
    the worker (the cap rules, the worker's region, the hours per period and kind), asked even for none."""
    rules = await ce_cap_rules()
    region = await worker_region_path(worker_id=worker_id)
    recorded = await _recorded_hours(worker_id, periods)
    kinds = {}
    for cid, (start, _end) in periods.items():
        caps = ce_caps(rules, region, start)
        kinds[cid] = [
            CeKindLine(CeSource(kind), hours, caps.get(kind), capped(hours, caps.get(kind)))
            for kind in CE_CREDIT_DEFAULTS
            if (hours := recorded[cid].get(kind)) is not None
        ]
    return kinds


async def ce_hours_between(*, worker_id: int, start: date, end: date) -> Decimal:
    """CE hours credited to a worker with earned_on in [start, end], summed in SQL."""
    rows = (
        await CeCredit.filter(worker_id=worker_id, earned_on__gte=start, earned_on__lte=end)
        .annotate(total=Sum("hours"))
        .values("total")
    )
    total = rows[0]["total"] if rows else None
    return Decimal(str(total or 0))


async def ce_ledger(*, scope: Scope, worker_id: int, limit: int = 200) -> list[CeCredit]:
    return await CeCredit.filter(of_reached_worker_q(scope, worker_id)).order_by("-earned_on", "-id").limit(limit)


async def ce_ledger_total(*, scope: Scope, worker_id: int) -> Decimal:
    """Every CE hour ever credited to the worker (not only the rows the ledger lists), summed in SQL."""
    rows = await CeCredit.filter(of_reached_worker_q(scope, worker_id)).annotate(total=Sum("hours")).values("total")
    total = rows[0]["total"] if rows else None
    return Decimal(str(total or 0))


async def ce_evidence_get(*, scope: Scope, worker_id: int, credit_id: int) -> CeCredit:
    """A credit with an evidence file, of a worker in the viewer's scope (DoesNotExist, i.e. 404, otherwise)."""
    worker = await worker_get(scope=scope, worker_id=worker_id)
    return await CeCredit.get(id=credit_id, worker_id=worker.id, evidence_sha256__isnull=False)


async def worker_results(*, scope: Scope, worker_id: int) -> list[ExamResult]:
    return (
        await ExamResult.filter(of_reached_worker_q(scope, worker_id))
        .select_related("subject")
        .order_by("-year", "subject__position")
    )


async def certificate_get(*, scope: Scope, worker_id: int, certificate_id: int) -> Certificate:
    worker = await worker_get(scope=scope, worker_id=worker_id)
    return await Certificate.filter(worker_id=worker.id).select_related("worker").get(id=certificate_id)


async def pass_rate_counts(
    *,
    scope: Scope,
    region_path: str = "",
    year: int | None = None,
    subject_code: str = "",
    groups: Sequence[tuple[str, str]] = (),
) -> list[dict]:
    """Sat and passed per year, subject and group of the exam results sat in the region (a path prefix) by workers
    in the viewer's scope, of one subject when `subject_code` is given: one statement, aggregated in SQL. `groups`
    are (region path, code) pairs: a result sat under a path is counted under its code, any other under "" (none
    given: every result under ""). Rows: year, subject__code, subject__name, subject__name_en, group, sat,
    passed_count, latest year first, then the subjects in their catalogue order. The one count of pass rates: the
    certificates' page and the reports (talent.analytics.workforce.pass_rates) read it."""
    results = ExamResult.filter(under("region_path", region_path or ""))
    if not scope.is_admin:
        # An admin reaches every worker: testing each result's worker against all of them cost SQLite the country's
        # counts 1,035 ms against 123 without.
        results = results.filter(of_reached_workers_q(scope))
    if subject_code:
        results = results.filter(subject_id__in=Unordered(ExamSubject.filter(code=subject_code).values("id")))
    keys: tuple[str, ...] = ("year", "subject_id")
    if groups:
        whens = (When(under("region_path", path), then=Value(code)) for path, code in groups)
        results, keys = results.annotate(g=Case(*whens, default=Value(""))), (*keys, "g")
    counted = (
        filtered_by_given(results, year=year)
        .annotate(sat=Count("id"), passed_count=Sum(RawSQL("CASE WHEN passed THEN 1 ELSE 0 END")))
        .group_by(*keys)
        .values(*keys, "sat", "passed_count")
    )
    group = "x.g" if groups else "''"
    # Counted per subject id, then named: joined to the subjects first, SQLite scanned the results once per subject
    # (the country's 1,030,260 results: the admin's page 3.15 → 0.32 s with the index of year, subject and passed).
    rows = await fetch_all(
        ExamResult,
        f"SELECT x.year AS year, s.code AS subject__code, s.name AS subject__name, s.name_en AS subject__name_en,"
        f" {group} AS grp, x.sat AS sat,"
        f" x.passed_count AS passed_count FROM ({inline_sql(counted)}) x JOIN exam_subjects s ON s.id = x.subject_id"
        f" ORDER BY x.year DESC, s.position, s.id{', x.g' if groups else ''}",
    )
    for row in rows:
        row["year"] = int(row["year"])
        row["group"] = row.pop("grp") or ""
        row["sat"] = int(row["sat"])
        row["passed_count"] = int(row["passed_count"] or 0)
    return rows


async def pass_rates(
    *, scope: Scope, region_path: str = "", year: int | None = None, subject_code: str = ""
) -> list[dict]:
    """pass_rate_counts in all, each row with its pass rate (`rate`: None when no one sat)."""
    rows = await pass_rate_counts(scope=scope, region_path=region_path, year=year, subject_code=subject_code)
    for row in rows:
        row["rate"] = row["passed_count"] / row["sat"] if row["sat"] else None
    return rows


async def eligibility_rules() -> list[EligibilityRule]:
    return await EligibilityRule.all().order_by("level", "min_years", "id")


async def eligibility_rule_get(*, rule_id: int) -> EligibilityRule:
    return await EligibilityRule.get(id=rule_id)


async def region_by_code(*, scope: Scope, code: str) -> Region | None:
    """A region in the viewer's scope by code (None for an unknown or out-of-scope code)."""
    if not code:
        return None
    return await Region.filter(regions_q(scope), code=code.strip()).using_db(fixed(Region)).first()


# --- eligibility to sit a level ---------------------------------------------------------------------------


async def eligibility_cutoff(*, today: date) -> date:
    """The day years of social work are counted to: the cut-off of the next exam (the first exam year whose
    exam is today or later), else 31 December of this year."""
    return (await eligibility_exam(today=today))[1]


async def eligibility_exam(*, today: date, year: int | None = None) -> tuple[int, date]:
    """The exam year eligibility is computed for and its cut-off: `year` when given (its catalogue cut-off,
    else 31 December of it, the notices' default), else the next exam (the first exam year whose exam is
    today or later); when the catalogue holds none, this year, or next year once this year's exam is past."""
    if year is not None:
        row = await ExamYear.filter(year=year).first()
        return year, row.cutoff_on if row is not None else date(year, 12, 31)
    upcoming = await ExamYear.filter(exam_on__gte=today).order_by("exam_on").first()
    if upcoming is not None:
        return upcoming.year, upcoming.cutoff_on
    year = today.year + 1 if await ExamYear.filter(year=today.year).exists() else today.year
    return year, date(year, 12, 31)


async def social_work_days(*, worker_id: int, cutoff: date, since: Iterable[date] = ()) -> tuple[int, dict]:
    """Days of social work to the cut-off, and from each of the `since` days to it: one SQL statement of
    aggregate subqueries (no rows come back to Python)."""
    pg = _is_postgres(EmploymentSpell)
    since = sorted(set(since))
    columns = [f"{social_work_days_sql(worker_id=worker_id, cutoff=cutoff, since=None, pg=pg)} AS total"]
    columns += [
        f"{social_work_days_sql(worker_id=worker_id, cutoff=cutoff, since=day, pg=pg)} AS since_{i}"
        for i, day in enumerate(since)
    ]
    rows = await EmploymentSpell._meta.db.execute_query_dict("SELECT " + ", ".join(columns))
    row = rows[0]
    return int(row["total"] or 0), {day: int(row[f"since_{i}"] or 0) for i, day in enumerate(since)}


@dataclass
class Eligibility:
    """A worker's eligibility to sit each level, with what it was computed from."""

    cutoff: date
    days: int
    years: Decimal
    year: int  # the exam year
    education: str | None
    social_work_major: bool
    levels: list[LevelEligibility]
    rule_count: int
    # The prior experience the years include (or, for full-time study, leave out): the basis shown.
    prior: list[dict] = field(default_factory=list)


async def worker_eligibility(
    *, scope: Scope, worker_id: int, today: date, worker: Worker | None = None, year: int | None = None
) -> Eligibility:
    """Eligibility by the catalogue's rules (rows, so an edited rule changes the answer), counted to the
    next cut-off date in whole calendar years (rules.years_to_cutoff); six queries whatever the worker's history
    (five when the worker row, read in the viewer's scope, is given). A worker out of `scope`: DoesNotExist."""
    if worker is None or worker.id != worker_id:
        worker = await worker_get(scope=scope, worker_id=worker_id)
    exam_year, cutoff = await eligibility_exam(today=today, year=year)
    rule_rows = await eligibility_rules()
    certificates = await Certificate.filter(worker_id=worker.id).order_by("obtained_on").values("level", "obtained_on")
    prior = await (
        PriorExperience.filter(worker_id=worker.id)
        .order_by("start_on", "id")
        .values("employer", "start_on", "end_on", "kind")
    )
    for row in prior:
        row["counted"] = str(row["kind"]) in COUNTED_EXPERIENCE
    days, days_since = await social_work_days(
        worker_id=worker.id, cutoff=cutoff, since=[c["obtained_on"] for c in certificates]
    )
    held = [
        Held(
            level=str(c["level"]),
            obtained_on=c["obtained_on"],
            years_since=years_to_cutoff(days_since[c["obtained_on"]], cutoff),
        )
        for c in certificates
    ]
    levels = eligibility_for(
        education=worker.education,
        social_work_major=bool(worker.social_work_major),
        years=years_to_cutoff(days, cutoff),
        held=held,
        rules=[Rule.of(r) for r in rule_rows],
    )
    return Eligibility(
        cutoff=cutoff,
        days=days,
        years=years_of(days),
        year=exam_year,
        education=worker.education,
        social_work_major=bool(worker.social_work_major),
        levels=levels,
        rule_count=len(rule_rows),
        prior=prior,
    )
