"""Reads for workers and employment spells, always through the viewer's scope.

A worker is in scope when any of their spells (current or past) is at a station in scope, or when they
have no spell yet and the viewer's jurisdiction registered them; a worker account sees only its own
record. The spells and the "current station" a viewer sees are the ones at stations in scope, so nothing
about another organisation's stations leaks into a list or a page.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from tortoise.expressions import RawSQL

from talent.core.access import Scope
from talent.core.bulk import fetch_by, ids_by
from talent.core.errors import ServiceError
from talent.core.export import list_rows
from talent.core.i18n import N_
from talent.core.pagination import ListParams, Page, order_for, paginate
from talent.core.sql import (
    Unordered,
    dialect,
    icontains,
    inline_sql,
    json_list,
    json_rows_sql,
    literal_code,
    literal_count,
    not_named_by,
)
from talent.people.access import reached_worker_q, spells_at_q, spells_q, workers_q
from talent.people.models import EmploymentSpell, PriorExperience, Source, Worker
from talent.people.rules import active_on  # certification and notifications still import it from here
from talent.places.access import stations_q
from talent.places.models import Station

STATUSES = ("active", "left", "all")
SORTS = {"worker_no": "worker_no", "name": "name", "start": "since"}


@dataclass(frozen=True, slots=True)
class StationShown:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class CurrentSpell:
    """A worker's active in-scope spell as the workers list shows it (its station and its start), read as a JSON
    column of the page's rows (_current_sql): the list's 25 spells with their stations as model instances cost twice
    their values."""

    start_on: date
    station: StationShown


def _current_spells(scope: Scope, today: date):
    return EmploymentSpell.filter(spells_q(scope), active_on(today))


def _worker_filtered(
    *, scope: Scope, params: ListParams, today: date, status: str = "active", station_code: str = "", source: str = ""
):
    """Workers in scope matching the list's search and filters (shared by the list page and its export)."""
    current = _current_spells(scope, today)
    # A worker with a spell in scope is reached (people.access): when a spell in scope chooses the rows (the
    # default "active", a station), the reach's union is not tested too (a city's count and page statements a
    # third faster on PostgreSQL).
    by_spell = status == "active" or bool(station_code)
    qs = Worker.all() if by_spell else Worker.filter(workers_q(scope))
    if params.q:
        qs = qs.filter(icontains("name", params.q) | icontains("worker_no", params.q))
    if status == "active" and not station_code:
        qs = qs.filter(id__in=Unordered(current.values("worker_id")))
    elif status == "left":
        # On PostgreSQL an anti-join, where a NOT IN was a filter over every worker of the country: a supervisor's
        # list 30 → 1 ms of SQL.
        qs = qs.filter(not_named_by("workers", current.values("worker_id"), "worker_id"))
    if station_code:
        # Active at the station: active in scope as well, so the active filter above is left out.
        at_station = EmploymentSpell.filter(spells_at_q(scope, station_code))
        if status == "active":
            at_station = at_station.filter(active_on(today))
        qs = qs.filter(id__in=Unordered(at_station.values("worker_id")))
    if source in {s.value for s in Source}:
        qs = qs.filter(source=literal_code(Source(source)))
    return qs


def _with_since(qs, scope: Scope, today: date):
    # `since`: the start of the latest active in-scope spell, a correlated subquery (no GROUP BY, so
    # the page count stays one cheap COUNT) that the list can sort by.
    since = (
        _current_spells(scope, today)
        .filter(worker_id=RawSQL('"workers"."id"'))  # the outer row: Tortoise has no OuterRef
        .order_by("-start_on")
        # Written, not bound: the page's statement then has no parameter and is planned once per connection (a
        # city's /workers?sort=start, 2.22 → 1.65 ms a run, asyncpg, national demo).
        .limit(literal_count(1))
        .values("start_on")
    )
    return qs.annotate(since=Unordered(since))


async def worker_list(
    *,
    scope: Scope,
    params: ListParams,
    today: date,
    beside: Mapping[str, Callable[[], Awaitable[Any]]] | None = None,
    **filters,
) -> Page:
    """Workers in scope (`filters`: status, station_code, source, as _worker_filtered takes them); each item
    carries `current` (its active in-scope spells as CurrentSpell, latest first) and `since` (the start of the
    latest active spell). Two queries whatever the page size or depth: the count, and the page, whose rows carry
    their current spells as a column (paginate's shown), from which `since` is read, so "since" is computed for the
    rows shown only. Sorting by it is the one case that computes it in SQL, for the sort. `beside`: the request's
    other reads, read with the total (paginate's beside)."""
    qs = _worker_filtered(scope=scope, params=params, today=today, **filters)
    if order_for(params, SORTS, "worker_no")[0].lstrip("-") == "since":
        qs = _with_since(qs, scope, today)
    # A jurisdiction's workers are sorted, not walked in the country's order (pagination._sorted).
    page = await paginate(
        qs,
        params,
        SORTS,
        default="worker_no",
        sort_rows=not scope.is_admin,
        shown={"current_spells": RawSQL(_current_sql(scope, today, dialect()))},
        beside=beside,
    )
    for worker in page.items:
        worker.current = _current_list(worker.current_spells)
        worker.since = worker.current[0].start_on if worker.current else None
    return page


@lru_cache(maxsize=1024)
def _current_sql(scope: Scope, today: date, sql_dialect: str) -> str:
    """A worker's active in-scope spells (id, start, station code and name) as a JSON array, a correlated subquery of
    the workers' row: the list reads them in its page's statement, where a statement after the page read them for
    its ids (a round trip less). Written once per scope, day and dialect, as the stations' head counts are."""
    spells = _current_spells(scope, today).filter(worker_id=RawSQL('"workers"."id"'))
    columns = ("id", "start_on", "station__code", "station__name")
    # The later spell first of two that start the same day.
    return json_rows_sql(inline_sql(spells.values(*columns)), columns, 'c."start_on" DESC, c."id" DESC', sql_dialect)


def _current_list(column: str | None) -> list[CurrentSpell]:
    """_current_sql's array as CurrentSpell, latest start first."""
    rows = json_list(column)
    return [CurrentSpell(date.fromisoformat(start), StationShown(code, name)) for _, start, code, name in rows]


# A worker's own fields: the columns of the workers kind (talent.people.schemas.WorkerOut), and what the audit
# entries of a worker hold (services.WORKER).
WORKER_COLUMNS = (
    "worker_no",
    "name",
    "gender",
    "birth_date",
    "education",
    "social_work_major",
    "source",
    "phone",
    "id_number",
)
# The export's fields: the columns and the id (the order's tie-breaker).
EXPORT_FIELDS = ("id", *WORKER_COLUMNS)


def worker_export(*, scope: Scope, params: ListParams, today: date, **filters) -> AsyncIterator[Worker]:
    """Every worker of the filtered list (all pages) in the list's order, in the export's columns: one streamed
    statement (talent.core.export.list_rows)."""
    qs = _worker_filtered(scope=scope, params=params, today=today, **filters)
    order = order_for(params, SORTS, "worker_no")
    if order[0].lstrip("-") == "since":
        qs = _with_since(qs, scope, today)
    return list_rows(qs, order, EXPORT_FIELDS)


async def worker_get(*, scope: Scope, worker_id: int) -> Worker:
    """The worker if in scope; DoesNotExist (→ 404) otherwise."""
    return await Worker.filter(reached_worker_q(scope, id=worker_id)).get()


async def worker_spells(*, scope: Scope, worker_id: int) -> list[EmploymentSpell]:
    return await (
        EmploymentSpell.filter(spells_q(scope), worker_id=worker_id)
        .select_related("station")
        .order_by("-start_on", "-id")
    )


async def spell_get(*, scope: Scope, worker_id: int, spell_id: int) -> EmploymentSpell:
    return await (
        EmploymentSpell.filter(spells_q(scope), worker_id=worker_id)
        .select_related("station", "worker")
        .get(id=spell_id)
    )


async def active_spell(*, scope: Scope, worker_id: int) -> EmploymentSpell | None:
    """The open spell (no end_on) at a station in scope, if any."""
    return await (
        EmploymentSpell.filter(spells_q(scope), worker_id=worker_id, end_on=None)
        .select_related("station")
        .order_by("-start_on")
        .first()
    )


async def worker_suggest(*, scope: Scope, q: str, limit: int = 20) -> list[dict]:
    qs = Worker.filter(workers_q(scope))
    if q:
        qs = qs.filter(icontains("name", q) | icontains("worker_no", q))
    return await qs.order_by("worker_no").limit(limit).values("worker_no", "name")


async def worker_ids_by_number(*, scope: Scope, numbers: list[str]) -> dict[str, int]:
    """worker_no → id of the workers with these numbers the scope sees (every one for an admin), in chunked
    queries: an import treats a number outside the importer's scope as one nobody has."""
    if scope.is_admin:
        return await ids_by(Worker, "worker_no", numbers)
    return dict(
        await fetch_by(
            lambda chunk: Worker.filter(workers_q(scope), worker_no__in=list(chunk)).values_list("worker_no", "id"),
            numbers,
        )
    )


async def workers_at_station(*, scope: Scope, station_code: str, today: date) -> dict[int, str]:
    """id → worker_no of the workers in scope with a spell active on `today` at the station (in scope) with this
    code, for a write that takes a whole station; ServiceError when no such station is in scope."""
    station = await Station.filter(stations_q(scope), code=station_code).first()
    if station is None:
        raise ServiceError("station_code", N_("No station with this code in your scope."))
    at_station = EmploymentSpell.filter(active_on(today), station_id=station.id).values("worker_id")
    rows = await Worker.filter(workers_q(scope), id__in=Unordered(at_station)).values("id", "worker_no")
    return {r["id"]: r["worker_no"] for r in rows}


async def workers_numbered(*, scope: Scope, numbers: list[str]) -> dict[int, str]:
    """id → worker_no of the workers in scope with these numbers, for a write that takes a list of them;
    ServiceError naming (in `numbers`' order) those not found, so that nothing is saved."""
    rows = await Worker.filter(workers_q(scope), worker_no__in=numbers).values("id", "worker_no")
    found = {r["worker_no"] for r in rows}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise ServiceError(
            "worker_nos", N_("Not found in your scope: %(list)s. Nothing was saved."), list=", ".join(missing[:20])
        )
    return {r["id"]: r["worker_no"] for r in rows}


async def worker_jurisdictions(worker_ids) -> dict[int, list[tuple[str, int | None]]]:
    """Per worker, every jurisdiction (region path, organisation id) that sees them: the stations of their
    spells, latest spell first, or for a worker without a spell the jurisdiction that registered them. The
    audit log files a change to a worker under all of these. Two queries per thousand workers.

    No scope on purpose: it names where a change is filed, never shows a record, and must reach the
    jurisdictions the actor cannot see (a transfer's other organisation), or their auditors would miss it."""
    ids = list(dict.fromkeys(worker_ids))
    out: dict[int, list[tuple[str, int | None]]] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        rows = await (
            EmploymentSpell.filter(worker_id__in=chunk)
            .order_by("-start_on", "-id")
            .values_list("worker_id", "station__region_path", "station__organisation_id")
        )
        for worker_id, path, org in rows:
            places = out.setdefault(worker_id, [])
            if (path or "", org) not in places:
                places.append((path or "", org))
        unplaced = [i for i in chunk if i not in out]
        if unplaced:
            for worker_id, path, org in await Worker.filter(id__in=unplaced).values_list(
                "id", "registered_region_path", "registered_organisation_id"
            ):
                out[worker_id] = [(path or "", org)]
    return out


async def worker_audit_scope(worker_id: int) -> dict:
    """audit_record's region_path, organisation_id and `also` for a change to the worker (or to a record of
    theirs: certificate, CE credit, exam result): every jurisdiction that sees them, the latest spell's first."""
    places = (await worker_jurisdictions([worker_id])).get(worker_id) or [("", None)]
    (path, org), *rest = places
    return {"region_path": path, "organisation_id": org, "also": rest}


async def worker_by_no(*, scope: Scope, worker_no: str) -> Worker:
    """The worker with this number if in scope (the same scoped queryset as the worker page); DoesNotExist
    (→ 404) otherwise, whether the number is unknown or out of scope."""
    return await Worker.filter(reached_worker_q(scope, worker_no=worker_no.strip())).get()


async def worker_find_by_no(*, scope: Scope, worker_no: str) -> Worker | None:
    """worker_by_no for a form's field (a certificate's or a salary record's worker), which says "no such worker"
    itself: None when the number is empty, unknown or out of scope."""
    if not worker_no.strip():
        return None
    return await Worker.filter(reached_worker_q(scope, worker_no=worker_no.strip())).first()


async def worker_prior_experiences(*, worker: Worker) -> list[PriorExperience]:
    """The prior experience of a worker read in the viewer's scope (worker_get), latest first."""
    return await PriorExperience.filter(worker_id=worker.id).order_by("-start_on", "-id")


async def prior_experience_get(*, scope: Scope, worker_id: int, experience_id: int) -> PriorExperience:
    """One prior experience of a worker in scope; DoesNotExist (→ 404) otherwise."""
    worker = await worker_get(scope=scope, worker_id=worker_id)
    return await PriorExperience.get(id=experience_id, worker_id=worker.id)
