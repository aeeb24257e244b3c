"""The demo's pay data (talent.domains.DEMO): salary standards of every province, of the demo city and of the demo
county over the years of the demo's history — one county standard an uplift published months after it took
effect (so back pay shows), and next year's uplift as a draft — and a salary record for every worker at their
hire and at each 1 January and 1 July after it, with a realistic spread: most within their band, some below it
(more among the uncertified), a few below the floor. Each standard pays a performance step for an excellent or
competent yearly assessment, and every worker in post at the end of each of the last three years has that year's
assessment (about 15 % excellent, a few below competent). Deterministic from the seed; written in bulk.

Illustrative figures (not any real bureau's document): a province floor of 2,600 yuan a month rising about
5 % a year, city and county floors above it, in line with the local minimum-wage and average-wage levels of the
Jiangsu examples the demo's places come from."""

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from talent.accounts.models import User
from talent.certification.models import Certificate
from talent.core.bulk import insert_rows
from talent.pay.models import (
    Assessment,
    Grade,
    PayLevel,
    PerformanceStep,
    SalaryAllowance,
    SalaryBand,
    SalaryRecord,
    SalaryStandard,
    StandardStatus,
)
from talent.pay.rules import years_of_service
from talent.people.models import EmploymentSpell
from talent.places.models import Region, RegionLevel

TEN = Decimal(10)
# Band shape per level: (min, max) as multiples of the floor, for years [0, 3), [3, 8), [8, ∞).
YEARS = ((0, 3), (3, 8), (8, None))
SHAPE = {
    PayLevel.NONE: ((1.00, 1.30), (1.08, 1.42), (1.16, 1.55)),
    PayLevel.ASSISTANT: ((1.12, 1.45), (1.20, 1.58), (1.28, 1.70)),
    PayLevel.INTERMEDIATE: ((1.25, 1.62), (1.34, 1.76), (1.43, 1.90)),
    PayLevel.SENIOR: ((1.42, 1.85), (1.52, 2.00), (1.62, 2.20)),
}
ALLOWANCES = (
    (PayLevel.ASSISTANT, "助理社会工作师证书津贴", 200),
    (PayLevel.INTERMEDIATE, "社会工作师证书津贴", 400),
    (PayLevel.SENIOR, "高级社会工作师证书津贴", 600),
    (None, "交通通讯补贴", 100),
)
LEVEL_ALLOWANCE = {"none": 0, "assistant": 200, "intermediate": 400, "senior": 600}
LEVEL_FACTOR = {"none": 1.14, "assistant": 1.30, "intermediate": 1.45, "senior": 1.62}
# The monthly raise of base pay a yearly assessment earns, as a share of the floor (no step below competent).
STEP_SHARE = {Grade.EXCELLENT: 0.08, Grade.COMPETENT: 0.04}
# How a year's assessments fall: the excellent grade is usually capped near 15 % of those assessed.
GRADE_WEIGHTS = (
    (Grade.EXCELLENT, 0.15),
    (Grade.COMPETENT, 0.75),
    (Grade.BASICALLY_COMPETENT, 0.07),
    (Grade.INCOMPETENT, 0.03),
)
GRADE_NOTES = {
    Grade.BASICALLY_COMPETENT: "考核后已约谈，制定改进计划。",
    Grade.INCOMPETENT: "年度考核不合格，已书面告知本人。",
}
ASSESSED_YEARS = 3


def _yuan(value: float) -> Decimal:
    """To the ten yuan, as pay scales are written."""
    return (Decimal(value) / TEN).quantize(Decimal(1)) * TEN


def _lines(standard_id: int, floor: Decimal) -> tuple[list[SalaryBand], list[SalaryAllowance], list[PerformanceStep]]:
    bands = []
    for level, shapes in SHAPE.items():
        for (start, end), (low, high) in zip(YEARS, shapes, strict=True):
            lo, hi = _yuan(float(floor) * low), _yuan(float(floor) * high)
            bands.append(
                SalaryBand(
                    standard_id=standard_id,
                    level=level,
                    years_from=start,
                    years_to=end,
                    min_pay=lo,
                    mid_pay=((lo + hi) / 2).quantize(Decimal("0.01")),
                    max_pay=hi,
                )
            )
    allowances = [
        SalaryAllowance(standard_id=standard_id, name=name, level=level, amount=Decimal(amount))
        for level, name, amount in ALLOWANCES
    ]
    steps = [
        PerformanceStep(standard_id=standard_id, grade=grade, amount=_yuan(float(floor) * share))
        for grade, share in STEP_SHARE.items()
    ]
    return bands, allowances, steps


async def _chain(region: Region, title: str, steps: list[tuple], document: str) -> list[SalaryStandard]:
    """A region's standards, each a version of the one before: steps of (effective, floor, published_at or None
    for a draft, uplift %)."""
    made: list[SalaryStandard] = []
    for number, (effective, floor, published_at, uplift) in enumerate(steps, 1):
        standard = await SalaryStandard.create(
            region=region,
            region_path=region.path,
            title=f"{region.name}{title}（{effective.year}年）",
            document_no=f"{document}〔{effective.year}〕{10 + number}号",
            effective_from=effective,
            status=StandardStatus.PUBLISHED if published_at else StandardStatus.DRAFT,
            floor=floor,
            benchmark=_yuan(float(floor) * 2.6),
            benchmark_label=f"{region.name}{effective.year - 1}年城镇非私营单位在岗职工月平均工资（示例）",
            previous=made[-1] if made else None,
            uplift_pct=Decimal(uplift) if uplift else None,
            notes="演示数据：数额为示例，非真实文件。",
            published_at=published_at,
        )
        bands, allowances, steps = _lines(standard.id, floor)
        await SalaryBand.bulk_create(bands)
        await SalaryAllowance.bulk_create(allowances)
        await PerformanceStep.bulk_create(steps)
        made.append(standard)
    return made


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


def reference_floor(day: date, first_year: int) -> float:
    """The floor a worker's pay is drawn around: 2,600 yuan in the first year of the history, +5 % a year."""
    return 2600 * 1.05 ** max(0, day.year - first_year)


async def demo_contribute(*, scale: str, seed: int, today: date) -> dict[str, int]:
    rng = random.Random(seed * 7 + 13)
    y0 = today.year - 6
    users = {u.username: u.region_id for u in await User.filter(username__in=["bureau", "citybureau"])}
    county = (
        await Region.filter(id=users.get("bureau") or 0).first()
        or await Region.filter(level=RegionLevel.COUNTY).order_by("path").first()
    )
    city = (
        await Region.filter(id=users.get("citybureau") or 0).first()
        or await Region.filter(level=RegionLevel.CITY).order_by("path").first()
    )
    standards = 0
    for province in await Region.filter(level=RegionLevel.PROVINCE).order_by("path"):
        made = await _chain(
            province,
            "乡镇（街道）社工站专职社会工作者薪酬指导标准",
            [
                (date(y0, 1, 1), Decimal(2600), _at(date(y0 - 1, 12, 1)), None),
                (date(y0 + 3, 1, 1), Decimal(3000), _at(date(y0 + 2, 12, 1)), 15),
                (date(today.year - 1, 1, 1), Decimal(3450), _at(date(today.year - 2, 12, 1)), 15),
            ],
            "民发",
        )
        standards += len(made)
    if city is not None:
        standards += len(
            await _chain(
                city,
                "社会工作者薪酬保障标准",
                [
                    (date(y0 + 1, 1, 1), Decimal(2900), _at(date(y0, 12, 10)), None),
                    (date(y0 + 4, 1, 1), Decimal(3300), _at(date(y0 + 3, 12, 10)), 14),
                    (date(today.year - 1, 1, 1), Decimal(3500), _at(date(today.year - 2, 12, 10)), 6),
                ],
                "市民发",
            )
        )
    if county is not None:
        # The uplift of this year was decided in spring but took effect on 1 January (or, early in the year, last
        # July): it is retroactive, and its page shows the back pay owed.
        retro = date(today.year, 1, 1) if today >= date(today.year, 5, 1) else date(today.year - 1, 7, 1)
        decided = min(today - timedelta(days=1), retro + timedelta(days=105))
        standards += len(
            await _chain(
                county,
                "社工站专职社会工作者薪酬标准",
                [
                    (date(today.year - 2, 7, 1), Decimal(3600), _at(date(today.year - 2, 6, 15)), None),
                    (retro, Decimal(3780), _at(decided), 5),
                    (date(today.year + 1, 1, 1), Decimal("3970"), None, 5),
                ],
                "区民发",
            )
        )
    spells: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for worker_id, start_on, end_on in await EmploymentSpell.all().values_list("worker_id", "start_on", "end_on"):
        spells[worker_id].append((start_on, end_on))
    records = await _salaries(rng, spells, today, y0)
    # Their own generator, so that adding them left every salary record as it was.
    assessments = await _assessments(random.Random(seed * 11 + 5), spells, today)
    return {"salary_standards": standards, "salary_records": records, "assessments": assessments}


async def _assessments(rng: random.Random, spells: dict[int, list[tuple[date, date | None]]], today: date) -> int:
    """Each of the last ASSESSED_YEARS full years, a grade for every worker in post on 1 December of it."""
    grades, weights = zip(*GRADE_WEIGHTS, strict=True)
    count = [0]

    def rows():
        for year in range(today.year - ASSESSED_YEARS, today.year):
            december = date(year, 12, 1)
            for worker_id in sorted(spells):
                if not any(s <= december and (e is None or e >= december) for s, e in spells[worker_id]):
                    continue
                (grade,) = rng.choices(grades, weights)
                count[0] += 1
                yield {"worker_id": worker_id, "year": year, "grade": grade, "note": GRADE_NOTES.get(grade, "")}

    await insert_rows(Assessment, rows())
    return count[0]


async def _salaries(rng: random.Random, spells: dict[int, list[tuple[date, date | None]]], today: date, y0: int) -> int:
    certificates: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for worker_id, level, obtained_on in await Certificate.all().values_list("worker_id", "level", "obtained_on"):
        certificates[worker_id].append((obtained_on, str(getattr(level, "value", level))))
    order = ["none", "assistant", "intermediate", "senior"]
    count = [0]

    def rows():
        for worker_id in sorted(spells):
            periods = spells[worker_id]
            first = min(s for s, _e in periods)
            last = max((e or today) for _s, e in periods)
            last = min(last, today)
            certs = sorted(certificates.get(worker_id, ()))
            ever = bool(certs)
            # Who is underpaid is a trait of the worker's employer, drawn once: more often among the uncertified.
            draw = rng.random()
            severe = draw < 0.04
            under = severe or draw < (0.12 if ever else 0.32)
            over = draw > 0.96
            days = [first]
            year = first.year
            while True:
                for month in (1, 7):
                    day = date(year, month, 1)
                    if first < day <= last:
                        days.append(day)
                if date(year, 12, 31) >= last:
                    break
                year += 1
            noise = rng.gauss(1.0, 0.05)
            for day in days:
                level = "none"
                for obtained, held in certs:
                    if obtained <= day and order.index(held) > order.index(level):
                        level = held
                years = years_of_service(first, day)
                pay = reference_floor(day, y0) * LEVEL_FACTOR[level] * (1 + 0.025 * min(years, 12)) * noise
                if severe:
                    pay *= 0.80
                elif under:
                    pay *= 0.92
                elif over:
                    pay *= 1.45
                allowances = LEVEL_ALLOWANCE[level] + 100
                base = max(_yuan(pay) - allowances, Decimal(1000))
                count[0] += 1
                yield {
                    "worker_id": worker_id,
                    "effective_from": day,
                    "monthly_base": base,
                    "monthly_allowances": Decimal(allowances),
                    "note": "",
                }

    await insert_rows(SalaryRecord, rows())
    return count[0]
