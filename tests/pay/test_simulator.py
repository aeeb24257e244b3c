"""The simulator on a small fixed workforce, worked by hand."""

from datetime import date
from decimal import Decimal

from talent.pay import simulator
from tests.factories import world
from tests.pay.helpers import ADMIN, bands_all, salary, standard

ON = date(2026, 3, 1)


async def test_cost_to_lift_everyone_split_between_the_city_and_its_counties(db):
    """City standard in force: floor 3200, band (none) min 3200 → target 3200. Draft for the city: floor 3500,
    band (none) min 3600 → target 3600. Pay on 2026-03-01: W1 3000 (county A), W2 3700 (A), W3 3500 (B), W4 none.
    Now: W1 200 → 200 a month. Draft: W1 600, W3 100 → 700 a month (2 workers), 8,400 a year; county A 600,
    county B 100; the city pays 60 %: 420, the counties 280 (A: 360 / 240)."""
    w = await world()
    city = w["regions"]["city"]
    await standard(city, date(2025, 1, 1), 3200)
    draft = await standard(city, date(2026, 7, 1), 3500, bands_all(3600, 4600), publish=False)
    w1, w2, w3, _w4 = w["workers"]
    await salary(w1, date(2022, 1, 1), 3000)
    await salary(w2, date(2022, 1, 1), 3700)
    await salary(w3, date(2022, 1, 1), 3500)
    inputs = simulator.Inputs(on=ON, floor=Decimal(3500), upper_share_pct=Decimal(60))
    result = await simulator.simulate(scope=ADMIN, standard=draft, inputs=inputs)
    t = result.total
    assert (t.headcount, t.no_record, t.affected) == (4, 1, 2)
    assert (t.monthly, t.annual, t.current, t.extra) == (
        Decimal("700.00"),
        Decimal("8400.00"),
        Decimal("200.00"),
        Decimal("500.00"),
    )
    assert (t.upper, t.lower) == (Decimal("420.00"), Decimal("280.00"))
    by = {line.code: line for line in result.lines}
    assert by["320102"].monthly == Decimal("600.00") and (by["320102"].upper, by["320102"].lower) == (
        Decimal("360.00"),
        Decimal("240.00"),
    )
    assert by["320104"].monthly == Decimal("100.00") and by["320104"].affected == 1


async def test_an_uplift_on_the_band_minimums_and_a_higher_floor_are_recomputed(db):
    """Band minimums + 10 %: 3600 × 1.1 = 3960 → W1 960, W2 260, W3 460 = 1,680 a month, 3 workers. A floor of
    4000 above that: W1 1000, W2 300, W3 500 = 1,800."""
    w = await world()
    city = w["regions"]["city"]
    draft = await standard(city, date(2026, 7, 1), 3500, bands_all(3600, 4600), publish=False)
    for worker, pay in zip(w["workers"][:3], (3000, 3700, 3500), strict=True):
        await salary(worker, date(2022, 1, 1), pay)
    up = await simulator.simulate(
        scope=ADMIN, standard=draft, inputs=simulator.Inputs(on=ON, floor=Decimal(3500), uplift_pct=Decimal(10))
    )
    assert (up.total.monthly, up.total.affected, up.total.current) == (Decimal("1680.00"), 3, Decimal("0.00"))
    high = await simulator.simulate(
        scope=ADMIN, standard=draft, inputs=simulator.Inputs(on=ON, floor=Decimal(4000), uplift_pct=Decimal(10))
    )
    assert high.total.monthly == Decimal("1800.00")
