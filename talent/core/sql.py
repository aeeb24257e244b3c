"""SQL pieces Tortoise's query builder lacks, in one place."""

import functools
import json
from collections.abc import Callable, Sequence
from datetime import date
from enum import Enum, IntEnum

from pypika_tortoise.context import SqlContext
from pypika_tortoise.terms import Parameterizer, Term, ValueWrapper
from tortoise.connection import connections
from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.fields.relational import ForeignKeyFieldInstance, RelationalField

# A filter that matches nothing (a role with no reach).
NOTHING = Q(id__in=[])


def unordered(query):
    """The pypika statement of a Tortoise query without the model's default ordering (Meta.ordering, which Tortoise
    adds even after `.order_by()` with no keys), for embedding: inside `IN (…)`, a derived table or a compound
    SELECT an ORDER BY means nothing and costs a sort or a flattening. A query with a LIMIT keeps its ordering (it
    picks rows)."""
    query._choose_db_if_not_chosen()
    query._make_query()
    if query._limit is None:
        query.query._orderbys = []
    return query.query


def inline_sql(query) -> str:
    """`unordered(query)` as text with its parameters inlined (dates and codes the code formatted, never user text),
    for hand-built SQL."""
    return unordered(query).get_sql()


# Values the code writes into a statement's text instead of binding them (never the request's text): a statement
# without parameters is planned once per connection and its plan reused (PostgreSQL's plan cache plans each run
# only for the parameters' values, talent.db), where a list's count and page were planned on every visit for
# longer than they ran (a county's active workers, counted: 1.17 → 0.32 ms; its page 2.03 → 0.66; national demo).
# Their values are still known to the planner, as a custom plan's are.
def literal_date(day: date) -> Term | date:
    """`day` written into the statement as a date literal ('2026-12-07': a date to PostgreSQL by its comparison,
    the text SQLite stores dates as), for a filter's value (`Q(end_on__gte=literal_date(today))`). The day is the
    code's (today, a period's bounds), one statement text a day. A datetime is bound as before."""
    return _written(day) if type(day) is date else day


def literal_int(n: int) -> Term:
    """An integer written into the statement: an id of the viewer's scope (HR's organisation), as a scope's path is
    (`under`), or a number the code has checked against the few a page offers (a year of assessments, 1990–2100), one
    statement text each. Never an id the request typed, which would make a statement text per record."""
    return _written(int(n))


def literal_code(code: Enum) -> Term:
    """A code of the code's own (an Enum member: the request's text is only ever compared with or converted to one)
    written into the statement as its value, one statement text per code (a grade filter)."""
    return _written(code.value)


def literal_bool(flag: bool) -> Term:
    """A flag the code sets (a bank's current versions) written into the statement as TRUE or FALSE, which both
    databases compare with a boolean column (SQLite's 1 and 0)."""
    return _written(bool(flag))


def _written(value) -> Term:
    """`value` written into the statement as a literal (pypika doubles a text's quotes): for values the code holds,
    such as a region's path, never the request's text."""
    return ValueWrapper(value, allow_parametrize=False)


@functools.lru_cache(maxsize=1024)
def literal_count(n: int) -> int:
    """`n` for `.limit()`, written into the statement's text (LIMIT 25): one statement text per page size, planned
    once, where a bound LIMIT made PostgreSQL plan the page on each run. pypika writes an Enum member as its value,
    never as a parameter: an IntEnum of one member, made on a size's first use (a thousand at import cost 19 ms)."""
    return IntEnum("_Count", {"n": n})(n)


def dialect() -> str:
    """The default connection's SQL dialect ("sqlite", "postgres"): part of the key of SQL text kept for reuse."""
    return connections.get("default").capabilities.dialect


def exists(query) -> RawSQL:
    """`EXISTS (query)` as an annotation to filter on (`.annotate(used=exists(q)).filter(used=True)`), `query`
    correlated with the outer row through RawSQL (Tortoise has no OuterRef): the inner table is probed through its
    index once per outer row, where `IN (query)` reads every inner row first (the tiers in use: one probe per tier
    instead of a scan of every station of the country)."""
    return RawSQL(f"EXISTS ({inline_sql(query)})")


def scalar(query) -> RawSQL:
    """`(query)`, a one-column one-row subquery correlated like `exists`, as an annotation: a column of a related
    row read by an index probe per outer row. A join lets the planner hash the whole related table instead
    (PostgreSQL hashed the country's 27,320 courses to name 500 enrolments: 8 ms a batch against 1.6 ms)."""
    return RawSQL(f"({inline_sql(query)})")


# What marks a value's place in a subquery written once for several statements (Unordered): a character no SQL text
# the code writes holds.
_MARKER = "\x00"


def json_rows_sql(select: str, columns: Sequence[str], order: str, sql_dialect: str) -> str:
    """The rows of `select` (a SELECT correlated with the outer row, as inline_sql writes it) as one JSON array, a
    column of the outer row: each row the value of its one column, or an array of its `columns`; in `order` (SQL
    over the rows, named c). A list's page reads each row's few related rows so (a worker's current spells, a
    supervisor's tags) in its own statement, where a statement after the page read them for its ids. PostgreSQL
    orders inside its aggregate; SQLite (3.40 has no ORDER BY in an aggregate) aggregates an ordered derived table,
    which it neither flattens into an aggregate query nor reorders. No row: NULL on PostgreSQL, [] on SQLite
    (json_list reads both)."""
    named = ", ".join(f'c."{column}"' for column in columns)
    if sql_dialect == "postgres":
        item = named if len(columns) == 1 else f"json_build_array({named})"
        return f"(SELECT json_agg({item} ORDER BY {order}) FROM ({select}) c)"
    item = named if len(columns) == 1 else f"json_array({named})"
    return f"(SELECT json_group_array({item}) FROM (SELECT * FROM ({select}) c ORDER BY {order}) c)"


def json_list(value: str | None) -> list:
    """A json_rows_sql column as read: its rows as a list (dates as ISO text)."""
    return json.loads(value) if value else []


def _value_marker(n: int) -> str:
    return f"{_MARKER}{n - 1}{_MARKER}"


class Unordered(Subquery):
    """A subquery for an `__in` filter without the model's default ordering (Meta.ordering, which Tortoise adds
    even after `.order_by()` with no keys): an ORDER BY inside `IN (…)` means nothing, and it stops PostgreSQL
    from flattening the subquery into a semi-join. A subquery with a LIMIT keeps its ordering (it picks rows)."""

    def get_sql(self, ctx: SqlContext) -> str:
        if ctx.parameterizer is None:
            # Rendered as text (inline_sql): the values inline too, where a parameterizer of its own would leave
            # placeholders without their values.
            return unordered(self.query).get_sql(ctx)
        # A list's count and its page share the filter's subquery: Tortoise wrote it once per statement (a county
        # bureau's /workers: its active workers' subquery, twice a request). Written once per context, with markers
        # for its values, which each statement then numbers as its own parameters.
        key = ctx.copy(parameterizer=None)
        if (written := self._written.get(key)) is None:
            marked = Parameterizer(placeholder_factory=_value_marker)
            text = unordered(self.query).get_sql(ctx.copy(parameterizer=marked))
            written = self._written[key] = (text.split(_MARKER), marked.values)
        parts, values = written
        out = [parts[0]]
        for i in range(1, len(parts), 2):
            out.append(ctx.parameterizer.create_param(values[int(parts[i])]).get_sql(ctx))
            out.append(parts[i + 1])
        return "".join(out)

    @functools.cached_property
    def _written(self) -> dict:
        return {}


class RawSubquery(Term):
    """A subquery written as SQL text (its values inlined by the code that formatted them, never user text), for
    an `__in` filter: a list whose rows are chosen by the same statement text as the figure counting them."""

    def __init__(self, sql: str) -> None:
        super().__init__()
        self.sql = sql

    def get_sql(self, ctx: SqlContext) -> str:
        return f"({self.sql})"


class TextList(Term):
    """A literal list of text the code holds (the region paths enclosing a scope), for an `__in` filter: written in,
    quoted as pypika quotes a text, so that the statement keeps no parameter (talent.db: planned once per
    connection). Never the request's text. Empty, it is false, so Tortoise's `__in` writes its match-nothing test."""

    def __init__(self, values) -> None:
        super().__init__()
        self.values = [str(v) for v in values]

    def __bool__(self) -> bool:
        return bool(self.values)

    def get_sql(self, ctx: SqlContext) -> str:
        return "(" + ",".join("'" + v.replace("'", "''") + "'" for v in self.values) + ")"


class IntList(Term):
    """A literal list of integers for an `__in` filter, written by one join: pypika wraps and writes each value of
    a list as a term of its own (naming the 702,568 enrolments of the national demo's audit log: 2.2 s to write the
    statement, 0.1 s this way). Empty, it is false, so Tortoise's `__in` writes its match-nothing test."""

    def __init__(self, values) -> None:
        super().__init__()
        self.values = [int(v) for v in values]

    def __bool__(self) -> bool:
        return bool(self.values)

    @property
    def sql(self) -> str:
        """`(1,2,3)`, for hand-written SQL too."""
        return "(" + ",".join(map(str, self.values)) + ")"

    def get_sql(self, ctx: SqlContext) -> str:
        return self.sql


def lacking(table: str, query, column: str) -> RawSubquery:
    """The ids of `table` that no row of the one-column values `query` names in `column`, for an `id__in` filter:
    a NOT EXISTS standing alone in the subquery's WHERE, which PostgreSQL makes an anti-join from whichever side is
    smaller. Tortoise writes neither form that planner can join: `exclude(id__in=…)` is a NOT IN it applies as a
    filter over every row of the table, an annotation's `EXISTS (…) = false` a test row by row. For PostgreSQL:
    SQLite reads an `IN` subquery whole first (every row of `table`). `query`'s values are inlined (inline_sql)."""
    return RawSubquery(
        f"SELECT t.id FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM ({inline_sql(query)}) a WHERE a.{column} = t.id)"
    )


def not_named_by(table: str, query, column: str) -> Q:
    """A filter on `table`'s rows: those whose id no row of the one-column values `query` names in `column` (the
    workers without a current spell, the stations without a primary supervisor). On PostgreSQL an anti-join
    (`lacking`), where a NOT IN is a filter testing every row of the table against the whole subquery; on SQLite the
    NOT IN, which reads the subquery's rows once and probes them per row (under `IN`, `lacking` would read every row
    of `table` first). `query`'s values are inlined on PostgreSQL: pass the scope's and the day's, never the
    request's."""
    if dialect() == "postgres":
        return Q(id__in=lacking(table, query, column))
    return ~Q(id__in=Unordered(query))


def keyed_in(column: str, model, scope_q: Q) -> Q:
    """A filter on rows whose `column`, a foreign key that cannot be NULL, names a row of `model` under `scope_q` (a
    viewer's scope). None when `scope_q` filters nothing (an administrator's): each key names a row of `model`
    anyway, and `IN (SELECT id FROM …)` only costs; SQLite read the whole table first (the administrator's
    supervisors' expertise counts 5.2 ms, national demo)."""
    if not scope_q.children and not scope_q.filters:
        return Q()
    return Q(**{f"{column}__in": Unordered(model.filter(scope_q).values("id"))})


def reach(build):
    """Decorates `build(scope)`, which returns the one-column values query (or a list of them, for their UNION) of
    the ids a scope reaches: the decorated function returns it as a `RawSubquery` for an `__in` filter, its text
    written once per scope and dialect, the scope's values (a region path, ids) inlined. Through Tortoise a reach's
    nested subqueries cost more to write than to run, on every statement of every page that filters by it (a city's
    workers: a millisecond a statement). `build` must read nothing but the scope (not the clock, not the data)."""

    @functools.lru_cache(maxsize=4096)
    def text(scope, _dialect: str) -> str:
        built = build(scope)
        queries = built if isinstance(built, list | tuple) else [built]
        return " UNION ".join(inline_sql(query) for query in queries)

    @functools.wraps(build)
    def subquery(scope) -> RawSubquery:
        return RawSubquery(text(scope, dialect()))

    return subquery


class Union(Term):
    """`(SELECT … UNION SELECT …)` of one-column queries, for an `__in` filter: one subquery the planner can
    turn into a semi-join, where an OR of two IN-subqueries makes it read the whole outer table."""

    def __init__(self, *queries) -> None:
        super().__init__()
        self.queries = queries

    def get_sql(self, ctx: SqlContext) -> str:
        parts = []
        for query in self.queries:
            # A model's default ordering would put ORDER BY inside the compound SELECT (an SQLite syntax error).
            parts.append(unordered(query).get_sql(ctx.copy(subquery=False)))
        return "(" + " UNION ".join(parts) + ")"


def icontains(field: str, text: str) -> Q:
    """`field` contains `text`, ignoring case as a search box does. On SQLite, Tortoise's `icontains` wraps both
    sides in UPPER(), which cost a search of 184,287 workers 2.5 times a plain LIKE (253 against 99 ms); SQLite's
    LIKE already ignores ASCII case, and its UPPER() changes nothing else, so `contains` is the same test there.
    PostgreSQL's LIKE is case-sensitive: `icontains` there."""
    lookup = "contains" if connections.get("default").capabilities.dialect == "sqlite" else "icontains"
    return Q(**{f"{field}__{lookup}": text})


def next_prefix(prefix: str) -> str:
    """The smallest string above every string that starts with `prefix` ("32/3201/" → "32/32010"): the prefix with
    its last character incremented (a last character at the top of Unicode is dropped first)."""
    stem = prefix.rstrip("\U0010ffff")
    if not stem:
        return ""
    return stem[:-1] + chr(ord(stem[-1]) + 1)


def under(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as a range on the column (`field >= prefix AND field < next_prefix`): a btree
    index serves it and both planners estimate it from the column's statistics, where Tortoise's `__startswith`
    writes `CAST(field AS VARCHAR) LIKE 'prefix%'`, which neither can. Exact under a bytewise collation (SQLite's
    BINARY, PostgreSQL's "C" and "C.UTF-8", which the project's databases use); an empty prefix matches every row."""
    # The bounds are written into the statement (a scope's path, a region's from the database: digits and '/'),
    # so that a list filtered by its scope alone has no parameter and is planned once (literal_date). What the
    # request typed goes through starts_with instead.
    return _prefix_range(field, prefix, _written)


def starts_with(field: str, typed: str) -> Q:
    """`under` for a prefix the request typed (a search of codes by their first digits): the same range, its bounds
    bound as parameters, never written into the statement."""
    return _prefix_range(field, typed, lambda text: text)


def _prefix_range(field: str, prefix: str, value) -> Q:
    if not prefix:
        return Q()
    upper = next_prefix(prefix)
    q = Q(**{f"{field}__gte": value(prefix)})
    return q & Q(**{f"{field}__lt": value(upper)}) if upper else q


def under_sql(column: str, prefix: str) -> str:
    """`under` as SQL text over `column` (for hand-built statements): `prefix` is a region path (ASCII digits and
    '/', checked where regions are written), safe as a literal; an empty prefix matches every row."""
    if not prefix:
        return "1 = 1"
    upper = next_prefix(prefix)
    return f"{column} >= '{prefix}' AND {column} < '{upper}'" if upper else f"{column} >= '{prefix}'"


def child_path_sql(column: str, parent: str, pg: bool) -> str:
    """The path of the region one level below the region at `parent` that the path in `column` lies in: the path
    cut after its first segment below `parent` ("32/3201/" for "32/3201/320102/" under "32/"); `parent` itself for
    a path equal to it. One expression per row, compared for equality with the children's paths (an index on the
    paths serves it), where a LIKE or a range per child cost a report grouped by province a comparison per province."""
    n = len(parent)
    find = "strpos" if pg else "instr"
    return f"substr({column}, 1, {n} + {find}(substr({column}, {n + 1}), '/'))"


def looked_up(pg: bool, clause: str, column: str, match: str) -> tuple[str, str]:
    """(expression, join) reading `column` of the row of WITH clause `clause` (as `t`) that `match`es the row
    being built, at most one. PostgreSQL hash-joins the clause once (a subquery would scan it per row: a WITH
    clause has no index); SQLite indexes a clause for a subquery of each row, but as a join's right side, having
    misjudged the rows on the left as few, it scanned the whole clause for each (minutes for the country's
    retention by pay status)."""
    if pg:
        return f"t.{column}", f" LEFT JOIN {clause} t ON {match}"
    return f"(SELECT t.{column} FROM {clause} t WHERE {match})", ""


def _column(meta, name: str) -> str:
    return meta.fields_map[name].source_field or name


@functools.lru_cache(maxsize=1024)
def _probes(model, values: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[tuple[str, str, str, Callable], ...]]:
    """`values` split into the model's own fields and the related rows' columns a probe reads: (own names, ((alias,
    name, SQL of the probe, the related field's converter to Python), ...)). A name through one foreign key
    ("region__name") is probed; a longer path, a reverse relation or a field of the model's own stays with
    Tortoise."""
    meta = model._meta
    own: list[str] = []
    probes: list[tuple[str, str, str, Callable]] = []
    for name in values:
        relation, _, column = name.partition("__")
        fk = meta.fields_map.get(relation) if column and "__" not in column else None
        target = fk.related_model._meta if isinstance(fk, ForeignKeyFieldInstance) else None
        if target is None or isinstance(target.fields_map.get(column, fk), RelationalField):
            own.append(name)
            continue
        probe = (
            f'(SELECT p."{_column(target, column)}" FROM "{target.db_table}" p'
            f' WHERE p."{_column(target, fk.to_field)}" = "{meta.db_table}"."{fk.source_field}")'
        )
        probes.append((f"_probe{len(probes)}", name, probe, target.fields_map[column].to_python_value))
    return tuple(own), tuple(probes)


async def probed_values(qs, values: Sequence[str]) -> list[dict]:
    """`qs.values(*values)`, on PostgreSQL each related row's column ("region__name", through a foreign key) read by
    a correlated subquery that probes the related table's key, not by a LEFT JOIN: for a page of rows the probes
    cost the same index lookups as the joins' nested loops, and PostgreSQL plans them in a fraction of the time.
    Each run of a statement is planned there (talent.db: custom plans): four joins took 0.8–0.95 ms to plan for
    0.1 ms of running (a supervisor's five stations), four probes 0.20–0.24 ms (EXPLAIN, national demo); the
    administrator's stations page, six columns of four related rows, 1.33 → 0.74 ms for 25 rows and 1.94 → 1.58 for
    100. SQLite plans either in microseconds and runs the joins faster (100 stations: 0.38 against 0.53 ms): joins
    there. For a page, not a whole table: a probe runs once per row."""
    own, probes = _probes(qs.model, tuple(values)) if dialect() == "postgres" else (values, ())
    if not probes:
        return list(await qs.values(*values))
    qs = qs.annotate(**{alias: RawSQL(probe) for alias, _name, probe, _convert in probes})
    rows = await qs.values(*own, *(alias for alias, _name, _probe, _convert in probes))
    for row in rows:
        for alias, name, _probe, convert in probes:
            value = row.pop(alias)
            row[name] = None if value is None else convert(value)
    return list(rows)
