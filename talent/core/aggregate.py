"""Counting rows per key in SQL."""

from tortoise.expressions import RawSQL


def count_rows() -> RawSQL:
    """COUNT(*) as an annotation (Tortoise writes Count("id") as COUNT("id")). PostgreSQL reads the id of each row
    counted from the table itself for COUNT("id"), where COUNT(*) counts the entries of an index that covers the
    filter (an index-only scan): the national organisations file counts each one's stations, 16.6 → 10.9 ms."""
    return RawSQL("COUNT(*)")


async def count_by(queryset, *keys: str) -> dict:
    """How many rows of `queryset` there are per value of `keys` (per tuple of values, for several keys): one
    GROUP BY query. A key no row has is absent."""
    rows = await queryset.annotate(n=count_rows()).group_by(*keys).values(*keys, "n")
    if len(keys) == 1:
        return {r[keys[0]]: r["n"] for r in rows}
    return {tuple(r[key] for key in keys): r["n"] for r in rows}
