"""Certification rate, Kaplan–Meier retention and first-year attrition on the data set of tests/analytics/data.py."""

from datetime import date

import pytest

from talent.analytics.measures import TOTAL, certification, certification_series
from talent.analytics.periods import months_back
from talent.analytics.retention import first_year_attrition, kaplan_meier, retention
from talent.certification.models import Certificate
from talent.cohorts.models import Cohort, CohortMember
from talent.people.models import EmploymentSpell, Worker
from tests.analytics.data import area_of, build
from tests.factories import cohort
from tests.pay.helpers import bands_all, certificate, salary, standard


async def certificates(w: dict) -> None:
    w1, w2, _w3, _w4, _w5, w6 = w["workers"]
    await Certificate.create(worker=w1, level="assistant", number="A1", obtained_on=date(2023, 6, 1))
    await Certificate.create(worker=w1, level="intermediate", number="I1", obtained_on=date(2024, 7, 1))
    await Certificate.create(worker=w2, level="assistant", number="A2", obtained_on=date(2024, 3, 1))
    await Certificate.create(worker=w6, level="senior", number="S6", obtained_on=date(2020, 1, 1))  # part-time


async def test_certification_rate_counts_certificates_obtained_by_the_day_and_the_highest_level(db):
    w = await build()
    await certificates(w)
    city = await area_of(w, "citybureau")
    june = (await certification(city, date(2024, 6, 30)))[TOTAL]
    # 30 June: headcount W1 W2 W3 W5 = 4; certified W1 (assistant), W2 (assistant) = 2; rate 2 ÷ 4 = 0.5.
    # W6 holds a senior certificate but works part-time: not counted.
    assert (june.headcount, june.certified, june.rate) == (4, 2, 0.5)
    assert june.by_level == {"assistant": 2, "intermediate": 0, "senior": 0}
    august = (await certification(city, date(2024, 8, 1)))[TOTAL]
    # 1 August: headcount W1 W2 W4 W5 = 4; W1 is intermediate since 1 July (counted once, at that level).
    assert (august.headcount, august.certified) == (4, 2)
    assert august.by_level == {"assistant": 1, "intermediate": 1, "senior": 0}


async def test_the_monthly_certification_series_ends_on_the_report_day(db):
    w = await build()
    await certificates(w)
    city = await area_of(w, "citybureau")
    series = await certification_series(city, months_back(date(2024, 8, 1), 3))
    # 30 Jun: 2 of 4; 31 Jul: W1 W2 W4 W5, certified W1 W2 → 2 of 4; 1 Aug: 2 of 4. 29 Feb is not asked.
    assert [(c.on, c.headcount, c.certified) for c in series] == [
        (date(2024, 6, 30), 4, 2),
        (date(2024, 7, 31), 4, 2),
        (date(2024, 8, 1), 4, 2),
    ]
    # 29 Feb: W1 W2 W3 W4 W5 = 5, certified W1 only (W2's certificate dates from 1 March) → 1.
    feb = await certification_series(city, [date(2024, 2, 29)])
    assert (feb[0].headcount, feb[0].certified) == (5, 1)


def test_kaplan_meier_drops_censored_workers_from_the_risk_set_after_their_time():
    # Five workers: separations at 100, 300 and 500 days, censored at 200 and 400.
    # S(100) = 1 − 1/5 = 0.8; at 300 three remain: 0.8 × (1 − 1/3) = 0.5333; at 500 one remains: 0.
    total, events, points = kaplan_meier([(100, 1, 1), (200, 1, 0), (300, 1, 1), (400, 1, 0), (500, 1, 1)])
    assert (total, events) == (5, 3)
    assert points == [
        {"days": 0, "survival": 1.0},
        {"days": 100, "survival": 0.8},
        {"days": 300, "survival": pytest.approx(0.533333)},
        {"days": 500, "survival": 0.0},
    ]


async def test_retention_follows_tenure_in_the_region_with_transfers_inside_it_continuing(db):
    w = await build()
    city = await area_of(w, "citybureau")
    (curve,) = await retention(city, date(2024, 12, 31))
    # Spells of tenure in the city, from a full-time start to the next separation, censored on 31 Dec 2024:
    # W1 2022-01-01 →, censored: 1096 days (365 + 365 + 366).  W2: the transfer inside the city continues: 1096.
    # W3 → 2024-06-30: 912 days (730 + 181, + the first day), and back at S4 on 1 Sep: a second spell, censored
    # after 122 days (29 + 31 + 30 + 31, + the first day).  W4 → 2024-05-31 (45-day gap: a separation): 882, and
    # at S1 from 15 Jul: a second spell, censored after 170 days (16 + 31 + 31 + 30 + 31 + 30, + 1).
    # W5 2024-02-01 → 2024-10-15: 258.  Seven spells, three separations; the two returners' spells leave the risk
    # set at 122 and 170, before any separation: KM 258: 1 − 1/5 = 0.8; 882: × (1 − 1/4) = 0.6; 912: × (1 − 1/3)
    # = 0.4.
    assert (curve.group, curve.at_risk, curve.events) == ("all", 7, 3)
    assert curve.points == [
        {"days": 0, "survival": 1.0},
        {"days": 258, "survival": 0.8},
        {"days": 882, "survival": pytest.approx(0.6)},
        {"days": 912, "survival": pytest.approx(0.4)},
    ]
    assert curve.survival_at(365) == 0.8


async def test_a_returner_s_second_spell_is_followed_and_can_end_in_a_separation(db):
    w = await build()
    w3 = w["workers"][2]
    # W3 leaves again on 2024-11-30, 91 days into the second spell (30 + 31 + 30).
    await EmploymentSpell.filter(worker=w3, start_on=date(2024, 9, 1)).update(
        end_on=date(2024, 11, 30), exit_type="voluntary", exit_reason="pay"
    )
    city = await area_of(w, "citybureau")
    (curve,) = await retention(city, date(2024, 12, 31))
    # Spells: 91 (event), 170 (censored), 258, 882, 912 (events), 1096 ×2 (censored): seven, four separations.
    # KM 91: 1 − 1/7 = 6/7; 258: × (1 − 1/5) = 24/35; 882: × (1 − 1/4) = 18/35; 912: × (1 − 1/3) = 12/35.
    assert (curve.at_risk, curve.events) == (7, 4)
    assert [p["days"] for p in curve.points] == [0, 91, 258, 882, 912]
    assert [p["survival"] for p in curve.points[1:]] == [
        pytest.approx(6 / 7),
        pytest.approx(24 / 35),
        pytest.approx(18 / 35),
        pytest.approx(12 / 35),
    ]


async def test_retention_by_cohort_kind(db):
    w = await build()
    region = w["regions"]["city"]
    cohort = await Cohort.create(
        name="2024 孵化",
        kind="internal_incubation",
        region=region,
        region_path=region.path,
        start_on=date(2023, 1, 1),
        end_on=date(2025, 12, 31),
    )
    w1, w2, w3 = w["workers"][:3]
    for worker in (w1, w3):
        await CohortMember.create(cohort=cohort, worker=worker, joined_on=date(2023, 1, 1))
    # W2 joins after the report day: not counted as a member on 31 Dec 2024.
    await CohortMember.create(cohort=cohort, worker=w2, joined_on=date(2025, 1, 1))
    area = await area_of(w, "citybureau")
    curves = {c.group: (c.at_risk, c.events) for c in await retention(area, date(2024, 12, 31), "cohort")}
    # Internal incubation: W1 (censored) and W3's two spells (912 a separation, 122 censored) → 3 spells, 1
    # separation; outside cohorts: W2, W4 ×2, W5 → 4 spells, 2 separations (W4's first, W5).
    assert curves == {"internal_incubation": (3, 1), "none": (4, 2)}


async def test_retention_by_cohort_kind_counts_a_worker_of_both_kinds_under_external_introduction(db):
    w = await build()
    region = w["regions"]["city"]
    start, end = date(2023, 1, 1), date(2025, 12, 31)
    incubation = await cohort(region, "孵化", "internal_incubation", start, end)
    introduction = await cohort(region, "引进", "external_introduction", start, end)
    w1, _w2, w3 = w["workers"][:3]
    await CohortMember.create(cohort=incubation, worker=w1, joined_on=date(2023, 1, 1))
    await CohortMember.create(cohort=incubation, worker=w3, joined_on=date(2023, 1, 1))
    await CohortMember.create(cohort=introduction, worker=w3, joined_on=date(2023, 6, 1))
    area = await area_of(w, "citybureau")
    curves = {c.group: (c.at_risk, c.events) for c in await retention(area, date(2024, 12, 31), "cohort")}
    # W1 is in the incubation cohort alone: 1 spell, censored. W3 is in both: external introduction, its two spells
    # (the first a separation). Outside cohorts: W2, W4 ×2, W5 → 4 spells, 2 separations.
    assert curves == {"internal_incubation": (1, 0), "external_introduction": (2, 1), "none": (4, 2)}


async def test_retention_by_source_and_by_certificate_level(db):
    w = await build()
    await certificates(w)
    for worker in w["workers"][:2]:
        await Worker.filter(id=worker.id).update(source="incubated")
    for worker in w["workers"][2:5]:
        await Worker.filter(id=worker.id).update(source="introduced")
    city = await area_of(w, "citybureau")
    curves = {c.group: c for c in await retention(city, date(2024, 12, 31), "source")}
    # Incubated W1, W2: both censored → survival stays 1. Introduced W3 (912; back for 122), W4 (882; back for
    # 170), W5 (258): five spells, the two censored ones before any separation → 2/3, 1/3, 0.
    assert (curves["incubated"].at_risk, curves["incubated"].events, curves["incubated"].survival_at(2000)) == (2, 0, 1)
    assert curves["introduced"].at_risk == 5
    assert [p["survival"] for p in curves["introduced"].points] == [1.0, pytest.approx(2 / 3), pytest.approx(1 / 3), 0]
    by_level = {c.group: (c.at_risk, c.events) for c in await retention(city, date(2024, 12, 31), "level")}
    # On 31 Dec: W1 intermediate, W2 assistant, W3 W4 W5 none (W3 and W4 with two spells each).
    assert by_level == {"assistant": (1, 0), "intermediate": (1, 0), "none": (5, 3)}


async def test_retention_by_child_region(db):
    w = await build()
    city = await area_of(w, "citybureau")
    curves = {c.group: (c.at_risk, c.events) for c in await retention(city, date(2024, 12, 31), "region")}
    # By the station where each spell began: county A W1 (S1), W2 (S2), W5 (S1, separated), W4's second (S1);
    # county B W3's first (S3) and W4's first (S4), both separated, and W3's second (S4).
    assert curves == {"320102": (4, 1), "320104": (3, 2)}


async def test_first_year_attrition_counts_hires_of_the_period_leaving_within_365_days(db):
    w = await build()
    day = date(2024, 12, 31)
    city = await area_of(w, "citybureau")
    county_a = await area_of(w, "bureau")
    county_b = await area_of(w, "citybureau", "320104")
    # City hires in 2024: W5 only (the others first started in the city in 2022); left after 258 days → 1 of 1.
    city_rate = await first_year_attrition(city, date(2024, 1, 1), day, day)
    assert (city_rate.hires, city_rate.left, city_rate.rate) == (1, 1, 1.0)
    # County A: W5 and W4 (first at S1 on 15 July, still there) → 1 of 2.
    a = await first_year_attrition(county_a, date(2024, 1, 1), day, day)
    assert (a.hires, a.left, a.rate) == (2, 1, 0.5)
    # County B: W2 (S3 from 10 April, still there) → 0 of 1.
    b = await first_year_attrition(county_b, date(2024, 1, 1), day, day)
    assert (b.hires, b.left) == (1, 0)


async def test_retention_by_pay_compliance_judges_each_spell_on_its_last_day_at_its_last_station(db):
    w = await build()
    w1, w2, w3, w4, w5, _w6 = w["workers"]
    # The city's standard: floor 3,000, a "no certificate" band 3,000–4,000; county B's, more specific: floor
    # 3,800, band 3,800–4,800. Nobody here holds a certificate, so every worker is held to the "none" band.
    await standard(w["regions"]["city"], date(2022, 1, 1), 3000, bands_all(3000, 4000))
    await standard(w["regions"]["county_b"], date(2022, 1, 1), 3800, bands_all(3800, 4800))
    await salary(w1, date(2022, 1, 1), 3500)
    await salary(w2, date(2022, 1, 1), 3500)
    await salary(w3, date(2022, 1, 1), 2900)
    await salary(w3, date(2024, 7, 1), 4000)  # the day after W3 left: not what W3 left with
    await salary(w5, date(2024, 2, 1), 4200)
    city = await area_of(w, "citybureau")
    curves = {c.group: (c.at_risk, c.events) for c in await retention(city, date(2024, 12, 31), "pay")}
    # W1 at S1 (county A, the city's standard) on 31 Dec: 3,500 → within band, censored.
    # W2 moved from S2 (county A) to S3 (county B): judged at S3 on 31 Dec, 3,500 < 3,800 → below floor, censored
    # (at S2 it would have been within band).
    # W3's first spell ends 30 Jun 2024 at S3: 2,900 that day → below floor, a separation; the second spell at S4
    # on 31 Dec: 4,000 ≥ 3,800 and ≤ 4,800 → within band, censored.
    # W4 has no salary record: both spells (the first a separation) → no record.
    # W5 leaves S1 on 15 Oct 2024 on 4,200 > 4,000 → above band, a separation.
    assert curves == {"within_band": (2, 0), "below_floor": (2, 1), "no_record": (2, 1), "above_band": (1, 1)}


async def test_retention_by_pay_compliance_takes_the_standard_in_force_on_the_last_day_and_the_level_then(db):
    w = await build()
    w1, w2, w3, _w4, w5, _w6 = w["workers"]
    regions = w["regions"]
    # The city's standards: from 2022 floor 3,000 ("none" band 3,000–4,000); from 15 Oct 2024, W5's last day,
    # floor 4,500 with bands none 4,500–5,000, assistant 4,700–5,200, intermediate 4,900–5,400. County B's own
    # standard (floor 5,000) takes effect on 1 Jan 2025, after the report day: it applies to nobody.
    await standard(regions["city"], date(2022, 1, 1), 3000, bands_all(3000, 4000))
    await standard(regions["city"], date(2024, 10, 15), 4500, bands_all(4500, 5000))
    await standard(regions["county_b"], date(2025, 1, 1), 5000, bands_all(5000, 6000))
    await certificate(w1, "intermediate", date(2024, 7, 1))
    await salary(w1, date(2022, 1, 1), 4700)
    await salary(w2, date(2022, 1, 1), 4800)
    await salary(w3, date(2022, 1, 1), 2900)
    await salary(w3, date(2024, 7, 1), 4000)
    await salary(w5, date(2024, 2, 1), 4200)
    city = await area_of(w, "citybureau")
    curves = {c.group: (c.at_risk, c.events) for c in await retention(city, date(2024, 12, 31), "pay")}
    # W1 on 31 Dec, intermediate since July: 4,700 ≥ the floor 4,500 but < the intermediate band's 4,900 → below
    # band, censored (held to the "none" band it would be within).
    # W2 at S3 (county B) on 31 Dec: 4,800 within the "none" band 4,500–5,000, censored (by county B's 2025
    # standard it would be below its floor).
    # W3's first spell ends 30 Jun: 2,900 < the 2022 floor 3,000 → below floor, a separation; the second on 31 Dec:
    # 4,000 < 4,500 → below floor, censored.
    # W4 has no salary record: two spells, the first a separation → no record.
    # W5 leaves on 15 Oct, the day the 2024 standard takes effect: 4,200 < 4,500 → below floor, a separation (by
    # the 2022 standard the day before it would be above band).
    assert curves == {"below_band": (1, 0), "within_band": (1, 0), "below_floor": (3, 2), "no_record": (2, 1)}


async def test_retention_by_pay_compliance_counts_spells_no_standard_covers_as_uncovered(db):
    w = await build()
    city = await area_of(w, "citybureau")
    curves = {c.group: (c.at_risk, c.events) for c in await retention(city, date(2024, 12, 31), "pay")}
    # No published standard anywhere: all seven spells of tenure, three of them ended by a separation.
    assert curves == {"uncovered": (7, 3)}


async def test_a_worker_with_two_spells_active_on_a_day_counts_once_in_the_certification_series(db):
    w = await build()
    await certificates(w)
    s3, w1 = w["stations"][2], w["workers"][0]
    # W1 (certified, at S1 throughout) holds a second full-time post at S3 through June and July 2024.
    await EmploymentSpell.create(worker=w1, station=s3, start_on=date(2024, 6, 1), end_on=date(2024, 7, 31))
    city = await area_of(w, "citybureau")
    series = await certification_series(city, [date(2024, 6, 30), date(2024, 7, 31)])
    # As without the second post: 30 Jun 2 of 4, 31 Jul 2 of 4 (W1 once each day).
    assert [(c.headcount, c.certified) for c in series] == [(4, 2), (4, 2)]
