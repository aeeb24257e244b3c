"""The import framework every domain registers its spreadsheet kinds with.

A kind is its `KindSpec` (columns with English and Chinese headers, types, required, natural key; see
columns.py), a `validate` step that checks the parsed rows in bulk against the database and returns a
plan, and a `write` step that carries the plan out in batches. `run()` drives them:

1. read the whole file (in a thread, so the event loop stays free), mapping headers in either language and
   parsing every cell; find duplicate natural keys inside the file;
2. validate in bulk (set lookups, keys fetched in chunks with `__in`, no per-row queries);
3. unless something is wrong or it is a dry run, write everything in ONE transaction, in batches, with the
   audit entries bulk-inserted beside the rows. Nothing is written when any row has a problem.

Later issues register `certificates`, `exam_results`, `salaries` and `questions` with `register()` and
add their module to KIND_MODULES.
"""

import asyncio
import functools
import gc
import importlib
import json
import threading
from collections import namedtuple
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from tortoise import timezone
from tortoise.fields.data import JSON_DUMPS, CharEnumFieldInstance, DatetimeField, JSONField
from tortoise.transactions import in_transaction

from talent.accounts.models import Role, User
from talent.accounts.scope import Scope
from talent.audit.models import AuditEntry, AuditJurisdiction
from talent.audit.services import _jsonable, further_jurisdictions
from talent.imports import readers
from talent.imports.columns import Column, KindSpec
from talent.web.i18n import gettext as _

# Modules that register kinds when imported; a domain adds its own here.
KIND_MODULES = ["talent.imports.kinds", "talent.certification.imports", "courses.examprep.imports"]
FETCH_CHUNK = 1000  # keys per `__in` lookup
WRITE_BATCH = 2000  # rows per bulk insert/update
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
    actor: User | None
    headers: dict[str, str] = field(default_factory=dict)  # column key → header as written
    # Columns the file has: on an update, a column the file leaves out keeps its stored value.
    present: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    progress: Progress | None = None

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
        return (getattr(self.actor, "username", "") or "system")[:100]

    def audit(
        self,
        *,
        action: str,
        entity: str,
        entity_id: Any,
        summary: str = "",
        before: dict | None = None,
        after: dict | None = None,
        region_path: str = "",
        organisation_id: int | None = None,
        also: Iterable[Any] = (),
    ) -> dict[str, Any]:
        """The fields of an audit entry exactly as talent.audit.services.audit_record writes them (`also`: the
        further jurisdictions the change touched); the kinds insert them in bulk with insert_audit, in the same
        transaction as the rows they describe."""
        if before is not None and after is not None:
            changed = [k for k in after if before.get(k) != after.get(k)]
            before = {k: before.get(k) for k in changed}
            after = {k: after[k] for k in changed}
        return {
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "summary": summary[:255],
            "before": before,
            "after": after,
            "region_path": region_path or "",
            "organisation_id": organisation_id,
            "also": further_jurisdictions((region_path, organisation_id), also) if also else (),
        }


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, **self.extra}


class Kind:
    """Subclass per kind: set `spec`, `roles`, `title`, `example`; implement `validate` and `write`."""

    spec: KindSpec
    roles: tuple[Role, ...] = (Role.ADMIN,)
    title: str = ""  # an English msgid
    note: str = ""  # an English msgid shown on the import page
    example: dict[str, str] = {}

    def __init__(self) -> None:
        self.Row = namedtuple(f"{self.spec.name}_row", ["row", *[c.key for c in self.spec.columns]])

    @property
    def name(self) -> str:
        return self.spec.name

    def allowed(self, role: Role) -> bool:
        return role in self.roles

    def natural_key(self, row) -> tuple:
        return tuple(getattr(row, key) for key in self.spec.natural_key)

    async def validate(self, ctx: Context, rows: list) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    async def write(self, ctx: Context, plan: Any) -> Counts:  # pragma: no cover - abstract
        raise NotImplementedError

    def counts(self, plan: Any) -> Counts:  # pragma: no cover - abstract
        raise NotImplementedError


_REGISTRY: dict[str, Kind] = {}
_loaded = False


def register(kind: Kind) -> Kind:
    _REGISTRY[kind.name] = kind
    return kind


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in KIND_MODULES:
            importlib.import_module(module)


def get_kind(name: str) -> Kind | None:
    _load()
    return _REGISTRY.get(name)


def all_kinds() -> list[Kind]:
    _load()
    return list(_REGISTRY.values())


def kinds_for(role: Role) -> list[Kind]:
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
    expected = ", ".join(c.header(_locale()) for c in spec.columns)
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
        ctx.headers.setdefault(column.key, column.header(_locale()))
        if column.required and column.key not in seen:
            ctx.problem(1, column.key, "", _("This required column is missing."))
    return None if ctx.problem_count else positions


def _locale() -> str:
    from talent.web.i18n import get_locale

    return get_locale()


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
    actor: User | None,
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
    actor: User | None,
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


# ── helpers for kinds ────────────────────────────────────────────────────────────────────────────


def chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def fetch_by(queryset_for: Callable[[Sequence], Any], keys: Iterable, size: int = FETCH_CHUNK) -> list:
    """Run `queryset_for(chunk)` (a query filtered with `__in=chunk`) for each chunk of the distinct keys."""
    distinct = list(dict.fromkeys(k for k in keys if k is not None))
    out: list = []
    for chunk in chunks(distinct, size):
        out.extend(await queryset_for(chunk))
    return out


_PLAIN = frozenset({str, int, bool, float, type(None)})


def _enum_code(value: Enum) -> Any:
    return value._value_


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """The values as talent.audit.services.audit_record stores them (enums as codes, dates as ISO text)."""
    plain = _PLAIN
    out = {}
    for k, v in values.items():
        cls = v.__class__
        if cls in plain:
            out[k] = v
        elif issubclass(cls, Enum):
            out[k] = _enum_code(v)  # what _jsonable gives (value.value), without the property lookup
        else:
            out[k] = _jsonable(v)
    return out


# ── bulk reads and writes ────────────────────────────────────────────────────────────────────────
#
# On PostgreSQL through asyncpg (the production database) rows go in with COPY on the connection of the current
# transaction, and keys are looked up with one `= ANY($1)` array query per chunk. Elsewhere (SQLite, the test
# default) rows go in with Tortoise's own INSERT statement and executemany, keys with `IN (?, …)` in chunks.
# Either way the same values reach the same columns: see tests/imports/test_postgres_fast_path.py.

POSTGRES_FAST = True  # tests switch it off to compare the COPY path with the executemany path
ANY_CHUNK = 20_000  # keys per `= ANY($1)` lookup on PostgreSQL


def _asyncpg(conn) -> bool:
    if not POSTGRES_FAST:
        return False
    try:
        from tortoise.backends.asyncpg.client import AsyncpgDBClient
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return False
    return isinstance(conn, AsyncpgDBClient)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def values_in(model, key: str, keys: Iterable, fields: Sequence[str]) -> list[dict[str, Any]]:
    """`model.filter(<key>__in=keys).values(*fields)` for plain (non-relation) fields, as Tortoise would return
    them (the same to-Python conversions), without building a query object per chunk: the import looks up
    100,000 keys at a time. Rows come in no particular order."""
    distinct = list(dict.fromkeys(k for k in keys if k is not None))
    if not distinct:
        return []
    meta = model._meta
    conn = meta.db
    projection = meta.fields_db_projection
    native = {model_field for _db, model_field, _f in meta.db_native_fields}
    select = ", ".join(f"{_quote(projection[f])} AS {_quote(f)}" for f in fields)
    column = _quote(projection[key])
    table = _quote(meta.db_table)
    out: list[dict[str, Any]] = []
    if _asyncpg(conn):
        sql = f"SELECT {select} FROM {table} WHERE {column} = ANY($1)"
        for chunk in chunks(distinct, ANY_CHUNK):
            out.extend(await conn.execute_query_dict(sql, [list(chunk)]))
    elif conn.capabilities.dialect == "sqlite":
        for chunk in chunks(distinct, FETCH_CHUNK):
            marks = ", ".join("?" * len(chunk))
            out.extend(
                await conn.execute_query_dict(f"SELECT {select} FROM {table} WHERE {column} IN ({marks})", chunk)
            )
    else:  # another driver: Tortoise's own query, which converts as it reads
        return await fetch_by(lambda chunk: model.filter(**{f"{key}__in": list(chunk)}).values(*fields), distinct)
    converters = [(f, meta.fields_map[f].to_python_value) for f in fields if f not in native]
    if converters:
        for row in out:
            for name, convert in converters:
                row[name] = convert(row[name])
    return out


async def ids_by(model, key: str, keys: Iterable) -> dict[Any, int]:
    """key value → id for the rows whose `key` is one of `keys`."""
    return {row[key]: row["id"] for row in await values_in(model, key, keys, [key, "id"])}


_INSERTS: dict[tuple, tuple[list[str], str, list]] = {}


def _insert_plan(model, conn, with_pk: bool = False) -> tuple[list[str], str, list]:
    """The INSERT statement Tortoise itself would use for `model` on this backend, its columns, and for each
    column a converter and default. `with_pk`: the statement that takes the primary key too."""
    key = (model, type(conn), with_pk)
    plan = _INSERTS.get(key)
    if plan is None:
        executor = conn.executor_class(model=model, db=conn)
        columns = list(executor.regular_columns_all if with_pk else executor.regular_columns)
        converters = []
        for name in columns:
            f = model._meta.fields_map[name]
            if isinstance(f, CharEnumFieldInstance):
                convert = _enum_converter(f.enum_type)
            elif isinstance(f, JSONField):
                convert = _json_encoder(f.encoder)
            else:
                convert = None
            auto_now = isinstance(f, DatetimeField) and (f.auto_now or f.auto_now_add)
            converters.append((convert, f.default, auto_now))
        query = executor.insert_query_all if with_pk else executor.insert_query
        plan = _INSERTS[key] = (columns, query, converters)
    return plan


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _enum_converter(enum: type[Enum]):
    """A member → its code (anything else as it is), by one dict lookup: `_enum_value` for the field's enum."""
    codes = {member: member.value for member in enum}

    def convert(value: Any) -> Any:
        try:
            return codes.get(value, value) if value.__class__ is enum else _enum_value(value)
        except TypeError:  # unhashable: not a member
            return value

    return convert


def _json_encoder(encoder):
    if encoder is JSON_DUMPS and isinstance(encoder, functools.partial) and encoder.func is json.dumps:
        # The same text json.dumps(value, **keywords) gives, without building an encoder per value.
        encoder = json.JSONEncoder(**encoder.keywords).encode

    def convert(value: Any) -> Any:
        return None if value is None else encoder(value)

    return convert


def _lines(columns: list[str], converters: list, rows: Sequence[dict[str, Any]], now) -> list[list]:
    """Each row's values in `columns` order, converted for the database: the value given, else the field's default
    (an auto_now datetime gets `now`)."""
    if not rows:
        return []
    first = rows[0]
    names = first.keys()
    fill: dict[str, Any] = {}
    for name, (_convert, default, auto_now) in zip(columns, converters, strict=True):
        if name not in first:
            if callable(default):
                return _lines_slowly(columns, converters, rows, now)
            fill[name] = now if auto_now and default is None else default
    converting = [
        (i, convert, auto_now)
        for i, (name, (convert, _d, auto_now)) in enumerate(zip(columns, converters, strict=True))
        if convert is not None or (auto_now and name in first)
    ]
    get = itemgetter(*columns)
    lines = []
    append = lines.append
    for row in rows:
        if row.keys() != names:
            return _lines_slowly(columns, converters, rows, now)
        line = list(get({**row, **fill} if fill else row)) if len(columns) > 1 else [get({**row, **fill})]
        for i, convert, auto_now in converting:
            value = line[i]
            if auto_now and value is None:
                value = now
            if convert is not None:
                value = convert(value)
            line[i] = value
        append(line)
    return lines


def _lines_slowly(columns: list[str], converters: list, rows: Sequence[dict[str, Any]], now) -> list[list]:
    values = []
    for row in rows:
        line = []
        for name, (convert, default, auto_now) in zip(columns, converters, strict=True):
            value = row[name] if name in row else (default() if callable(default) else default)
            if auto_now and value is None:
                value = now
            line.append(convert(value) if convert is not None else value)
        values.append(line)
    return values


async def _copy(client, table: str, columns: list[str], records: list[list]) -> None:
    async with client.acquire_connection() as connection:
        client.log.debug("COPY %s (%s): %s rows", table, ", ".join(columns), len(records))
        await connection.copy_records_to_table(table, records=records, columns=columns)


def _batches(rows: Iterable, size: int) -> Iterable[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


async def insert_rows(
    model,
    rows: Iterable[dict[str, Any]],
    batch: int = WRITE_BATCH,
    progress: Callable[[int], Awaitable[None]] | None = None,
    with_pk: bool = False,
) -> None:
    """Bulk-insert plain dicts of field values without building a model instance per row (the import's hot path;
    bulk_create spends most of its time there): with COPY on PostgreSQL, else with Tortoise's own INSERT statement
    and executemany. Inside `in_transaction()` both run on the transaction's connection, in the order given.

    `rows` may be a generator: it is consumed a batch at a time, and the next batch is prepared while the
    database stores the previous one (one statement in flight at a time). `progress(n)` follows each batch."""
    conn = model._meta.db
    columns, sql, converters = _insert_plan(model, conn, with_pk)
    now = timezone.now()
    if _asyncpg(conn):
        table = model._meta.db_table
        db_columns = [model._meta.fields_db_projection[name] for name in columns]

        def store(lines: list[list]) -> Awaitable[None]:
            # Tortoise's own translation of asyncpg errors (IntegrityError, OperationalError) applies.
            return conn._translate_exceptions(_copy, table, db_columns, lines)

    else:

        def store(lines: list[list]) -> Awaitable[None]:
            return conn.execute_many(sql, lines)

    pending: asyncio.Future | None = None
    done = 0
    try:
        for chunk in _batches(rows, batch):
            lines = _lines(columns, converters, chunk, now)
            if pending is not None:
                await pending
                pending = None
                if progress is not None:
                    await progress(done)
            pending = asyncio.ensure_future(store(lines))
            done += len(chunk)
        if pending is not None:
            await pending
            pending = None
            if progress is not None:
                await progress(done)
    finally:
        if pending is not None:  # the rows or the progress failed: let the statement in flight finish first
            await asyncio.gather(pending, return_exceptions=True)


async def _reserve_ids(model, count: int) -> list[int]:
    """`count` fresh primary keys for `model`, to insert rows whose ids other rows must name at once (COPY and
    executemany return none). PostgreSQL: from the key's sequence. SQLite: after the largest id, which is safe
    because the import runs in a transaction that began IMMEDIATE (talent.sqlite_engine): no other writer
    can insert until it ends."""
    conn = model._meta.db
    table = model._meta.db_table
    column = model._meta.fields_db_projection[model._meta.pk_attr]
    if conn.capabilities.dialect == "postgres":
        sequence = f"pg_get_serial_sequence('{_quote(table)}', '{column}')"
        rows = await conn.execute_query_dict(
            f"SELECT nextval({sequence}) AS id FROM generate_series(1, {int(count)}) ORDER BY 1"
        )
        return [int(row["id"]) for row in rows]
    rows = await conn.execute_query_dict(f"SELECT COALESCE(MAX({_quote(column)}), 0) AS top FROM {_quote(table)}")
    top = int(rows[0]["top"])
    return list(range(top + 1, top + 1 + count))


async def insert_audit(entries: Iterable[dict[str, Any]], batch: int = WRITE_BATCH) -> None:
    """Bulk-insert audit entries made by Context.audit, with their further jurisdictions (AuditJurisdiction
    rows). A batch without any goes in as plain rows; otherwise its entries get reserved ids first, so the
    jurisdiction rows can name them."""
    for chunk in _batches(entries, batch):
        further = [entry.pop("also", None) or () for entry in chunk]
        if not any(further):
            await insert_rows(AuditEntry, chunk, batch=batch)
            continue
        ids = await _reserve_ids(AuditEntry, len(chunk))
        for entry, entry_id in zip(chunk, ids, strict=True):
            entry["id"] = entry_id
        await insert_rows(AuditEntry, chunk, batch=batch, with_pk=True)
        await insert_rows(
            AuditJurisdiction,
            [
                {"entry_id": entry_id, "region_path": path, "organisation_id": org}
                for entry_id, jurisdictions in zip(ids, further, strict=True)
                for path, org in jurisdictions
            ],
            batch=batch,
        )
