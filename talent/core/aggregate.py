"""Counting rows per key in SQL."""

from tortoise.functions import Count


async def count_by(queryset, *keys: str) -> dict:
    """How many rows of `queryset` there are per value of `keys` (per tuple of values, for several keys): one
    GROUP BY query. A key no row has is absent."""
    rows = await queryset.annotate(n=Count("id")).group_by(*keys).values(*keys, "n")
    if len(keys) == 1:
        return {r[keys[0]]: r["n"] for r in rows}
    return {tuple(r[key] for key in keys): r["n"] for r in rows}
