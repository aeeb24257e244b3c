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

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.functions import Count, Sum
from tortoise.query_utils import Prefetch

from talent.certification.models import (
    CeCredit,
    Certificate,
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
    STATUSES,
    Held,
    LevelEligibility,
    LevelRules,
    Rule,
    Thresholds,
    effective_expiry,
    eligibility_for,
    first_registration_deadline,
    registration_status,
    renewal_opens,
    years_of,
)
from talent.core.access import Scope
from talent.core.pagination import ListParams, Page, paginate
from talent.people.access import spells_q, workers_q
from talent.people.models import EmploymentSpell, Worker
from talent.people.selectors import active_on
from talent.places.access import regions_q
from talent.places.models import CertLevel, Region
from talent.places.rules import ancestor_paths


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


async def level_rules_map() -> dict[str, LevelRules]:
    """Rules per level value; a level without a row gets the defaults."""
    rows = {lv.level.value: LevelRules.of(lv) for lv in await ExamLevel.all()}
    return {level: rows.get(level, LevelRules()) for level in LEVEL_ORDER}


def _is_postgres(model=Certificate) -> bool:
    return model._meta.db.capabilities.dialect == "postgres"


def _lit(day: date, pg: bool) -> str:
    # Dates are formatted by Python (never user text), so inlining them is safe.
    return f"DATE '{day.isoformat()}'" if pg else f"'{day.isoformat()}'"


def _by_level(values: dict[str, str], default: str) -> str:
    whens = " ".join(f"WHEN '{level}' THEN {value}" for level, value in values.items())
    return f"(CASE c.level {whens} ELSE {default} END)"


def _expiry_sql(rules: dict[str, LevelRules], pg: bool) -> str:
    """The registration's last day; for a legacy row with only registered_on, that plus the valid years."""
    if pg:
        years = _by_level({lv: str(r.registration_valid_years) for lv, r in rules.items()}, "3")
        fallback = f"(CAST(c.registered_on + make_interval(years => {years}) AS DATE) - 1)"
    else:
        years = _by_level({lv: f"'+{r.registration_valid_years} years'" for lv, r in rules.items()}, "'+3 years'")
        fallback = f"date(c.registered_on, {years}, '-1 day')"
    return f"COALESCE(c.registration_expires_on, {fallback})"


def _ce_sql(expiry: str) -> str:
    return (
        "(SELECT COALESCE(SUM(e.hours), 0) FROM ce_credits e WHERE e.worker_id = c.worker_id"
        f" AND e.earned_on >= c.registered_on AND e.earned_on <= {expiry})"
    )


def status_case_sql(rules: dict[str, LevelRules], today: date, pg: bool) -> str:
    """rules.registration_status as one SQL CASE over a certificate row aliased `c`."""
    t = {level: Thresholds.of(r, today) for level, r in rules.items()}
    first_from = _by_level({lv: _lit(x.first_registration_from, pg) for lv, x in t.items()}, "NULL")
    renewal_from = _by_level({lv: _lit(x.renewal_from, pg) for lv, x in t.items()}, "NULL")
    required = _by_level({lv: str(r.ce_hours_per_period) for lv, r in rules.items()}, "90")
    expiry = _expiry_sql(rules, pg)
    ce = _ce_sql(expiry)
    last_year = _lit(Thresholds.of(LevelRules(), today).last_year_from, pg)
    return (
        "CASE"
        f" WHEN c.registered_on IS NULL THEN"
        f" (CASE WHEN c.obtained_on >= {first_from} THEN 'unregistered' ELSE 'lapsed' END)"
        f" WHEN {expiry} < {_lit(today, pg)} THEN 'lapsed'"
        f" WHEN {expiry} <= {renewal_from} THEN"
        f" (CASE WHEN {ce} < {required} THEN 'ce_shortfall' ELSE 'renewal_open' END)"
        f" WHEN {expiry} < {last_year} AND {ce} < {required} THEN 'ce_shortfall'"
        " ELSE 'registered' END"
    )


def _top_certificate(expression: str) -> str:
    """A correlated subquery reading `expression` from the worker's highest certificate (senior >
    intermediate > assistant, which is also the alphabetical order of the level codes)."""
    return (
        f'(SELECT {expression} FROM certificates c WHERE c.worker_id = "workers"."id"'
        " ORDER BY c.level DESC, c.obtained_on DESC, c.id DESC LIMIT 1)"
    )


async def certificate_queryset(
    *, scope: Scope, today: date, q: str = "", level: str = "", status: str = "", station_code: str = ""
):
    """Workers in scope with an active spell in scope, each annotated with their highest certificate:
    cert_level, cert_number, cert_expires, cert_ce (CE hours in the current period) and cert_status, all
    computed in SQL (correlated subqueries, so a page costs the same few queries whatever the rows)."""
    rules = await level_rules_map()
    pg = _is_postgres()
    expiry = _expiry_sql(rules, pg)
    current = EmploymentSpell.filter(spells_q(scope), active_on(today))
    if station_code:
        current = current.filter(station__code=station_code)
    qs = Worker.filter(workers_q(scope), id__in=Subquery(current.values("worker_id")))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(worker_no__icontains=q))
    qs = qs.annotate(
        cert_level=RawSQL(_top_certificate("c.level")),
        cert_number=RawSQL(_top_certificate("c.number")),
        cert_expires=RawSQL(_top_certificate(expiry)),
        cert_ce=RawSQL(_top_certificate(f"CASE WHEN c.registered_on IS NULL THEN 0 ELSE {_ce_sql(expiry)} END")),
        cert_status=RawSQL(f"COALESCE({_top_certificate(status_case_sql(rules, today, pg))}, 'none')"),
    )
    if level in LEVEL_ORDER:
        qs = qs.filter(cert_level=level)
    elif level == "none":
        qs = qs.filter(cert_status="none")
    if status in STATUSES:
        qs = qs.filter(cert_status=status)
    return qs, rules


def clean_row(row: dict, rules: dict[str, LevelRules]) -> dict:
    """Normalise one annotated row (SQLite hands dates back as text, sums as floats)."""
    if isinstance(row["cert_expires"], str):
        row["cert_expires"] = date.fromisoformat(row["cert_expires"][:10])
    row["cert_ce"] = Decimal(str(row["cert_ce"] or 0)).quantize(Decimal("0.1"))
    row["required"] = rules[row["cert_level"]].ce_hours_per_period if row["cert_level"] in rules else None
    return row


LIST_VALUES = ("id", "worker_no", "name", "cert_level", "cert_number", "cert_expires", "cert_ce", "cert_status")


async def certificate_list(
    *, scope: Scope, params: ListParams, today: date, level: str = "", status: str = "", station_code: str = ""
) -> Page:
    qs, rules = await certificate_queryset(
        scope=scope, today=today, q=params.q, level=level, status=status, station_code=station_code
    )
    page = await paginate(qs, params, LIST_SORTS, default="worker_no", values=LIST_VALUES)
    page.items = [clean_row(row, rules) for row in page.items]
    return page


async def certificate_export_rows(
    *, scope: Scope, today: date, q: str = "", level: str = "", status: str = "", station_code: str = "", size=1000
):
    """Every row of the filtered list, in keyset batches by worker id (bounded memory)."""
    qs, rules = await certificate_queryset(
        scope=scope, today=today, q=q, level=level, status=status, station_code=station_code
    )
    last_id = 0
    while True:
        batch = await qs.filter(id__gt=last_id).order_by("id").limit(size).values(*LIST_VALUES)
        for row in batch:
            yield clean_row(row, rules)
        if len(batch) < size:
            return
        last_id = batch[-1]["id"]


async def worker_get(*, scope: Scope, worker_id: int) -> Worker:
    return await Worker.filter(workers_q(scope)).get(id=worker_id)


async def worker_by_no(*, scope: Scope, worker_no: str) -> Worker | None:
    if not worker_no:
        return None
    return await Worker.filter(workers_q(scope), worker_no=worker_no.strip()).first()


async def worker_certificates(*, worker_id: int, today: date) -> list[Certificate]:
    """The worker's certificates, highest level first, each with `rules`, `expiry`, `ce_hours` (this
    period), `status`, `renewal_opens`, `registration_deadline` and its `registrations` history."""
    rules = await level_rules_map()
    certificates = await (
        Certificate.filter(worker_id=worker_id)
        .prefetch_related(Prefetch("registrations", queryset=Registration.all().order_by("-registered_on")))
        .order_by("-level", "-obtained_on")
    )
    for cert in certificates:
        r = rules.get(cert.level.value, LevelRules())
        cert.rules = r
        cert.expiry = effective_expiry(cert.registered_on, cert.registration_expires_on, r)
        cert.ce_hours = Decimal(0)
        if cert.registered_on is not None:
            cert.ce_hours = await ce_hours_between(worker_id=worker_id, start=cert.registered_on, end=cert.expiry)
        cert.status = registration_status(
            obtained_on=cert.obtained_on,
            registered_on=cert.registered_on,
            expires_on=cert.expiry,
            ce_hours=cert.ce_hours,
            rules=r,
            today=today,
        )
        cert.renewal_opens = renewal_opens(cert.expiry, r.renewal_window_months) if cert.expiry else None
        cert.registration_deadline = first_registration_deadline(cert.obtained_on, r.first_registration_months)
    return certificates


async def ce_hours_between(*, worker_id: int, start: date, end: date) -> Decimal:
    """CE hours credited to a worker with earned_on in [start, end], summed in SQL."""
    rows = (
        await CeCredit.filter(worker_id=worker_id, earned_on__gte=start, earned_on__lte=end)
        .annotate(total=Sum("hours"))
        .values("total")
    )
    total = rows[0]["total"] if rows else None
    return Decimal(str(total or 0))


async def ce_ledger(*, worker_id: int, limit: int = 200) -> list[CeCredit]:
    return await CeCredit.filter(worker_id=worker_id).order_by("-earned_on", "-id").limit(limit)


async def ce_ledger_total(*, worker_id: int) -> Decimal:
    """Every CE hour ever credited to the worker (not only the rows the ledger lists), summed in SQL."""
    rows = await CeCredit.filter(worker_id=worker_id).annotate(total=Sum("hours")).values("total")
    total = rows[0]["total"] if rows else None
    return Decimal(str(total or 0))


async def ce_evidence_get(*, scope: Scope, worker_id: int, credit_id: int) -> CeCredit:
    """A credit with an evidence file, of a worker in the viewer's scope (DoesNotExist, i.e. 404, otherwise)."""
    worker = await worker_get(scope=scope, worker_id=worker_id)
    return await CeCredit.get(id=credit_id, worker_id=worker.id, evidence_sha256__isnull=False)


async def worker_results(*, worker_id: int) -> list[ExamResult]:
    return await ExamResult.filter(worker_id=worker_id).select_related("subject").order_by("-year", "subject__position")


async def certificate_get(*, scope: Scope, worker_id: int, certificate_id: int) -> Certificate:
    worker = await worker_get(scope=scope, worker_id=worker_id)
    return await Certificate.filter(worker_id=worker.id).select_related("worker").get(id=certificate_id)


async def pass_rates(*, scope: Scope, region_path: str = "", year: int | None = None) -> list[dict]:
    """Sat, passed and pass rate per subject and year, for results sat in the region (a path prefix)
    inside the viewer's scope, aggregated in SQL."""
    qs = ExamResult.filter(worker_id__in=Subquery(Worker.filter(workers_q(scope)).values("id")))
    if region_path:
        qs = qs.filter(region_path__startswith=region_path)
    if year:
        qs = qs.filter(year=year)
    rows = (
        await qs.annotate(sat=Count("id"), passed_count=Sum(RawSQL("CASE WHEN passed THEN 1 ELSE 0 END")))
        .group_by("year", "subject__code", "subject__position")
        .order_by("-year", "subject__position")
        .values("year", "subject__code", "sat", "passed_count")
    )
    for row in rows:
        row["passed_count"] = int(row["passed_count"] or 0)
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
    return await Region.filter(regions_q(scope), code=code.strip()).first()


# --- eligibility to sit a level ---------------------------------------------------------------------------


async def eligibility_cutoff(*, today: date) -> date:
    """The day years of social work are counted to: the cut-off of the next exam (the first exam year whose
    exam is today or later), else 31 December of this year."""
    upcoming = await ExamYear.filter(exam_on__gte=today).order_by("exam_on").first()
    return upcoming.cutoff_on if upcoming is not None else date(today.year, 12, 31)


def social_work_days_sql(*, worker_id: int, cutoff: date, since: date | None, pg: bool) -> str:
    """A scalar subquery: the days covered by the worker's employment spells between `since` (or their
    start) and `cutoff`, both inclusive. An unfinished spell runs to the cut-off, a spell starting after it
    counts nothing, and days two spells share count once: each spell, in order of start, adds only the days
    after the latest end of the spells before it (a running MAX window)."""
    hi = _lit(cutoff, pg)
    lo = _lit(since, pg) if since is not None else None
    start = f"CASE WHEN sp.start_on < {lo} THEN {lo} ELSE sp.start_on END" if lo else "sp.start_on"
    after_lo = f" AND (sp.end_on IS NULL OR sp.end_on >= {lo})" if lo else ""
    next_day = "o.prev + 1" if pg else "date(o.prev, '+1 day')"
    first = f"CASE WHEN o.prev IS NULL OR o.prev < o.s THEN o.s ELSE {next_day} END"
    days = f"(o.e - ({first}) + 1)" if pg else f"(CAST(julianday(o.e) - julianday({first}) AS INTEGER) + 1)"
    return (
        f"(SELECT COALESCE(SUM(CASE WHEN {days} > 0 THEN {days} ELSE 0 END), 0) FROM ("
        " SELECT c.s, c.e, MAX(c.e) OVER (ORDER BY c.s, c.e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
        " AS prev FROM ("
        f" SELECT {start} AS s,"
        f" CASE WHEN sp.end_on IS NULL OR sp.end_on > {hi} THEN {hi} ELSE sp.end_on END AS e"
        f" FROM employment_spells sp WHERE sp.worker_id = {int(worker_id)} AND sp.start_on <= {hi}{after_lo}"
        ") c) o)"
    )


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
    education: str | None
    social_work_major: bool
    levels: list[LevelEligibility]
    rule_count: int


async def worker_eligibility(*, worker_id: int, today: date, worker: Worker | None = None) -> Eligibility:
    """Eligibility by the catalogue's rules (rows, so an edited rule changes the answer), counted to the
    next cut-off date; five queries whatever the worker's history (four when the worker row is given).
    The caller has already decided the viewer may see this worker."""
    if worker is None or worker.id != worker_id:
        worker = await Worker.get(id=worker_id)
    cutoff = await eligibility_cutoff(today=today)
    rule_rows = await eligibility_rules()
    certificates = await Certificate.filter(worker_id=worker.id).order_by("obtained_on").values("level", "obtained_on")
    days, days_since = await social_work_days(
        worker_id=worker.id, cutoff=cutoff, since=[c["obtained_on"] for c in certificates]
    )
    held = [
        Held(level=str(c["level"]), obtained_on=c["obtained_on"], years_since=years_of(days_since[c["obtained_on"]]))
        for c in certificates
    ]
    years = years_of(days)
    levels = eligibility_for(
        education=worker.education,
        social_work_major=bool(worker.social_work_major),
        years=years,
        held=held,
        rules=[Rule.of(r) for r in rule_rows],
    )
    return Eligibility(
        cutoff=cutoff,
        days=days,
        years=years,
        education=worker.education,
        social_work_major=bool(worker.social_work_major),
        levels=levels,
        rule_count=len(rule_rows),
    )
