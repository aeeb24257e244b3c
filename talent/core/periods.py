"""Periods of days from start_on to end_on, both included, as employment spells and supervisors' assignments hold
them: end_on is the last day, and an open period (no end_on) runs on forever. Each rule is written once as a SQL
expression (a Q on the period's model) with its Python mirror, which the imports use on rows not yet stored and
the tests hold against the SQL.

A period is active on day d iff start_on ≤ d ≤ end_on (or no end_on) — DESIGN §1 — which is the period
overlapping the one-day period [d, d].
"""

from datetime import date

from tortoise.expressions import Q

from talent.core.sql import literal_date


def overlapping(start_on: date, end_on: date | None, prefix: str = "") -> Q:
    """Periods sharing at least one day with [start_on, end_on] (end_on None: open, forever). `prefix` filters
    through a relation to the periods (e.g. "spells__" from Worker)."""
    # The days are the code's (today, a report's period): written into the statement (literal_date).
    q = Q(**{f"{prefix}end_on": None}) | Q(**{f"{prefix}end_on__gte": literal_date(start_on)})
    if end_on is not None:
        q &= Q(**{f"{prefix}start_on__lte": literal_date(end_on)})
    return q


def overlaps(start_on: date, end_on: date | None, other_start: date, other_end: date | None) -> bool:
    """The Python mirror of `overlapping`: do [start_on, end_on] and [other_start, other_end] share a day?"""
    return (other_end is None or other_end >= start_on) and (end_on is None or other_start <= end_on)


def active_on(day: date, prefix: str = "") -> Q:
    """Periods active on day d: start_on ≤ d ≤ end_on (or no end_on), i.e. overlapping [d, d]."""
    return overlapping(day, day, prefix)


def overlapping_sql(alias: str, start_sql: str, end_sql: str | None) -> str:
    """`overlapping` as SQL text over the period row `alias`, for hand-built statements (building a statement
    through the ORM costs several times what a report's statement costs to run). `start_sql` and `end_sql` are
    SQL date expressions (literals the caller formats); `end_sql` None: open."""
    sql = f"({alias}.end_on IS NULL OR {alias}.end_on >= {start_sql})"
    return sql if end_sql is None else f"{sql} AND {alias}.start_on <= {end_sql}"


def active_on_sql(alias: str, day_sql: str) -> str:
    """`active_on` as SQL text over the period row `alias` (`day_sql`: a SQL date expression)."""
    return overlapping_sql(alias, day_sql, day_sql)


def is_active_on(start_on: date, end_on: date | None, day: date) -> bool:
    """The Python mirror of `active_on`."""
    return overlaps(start_on, end_on, day, day)
