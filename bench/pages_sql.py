"""Hand-written twins of the list pages for bench/pages.py: for each list (keyed by its URL path), the best SQL one
would write by hand for the rows the page shows — the same rows, in the same order, on the same page, with the columns
the page shows and the total its pager shows — on SQLite and PostgreSQL. A twin reads the page's query string (sort,
filters, search, page number or `after=` cursor) and returns None for a combination it does not cover (the bench then
prints "-").

Scope is written out per role as the pages apply it (talent.*.access): a bureau its region's subtree (a range on the
path), HR its organisation's stations, a supervisor its assigned stations and its mentees, a worker itself.
"""

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from talent.core.access import Role, Scope
from talent.core.pagination import decode_cursor
from talent.core.sql import next_prefix
from talent.places.rules import ancestor_paths


@dataclass
class Ctx:
    """One twin's statement under construction: the viewer's scope, the dialect, and the bound values (`:name`)."""

    scope: Scope
    pg: bool
    today: date
    per_page: int
    query: dict[str, str]
    values: dict[str, object] = field(default_factory=dict)
    # An export's twin: every row of the filtered list in its order (no page, no cursor).
    all_rows: bool = False
    # The certification rules as SQL (talent.certification.expressions.CertificateSql, from the catalogue), for the
    # certificate list's status and flags: the rule the twin applies is the page's, the statement around it the twin's.
    cert: object = None

    def p(self, value) -> str:
        """A placeholder bound to `value` (a date as text on SQLite, which stores dates so)."""
        name = f"v{len(self.values)}"
        self.values[name] = value.isoformat() if isinstance(value, date) and not self.pg else value
        return f":{name}"

    def like(self, columns: tuple[str, ...], text: str) -> str:
        """Any of `columns` contains `text`, case-insensitively (Latin letters; the demo's names are CJK or ASCII)."""
        pattern = self.p(f"%{text}%")
        op = "ILIKE" if self.pg else "LIKE"
        return "(" + " OR ".join(f"{c} {op} {pattern}" for c in columns) + ")"

    def under(self, column: str, prefix: str) -> str:
        return f"{column} >= {self.p(prefix)} AND {column} < {self.p(next_prefix(prefix))}"

    def stations(self, st: str) -> str:
        """Stations (alias `st`) in scope (talent.places.access.stations_q)."""
        s = self.scope
        if s.role == Role.ADMIN:
            return "TRUE"
        if s.role == Role.BUREAU and s.region_path:
            return self.under(f"{st}.region_path", s.region_path)
        if s.role == Role.HR and s.organisation_id:
            return f"{st}.organisation_id = {self.p(s.organisation_id)}"
        if s.role == Role.SUPERVISOR and s.station_ids:
            return f"{st}.id IN ({', '.join(str(i) for i in sorted(s.station_ids))})"
        return "FALSE"

    def active(self, sp: str) -> str:
        d = self.p(self.today)
        return f"{sp}.start_on <= {d} AND ({sp}.end_on IS NULL OR {sp}.end_on >= {d})"

    def spells(self, sp: str, st: str) -> str:
        """Spells (alias `sp`, its station joined as `st`) in scope (talent.people.access.spells_q)."""
        s = self.scope
        if s.role == Role.ADMIN:
            return "TRUE"
        if s.role == Role.WORKER:
            return f"{sp}.worker_id = {self.p(s.worker_id or 0)}"
        q = self.stations(st)
        if s.role == Role.SUPERVISOR:
            # The spell's own station id, not the joined station's: an index scan of the spells for those stations
            # (through the join, PostgreSQL tested the whole country's spells).
            q = f"{sp}.station_id IN ({', '.join(str(i) for i in sorted(s.station_ids))})" if s.station_ids else "FALSE"
            if s.worker_ids:
                mentees = ", ".join(str(i) for i in sorted(s.worker_ids))
                q = f"({q} OR ({sp}.worker_id IN ({mentees}) AND {self.active(sp)}))"
        return q

    def of_workers(self, column: str) -> str:
        """Rows whose worker `column` is in scope (talent.people.access.of_reached_workers_q): every row for an
        administrator, whose scope is every worker."""
        if self.scope.role == Role.ADMIN:
            return "TRUE"
        return f"{column} IN (SELECT w.id FROM workers w WHERE {self.workers('w')})"

    def workers(self, w: str) -> str:
        """Workers (alias `w`) in scope (talent.people.access.workers_q)."""
        s = self.scope
        if s.role == Role.ADMIN:
            return "TRUE"
        if s.role == Role.WORKER:
            return f"{w}.id = {self.p(s.worker_id or 0)}"
        if s.role == Role.SUPERVISOR:
            # The workers of the stations' spells and the mentees, one small set the planner joins by index: an
            # EXISTS per worker inside an OR is tested for every worker of the country.
            stations = ", ".join(str(i) for i in sorted(s.station_ids)) or "NULL"
            mentees = ", ".join(str(i) for i in sorted(s.worker_ids)) or "NULL"
            return (
                f"{w}.id IN (SELECT x.worker_id FROM employment_spells x WHERE x.station_id IN ({stations})"
                f" UNION SELECT m.id FROM workers m WHERE m.id IN ({mentees}))"
            )
        # The workers of the spells in scope and those the jurisdiction registered who have no spell, one set (an
        # EXISTS inside an OR is tested for every worker of the country).
        spelled = (
            "SELECT x.worker_id FROM employment_spells x JOIN stations xs ON xs.id = x.station_id"
            f" WHERE {self.stations('xs')}"
        )
        unspelled = "NOT EXISTS (SELECT 1 FROM employment_spells y WHERE y.worker_id = u.id)"
        if s.role == Role.BUREAU and s.region_path:
            registered = self.under("u.registered_region_path", s.region_path)
        elif s.role == Role.HR and s.organisation_id:
            registered = f"u.registered_organisation_id = {self.p(s.organisation_id)}"
        else:
            return f"{w}.id IN ({spelled})"
        return f"{w}.id IN ({spelled} UNION SELECT u.id FROM workers u WHERE {registered} AND {unspelled})"

    def window(
        self, sorts: dict[str, str], default: str, alias: str = "t", sorted_text: tuple[str, ...] = ()
    ) -> tuple[str, str, str] | None:
        """(keyset condition or "TRUE", ORDER BY, LIMIT/OFFSET) of the page asked for: `sorts` maps a public sort key
        to its SQL expression over the inner query's table (alias `alias`), the id breaks ties. None for a `before=`
        cursor (the bench never asks for one). The keys in `sorted_text` are text columns that a jurisdiction's list
        sorts as `column || ''`, so that the rows are sorted, not walked in the index's order through the country
        (talent.core.pagination._sorted)."""
        sort = self.query.get("sort", "") or default
        key = sort.lstrip("-")
        if key not in sorts:
            sort, key = default, default.lstrip("-")
        desc = sort.startswith("-")
        expression, direction = sorts[key], "DESC" if desc else "ASC"
        ordered = f"({expression} || '')" if key in sorted_text else expression
        order = f"{ordered} {direction}, {alias}.id {direction}"
        if self.all_rows:
            return "TRUE", order, ""
        if self.query.get("before"):
            return None
        cursor = decode_cursor(self.query.get("after", ""))
        if cursor is not None:
            value, row_id = cursor
            op = "<" if desc else ">"
            v = self.p(value)
            keyset = f"({expression} {op} {v} OR ({expression} = {v} AND {alias}.id {op} {self.p(row_id)}))"
            return keyset, order, f"LIMIT {self.per_page}"
        page = max(1, int(self.query.get("page", "1") or 1))
        return "TRUE", order, f"LIMIT {self.per_page} OFFSET {(page - 1) * self.per_page}"


Statements = tuple[str, str]  # (the page's rows, ids first; the total)
Build = Callable[[Ctx], Statements | None]
TWINS: dict[str, Build] = {}


def twin(path: str):
    def register(build: Build) -> Build:
        TWINS[path] = build
        return build

    return register


def only(ctx: Ctx, *names: str) -> bool:
    """Whether the query string holds nothing but `names` and the paging keys (else the twin does not cover it)."""
    return set(ctx.query) <= {*names, "sort", "page", "after", "per_page"}


def equal(ctx: Ctx, *names: str) -> list[str]:
    """The list's filters by an exact value: `t.<name> = value` for each of `names` the query string sets."""
    return [f"t.{name} = {ctx.p(ctx.query[name])}" for name in names if ctx.query.get(name)]


def paged(
    ctx: Ctx,
    inner_from: str,
    where: list[str],
    sorts: dict[str, str],
    default: str,
    columns: str,
    link="t.id",
    sorted_text: tuple[str, ...] = (),
):
    """The two statements of a paged list: the page's ids read in the sort's order from `inner_from` (alias t) under
    `where`, then `columns` for those rows only (alias t again, the inner query's columns); and the total. The first
    column is `link`, the id the page links each row to (the row check compares them)."""
    window = ctx.window(sorts, default, sorted_text=sorted_text)
    if window is None:
        return None
    keyset, order, limit = window
    condition = " AND ".join(where) or "TRUE"
    inner = f"SELECT t.* FROM {inner_from} WHERE {condition} AND {keyset} ORDER BY {order} {limit}"
    rows = f"SELECT {link}, {columns} FROM ({inner}) t ORDER BY {order}"
    return rows, f"SELECT COUNT(*) FROM {inner_from} WHERE {condition}"


# The name of the row's (t) region and organisation, for the lists that show them.
REGION = "(SELECT r.name FROM regions r WHERE r.id = t.region_id)"
ORGANISATION = "(SELECT o.name FROM organisations o WHERE o.id = t.organisation_id)"


# ── workers ───────────────────────────────────────────────────────────────────────────────────────────────────────


def _current_spell(ctx: Ctx, w: str, column: str) -> str:
    """`column` (of sp, st) of the worker's latest-started active spell in scope."""
    return (
        f"(SELECT {column} FROM employment_spells sp JOIN stations st ON st.id = sp.station_id"
        f" WHERE sp.worker_id = {w}.id AND {ctx.active('sp')} AND {ctx.spells('sp', 'st')}"
        " ORDER BY sp.start_on DESC, sp.id DESC LIMIT 1)"
    )


def _at_station(ctx: Ctx, code: str, active: bool) -> str:
    """The worker (t) has a spell in scope (`active` that day) at the station with this code."""
    day = f" AND {ctx.active('sp')}" if active else ""
    return (
        f"t.id IN (SELECT sp.worker_id FROM employment_spells sp JOIN stations st ON st.id = sp.station_id"
        f" WHERE st.code = {ctx.p(code)}{day} AND {ctx.spells('sp', 'st')})"
    )


def _active_workers(ctx: Ctx) -> str:
    """The worker (t) has an active spell in scope, as the set of such spells' workers: SQLite reads that set once
    and looks the workers up by id, where an EXISTS is tested for every worker of the country (a city's certificate
    twin: 0.3–0.8 s on the national demo); PostgreSQL plans both as the same semi-join."""
    return (
        f"t.id IN (SELECT sp.worker_id FROM employment_spells sp JOIN stations st ON st.id = sp.station_id"
        f" WHERE {ctx.active('sp')} AND {ctx.spells('sp', 'st')})"
    )


@twin("/workers")
def workers(ctx: Ctx) -> Statements | None:
    if not only(ctx, "status", "source", "station", "q"):
        return None
    status = ctx.query.get("status") or "active"
    active_here = (
        f"EXISTS (SELECT 1 FROM employment_spells sp JOIN stations st ON st.id = sp.station_id"
        f" WHERE sp.worker_id = t.id AND {ctx.active('sp')} AND {ctx.spells('sp', 'st')})"
    )
    where = {"active": [_active_workers(ctx)], "left": [ctx.workers("t"), f"NOT {active_here}"]}.get(
        status, [ctx.workers("t")]
    )
    if ctx.query.get("station"):
        where.append(_at_station(ctx, ctx.query["station"], active=status == "active"))
    where += equal(ctx, "source")
    if ctx.query.get("q"):
        where.append(ctx.like(("t.name", "t.worker_no"), ctx.query["q"]))
    sorts = {"worker_no": "t.worker_no", "name": "t.name", "start": _current_spell(ctx, "t", "sp.start_on")}
    columns = (
        "t.worker_no, t.name, t.gender, t.source, t.phone,"
        f" {_current_spell(ctx, 't', 'st.name')}, {_current_spell(ctx, 't', 'st.code')},"
        f" {_current_spell(ctx, 't', 'sp.start_on')}"
    )
    return paged(ctx, "workers t", where, sorts, "worker_no", columns, sorted_text=_jurisdiction_text(ctx))


def _jurisdiction_text(ctx: Ctx) -> tuple[str, ...]:
    """The text sorts a jurisdiction's worker lists read by sorting their rows (as the pages do)."""
    return () if ctx.scope.role == Role.ADMIN else ("worker_no", "name")


# ── certificates ──────────────────────────────────────────────────────────────────────────────────────────────────


def _top_certificate(column: str) -> str:
    return (
        f"(SELECT {column} FROM certificates c WHERE c.worker_id = t.id"
        " ORDER BY c.level DESC, c.obtained_on DESC, c.id DESC LIMIT 1)"
    )


# The shape of the status and flag filters: "semi", the certificates meeting the condition that are their worker's
# highest, joined to the workers (the best on PostgreSQL); "probe", a correlated EXISTS of such a certificate for
# each worker (the best on SQLite, which reads a whole IN subquery first). BENCH_CERTIFICATE_SHAPE picks one for
# both databases, to measure one against the other.
HIGHEST = "NOT EXISTS (SELECT 1 FROM certificates h WHERE h.worker_id = c.worker_id AND h.level > c.level)"


def _top_meets(ctx: Ctx, condition: str) -> str:
    """The worker (t)'s highest certificate meets `condition` (SQL over `c`)."""
    shape = os.environ.get("BENCH_CERTIFICATE_SHAPE") or ("semi" if ctx.pg else "probe")
    if shape == "probe":
        return f"EXISTS (SELECT 1 FROM certificates c WHERE c.worker_id = t.id AND {condition} AND {HIGHEST})"
    return f"t.id IN (SELECT c.worker_id FROM certificates c WHERE {condition} AND {HIGHEST})"


def _certificate_conditions(ctx: Ctx) -> list[str] | None:
    """The status and flag filters as conditions on t; None when the catalogue was not read."""
    from talent.certification.rules import STATUSES
    from talent.certification.selectors import flag_conditions

    status = ctx.query.get("status", "")
    flags = [name for name in ("renewal_open", "ce_short", "expired") if ctx.query.get(name)]
    expiring = ctx.query.get("expiring", "")
    if status == "none":
        return ["NOT EXISTS (SELECT 1 FROM certificates c WHERE c.worker_id = t.id)"]
    if not (status or flags or expiring):
        return []
    if ctx.cert is None:
        return None
    days = min(int(expiring), 3660) if expiring.isdigit() else None
    conditions = flag_conditions(ctx.cert, ctx.today, days)
    where = [_top_meets(ctx, conditions[name]) for name in flags + (["expiring"] if days is not None else [])]
    if status in STATUSES:
        where.append(_top_meets(ctx, ctx.cert.status_is(ctx.today, status)))
    elif status:
        return None
    return where


@twin("/certificates")
def certificates(ctx: Ctx) -> Statements | None:
    """The rows and their highest certificate (level, number, obtained, registered, expiry) and station; not the CE
    hours of the period nor the status the page shows for them. The status and flag filters apply the page's rule
    (its SQL, talent.certification.expressions) to each worker's highest certificate."""
    if not only(ctx, "level", "station", "q", "status", "renewal_open", "ce_short", "expired", "expiring"):
        return None
    where = [_active_workers(ctx)]
    if ctx.query.get("station"):
        where = [_at_station(ctx, ctx.query["station"], active=True)]
    level = ctx.query.get("level", "")
    if level == "none":
        where.append("NOT EXISTS (SELECT 1 FROM certificates c WHERE c.worker_id = t.id)")
    elif level:
        where.append(f"{_top_certificate('c.level')} = {ctx.p(level)}")
    conditions = _certificate_conditions(ctx)
    if conditions is None:
        return None
    where += conditions
    if ctx.query.get("q"):
        where.append(ctx.like(("t.name", "t.worker_no"), ctx.query["q"]))
    desc = ctx.query.get("sort", "").startswith("-")
    blank_level = "''" if desc else "'zzzz'"
    blank_day = ctx.p(date(1, 1, 2) if desc else date(9999, 12, 30))
    sorts = {
        "worker_no": "t.worker_no",
        "name": "t.name",
        "level": f"COALESCE({_top_certificate('c.level')}, {blank_level})",
        "expires": f"COALESCE({_top_certificate('c.registration_expires_on')}, {blank_day})",
    }
    columns = ", ".join(
        [
            "t.worker_no",
            "t.name",
            *(_top_certificate(f"c.{c}") for c in ("level", "number", "obtained_on", "registration_expires_on")),
            _current_spell(ctx, "t", "st.code"),
            _current_spell(ctx, "t", "st.name"),
        ]
    )
    return paged(ctx, "workers t", where, sorts, "worker_no", columns, sorted_text=_jurisdiction_text(ctx))


# ── places ────────────────────────────────────────────────────────────────────────────────────────────────────────


@twin("/stations")
def stations(ctx: Ctx) -> Statements | None:
    """Stations with their township, organisation, tier and head count (workers on an active spell)."""
    if not only(ctx, "kind", "tier", "q"):
        return None
    where = [ctx.stations("t")]
    where += equal(ctx, "kind")
    if ctx.query.get("tier"):
        where.append(f"t.tier_id = {ctx.p(int(ctx.query['tier']))}")
    if ctx.query.get("q"):
        where.append(ctx.like(("t.code", "t.name"), ctx.query["q"]))
    sorts = {
        "code": "t.code",
        "name": "t.name",
        "township": REGION,
        "organisation": ORGANISATION,
        "tier": "(SELECT x.name FROM station_tiers x WHERE x.id = t.tier_id)",
    }
    columns = (
        f"t.code, t.name, t.kind, {REGION}, {ORGANISATION},"
        " (SELECT x.name FROM station_tiers x WHERE x.id = t.tier_id),"
        f" (SELECT COUNT(DISTINCT sp.worker_id) FROM employment_spells sp WHERE sp.station_id = t.id"
        f" AND {ctx.active('sp')})"
    )
    sorted_text = () if ctx.scope.role == Role.ADMIN else ("code", "name")  # as the page sorts them (sort_rows)
    return paged(ctx, "stations t", where, sorts, "code", columns, sorted_text=sorted_text)


@twin("/regions")
def regions(ctx: Ctx) -> Statements | None:
    if not only(ctx, "level", "q"):
        return None
    s = ctx.scope
    where = ["TRUE" if s.role == Role.ADMIN else ctx.under("t.path", s.region_path) if s.region_path else "FALSE"]
    where += equal(ctx, "level")
    if ctx.query.get("q"):
        op = "ILIKE" if ctx.pg else "LIKE"
        where.append(f"(t.name {op} {ctx.p('%' + ctx.query['q'] + '%')} OR {ctx.under('t.code', ctx.query['q'])})")
    sorts = {"code": "t.code", "name": "t.name", "level": "t.depth", "path": "t.path"}
    columns = "t.code, t.name, t.level, t.path, (SELECT p.name FROM regions p WHERE p.id = t.parent_id)"
    return paged(ctx, "regions t", where, sorts, "path", columns)


@twin("/stations/organisations")
def organisations(ctx: Ctx) -> Statements | None:
    """Organisations with their region and their stations in scope (a bureau's: of its region, or operating a
    station in it; HR its own)."""
    s = ctx.scope
    if not only(ctx, "q"):
        return None
    if s.role == Role.ADMIN:
        where = ["TRUE"]
    elif s.role == Role.BUREAU and s.region_path:
        where = [
            f"(t.region_id IN (SELECT r.id FROM regions r WHERE {ctx.under('r.path', s.region_path)})"
            f" OR t.id IN (SELECT st.organisation_id FROM stations st WHERE {ctx.stations('st')}))"
        ]
    elif s.role == Role.HR and s.organisation_id:
        where = [f"t.id = {ctx.p(s.organisation_id)}"]
    else:
        return None
    if ctx.query.get("q"):
        where.append(ctx.like(("t.name", "t.credit_code"), ctx.query["q"]))
    columns = (
        f"t.name, t.credit_code, t.contact, {REGION},"
        f" (SELECT COUNT(*) FROM stations st WHERE st.organisation_id = t.id AND {ctx.stations('st')})"
    )
    return paged(ctx, "organisations t", where, {"name": "t.name", "region": REGION}, "name", columns)


# ── audit and accounts ────────────────────────────────────────────────────────────────────────────────────────────


# The list's columns: its Change column shows each entry's documents, which the statement reads as they are stored.
AUDIT_COLUMNS = "t.at, t.actor_name, t.action, t.entity, t.entity_id, t.summary, t.before, t.after"


@twin("/audit")
def audit(ctx: Ctx) -> Statements | None:
    if not only(ctx, "entity", "entity_id", "q"):
        return None
    s = ctx.scope
    if s.role == Role.ADMIN:
        where = ["TRUE"]
    else:
        if s.role == Role.BUREAU and s.region_path:
            mine, theirs = ctx.under("region_path", s.region_path), ctx.under("j.region_path", s.region_path)
        elif s.role == Role.HR and s.organisation_id:
            org = ctx.p(s.organisation_id)
            mine, theirs = f"organisation_id = {org}", f"j.organisation_id = {org}"
        else:
            return None
        union = (
            f"SELECT id FROM audit_entries WHERE {mine}"
            f" UNION SELECT j.entry_id FROM audit_jurisdictions j WHERE {theirs}"
        )
        filtered = any(ctx.query.get(name) for name in ("entity", "entity_id", "q"))
        if not filtered and (ctx.query.get("sort", "") or "-at").lstrip("-") == "at":
            # The whole log in time order: the page's ids chosen from the union and the total counted there.
            window = ctx.window({"at": "u.id"}, "-at", alias="u")
            if window is None:
                return None
            keyset, order, limit = window
            ids = f"SELECT u.id FROM ({union}) u WHERE {keyset} ORDER BY {order} {limit}"
            rows = (
                f"SELECT t.id, {AUDIT_COLUMNS} FROM audit_entries t"
                f" WHERE t.id IN ({ids}) ORDER BY {order.replace('u.id', 't.id')}"
            )
            return rows, f"SELECT COUNT(*) FROM ({union}) u"
        where = [f"t.id IN ({union})"]
    where += equal(ctx, "entity", "entity_id")
    if ctx.query.get("q"):
        where.append(ctx.like(("t.summary", "t.actor_name"), ctx.query["q"]))
    sorts = {"at": "t.id", "entity": "t.entity", "action": "t.action", "actor": "t.actor_name"}
    return paged(ctx, "audit_entries t", where, sorts, "-at", AUDIT_COLUMNS)


@twin("/admin/users")
def users(ctx: Ctx) -> Statements | None:
    if not only(ctx, "role", "q"):
        return None
    where = equal(ctx, "role")
    if ctx.query.get("q"):
        where.append(ctx.like(("t.username", "t.display_name"), ctx.query["q"]))
    sorts = {"username": "t.username", "name": "t.display_name", "role": "t.role", "last_login": "t.last_login_at"}
    columns = (
        f"t.username, t.display_name, t.role, t.last_login_at, {REGION}, {ORGANISATION},"
        " (SELECT w.name FROM workers w WHERE w.id = t.worker_id)"
    )
    return paged(ctx, "users t", where, sorts, "username", columns)


@twin("/supervision/sessions")
def sessions(ctx: Ctx) -> Statements | None:
    """Sessions held at stations in scope (a supervisor's: also all of its own), with supervisor, station and the
    number of attendees."""
    s = ctx.scope
    if not only(ctx, "q"):
        return None
    in_scope = f"t.station_id IN (SELECT st.id FROM stations st WHERE {ctx.stations('st')})"
    if s.role == Role.SUPERVISOR:
        # A union of ids, each part by its index: an OR of the two tests read every session of the country.
        at_stations = f"SELECT u.id FROM supervision_sessions u WHERE {in_scope.replace('t.', 'u.', 1)}"
        own = (
            "SELECT u.id FROM supervision_sessions u"
            f" WHERE u.supervisor_id IN (SELECT v.id FROM supervisors v WHERE v.user_id = {ctx.p(s.user_id)})"
        )
        in_scope = f"t.id IN ({at_stations} UNION {own})"
    where = [in_scope]
    if ctx.query.get("q"):
        text = ctx.query["q"]
        named = f"({ctx.like(('st.name',), text)} OR st.code = {ctx.p(text)})"
        if s.role == Role.ADMIN:
            station_named = f"t.station_id IN (SELECT st.id FROM stations st WHERE {named})"
        else:
            # A scope's few sessions each probe their own station (a set of the named stations makes PostgreSQL
            # test the text on every session of the country first).
            station_named = f"EXISTS (SELECT 1 FROM stations st WHERE st.id = t.station_id AND {named})"
        where.append(f"({ctx.like(('t.topics',), text)} OR {station_named})")
    station = "(SELECT st.{} FROM stations st WHERE st.id = t.station_id)"
    supervisor = "(SELECT v.name FROM supervisors v WHERE v.id = t.supervisor_id)"
    sorts = {"held_on": "t.held_on", "station": station.format("code"), "supervisor": supervisor, "hours": "t.hours"}
    columns = (
        f"t.held_on, t.hours, t.format, t.topics, {supervisor}, {station.format('code')}, {station.format('name')},"
        " (SELECT COUNT(*) FROM supervision_attendees a WHERE a.session_id = t.id)"
    )
    sorted_text = () if s.role == Role.ADMIN else ("held_on",)  # as the page sorts them (sort_rows)
    return paged(ctx, "supervision_sessions t", where, sorts, "-held_on", columns, sorted_text=sorted_text)


# ── pay, cohorts, notifications ───────────────────────────────────────────────────────────────────────────────────


@twin("/pay/assessments")
def assessments(ctx: Ctx) -> Statements | None:
    """The year's assessments (last year's unless asked) of the workers in scope, with each worker."""
    if not only(ctx, "year", "grade", "q"):
        return None
    year = ctx.query.get("year", "")
    year = int(year) if year.isdigit() else ctx.today.year - 1
    where = [
        f"t.year = {ctx.p(year)}",
        ctx.of_workers("t.worker_id"),
    ]
    where += equal(ctx, "grade")
    worker = "(SELECT w.{} FROM workers w WHERE w.id = t.worker_id)"
    if ctx.query.get("q"):
        named = ctx.like(("w.name", "w.worker_no"), ctx.query["q"])
        # The country's assessments test a set of the workers named; a jurisdiction's few each probe their own
        # worker, where a set of the named made SQLite search all 184,287 workers first (about 55 ms).
        where.append(
            f"t.worker_id IN (SELECT w.id FROM workers w WHERE {named})"
            if ctx.scope.role == Role.ADMIN
            else f"EXISTS (SELECT 1 FROM workers w WHERE w.id = t.worker_id AND {named})"
        )
    sorts = {
        "year": "t.year",
        "worker_no": worker.format("worker_no"),
        "name": worker.format("name"),
        "grade": "t.grade",
    }
    columns = f"t.year, t.grade, t.note, {worker.format('worker_no')}, {worker.format('name')}"
    return paged(ctx, "pay_assessments t", where, sorts, "worker_no", columns, link="t.worker_id")


@twin("/pay/standards")
def standards(ctx: Ctx) -> Statements | None:
    """Standards with their region: an admin's all; a bureau's of its subtree, and the published ones above it (HR's
    reach, through its stations' regions, is not covered)."""
    s = ctx.scope
    if not only(ctx, "status", "q") or s.role not in (Role.ADMIN, Role.BUREAU):
        return None
    if s.role == Role.ADMIN:
        where = ["TRUE"]
    else:
        above = [p for p in ancestor_paths(s.region_path) if p != s.region_path]
        listed = ", ".join(ctx.p(p) for p in above) or "NULL"
        published_above = f"t.region_path IN ({listed}) AND t.status = 'published'"
        where = [f"({ctx.under('t.region_path', s.region_path or '')} OR ({published_above}))"]
    where += equal(ctx, "status")
    if ctx.query.get("q"):
        where.append(ctx.like(("t.title", "t.document_no"), ctx.query["q"]))
    sorts = {"effective": "t.effective_from", "title": "t.title", "region": "t.region_path", "floor": "t.floor"}
    columns = f"t.title, t.document_no, t.effective_from, t.status, t.floor, {REGION}"
    return paged(ctx, "pay_standards t", where, sorts, "-effective", columns)


@twin("/cohorts")
def cohorts(ctx: Ctx) -> Statements | None:
    """Cohorts with their region, organisation and member count (an admin's or a bureau's: every member of a
    readable cohort counts; below a bureau the page counts only the members the viewer reaches, not covered)."""
    s = ctx.scope
    if not only(ctx, "kind", "q") or s.role not in (Role.ADMIN, Role.BUREAU):
        return None
    where = ["TRUE" if s.role == Role.ADMIN else ctx.under("t.region_path", s.region_path or "")]
    where += equal(ctx, "kind")
    if ctx.query.get("q"):
        text = ctx.query["q"]
        named = ctx.like(("r.name",), text)
        # A bureau's few cohorts each probe their own region (a set of every region named: PostgreSQL tested the
        # text on every cohort of the country first); the country's test a set of the named regions.
        in_region = (
            f"t.region_id IN (SELECT r.id FROM regions r WHERE {named})"
            if s.role == Role.ADMIN
            else f"EXISTS (SELECT 1 FROM regions r WHERE r.id = t.region_id AND {named})"
        )
        where.append(f"({ctx.like(('t.name',), text)} OR {in_region})")
    sorts = {"name": "t.name", "kind": "t.kind", "start_on": "t.start_on", "region": "t.region_path"}
    columns = (
        f"t.name, t.kind, t.start_on, t.end_on, {REGION}, {ORGANISATION},"
        " (SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = t.id)"
    )
    return paged(ctx, "cohorts t", where, sorts, "-start_on", columns)


@twin("/notifications")
def notifications(ctx: Ctx) -> Statements | None:
    if not only(ctx):
        return None
    where = [f"t.user_id = {ctx.p(ctx.scope.user_id)}"]
    return paged(
        ctx,
        "notifications t",
        where,
        {"created": "t.created_at"},
        "-created",
        "t.kind, t.text, t.link, t.created_at, t.read_at",
    )


# ── running them ──────────────────────────────────────────────────────────────────────────────────────────────────


def bind(sql: str, values: dict, pg: bool) -> tuple[str, list]:
    """`:name` placeholders as the driver's ($n on PostgreSQL, ? on SQLite), with the values in their order."""
    order: list = []

    def placeholder(match: re.Match) -> str:
        order.append(values[match.group(1)])
        return f"${len(order)}" if pg else "?"

    sql = re.sub(r":(v\d+)\b", placeholder, sql)
    return sql, order


class Twins:
    """Runs the twin of a measured page and fills in its time and the row check (bench/pages.Result)."""

    def __init__(self, repeat: int) -> None:
        self.repeat = repeat
        self.scopes: dict[int, Scope] = {}
        self.cert = None

    async def scope(self, user) -> Scope:
        from talent.accounts.selectors import scope_for
        from talent.core.clock import local_today

        if user.id not in self.scopes:
            self.scopes[user.id] = await scope_for(user, today=local_today())
        return self.scopes[user.id]

    async def certificate_sql(self, path: str):
        """The certification rules as SQL for the certificate list's twin (read once), else None."""
        if not path.startswith("/certificates"):
            return None
        if self.cert is None:
            from talent.certification.selectors import certificate_sql

            self.cert = await certificate_sql()
        return self.cert

    async def check(self, user, result):
        from tortoise import Tortoise

        from talent.settings import get_settings

        parts = urlsplit(result.url)
        if result.kind == "export":
            return await self.check_export(user, result)
        build = TWINS.get(parts.path)
        if build is None or result.status != 200:
            return result
        conn = Tortoise.get_connection("default")
        pg = conn.capabilities.dialect == "postgres"
        scope = await self.scope(user)
        ctx = Ctx(scope, pg, scope.today, get_settings().page_size, dict(parse_qsl(parts.query)))
        ctx.cert = await self.certificate_sql(parts.path)
        statements = build(ctx)
        if statements is None:
            return result
        best, answers = float("inf"), []
        for _ in range(self.repeat + 1):  # the first run warms the cache, as the page's did
            start = time.perf_counter()
            answers = [(await conn.execute_query(*bind(sql, ctx.values, pg)))[1] for sql in statements]
            best = min(best, time.perf_counter() - start)
        rows, total = answers
        result.twin = best
        result.check = compare([row[0] for row in rows], list(total[0])[0], result.html)
        return result

    async def check_export(self, user, result):
        """An export's twin: its list's twin (the path without "/export") for every row of the filtered list, in the
        list's order, fetched in one statement and written by the same writer in the same format
        (talent.core.export), so the ratio shows what the export's own statement and its presentation of each row add
        to the SQL and the file. The twin's columns are the list page's, not every column of the file; the row
        check compares the number of rows. Run as often as the export was (once when it was measured once)."""
        from tortoise import Tortoise

        from talent.core.export import csv_chunks, xlsx_chunks
        from talent.settings import get_settings

        parts = urlsplit(result.url)
        build = TWINS.get(parts.path.removesuffix("/export"))
        if build is None or result.status != 200 or result.rows is None:
            return result
        query = dict(parse_qsl(parts.query))
        fmt = query.pop("format", "xlsx")
        conn = Tortoise.get_connection("default")
        pg = conn.capabilities.dialect == "postgres"
        scope = await self.scope(user)
        ctx = Ctx(scope, pg, scope.today, get_settings().page_size, query, all_rows=True)
        ctx.cert = await self.certificate_sql(parts.path)
        statements = build(ctx)
        if statements is None:
            return result
        sql, values = bind(statements[0], ctx.values, pg)
        best, count = float("inf"), 0
        for _ in range(1 if result.once else self.repeat + 1):
            start = time.perf_counter()
            rows = [tuple(row)[1:] for row in (await conn.execute_query(sql, values))[1]]
            headers = [f"c{i}" for i in range(len(rows[0]) if rows else 0)]

            async def each(rows=rows):
                for row in rows:
                    yield row

            chunks = xlsx_chunks(headers, each(), "twin") if fmt == "xlsx" else csv_chunks(headers, each())
            async for _chunk in chunks:
                pass
            best, count = min(best, time.perf_counter() - start), len(rows)
        result.twin = best
        result.check = "n ok" if count == result.rows else f"NO {result.rows} rows vs {count}"
        return result


def compare(ids: list[int], total: int, html: str) -> str:
    """The row check: "ok" when the page links its rows to the twin's ids in the same order; "n ok" when its table
    rows have no link but their number agrees; "total ok" for a list that is not a table when the pager's total
    agrees; "NO …" otherwise."""
    from pages import links_of, pager_total

    shown = links_of(html).rows
    if shown and all(i is not None for i in shown):
        return "ok" if shown == ids else f"NO page {shown[:3]}… twin {ids[:3]}… ({len(shown)} vs {len(ids)})"
    if shown:
        return "n ok" if len(shown) == len(ids) else f"NO {len(shown)} rows vs {len(ids)}"
    return "total ok" if pager_total(html) == total else f"NO total {pager_total(html)} vs {total}"
