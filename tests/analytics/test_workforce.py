"""Registration status counts, CE compliance, staffing against tiers and exam pass rates on the data set of
tests/analytics/data.py, on 30 June 2024 (W1 W5 at S1, W2 W3 at S3; S2 and S4 empty)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from talent.analytics.area import Area, child_regions
from talent.analytics.rules import ce_on_track
from talent.analytics.workforce import (
    ce_compliance,
    pass_rates,
    registration_counts,
    staffing_summary,
    staffing_table,
)
from talent.certification.models import CeCredit, Certificate, ExamLevel, ExamResult, ExamSubject
from talent.certification.rules import LevelRules
from talent.people.models import EmploymentSpell, Worker
from talent.places.models import Station
from talent.places.rules import ALL_KINDS
from talent.staffing.selectors import station_compliance
from tests.analytics.data import area_of, build

DAY = date(2024, 6, 30)


async def registrations(w: dict) -> None:
    w1, w2, w3, _w4, w5, w6 = w["workers"]
    # W1 assistant, registered 2023-07-01 → 2026-06-30, 30 CE hours.
    await Certificate.create(
        worker=w1, level="assistant", number="A1", obtained_on=date(2023, 6, 1), registered_on=date(2023, 7, 1)
    )
    await CeCredit.create(worker=w1, hours=Decimal(30), source="external", earned_on=date(2024, 1, 10))
    # W2 assistant obtained 2024-03-01, not registered yet.
    await Certificate.create(worker=w2, level="assistant", number="A2", obtained_on=date(2024, 3, 1))
    # W3 intermediate, registered 2021-08-01 → 2024-07-31 (renewal window open on 30 June), 80 CE hours.
    await Certificate.create(
        worker=w3, level="intermediate", number="I3", obtained_on=date(2020, 1, 1), registered_on=date(2021, 8, 1)
    )
    await CeCredit.create(worker=w3, hours=Decimal(80), source="external", earned_on=date(2022, 5, 1))
    # W5 assistant registered 2019-02-01 → 2022-01-31: lapsed.
    await Certificate.create(
        worker=w5, level="assistant", number="A5", obtained_on=date(2019, 1, 1), registered_on=date(2019, 2, 1)
    )
    # W6 works part-time: never counted.
    await Certificate.create(worker=w6, level="senior", number="S6", obtained_on=date(2020, 1, 1))


async def test_registration_status_counts_are_not_exclusive(db):
    w = await build()
    await registrations(w)
    city = await area_of(w, "citybureau")
    # Certificates of W1 W2 W3 W5 (active full-time on 30 June): 4.
    # valid: W1 (to 2026-06-30), W3 (to 2024-07-31) → 2; renewal open (ends by 30 Sep): W3 → 1;
    # expired: W5 → 1; CE short (below 72 / 90 hours in the period): W1 (30), W3 (80) → 2 (W3 also renewal open);
    # unregistered (obtained within 12 months): W2 → 1.
    assert await registration_counts(city, DAY) == {
        "certificates": 4,
        "valid": 2,
        "renewal_open": 1,
        "expired": 1,
        "ce_short": 2,
        "unregistered": 1,
    }


async def test_the_counts_follow_a_catalogue_change_made_after_an_earlier_count(db):
    # The rule text kept per catalogue (workforce._rule_text) follows the catalogue read on each call.
    w = await build()
    await registrations(w)
    city = await area_of(w, "citybureau")
    assert (await registration_counts(city, DAY))["ce_short"] == 2
    # Another process lowers the intermediate level's hours to 70: W3's 80 hours are no longer short.
    level = await ExamLevel.get_or_none(level="intermediate")
    if level is None:
        await ExamLevel.create(level="intermediate", position=2, **vars(LevelRules(ce_hours_per_period=70)))
    else:
        await ExamLevel.filter(id=level.id).update(ce_hours_per_period=70)
    assert (await registration_counts(city, DAY))["ce_short"] == 1


async def test_ce_compliance_compares_hours_with_the_elapsed_share_of_the_period(db):
    w = await build()
    await registrations(w)
    city = await area_of(w, "citybureau")
    rows = await ce_compliance(city, DAY)
    # W1 (S1): period 2023-07-01 … 2026-06-30 = 1096 days, 366 elapsed on 30 June: needs 72 × 366 ÷ 1096 = 24.0 h;
    # has 30 → on track.  W3 (S3): period 2021-08-01 … 2024-07-31 = 1096 days, 1065 elapsed: needs
    # 90 × 1065 ÷ 1096 = 87.5 h; has 80 → not on track.
    assert [(r["station"], r["registered"], r["on_track"]) for r in rows] == [("S1", 1, 1), ("S3", 1, 0)]
    assert ce_on_track(hours=30, required=72, registered_on=date(2023, 7, 1), expiry=date(2026, 6, 30), day=DAY)
    assert not ce_on_track(hours=80, required=90, registered_on=date(2021, 8, 1), expiry=date(2024, 7, 31), day=DAY)


async def test_a_worker_holding_two_posts_counts_at_both_stations_with_the_hours_summed_once(db):
    w = await build()
    await registrations(w)
    w3 = w["workers"][2]
    # W3 (S3, 80 hours, 87.5 needed: not on track, see above) also holds a full-time post at S1 from 1 June 2024:
    # the registration counts at both stations, and at neither is it on track. Summed over both posts, W3's hours
    # would read 160 and be on track twice. S1 also has W1 (on track).
    await EmploymentSpell.create(worker=w3, station=w["stations"][0], start_on=date(2024, 6, 1))
    city = await area_of(w, "citybureau")
    rows = await ce_compliance(city, DAY)
    assert [(r["station"], r["registered"], r["on_track"]) for r in rows] == [("S1", 2, 1), ("S3", 1, 0)]


async def test_staffing_against_tiers_agrees_with_the_station_page_and_sums_by_child_region(db):
    w = await build()
    await registrations(w)
    city = await area_of(w, "citybureau")
    rows = {r["code"]: r for r in (await staffing_table(city, DAY))[0]}
    # Tier 2.0: at least 2 full-time, 1 certified. S1: W1 W5, W1 certified → met. S2: nobody → not.
    # S3: W2 W3, both certified → met. S4: nobody → not.
    assert {code: (r["headcount"], r["certified"], r["met"]) for code, r in rows.items()} == {
        "S1": (2, 2, True),
        "S2": (0, 0, False),
        "S3": (2, 2, True),
        "S4": (0, 0, False),
    }
    # (S1 counts W5's lapsed certificate too: holding a certificate, as the station page counts it.)
    for station in await Station.filter(code__in=["S1", "S2", "S3", "S4"]).select_related("tier"):
        checks = await station_compliance(station=station, today=DAY)
        assert all(c["met"] for c in checks) == rows[station.code]["met"]
    summary = await staffing_summary(city, DAY, await child_regions(city))
    assert summary == {
        "320102": {"stations": 2, "tiered": 2, "met": 1},
        "320104": {"stations": 2, "tiered": 2, "met": 1},
    }


async def test_the_staffing_totals_count_every_station_beyond_the_rows_shown(db):
    w = await build()
    await registrations(w)
    city = await area_of(w, "citybureau")
    # The city's four stations (S1 S3 met, S2 S4 not, all four tiered), shown two at a time by code: the totals
    # still count all four, as the summary does.
    rows, totals = await staffing_table(city, DAY, limit=2)
    assert [r["code"] for r in rows] == ["S1", "S2"]
    assert totals == {"stations": 4, "tiered": 4, "met": 2} == (await staffing_summary(city, DAY))[""]
    assert "all_stations" not in rows[0]


async def test_the_stations_below_their_norms_are_listed_alone_with_the_totals_of_every_station(db):
    w = await build()
    await registrations(w)
    city = await area_of(w, "citybureau")
    # S2 and S4 are below the tier's norms (2 full-time, 1 certified) on 30 June; the first of them alone with a
    # limit of one; the totals count all four stations either way.
    rows, totals = await staffing_table(city, DAY, limit=None, unmet=True)
    assert [r["code"] for r in rows] == ["S2", "S4"] and all(r["met"] is False for r in rows)
    assert totals == {"stations": 4, "tiered": 4, "met": 2}
    rows, totals = await staffing_table(city, DAY, limit=1, unmet=True)
    assert [r["code"] for r in rows] == ["S2"] and totals == {"stations": 4, "tiered": 4, "met": 2}
    # Two certified full-time workers more at S2 and S4: none is below, and the totals are still read.
    for i, station in ((7, w["stations"][1]), (8, w["stations"][3]), (9, w["stations"][1]), (10, w["stations"][3])):
        worker = await Worker.create(worker_no=f"W{i}", name=f"工作者{i}")
        await EmploymentSpell.create(worker=worker, station=station, start_on=date(2024, 1, 1))
        await Certificate.create(worker=worker, level="assistant", number=f"A{i}", obtained_on=date(2023, 6, 1))
    rows, totals = await staffing_table(city, DAY, limit=None, unmet=True)
    assert rows == [] and totals == {"stations": 4, "tiered": 4, "met": 4}


async def test_the_whole_network_of_every_kind_is_counted_alike_without_the_list_of_its_stations(db, monkeypatch):
    # An admin's every station of every kind (Area.counts_everywhere) reads the spells and stations without testing
    # them against the list of stations; the list's form must give the same rows and totals.
    w = await build()
    await registrations(w)
    street = w["regions"]["street_a"]
    room = await Station.create(
        code="V1",
        name="村社工室",
        kind="village_room",
        region=street,
        region_path=street.path,
        organisation=w["orgs"][0],
    )
    await EmploymentSpell.create(worker=w["workers"][5], station=room, start_on=date(2024, 1, 1))
    everywhere = replace(await area_of(w, "admin"), kind=ALL_KINDS)
    assert everywhere.counts_everywhere
    rows, totals = await staffing_table(everywhere, DAY)
    by_kind = await staffing_summary(everywhere, DAY, by_kind=True)
    # S1–S4 as in the city (S1 S3 met); V1 has no tier, and W6 full-time there, holding a senior certificate.
    assert [(r["code"], r["headcount"], r["certified"], r["met"]) for r in rows] == [
        ("S1", 2, 2, True),
        ("S2", 0, 0, False),
        ("S3", 2, 2, True),
        ("S4", 0, 0, False),
        ("V1", 1, 1, None),
    ]
    assert totals == {"stations": 5, "tiered": 4, "met": 2}
    assert by_kind == {
        "township_station": {"stations": 4, "tiered": 4, "met": 2},
        "village_room": {"stations": 1, "tiered": 0, "met": 0},
    }
    # Counting township stations only, the admin's list is still read: the village room is not among them.
    townships = await area_of(w, "admin")
    assert not townships.counts_everywhere
    assert (await staffing_table(townships, DAY))[1] == {"stations": 4, "tiered": 4, "met": 2}
    monkeypatch.setattr(Area, "counts_everywhere", property(lambda self: False))
    assert await staffing_table(everywhere, DAY) == (rows, totals)
    assert await staffing_summary(everywhere, DAY, by_kind=True) == by_kind


async def test_a_minimum_level_needs_that_many_workers_at_the_level_or_above(db):
    w = await build()
    await registrations(w)
    tier = w["tier"]
    tier.min_level = "intermediate"
    await tier.save()
    city = await area_of(w, "citybureau")
    rows = {r["code"]: r for r in (await staffing_table(city, DAY))[0]}
    # S1: W1 assistant, W5 assistant → 0 at intermediate or above: not met. S3: W3 intermediate → 1 ≥ 1: met.
    assert (rows["S1"]["at_level"], rows["S1"]["met"]) == (0, False)
    assert (rows["S3"]["at_level"], rows["S3"]["met"]) == (1, True)


@pytest.mark.parametrize("username", ["citybureau", "bureau"])
async def test_pass_rates_per_subject_year_and_child_region_inside_the_scope(db, username):
    w = await build()
    w1, _w2, w3 = w["workers"][:3]
    a_zh = await ExamSubject.get(code="A-ZH")
    a_sw = await ExamSubject.get(code="A-SW")
    street_a, street_b = w["regions"]["street_a"].path, w["regions"]["street_b"].path
    for worker, subject, score, path in [
        (w1, a_zh, 65, street_a),
        (w1, a_sw, 55, street_a),
        (w3, a_zh, 50, street_b),
    ]:
        await ExamResult.create(
            worker=worker, year=2023, subject=subject, score=score, pass_mark=60, passed=score >= 60, region_path=path
        )
    area = await area_of(w, username)
    rates = {(r.subject, r.group): (r.sat, r.passed) for r in await pass_rates(area, 2023, await child_regions(area))}
    if username == "citybureau":
        # City 2023: A-ZH sat 2 passed 1 (W1 in county A, W3 in county B failed); A-SW sat 1 passed 0.
        assert rates == {("A-SW", "320102"): (1, 0), ("A-ZH", "320102"): (1, 1), ("A-ZH", "320104"): (1, 0)}
        totals = {r.subject: r.rate for r in await pass_rates(area, 2023)}
        assert totals == {"A-ZH": 0.5, "A-SW": 0.0}
    else:
        # County A's bureau never counts W3's result in county B; its child is the street.
        assert rates == {("A-SW", "320102001"): (1, 0), ("A-ZH", "320102001"): (1, 1)}
