"""Demo data of cohorts and supervision (talent.domains.DEMO)."""

from datetime import date


async def demo_contribute(*, scale: str, seed: int, today: date) -> dict[str, int]:
    return {}
