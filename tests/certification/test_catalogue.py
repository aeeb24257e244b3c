"""The exam catalogue: DESIGN's defaults are seeded once, and pass lines resolve most-specific first."""

from decimal import Decimal

from talent.certification import selectors, services
from talent.certification.models import ExamSubject, PassLine
from tests.factories import world


async def test_the_default_catalogue_has_the_six_national_subjects_with_their_papers(db):
    await services.catalogue_seed()
    codes = [s.code for s in await selectors.subjects()]
    assert codes == ["A-ZH", "A-SW", "I-ZH", "I-FG", "I-SW", "S-SW"]
    paper = await selectors.paper_structure(await selectors.subject_by_code("a-zh"))
    # 60 single-choice at 1 point + 20 multiple-choice at 2 points = 100 points in 120 minutes.
    assert [(s.kind, s.count, s.points) for s in paper.sections] == [
        ("single", 60, Decimal("1")),
        ("multiple", 20, Decimal("2")),
    ]
    assert (paper.minutes, paper.full_marks, paper.pass_mark, paper.question_count) == (120, 100, 60, 80)
    assert sum(s.total for s in paper.sections) == paper.full_marks
    practice = await selectors.paper_structure(await selectors.subject_by_code("I-SW"))
    # 4 case analyses + 1 programme design at 20 points each, 150 minutes.
    assert [(s.kind, s.count) for s in practice.sections] == [("case", 4), ("programme", 1)]
    assert practice.minutes == 150
    assert await selectors.subject_by_code("X-XX") is None


async def test_seeding_twice_adds_nothing_and_keeps_an_admins_edit(db):
    await services.catalogue_seed()
    await ExamSubject.filter(code="A-ZH").update(minutes=90)
    assert await services.catalogue_seed() == 0
    assert (await selectors.subject_by_code("A-ZH")).minutes == 90
    levels = {lv.level.value: (lv.carry_over_years, lv.ce_hours_per_period) for lv in await selectors.levels()}
    assert levels == {"assistant": (1, 72), "intermediate": (2, 90), "senior": (1, 90)}


async def test_the_pass_line_of_the_most_specific_region_wins_then_the_year(db):
    w = await world()
    await services.catalogue_seed()
    subject = await selectors.subject_by_code("I-ZH")
    county_a, city = w["regions"]["county_a"], w["regions"]["city"]
    street_a, street_b = w["regions"]["street_a"], w["regions"]["street_b"]
    await PassLine.create(subject=subject, year=None, region=city, pass_mark=Decimal("58"))
    await PassLine.create(subject=subject, year=2024, region=None, pass_mark=Decimal("59"))
    await PassLine.create(subject=subject, year=2024, region=county_a, pass_mark=Decimal("54"))
    # street A lies in county A: the county's 2024 line (54) beats the city's (58) and the national 2024 (59).
    assert await selectors.pass_mark_for(subject=subject, year=2024, region_path=street_a.path) == 54
    # In 2023 county A has no line: the city's any-year line (58) applies.
    assert await selectors.pass_mark_for(subject=subject, year=2023, region_path=street_a.path) == 58
    # street B (county B) in 2024: the city line (58) is more specific than the national 2024 line (59).
    assert await selectors.pass_mark_for(subject=subject, year=2024, region_path=street_b.path) == 58
    # Outside the city: the national 2024 line, and in another year the subject's default (60).
    assert await selectors.pass_mark_for(subject=subject, year=2024, region_path="110000/") == 59
    assert await selectors.pass_mark_for(subject=subject, year=2023, region_path="110000/") == 60


async def test_exam_preparation_reads_the_papers_in_catalogue_order_in_one_statement(db):
    from talent.certification.for_examprep import exam_papers
    from talent.certification.models import PaperSection
    from tests.querycount import count_queries

    await services.catalogue_seed()
    # I-SW first in the catalogue, S-SW without a paper, and A-ZH's sections in the other order.
    await ExamSubject.filter(code="I-SW").update(position=-1)
    await PaperSection.filter(subject__code="S-SW").delete()
    a_zh = await PaperSection.filter(subject__code="A-ZH").order_by("position")
    await PaperSection.filter(id=a_zh[0].id).update(position=a_zh[1].position + 1)
    async with count_queries() as counter:
        papers = await exam_papers()
    assert counter.count == 1
    assert [s.code for s in papers] == ["I-SW", "A-ZH", "A-SW", "I-ZH", "I-FG"]
    assert [(s.kind, s.count) for s in papers[1].paper.sections] == [("multiple", 20), ("single", 60)]
    assert [(s.kind, s.count) for s in papers[0].paper.sections] == [("case", 4), ("programme", 1)]
