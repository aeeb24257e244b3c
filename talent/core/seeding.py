"""Seeding the national rows of effective-dated regional rules (CE credit caps, the yearly CE rule, CE per
supervision session) from a data migration or a service.

A seeder takes the model to write (the migration's historical one or the live one) and adds the national row
(no region) only when none exists, so that an admin's rules are never overridden."""


async def national_rule_seed(rule_model: type, *, effective_from, match: dict | None = None, **values) -> int:
    """Add the national rule taking effect `effective_from` unless a national rule (with `match`'s keys, e.g. its
    kind) exists. Returns how many rows were added (0 or 1)."""
    match = match or {}
    if await rule_model.filter(region_path="", **match).exists():
        return 0
    await rule_model.create(region_id=None, region_path="", effective_from=effective_from, **match, **values)
    return 1
