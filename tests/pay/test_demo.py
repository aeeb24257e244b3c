"""The demo's pay data beyond standards and salary records: each standard's performance steps, and the yearly
assessments HR would have recorded, so the assessments pages and the proposals by grade have something to show."""

from datetime import date

from tortoise.functions import Count

from talent.demo import load_demo
from talent.pay.models import Assessment, Grade, PerformanceStep, SalaryStandard
from talent.people.models import Worker
from tests.conftest import login, text_of

TODAY = date(2026, 11, 27)


async def test_every_worker_in_post_at_the_end_of_each_of_the_last_three_years_has_that_years_assessment(db):
    await load_demo(scale="small", seed=2026, today=TODAY)
    for year in (2023, 2024, 2025):
        december = date(year, 12, 1)
        in_post = set(
            await Worker.filter(spells__start_on__lte=december)
            .filter(spells__end_on__gte=december)
            .values_list("id", flat=True)
        ) | set(
            await Worker.filter(spells__start_on__lte=december, spells__end_on__isnull=True).values_list(
                "id", flat=True
            )
        )
        assessed = set(await Assessment.filter(year=year).values_list("worker_id", flat=True))
        assert assessed == in_post and len(in_post) > 50, year
    # Nobody is assessed for the year still running, nor before the three.
    assert set(await Assessment.all().values_list("year", flat=True)) == {2023, 2024, 2025}
    # About 15 % excellent and most competent over the three years (219 grades on this seed).
    grades = dict(await Assessment.annotate(n=Count("id")).group_by("grade").values_list("grade", "n"))
    total = sum(grades.values())
    assert 0.08 <= grades[Grade.EXCELLENT] / total <= 0.25
    assert grades[Grade.COMPETENT] / total >= 0.6
    assert grades.get(Grade.INCOMPETENT, 0) < grades[Grade.EXCELLENT]


async def test_each_demo_standard_pays_a_larger_step_for_excellent_than_for_competent(db):
    await load_demo(scale="small", seed=2026, today=TODAY)
    steps: dict[int, dict[str, object]] = {}
    for standard_id, grade, amount in await PerformanceStep.all().values_list("standard_id", "grade", "amount"):
        steps.setdefault(standard_id, {})[grade] = amount
    assert set(steps) == set(await SalaryStandard.all().values_list("id", flat=True))
    # 8 % and 4 % of the floor to the ten yuan: the province's first floor of 2,600 gives 210 and 100 yuan.
    assert all(s[Grade.EXCELLENT] > s[Grade.COMPETENT] > 0 for s in steps.values())
    first = await SalaryStandard.filter(floor=2600).order_by("id").first()
    assert (steps[first.id][Grade.EXCELLENT], steps[first.id][Grade.COMPETENT]) == (210, 100)


async def test_hr_sees_last_years_demo_assessments_of_their_organisations_workers(client):
    await load_demo(scale="small", seed=2026, today=TODAY)
    await login(client, "hr", "talent-demo-2026")
    page = text_of((await client.get("/pay/assessments?year=2025&grade=excellent")).text)
    assert "No assessments recorded for this year." not in page
    employer = {"worker__spells__station__organisation__name": "南京市玄武区善行社会工作发展中心"}
    ours = Assessment.filter(year=2025, **employer)
    theirs = Assessment.filter(year=2025).exclude(**employer)
    excellent = await ours.filter(grade=Grade.EXCELLENT).select_related("worker").first()
    assert excellent.worker.worker_no in page
    # Another employer's worker is not on HR's page.
    other = await theirs.filter(grade=Grade.EXCELLENT).select_related("worker").first()
    assert other.worker.worker_no not in page


async def test_the_assessments_page_names_its_columns_in_chinese_as_hr_writes_them(client):
    # "Grade" alone is the supervisors' 督导级别; an assessment's is its 考核等次, and a worker's name is 姓名.
    await load_demo(scale="small", seed=2026, today=TODAY)
    await login(client, "hr", "talent-demo-2026")
    page = text_of((await client.get("/pay/assessments?year=2025", headers={"Accept-Language": "zh-CN"})).text)
    assert "考核等次" in page and "姓名" in page
    assert "督导级别" not in page and "名称" not in page
