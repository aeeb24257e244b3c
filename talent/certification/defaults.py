"""The exam catalogue's defaults (DESIGN §1 "The national … Examination"), and one idempotent seeder.

The seeder takes a `get_model(name)` callable so the data migration can run it against the historical
models and services.catalogue_seed against the live ones. It only adds what is missing (by natural
key), so it never overwrites an admin's edits.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

# level: carry-over years, review required, review valid years, first registration months,
# registration valid years, renewal window months, CE hours per period
LEVELS = [
    ("assistant", 1, False, 0, 12, 3, 3, 72),
    ("intermediate", 2, False, 0, 12, 3, 3, 90),
    ("senior", 1, True, 3, 12, 3, 3, 90),
]

_CHOICE = [("single", 60, "1"), ("multiple", 20, "2")]

# code, level, Chinese name, English name, minutes, full marks, pass mark, sections (kind, count, points)
SUBJECTS = [
    (
        "A-ZH",
        "assistant",
        "社会工作综合能力（初级）",
        "Social work comprehensive ability (assistant)",
        120,
        100,
        60,
        _CHOICE,
    ),
    ("A-SW", "assistant", "社会工作实务（初级）", "Social work practice (assistant)", 120, 100, 60, _CHOICE),
    (
        "I-ZH",
        "intermediate",
        "社会工作综合能力（中级）",
        "Social work comprehensive ability (intermediate)",
        120,
        100,
        60,
        _CHOICE,
    ),
    ("I-FG", "intermediate", "社会工作法规与政策", "Social work laws, regulations and policies", 120, 100, 60, _CHOICE),
    (
        "I-SW",
        "intermediate",
        "社会工作实务（中级）",
        "Social work practice (intermediate)",
        150,
        100,
        60,
        [("case", 4, "20"), ("programme", 1, "20")],
    ),
    (
        "S-SW",
        "senior",
        "社会工作实务（高级）",
        "Social work practice (senior)",
        180,
        100,
        60,
        [("case", 4, "20"), ("essay", 1, "20")],
    ),
]

# Exam sittings: mid-June weekends; years of social work are counted to 31 December of the exam year.
EXAM_DATES = {
    2019: date(2019, 6, 15),
    2020: date(2020, 11, 7),
    2021: date(2021, 6, 19),
    2022: date(2022, 6, 18),
    2023: date(2023, 6, 10),
    2024: date(2024, 6, 15),
    2025: date(2025, 6, 14),
    2026: date(2026, 6, 13),
}

# level, min education, social-work major (None = any), min years of social work, certificate held first, note
ELIGIBILITY = [
    ("assistant", "secondary", None, 4, None, "高中或中专，从事社会工作满4年"),
    ("assistant", "associate", True, 0, None, "社会工作专业大专及以上"),
    ("assistant", "associate", None, 2, None, "其他专业大专及以上，从事社会工作满2年"),
    ("intermediate", "associate", True, 4, None, "社会工作专业大专，从事社会工作满4年"),
    ("intermediate", "bachelor", True, 3, None, "社会工作专业本科，从事社会工作满3年"),
    ("intermediate", "master", True, 1, None, "社会工作专业硕士，从事社会工作满1年"),
    ("intermediate", "doctorate", True, 0, None, "社会工作专业博士"),
    ("intermediate", "associate", None, 6, None, "其他专业大专，从事社会工作满6年"),
    ("intermediate", "bachelor", None, 5, None, "其他专业本科，从事社会工作满5年"),
    ("intermediate", "master", None, 3, None, "其他专业硕士，从事社会工作满3年"),
    ("intermediate", "doctorate", None, 2, None, "其他专业博士，从事社会工作满2年"),
    ("senior", None, None, 5, "intermediate", "取得社会工作师证书后从事社会工作满5年"),
]


async def seed_catalogue(get_model: Callable[[str], type]) -> int:
    """Add every default row that is missing; returns how many rows were added."""
    added = 0
    level_model = get_model("ExamLevel")
    for position, (level, carry, review, review_years, first_months, valid_years, window, ce) in enumerate(LEVELS):
        if not await level_model.filter(level=level).exists():
            await level_model.create(
                level=level,
                carry_over_years=carry,
                review_required=review,
                review_valid_years=review_years,
                first_registration_months=first_months,
                registration_valid_years=valid_years,
                renewal_window_months=window,
                ce_hours_per_period=ce,
                position=position,
            )
            added += 1
    subject_model, section_model = get_model("ExamSubject"), get_model("PaperSection")
    for position, (code, level, name, name_en, minutes, full, pass_mark, sections) in enumerate(SUBJECTS):
        if await subject_model.filter(code=code).exists():
            continue
        subject = await subject_model.create(
            code=code,
            level=level,
            name=name,
            name_en=name_en,
            minutes=minutes,
            full_marks=Decimal(full),
            pass_mark=Decimal(pass_mark),
            position=position,
        )
        for i, (kind, count, points) in enumerate(sections):
            await section_model.create(
                subject_id=subject.id, kind=kind, count=count, points=Decimal(points), position=i
            )
        added += 1 + len(sections)
    year_model = get_model("ExamYear")
    for year, exam_on in EXAM_DATES.items():
        if not await year_model.filter(year=year).exists():
            await year_model.create(year=year, exam_on=exam_on, cutoff_on=date(year, 12, 31))
            added += 1
    rule_model = get_model("EligibilityRule")
    if not await rule_model.all().exists():
        for level, education, major, years, requires, note in ELIGIBILITY:
            await rule_model.create(
                level=level,
                min_education=education,
                social_work_major=major,
                min_years=years,
                requires_level=requires,
                note=note,
            )
            added += 1
    return added
