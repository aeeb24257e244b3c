"""The certification rules in SQL (talent.certification.expressions) and their Python mirror
(talent.certification.rules) give the same answers, on the database the suite runs on (SQLite, and PostgreSQL
when TALENT_TEST_DATABASE_URL is set).

A grid of certificates (never registered; registered with the last day stored; legacy rows with only
registered_on, among them 29 February and 31 January; three levels with different rules) with CE credits on
and around each period's first and last day, read on every boundary day of each certificate: the expiry, the
day after it, the first day of the renewal window and the day before, the first day of the period's last year
and the day before, the last day of the first-registration window and the day after. Then the days of social
work to a cut-off, from the start and from a certificate's day, on spells that overlap, touch, enclose each
other, start after the cut-off or run past it.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from tortoise.expressions import RawSQL

from talent.certification import selectors, services
from talent.certification.expressions import CertificateSql, social_work_days_sql
from talent.certification.models import CeCredit, CeCreditRule, Certificate, ExamLevel
from talent.certification.rules import (
    add_months,
    ce_caps,
    days_of_years,
    effective_expiry,
    period_ce_hours,
    period_end,
    registration_status,
    social_work_days,
    years_to_cutoff,
)
from talent.people.models import EmploymentSpell, Worker
from talent.places.models import Organisation, Region, RegionLevel, Station
from tests.factories import world

# (level, obtained_on, registered_on, stored last day: "period" = rules.period_end, None = a legacy row)
CERTIFICATES = [
    ("assistant", date(2023, 6, 10), None, None),
    ("intermediate", date(2024, 2, 29), None, None),
    ("senior", date(2023, 1, 31), None, None),
    ("assistant", date(2023, 6, 10), date(2023, 7, 1), "period"),
    ("intermediate", date(2023, 6, 10), date(2023, 7, 1), None),
    ("assistant", date(2024, 2, 1), date(2024, 2, 29), None),
    ("intermediate", date(2024, 2, 1), date(2024, 2, 29), "period"),
    ("senior", date(2022, 12, 1), date(2023, 1, 31), None),
    ("assistant", date(2023, 3, 1), date(2024, 3, 1), None),
    ("senior", date(2020, 5, 1), date(2020, 6, 30), date(2026, 6, 30)),  # renewed: stored, unlike the fallback
]
# CE hours credited relative to each registered period: (days after its first day or before its last, hours).
CREDITS = [("start", -1, "50"), ("start", 0, "30"), ("end", 0, "41.9"), ("end", 1, "60")]


@pytest.fixture
async def levels(db):
    """The senior level gets rules unlike the others (5 years, a 6-month window, 18 months to register, 40 h),
    so a rule read for the wrong level shows."""
    await ExamLevel.filter(level="senior").update(
        registration_valid_years=5, renewal_window_months=6, first_registration_months=18, ce_hours_per_period=40
    )
    return await selectors.level_rules_map()


@pytest.fixture
async def station(db):
    region = await Region.create(code="320102", name="玄武区", level=RegionLevel.COUNTY, path="320102/", depth=0)
    organisation = await Organisation.create(name="玄武社工服务中心", region=region)
    return await Station.create(
        code="S1", name="社工站", region=region, region_path=region.path, organisation=organisation
    )


async def _grid(levels) -> list[dict]:
    """The certificates of the grid, one worker each, with their credits; what the Python mirror reads."""
    cases = []
    for i, (level, obtained_on, registered_on, stored) in enumerate(CERTIFICATES):
        worker = await Worker.create(worker_no=f"M{i}", name=f"工作者{i}")
        rules = levels[level]
        if stored == "period":
            stored = period_end(registered_on, rules.registration_valid_years)
        cert = await Certificate.create(
            worker=worker,
            level=level,
            number=f"MIRROR-{i}",
            obtained_on=obtained_on,
            registered_on=registered_on,
            registration_expires_on=stored,
        )
        credits = []
        if registered_on is not None:
            last = effective_expiry(registered_on, stored, rules)
            for anchor, offset, hours in CREDITS:
                day = (registered_on if anchor == "start" else last) + timedelta(days=offset)
                await CeCredit.create(worker=worker, hours=Decimal(hours), source="course", earned_on=day)
                credits.append((day, Decimal(hours)))
        cases.append({"cert": cert, "rules": rules, "credits": credits})
    return cases


def _boundary_days(case) -> set[date]:
    cert, rules = case["cert"], case["rules"]
    days = set()
    deadline = add_months(cert.obtained_on, rules.first_registration_months)
    days |= {deadline, deadline + timedelta(days=1)}
    expiry = effective_expiry(cert.registered_on, cert.registration_expires_on, rules)
    if expiry is not None:
        window = add_months(expiry, -rules.renewal_window_months)
        last_year = add_months(expiry, -12)
        days |= {expiry, expiry + timedelta(days=1), window, window - timedelta(days=1)}
        days |= {last_year, last_year + timedelta(days=1), last_year - timedelta(days=1)}
    return days


def _python(case, today: date) -> tuple:
    cert, rules = case["cert"], case["rules"]
    expiry = effective_expiry(cert.registered_on, cert.registration_expires_on, rules)
    hours = period_ce_hours(case["credits"], cert.registered_on, expiry)
    status = registration_status(
        obtained_on=cert.obtained_on,
        registered_on=cert.registered_on,
        expires_on=cert.registration_expires_on,
        ce_hours=hours,
        rules=rules,
        today=today,
    )
    return expiry, hours.quantize(Decimal("0.1")), status.value


def _sql_values(expiry, hours, status) -> tuple:
    expiry = date.fromisoformat(expiry[:10]) if isinstance(expiry, str) else expiry
    return expiry, Decimal(str(hours)).quantize(Decimal("0.1")), status


async def test_expiry_ce_hours_and_status_agree_in_sql_and_python_on_every_boundary_day(levels):
    cases = await _grid(levels)
    by_id = {case["cert"].id: case for case in cases}
    pg = Certificate._meta.db.capabilities.dialect == "postgres"
    days = sorted(set().union(*(_boundary_days(case) for case in cases)))
    assert len(days) >= 40
    compared = 0
    for today in days:
        # As the certificate list reads a row (an alias in a subquery) …
        aliased = CertificateSql(rules=levels, pg=pg, row="c")
        rows = await Certificate._meta.db.execute_query_dict(
            f"SELECT c.id AS id, {aliased.expiry()} AS expiry, {aliased.ce_hours()} AS ce,"
            f" {aliased.status(today)} AS status FROM certificates c"
        )
        # … and as the worker page and the reminders annotate a Certificate queryset.
        table = CertificateSql(rules=levels, pg=pg, row='"certificates"')
        annotated = {
            row["id"]: row
            for row in await Certificate.all()
            .annotate(
                expiry=RawSQL(table.expiry()),
                ce=RawSQL(table.ce_hours()),
                status=RawSQL(table.status(today)),
            )
            .values("id", "expiry", "ce", "status")
        }
        assert len(rows) == len(annotated) == len(cases)
        for row in rows:
            expected = _python(by_id[row["id"]], today)
            other = annotated[row["id"]]
            assert _sql_values(row["expiry"], row["ce"], row["status"]) == expected, (today, by_id[row["id"]])
            assert _sql_values(other["expiry"], other["ce"], other["status"]) == expected, (today, by_id[row["id"]])
            compared += 1
    # Every status occurs somewhere on the grid, so no branch of the CASE goes untested.
    statuses = {_python(case, today)[2] for case in cases for today in days}
    assert statuses == {"unregistered", "first_overdue", "registered", "renewal_open", "ce_shortfall", "lapsed"}
    assert compared == len(days) * len(cases)


async def test_each_status_filter_finds_exactly_the_certificates_of_that_status_on_every_boundary_day(levels):
    """CertificateSql.status_is leads the CASE with column conditions of its own (the certificate list's status
    filter): on every boundary day each code selects exactly the rows rules.registration_status gives that code."""
    cases = await _grid(levels)
    pg = Certificate._meta.db.capabilities.dialect == "postgres"
    sql = CertificateSql(rules=levels, pg=pg, row="c")
    codes = ("unregistered", "first_overdue", "registered", "renewal_open", "ce_shortfall", "lapsed")
    for today in sorted(set().union(*(_boundary_days(case) for case in cases))):
        for code in codes:
            found = await Certificate._meta.db.execute_query_dict(
                f"SELECT c.id AS id FROM certificates c WHERE {sql.status_is(today, code)}"
            )
            expected = {case["cert"].id for case in cases if _python(case, today)[2] == code}
            assert {row["id"] for row in found} == expected, (today, code)


# (start_on, end_on) of one worker's spells: overlapping, touching, enclosed, open, after the cut-off.
SPELLS = [
    (date(2016, 3, 1), date(2017, 2, 28)),
    (date(2017, 2, 28), date(2017, 12, 31)),  # touches the first on its last day
    (date(2017, 5, 1), date(2017, 5, 31)),  # inside the second
    (date(2019, 1, 1), date(2021, 6, 30)),
    (date(2021, 1, 1), date(2022, 2, 28)),  # overlaps the fourth
    (date(2023, 9, 1), None),  # unfinished: runs to the cut-off
    (date(2024, 2, 29), date(2024, 3, 31)),  # inside the unfinished one
    (date(2030, 1, 1), None),  # starts after every cut-off
]
CUT_OFFS = [date(2016, 12, 31), date(2017, 2, 28), date(2021, 3, 1), date(2024, 2, 29), date(2026, 5, 31)]
SINCE = [None, date(2015, 1, 1), date(2017, 2, 28), date(2017, 3, 1), date(2020, 6, 15), date(2024, 3, 31)]


async def test_days_of_social_work_agree_in_sql_and_python(station):
    worker = await Worker.create(worker_no="D1", name="考生")
    for start, end in SPELLS:
        await EmploymentSpell.create(worker=worker, station=station, start_on=start, end_on=end)
    pg = EmploymentSpell._meta.db.capabilities.dialect == "postgres"
    for cutoff in CUT_OFFS:
        columns = [
            f"{social_work_days_sql(worker_id=worker.id, cutoff=cutoff, since=since, pg=pg)} AS d{i}"
            for i, since in enumerate(SINCE)
        ]
        [row] = await EmploymentSpell._meta.db.execute_query_dict("SELECT " + ", ".join(columns))
        for i, since in enumerate(SINCE):
            assert int(row[f"d{i}"]) == social_work_days(SPELLS, cutoff, since), (cutoff, since)


@pytest.mark.parametrize("cutoff", [date(2026, 5, 31), date(2026, 12, 31), date(2028, 2, 29), date(2025, 3, 1)])
def test_n_calendar_years_to_the_cut_off_are_reached_on_their_first_day_and_not_one_day_sooner(cutoff):
    for years in range(0, 8):
        days = days_of_years(years, cutoff)
        assert years_to_cutoff(days, cutoff) == years
        if years:
            assert years - 1 < years_to_cutoff(days - 1, cutoff) < years


# CE caps: the national defaults (degree 90, publication and public subjects 0, the rest uncapped), Jiangsu capping
# courses at 60 from 2025-03-01, 玄武区 capping them at 30 from 2025-09-01 and counting publications up to 8 from the
# same day. Certificates registered on the day before and the first day of each, in 玄武区, in 秦淮区 (Jiangsu's cap
# only) and for a worker without a spell registered in 玄武区 (its region decides). Credits of every kind, some of
# them over their caps.
CAPPED_CREDITS = [("course", "100"), ("supervision", "20"), ("degree", "95"), ("publication", "10"), ("public", "6")]
CAP_DAYS = [date(2025, 2, 28), date(2025, 3, 1), date(2025, 8, 31), date(2025, 9, 1)]


async def test_capped_ce_hours_agree_in_sql_and_python_across_regions_and_effective_days(levels):
    w = await world()
    await services.ce_rules_seed()
    province, county_a = w["regions"]["province"], w["regions"]["county_a"]
    for region, kind, day, cap in [
        (province, "course", date(2025, 3, 1), Decimal(60)),
        (county_a, "course", date(2025, 9, 1), Decimal(30)),
        (county_a, "publication", date(2025, 9, 1), Decimal(8)),
    ]:
        await CeCreditRule.create(
            region=region, region_path=region.path, kind=kind, effective_from=day, max_hours=cap, source="示例"
        )
    # (the station of the worker's spell, or None: no spell, registered in 玄武区)
    places = [(w["stations"][0], county_a.path), (w["stations"][2], province.path), (None, county_a.path)]
    cases = []
    for n, ((station, registered_path), registered_on) in enumerate((p, d) for p in places for d in CAP_DAYS):
        worker = await Worker.create(worker_no=f"C{n}", name=f"工作者C{n}", registered_region_path=registered_path)
        if station is not None:
            await EmploymentSpell.create(worker=worker, station=station, start_on=date(2022, 1, 1))
        expiry = period_end(registered_on, levels["assistant"].registration_valid_years)
        cert = await Certificate.create(
            worker=worker,
            level="assistant",
            number=f"CAP-{n}",
            obtained_on=date(2024, 6, 1),
            registered_on=registered_on,
            registration_expires_on=expiry,
        )
        credits = [(registered_on, Decimal(hours), kind) for kind, hours in CAPPED_CREDITS]
        for day, hours, kind in credits:
            await CeCredit.create(worker=worker, hours=hours, source=kind, earned_on=day)
        path = station.region_path if station else registered_path
        cases.append((cert, path, credits))
    sql = await selectors.certificate_sql("c")
    assert any(rule.region_path for rule in sql.caps)
    rows = {
        row["id"]: row["ce"]
        for row in await Certificate._meta.db.execute_query_dict(
            f"SELECT c.id AS id, {sql.ce_hours()} AS ce FROM certificates c WHERE c.number LIKE 'CAP-%'"
        )
    }
    seen = set()
    for cert, path, credits in cases:
        expected = period_ce_hours(
            credits, cert.registered_on, cert.registration_expires_on, ce_caps(sql.caps, path, cert.registered_on)
        )
        assert Decimal(str(rows[cert.id])).quantize(Decimal("0.1")) == expected, (path, cert.registered_on)
        python, _recorded, _caps = await selectors.period_ce(
            worker_id=cert.worker_id, start=cert.registered_on, end=cert.registration_expires_on
        )
        assert python == expected, (path, cert.registered_on)
        seen.add(expected)
    # Hand-derived: national 100 + 20 + 90 + 0 + 0 = 210 (periods from 2025-02-28); Jiangsu's course cap from
    # 2025-03-01: 60 + 20 + 90 = 170; 玄武区 from 2025-09-01: 30 + 20 + 90 + 8 = 148.
    assert seen == {Decimal(210), Decimal(170), Decimal(148)}
