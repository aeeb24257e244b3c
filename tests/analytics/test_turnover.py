"""Headcount, separations (transfer-aware) and turnover on the fixed data set of tests/analytics/data.py."""

from datetime import date

import pytest

from talent.analytics.area import child_regions
from talent.analytics.measures import TOTAL, Grouping, exit_reasons, headcount, headcounts, separations_qs, turnover
from talent.people.models import EmploymentSpell
from tests.analytics.data import area_of, build


async def test_headcount_counts_full_time_workers_active_on_the_day_once_each(db):
    w = await build()
    city = await area_of(w, "citybureau")
    # 2024-01-01: W1, W2, W3, W4 (W5 starts 1 Feb; W6 is part-time) → 4.
    assert await headcount(city, date(2024, 1, 1)) == 4
    # 2024-06-30, W3's last working day: W1, W2 (at S3 since 10 Apr), W3, W5 → 4 (W4 ended 31 May).
    assert await headcount(city, date(2024, 6, 30)) == 4
    # 2024-07-01: W3 has gone → W1, W2, W5 → 3.
    assert await headcount(city, date(2024, 7, 1)) == 3
    # W2 is active nowhere from 1 to 9 April: 2024-04-05 → W1, W3, W4, W5 → 4 (W2 is not counted).
    assert await headcount(city, date(2024, 4, 5)) == 4
    # 2024-04-10, W2's first day at S3: W1, W2, W3, W4, W5 → 5.
    assert await headcount(city, date(2024, 4, 10)) == 5


async def test_headcount_by_child_region_sums_to_the_city_in_one_statement(db):
    w = await build()
    city = await area_of(w, "citybureau")
    children = await child_regions(city)
    counts = await headcounts(city, [date(2024, 8, 1)], Grouping.child_regions(children))
    # 2024-08-01: county A: W1, W4 (S1 from 15 Jul), W5 → 3; county B: W2 (S3) → 1 (W3 returns 1 Sep).
    assert counts["320102"][date(2024, 8, 1)] == 3
    assert counts["320104"][date(2024, 8, 1)] == 1
    assert sum(c[date(2024, 8, 1)] for c in counts.values()) == await headcount(city, date(2024, 8, 1))


async def test_a_transfer_inside_the_region_within_31_days_is_no_separation(db):
    w = await build()
    year = (date(2024, 1, 1), date(2024, 12, 31))
    city = await area_of(w, "citybureau")
    county_a = await area_of(w, "bureau")
    county_b = await area_of(w, "citybureau", "320104")
    # City: W2's transfer S2 → S3 (10 days, inside) is none; W3 (voluntary), W4 (transfer, restarts after 45
    # days), W5 (involuntary) are → 3.
    assert await separations_qs(city, *year).count() == 3
    # County A: W2 went to S3, outside A → counted; W5 → 2.
    assert await separations_qs(county_a, *year).count() == 2
    # County B: W3; W4 went to S1, outside B → 2. The counties sum to 4: one more than the city, the transfer
    # between them.
    assert await separations_qs(county_b, *year).count() == 2


@pytest.mark.parametrize(("restart", "separated"), [(date(2024, 7, 1), False), (date(2024, 7, 2), True)])
async def test_the_31st_day_after_the_last_working_day_is_the_last_day_a_transfer_may_restart(db, restart, separated):
    w = await build()
    # W4 last worked on 31 May; a restart on 1 July is 31 days later (still a transfer), on 2 July 32 days.
    await EmploymentSpell.filter(worker=w["workers"][3], end_on=None).update(start_on=restart)
    city = await area_of(w, "citybureau")
    ids = await separations_qs(city, date(2024, 5, 31), date(2024, 5, 31)).values_list("worker_id", flat=True)
    assert (w["workers"][3].id in ids) is separated


async def test_turnover_over_a_period_touching_part_of_two_months(db):
    w = await build()
    city = await area_of(w, "citybureau")
    result = (await turnover(city, date(2024, 6, 15), date(2024, 7, 10)))[TOTAL]
    # Separations ending 15 Jun … 10 Jul: W3 on 30 Jun (voluntary) → 1.
    # Average headcount over the months touched: June (1 Jun: W1 W2 W3 W5 = 4; 30 Jun: 4) → 4;
    # July (1 Jul: W1 W2 W5 = 3; 31 Jul: + W4 back at S1 = 4) → 3.5; mean 3.75.
    # Rate 1 ÷ 3.75 = 0.2667, all voluntary.
    assert (result.separations, result.voluntary, result.involuntary) == (1, 1, 0)
    assert result.average_headcount == 3.75
    assert result.rate == pytest.approx(1 / 3.75)
    assert result.voluntary_rate == pytest.approx(1 / 3.75)
    assert result.involuntary_rate == 0


async def test_a_spell_ending_on_the_last_day_of_a_month_counts_in_that_month(db):
    w = await build()
    city = await area_of(w, "citybureau")
    june = (await turnover(city, date(2024, 6, 1), date(2024, 6, 30)))[TOTAL]
    july = (await turnover(city, date(2024, 7, 1), date(2024, 7, 31)))[TOTAL]
    # W3's last day is 30 June: a June separation (still in June's closing headcount), none in July.
    assert (june.separations, july.separations) == (1, 0)


async def test_exit_reasons_count_separations_only(db):
    w = await build()
    city = await area_of(w, "citybureau")
    rows = await exit_reasons(city, date(2024, 1, 1), date(2024, 12, 31))
    # W2's career transfer inside the city is no separation; W4's (45 days) is; W3 pay; W5 dismissal.
    assert sorted((r["exit_type"], r["exit_reason"], r["n"]) for r in rows) == [
        ("involuntary", "dismissal", 1),
        ("transfer", "career", 1),
        ("voluntary", "pay", 1),
    ]


async def test_each_child_row_of_a_city_equals_the_childs_own_report(db):
    w = await build()
    year = (date(2024, 1, 1), date(2024, 12, 31))
    city = await area_of(w, "citybureau")
    rows = await turnover(city, *year, Grouping.child_regions(await child_regions(city)))
    # County A: W2 (moved to S3 in county B: a separation for A) and W5 → 2; county B: W3 and W4 → 2; the city
    # itself 3 (W2's move stays inside it).
    for code in ("320102", "320104"):
        own = (await turnover(await area_of(w, "citybureau", code), *year))[TOTAL]
        assert (rows[code].separations, rows[code].average_headcount) == (own.separations, own.average_headcount)
    assert (rows["320102"].separations, rows["320104"].separations) == (2, 2)
    # Per station nothing is inside: W2's and W4's transfers both count at their stations.
    stations = await turnover(city, *year, Grouping.stations())
    assert sum(t.separations for t in stations.values()) == 4


async def test_a_worker_with_two_spells_active_on_a_day_counts_once_in_every_headcount(db):
    w = await build()
    s3, w1 = w["stations"][2], w["workers"][0]
    # W1 (at S1 throughout) also holds a second full-time post at S3 from 1 Jun to 31 Jul 2024: two spells
    # active on every day of June and July, in two counties of the city.
    await EmploymentSpell.create(worker=w1, station=s3, start_on=date(2024, 6, 1), end_on=date(2024, 7, 31))
    city = await area_of(w, "citybureau")
    days = [date(2024, 6, 1), date(2024, 6, 30), date(2024, 7, 1), date(2024, 7, 31)]
    # 1 Jun and 30 Jun: W1 W2 W3 W5 = 4 (W1 once); 1 Jul: W1 W2 W5 = 3; 31 Jul: + W4 back at S1 = 4.
    assert (await headcounts(city, days))[TOTAL] == dict(zip(days, [4, 4, 3, 4], strict=True))
    # Per county W1 counts in each (county A at S1, county B at S3): 1 Jun, A: W1 W5 = 2, B: W1 W2 W3 = 3.
    children = await child_regions(city)
    by_county = await headcounts(city, days[:1], Grouping.child_regions(children))
    assert (by_county["320102"][days[0]], by_county["320104"][days[0]]) == (2, 3)
    # The turnover's average headcount reads the same days: June (4 + 4) ÷ 2 = 4, July (3 + 4) ÷ 2 = 3.5 → 3.75,
    # as without the second post (test_turnover_over_a_period_touching_part_of_two_months).
    assert (await turnover(city, date(2024, 6, 15), date(2024, 7, 10)))[TOTAL].average_headcount == 3.75
