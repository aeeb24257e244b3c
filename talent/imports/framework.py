"""The import framework every domain registers its spreadsheet kinds with.

A kind is its `KindSpec` (columns with English and Chinese headers, types, required, natural key; see
columns.py), a `validate` step that checks the parsed rows in bulk against the database and returns a
plan, and a `write` step that carries the plan out in batches. `run()` drives them:

1. read the whole file (in a thread, so the event loop stays free), mapping headers in either language and
   parsing every cell; find duplicate natural keys inside the file;
2. validate in bulk (set lookups, keys fetched in chunks with `__in`, no per-row queries);
3. unless something is wrong or it is a dry run, write everything in ONE transaction, in batches, with the
   audit entries bulk-inserted beside the rows. Nothing is written when any row has a problem.

The framework knows no domain: each domain's module declares its kinds and calls `register()` when it is
imported, and the composition root (talent.domains) names those modules and imports them (`domains.load()`,
called by the app and the command line). A kind says which permission may import it (`Kind.permission`), so
the import pages ask the permission table, like every other page.
"""

import asyncio
import gc
import threading
from collections import namedtuple
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from talent.audit.models import actor_name_of
from talent.audit.services import audit_record_many
from talent.core.access import Permission, Role, Scope, can
from talent.core.bulk import FETCH_CHUNK, WRITE_BATCH, chunks  # noqa: F401 — the kinds' batch sizes
from talent.core.i18n import get_locale
from talent.core.i18n import gettext as _
from talent.imports import readers
from talent.imports.columns import Column, KindSpec

MAX_PROBLEMS = 10_000  # problems kept for the report (all are counted)
PREVIEW_ROWS = 10

Progress = Callable[[str, int, int | None], Awaitable[None]]


@dataclass
class Problem:
    row: int | None  # as the spreadsheet numbers it (header = 1); None for the file as a whole
    column: str  # the header as the user wrote it
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class Context:
    """What a kind's validate/write steps need: who imports, where problems go, how far we got."""

    scope: Scope
    actor: Any  # the importing account (talent.accounts.models.User), None on the command line
    headers: dict[str, str] = field(default_factory=dict)  # column key → header as written
    # Columns the file has: on an update, a column the file leaves out keeps its stored value.
    present: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    progress: Progress | None = None
    written: int = 0  # rows written so far (write_batches)

    def problem(self, row: int | None, key: str, value: Any, reason: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            column = self.headers.get(key, key)
            self.problems.append(Problem(row, column, readers.display(value), reason))

    async def report(self, phase: str, done: int, total: int | None) -> None:
        if self.progress is not None:
            await self.progress(phase, done, total)

    # ── audit ──
    @property
    def actor_id(self) -> int | None:
        return getattr(self.actor, "id", None)

    @property
    def actor_name(self) -> str:
        return actor_name_of(self.actor)

    async def write_batches(self, plan: "Plan", items: list, write: Callable[[list], Awaitable[list[dict]]]) -> None:
        """Write `items` (some of the plan's) in batches of WRITE_BATCH: `write(batch)` stores the batch's rows and
        returns their audit entries (talent.audit.services.audit_entry, by this import's actor), which go in
        beside them in the same transaction; progress is reported against the whole plan."""
        for batch in chunks(items, WRITE_BATCH):
            await audit_record_many(await write(batch))
            self.written += len(batch)
            await self.report("writing", self.written, plan.total)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, **self.extra}


@dataclass
class Plan:
    """What a kind's validate step found and its write step carries out: what to create and what to update (in the
    form the kind's write needs; a kind that writes rows itself keeps an update as (id, before, after, more)), how
    many valid rows change nothing, and what else the kind keeps. A kind that writes through its services, row by
    row in the file's order, also keeps every valid row in `rows`."""

    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    unchanged: int = 0
    rows: list = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.creates) + len(self.updates)

    def counts(self) -> Counts:
        return Counts(created=len(self.creates), updated=len(self.updates), unchanged=self.unchanged)


class Kind:
    """Subclass per kind: set `spec`, `permission`, `title`, `example`; implement `validate` and `write`."""

    spec: KindSpec
    permission: Permission = Permission.ACCOUNTS  # who may import it (a kind that names none: admins only)
    title: str = ""  # an English msgid
    note: str = ""  # an English msgid shown on the import page
    example: dict[str, str] = {}

    def __init__(self) -> None:
        self.Row = namedtuple(f"{self.spec.name}_row", ["row", *[c.key for c in self.spec.columns]])

    @property
    def name(self) -> str:
        return self.spec.name

    def allowed(self, role: Role) -> bool:
        return can(role, self.permission)

    def natural_key(self, row) -> tuple:
        return tuple(getattr(row, key) for key in self.spec.natural_key)

    async def validate(self, ctx: Context, rows: list) -> Plan:  # pragma: no cover - abstract
        raise NotImplementedError

    async def write(self, ctx: Context, plan: Plan) -> Counts:  # pragma: no cover - abstract
        raise NotImplementedError

    def counts(self, plan: Plan) -> Counts:
        return plan.counts()


_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _REGISTRY[kind.name] = kind
    return kind


def get_kind(name: str) -> Kind | None:
    return _REGISTRY.get(name)


def all_kinds() -> list[Kind]:
    return list(_REGISTRY.values())


def kinds_for(role: Role) -> list[Kind]:
    """The kinds a role may import (the permission table decides)."""
    return [kind for kind in all_kinds() if kind.allowed(role)]


# ── reading ──────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Parsed:
    rows: list = field(default_factory=list)
    rows_read: int = 0
    total: int | None = None
    preview_headers: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    fatal: bool = False


def map_headers(spec: KindSpec, headers: Sequence[str], ctx: Context) -> list[tuple[int, Column]] | None:
    """(position in the file, column) for each known header; None (with problems) when the header row is wrong."""
    index = readers.header_index(spec.columns)
    positions: list[tuple[int, Column]] = []
    seen: dict[str, str] = {}
    unknown: list[str] = []
    for position, header in enumerate(headers):
        if not header:
            continue
        column = index.get(readers.normalise_header(header))
        if column is None:
            unknown.append(header)
            continue
        if column.key in seen:
            ctx.problem(1, header, header, _("This column appears twice."))
            continue
        seen[column.key] = header
        positions.append((position, column))
    expected = ", ".join(c.header(get_locale()) for c in spec.columns)
    if not positions:
        ctx.problem(
            1,
            "",
            " | ".join(headers[:12]),
            _("The first row must name the columns; none of its cells is a column of this kind. Expected: %(columns)s.")
            % {"columns": expected},
        )
        return None
    for header in unknown:
        ctx.problem(1, header, header, _("Unknown column. Expected: %(columns)s.") % {"columns": expected})
    ctx.headers.update(seen)
    for column in spec.columns:
        ctx.headers.setdefault(column.key, column.header(get_locale()))
        if column.required and column.key not in seen:
            ctx.problem(1, column.key, "", _("This required column is missing."))
    return None if ctx.problem_count else positions


def read_rows(kind: Kind, path: Path, ctx: Context, state: dict, limit: int | None = None) -> Parsed:
    """Synchronous: runs in a worker thread. `state['done']` tells the event loop how far it got."""
    parsed = Parsed()
    try:
        sheet = readers.open_sheet(path, limit)
    except readers.FileError as exc:
        ctx.problem(None, "", "", exc.message)
        parsed.fatal = True
        return parsed
    try:
        parsed.total = sheet.total
        state["total"] = sheet.total
        positions = map_headers(kind.spec, sheet.headers, ctx)
        if positions is None:
            parsed.fatal = True
            return parsed
        parsed.preview_headers = [ctx.headers[c.key] for _p, c in positions]
        width = max(p for p, _c in positions) + 1
        key_positions = [i for i, (_p, c) in enumerate(positions) if c.key in kind.spec.natural_key]
        first_key = positions[key_positions[0]][1].key if key_positions else ""
        keys = [c.key for c in kind.spec.columns]
        present = {c.key for _p, c in positions}
        ctx.present = present
        # Per column in the file: its position, its slot in the row tuple (0 is the row number), a parser that
        # gives exactly what readers.parse_cell gives, and whether it is required. Missing columns stay None.
        plan = [(p, keys.index(c.key) + 1, c, readers.cell_parser(c), c.required) for p, c in positions]
        cell_positions = [p for p, _c in positions]
        empty = [None] * (len(keys) + 1)
        key_slots = [keys.index(k) + 1 for k in kind.spec.natural_key]
        custom_key = type(kind).natural_key is not Kind.natural_key
        seen: dict[tuple, Any] = {}
        Row = kind.Row
        make_row = Row._make
        CellError = readers.CellError
        rows_append = parsed.rows.append
        for number, cells in sheet.rows:
            if len(cells) < width:
                cells = list(cells) + [None] * (width - len(cells))
            for p in cell_positions:
                raw = cells[p]
                if raw is not None and (not isinstance(raw, str) or raw.strip()):
                    break
            else:
                continue  # a blank row
            parsed.rows_read += 1
            if parsed.rows_read % 1000 == 0:
                state["done"] = parsed.rows_read
            if len(parsed.preview) < PREVIEW_ROWS:
                parsed.preview.append([readers.display(cells[p]) for p in cell_positions])
            values = empty.copy()
            values[0] = number
            ok = True
            for position, slot, column, parse, required in plan:
                raw = cells[position]
                try:
                    value = parse(raw)
                except CellError as exc:
                    ctx.problem(number, column.key, raw, str(exc))
                    ok = False
                    continue
                if value is None and required:
                    ctx.problem(number, column.key, raw, _("This value is required."))
                    ok = False
                values[slot] = value
            if not ok:
                continue
            row = make_row(values)
            key = kind.natural_key(row) if custom_key else tuple([values[i] for i in key_slots])
            earlier = seen.get(key)
            if earlier is not None:
                if earlier[1:] == row[1:]:
                    ctx.problem(
                        number,
                        first_key,
                        getattr(row, first_key, ""),
                        _("This row repeats row %(row)s.") % {"row": earlier[0]},
                    )
                else:
                    ctx.problem(
                        number,
                        first_key,
                        getattr(row, first_key, ""),
                        _("Row %(row)s has the same %(key)s with different data.")
                        % {"row": earlier[0], "key": " + ".join(ctx.headers[k] for k in kind.spec.natural_key)},
                    )
                continue
            seen[key] = row
            rows_append(row)
        state["done"] = parsed.rows_read
        if parsed.rows_read == 0:
            ctx.problem(None, "", "", _("The file has no data rows below the header."))
            parsed.fatal = True
    except readers.FileError as exc:
        ctx.problem(None, "", "", exc.message)
        parsed.fatal = True
    finally:
        sheet.close()
    return parsed


# ── running ──────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Outcome:
    kind: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    preview_headers: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def report(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "errors": [p.as_dict() for p in self.problems],
            "error_count": self.problem_count,
            "preview": {"headers": self.preview_headers, "rows": self.preview},
            "counts": self.counts.as_dict(),
            "written": self.written,
        }


GC_GEN0 = 10_000  # allocations between young-generation collections while an import runs (CPython's default: 700)
_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, ...] | None = None


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Reading a large workbook allocates millions of short-lived objects (openpyxl parses every cell into
    elements); at the default threshold the cyclic collector runs tens of thousands of times and costs about a
    quarter of the reading time. While imports run, the young generation is collected every GC_GEN0 allocations
    instead; the previous thresholds come back when the last running import ends. Nothing else changes: every
    collection still happens, only less often."""
    global _gc_users, _gc_saved
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            if 0 < _gc_saved[0] < GC_GEN0:
                gc.set_threshold(GC_GEN0, *_gc_saved[1:])
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)
                _gc_saved = None


async def run(
    kind: Kind,
    path: Path,
    *,
    scope: Scope,
    actor: Any,
    dry_run: bool,
    progress: Progress | None = None,
    limit: int | None = None,
) -> Outcome:
    """Check the whole file; when it is valid and this is not a dry run, write it in one transaction."""
    with fewer_collections():
        return await _run(kind, path, scope=scope, actor=actor, dry_run=dry_run, progress=progress, limit=limit)


async def _run(
    kind: Kind,
    path: Path,
    *,
    scope: Scope,
    actor: Any,
    dry_run: bool,
    progress: Progress | None,
    limit: int | None,
) -> Outcome:
    ctx = Context(scope=scope, actor=actor, progress=progress)
    state: dict[str, Any] = {"done": 0, "total": None}
    reading = asyncio.ensure_future(asyncio.to_thread(read_rows, kind, path, ctx, state, limit))
    while not reading.done():
        await asyncio.wait({reading}, timeout=0.5)
        await ctx.report("reading", state["done"], state["total"])
    parsed = reading.result()
    outcome = Outcome(
        kind=kind.name, rows=parsed.rows_read, preview_headers=parsed.preview_headers, preview=parsed.preview
    )
    if not parsed.fatal:
        await ctx.report("checking", parsed.rows_read, parsed.rows_read)
        plan = await kind.validate(ctx, parsed.rows)
        outcome.counts = kind.counts(plan)
        if not ctx.problem_count and not dry_run:
            async with in_transaction():
                outcome.counts = await kind.write(ctx, plan)
            outcome.written = True
    outcome.problems = ctx.problems
    outcome.problem_count = ctx.problem_count
    return outcome
