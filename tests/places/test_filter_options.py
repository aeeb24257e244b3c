"""The stations list's tier filter offers the tiers used by stations in the viewer's scope, and no other."""

from datetime import date

from talent.accounts.selectors import scope_for
from talent.places.models import Station, StationTier
from talent.places.selectors import station_tier_options
from tests.factories import world


async def test_the_tier_filter_offers_the_tiers_used_in_scope_only(db):
    w = await world()
    # S3 (organisation B, county B) moves to a tier of its own; a third tier is used by no station.
    own = await StationTier.create(name="1.0", min_fulltime=3, min_certified=2)
    await StationTier.create(name="unused", min_fulltime=1, min_certified=0)
    await Station.filter(id=w["stations"][2].id).update(tier_id=own.id)

    async def offered(username: str) -> list[str]:
        user = w["users"][username]
        await user.fetch_related("region")
        scope = await scope_for(user, today=date(2026, 1, 1))
        return [t["name"] for t in await station_tier_options(scope=scope)]

    assert await offered("admin") == ["1.0", "2.0"]  # by name, not as created; the unused tier is not offered
    assert await offered("citybureau") == ["1.0", "2.0"]
    assert await offered("bureau") == ["2.0"]  # county A's stations S1, S2
    assert await offered("hr") == ["2.0"]  # organisation A's
