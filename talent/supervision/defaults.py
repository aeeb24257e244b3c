"""The national default of the CE rule of supervision sessions (rules.SUPERVISION_CE), and one idempotent seeder.

The seeder takes a `get_model(name)` callable so the data migration can run it against the historical model (as
talent.certification.defaults does). It adds the national row only when there is none, so it never overrides an
admin's rules."""

from collections.abc import Callable

from talent.core.seeding import national_rule_seed
from talent.supervision.rules import CE_EFFECTIVE_FROM, SUPERVISION_CE


async def seed_session_ce_rules(get_model: Callable[[str], type]) -> int:
    """Add the national default rule unless a national rule exists; returns how many rows were added."""
    return await national_rule_seed(
        get_model("SessionCeRule"),
        effective_from=CE_EFFECTIVE_FROM,
        counts=SUPERVISION_CE.counts,
        max_share=SUPERVISION_CE.max_share,
        source=SUPERVISION_CE.source,
    )
