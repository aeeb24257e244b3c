from datetime import date, timedelta

from talent.certification.models import Certificate
from talent.core.clock import local_today
from talent.people.models import EmploymentSpell, Worker
from talent.places.models import CertLevel, Station
from talent.staffing import selectors
from tests.conftest import login, text_of
from tests.factories import world


async def _staff(station, n: int, *, full_time=True, start=date(2023, 1, 1), end=None, cert=None, cert_on=None):
    worker = await Worker.create(worker_no=f"X{n}", name=f"员工{n}")
    await EmploymentSpell.create(worker=worker, station=station, start_on=start, end_on=end, full_time=full_time)
    if cert:
        await Certificate.create(worker=worker, level=cert, number=f"C{n}", obtained_on=cert_on or date(2021, 6, 1))
    return worker


async def _example():
    """Station S1 under a tier asking for 3 full-time, 2 certified, minimum level intermediate.

    W1 (from world)  full-time, active since 2022, no certificate   → headcount
    X5               full-time, active, assistant since 2021         → headcount, certified
    X6               full-time, active, intermediate since 2021      → headcount, certified, at level
    X7               part-time, active, senior                       → not counted (part-time)
    X8               full-time, left last year, intermediate         → not counted (not active)
    X9               full-time, active, certificate obtained tomorrow → headcount only
    X10              full-time, starts tomorrow                      → not counted (not yet active)

    headcount = W1, X5, X6, X9 = 4 ≥ 3           → met
    certified = X5, X6         = 2 ≥ 2           → met
    at level  = X6             = 1 < max(2, 1)=2 → not met
    """
    w = await world()
    tier = w["tier"]
    tier.min_fulltime, tier.min_certified, tier.min_level = 3, 2, CertLevel.INTERMEDIATE
    await tier.save()
    s1 = w["stations"][0]
    today = local_today()
    await _staff(s1, 5, cert=CertLevel.ASSISTANT)
    await _staff(s1, 6, cert=CertLevel.INTERMEDIATE)
    await _staff(s1, 7, full_time=False, cert=CertLevel.SENIOR)
    await _staff(s1, 8, end=today - timedelta(days=365), cert=CertLevel.INTERMEDIATE)
    await _staff(s1, 9, cert=CertLevel.ASSISTANT, cert_on=today + timedelta(days=1))
    await _staff(s1, 10, start=today + timedelta(days=1))
    return w, s1, today


async def test_tier_compliance_worked_example(db):
    w, s1, today = await _example()
    station = await Station.get(id=s1.id).select_related("tier")
    checks = {
        c["key"]: (c["actual"], c["required"], c["met"])
        for c in await selectors.station_compliance(station=station, today=today)
    }
    assert checks == {"fulltime": (4, 3, True), "certified": (2, 2, True), "level": (1, 2, False)}


async def test_a_certificate_counts_from_the_day_it_is_obtained_and_a_worker_with_two_spells_once(db):
    # The worked example with X11, full-time, intermediate obtained today, on two spells at S1 (a part-time one
    # too): headcount 4 + 1 = 5, certified X5, X6, X11 = 3, at level X6, X11 = 2 ≥ 2 (met). The day before, X11's
    # certificate is not yet held: certified 2, at level 1.
    w, s1, today = await _example()
    x11 = await _staff(s1, 11, cert=CertLevel.INTERMEDIATE, cert_on=today)
    await EmploymentSpell.create(worker=x11, station=s1, start_on=date(2023, 1, 1), full_time=False)
    station = await Station.get(id=s1.id).select_related("tier")

    async def checks(day):
        found = await selectors.station_compliance(station=station, today=day)
        return {c["key"]: (c["actual"], c["met"]) for c in found}

    assert await checks(today) == {"fulltime": (5, True), "certified": (3, True), "level": (2, True)}
    assert await checks(today - timedelta(days=1)) == {
        "fulltime": (5, True),
        "certified": (2, True),
        "level": (1, False),
    }


async def test_the_station_page_shows_staff_compliance_badges_and_history(client):
    w, s1, today = await _example()
    await login(client, "hr")
    page = await client.get(f"/stations/{s1.id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Full-time workers: 4 / 3 Met" in text
    assert "Certified workers: 2 / 2 Met" in text
    assert "Not met" in text and "1 / 2" in text
    assert "≥ the tier's minimum full-time workers (3)" in text
    # Current staff: W1, X5, X6, X9 full-time and X7 part-time; X8 is in the history, X10 nowhere yet.
    current, history = text.split("Former staff")
    for name in ("工作者1", "员工5", "员工6", "员工7", "员工9"):
        assert name in current
    assert "员工8" in history and "员工8" not in current and "员工10" not in text
    assert "Part-time" in current
    listing = await client.get("/stations?q=S1", headers={"HX-Request": "true"})
    # the list's head count is the same active full-time figure
    assert '<td class="text-end">4</td>' in listing.text


async def test_a_station_without_a_tier_says_there_is_nothing_to_check(client):
    w = await world()
    s2 = w["stations"][1]
    s2.tier = None
    await s2.save()
    await login(client, "admin")
    page = await client.get(f"/stations/{s2.id}")
    assert "This station has no tier" in page.text
