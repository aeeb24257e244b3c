"""The exam catalogue's defaults (DESIGN §1 "The national … Examination"), and one idempotent seeder.

The seeder takes a `get_model(name)` callable so the data migration can run it against the historical
models and services.catalogue_seed against the live ones. It only adds what is missing (by natural
key), so it never overwrites an admin's edits.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from talent.certification.rules import CE_CREDIT_DEFAULTS, CE_MEASURES_FROM, YEARLY_DEFAULT, YEARLY_FROM
from talent.core.seeding import national_rule_seed

# An exam level's rules (what an admin edits), in the order of LEVELS' rows after the level.
LEVEL_FIELDS = (
    "carry_over_years",
    "review_required",
    "review_valid_years",
    "first_registration_months",
    "registration_valid_years",
    "renewal_window_months",
    "ce_hours_per_period",
)
LEVELS = [
    ("assistant", 1, False, 0, 12, 3, 3, 72),
    ("intermediate", 2, False, 0, 12, 3, 3, 90),
    ("senior", 1, True, 3, 12, 3, 3, 90),
]

_CHOICE = [("single", 60, "1"), ("multiple", 20, "2")]

# A subject's own fields (what an admin edits), in the order of SUBJECTS' rows after the code and level.
SUBJECT_FIELDS = ("name", "name_en", "minutes", "full_marks", "pass_mark")
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

# Exam sittings (the first day of each; the exam runs over a weekend) as the annual notice of the Ministry of
# Human Resources and Social Security's general office on the year's professional qualification exams
# (人力资源社会保障部办公厅关于YYYY年度专业技术人员职业资格考试工作计划及有关事项的通知) set them; 2020 and 2021
# were moved to the autumn by the pandemic. Years of social work are counted to 31 December of the exam year
# (the notices: 从事社会工作年限的计算截止日期为考试报名年度当年12月31日).
EXAM_DATES = {
    2019: date(2019, 6, 22),  # 6/22–23
    2020: date(2020, 10, 31),  # 10/31–11/1
    2021: date(2021, 10, 16),  # 10/16–17
    2022: date(2022, 6, 18),  # 6/18–19, 人社厅发〔2022〕3号
    2023: date(2023, 6, 10),  # 6/10–11
    2024: date(2024, 6, 15),  # 6/15–16
    2025: date(2025, 5, 24),  # 5/24–25
    2026: date(2026, 5, 23),  # 5/23–24
}
EXAM_NOTICE = "人力资源社会保障部办公厅关于{year}年度专业技术人员职业资格考试工作计划及有关事项的通知"

# The dates the catalogue once held by mistake (migration 0010 corrects a row still holding one).
WRONG_EXAM_DATES = {
    2019: date(2019, 6, 15),
    2020: date(2020, 11, 7),
    2021: date(2021, 6, 19),
    2025: date(2025, 6, 14),
    2026: date(2026, 6, 13),
}

# Where the eligibility routes come from. The assistant and intermediate routes are those of
# 《社会工作者职业水平评价暂行规定》(国人部发〔2006〕71号) as the current national exam notice states them
# (社会工作专业本科应届毕业生, "including those who already hold a social-work bachelor's degree or higher");
# the senior route is that of 《高级社会工作师评价办法》(人社部规〔2018〕2号), restated by the same notice.
NOTICE = "2025年度社会工作者职业资格考试报名通知（国人部发〔2006〕71号）"
SENIOR_NOTICE = "2025年度社会工作者职业资格考试报名通知（人社部规〔2018〕2号）"
NOTICE_YEAR = 2025

# By level: min education, social-work major (None = any), min years of social work, certificate held first
# (the years then count from its date), the route as the notice words it; ELIGIBILITY adds each route's level,
# source document and source year, in this order. An education is "at least" the minimum; a social-work rule
# also admits a higher social-work degree.
_ROUTES = {
    "assistant": [
        ("secondary", None, 4, None, "取得高中或者中专学历，从事社会工作满4年"),
        ("associate", True, 2, None, "取得社会工作专业大专学历，从事社会工作满2年"),
        ("bachelor", True, 0, None, "社会工作专业本科应届毕业生（包括已取得社会工作专业本科及以上学历、学位的人员）"),
        ("associate", None, 4, None, "取得其他专业大专学历，从事社会工作满4年"),
        ("bachelor", None, 2, None, "取得其他专业本科及以上学历，从事社会工作满2年"),
    ],
    "intermediate": [
        ("secondary", None, 6, "assistant", "取得高中或者中专学历，并取得助理社会工作师证书后，从事社会工作满6年"),
        ("associate", True, 4, None, "取得社会工作专业大专及以上学历或学位，从事社会工作满4年"),
        ("bachelor", True, 3, None, "取得社会工作专业大学本科学历，从事社会工作满3年"),
        ("master", True, 1, None, "取得社会工作专业硕士学位，从事社会工作满1年"),
        ("doctorate", True, 0, None, "取得社会工作专业博士学位"),
        ("associate", None, 6, None, "取得其他专业大专及以上学历或学位，从事社会工作年限相应增加2年（大专6年）"),
        ("bachelor", None, 5, None, "其他专业本科，从事社会工作满5年（3年+2年）"),
        ("master", None, 3, None, "其他专业硕士，从事社会工作满3年（1年+2年）"),
        ("doctorate", None, 2, None, "其他专业博士，从事社会工作满2年（0年+2年）"),
    ],
}
# The senior route (of the 2018 measures, restated by the notice).
_SENIOR_ROUTE = (
    "bachelor",
    None,
    5,
    "intermediate",
    "具有本科及以上学历（或学士及以上学位），取得社会工作师资格后从事社会工作满5年",
)
ELIGIBILITY = [(level, *route, NOTICE, NOTICE_YEAR) for level, routes in _ROUTES.items() for route in routes] + [
    ("senior", *_SENIOR_ROUTE, SENIOR_NOTICE, NOTICE_YEAR)
]

# The rows the catalogue seeded before (level, education, major, years, certificate, note): migration 0010
# replaces each that still stands unedited.
WRONG_ELIGIBILITY = [
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


def _has(model, field: str) -> bool:
    return field in model._meta.fields_map


def _rule_fields(level, education, major, years, requires, note, *source) -> dict:
    """An eligibility rule's fields from an ELIGIBILITY row (or a WRONG_ELIGIBILITY one, which has no source)."""
    fields = {
        "level": level,
        "min_education": education,
        "social_work_major": major,
        "min_years": years,
        "requires_level": requires,
        "note": note,
    }
    if source:
        fields["source"], fields["source_year"] = source
    return fields


async def seed_catalogue(get_model: Callable[[str], type]) -> int:
    """Add every default row that is missing; returns how many rows were added."""
    added = 0
    level_model = get_model("ExamLevel")
    for position, row in enumerate(LEVELS):
        values = dict(zip(("level", *LEVEL_FIELDS), row, strict=True))
        if not await level_model.filter(level=values["level"]).exists():
            await level_model.create(**values, position=position)
            added += 1
    subject_model, section_model = get_model("ExamSubject"), get_model("PaperSection")
    for position, (*row, sections) in enumerate(SUBJECTS):
        values = dict(zip(("code", "level", *SUBJECT_FIELDS), row, strict=True))
        if await subject_model.filter(code=values["code"]).exists():
            continue
        for marks in ("full_marks", "pass_mark"):
            values[marks] = Decimal(values[marks])
        subject = await subject_model.create(**values, position=position)
        for i, (kind, count, points) in enumerate(sections):
            await section_model.create(
                subject_id=subject.id, kind=kind, count=count, points=Decimal(points), position=i
            )
        added += 1 + len(sections)
    year_model = get_model("ExamYear")
    for year, exam_on in EXAM_DATES.items():
        if not await year_model.filter(year=year).exists():
            extra = {"note": EXAM_NOTICE.format(year=year)}
            await year_model.create(year=year, exam_on=exam_on, cutoff_on=date(year, 12, 31), **extra)
            added += 1
    rule_model = get_model("EligibilityRule")
    # The historical model of migration 0003 has no source yet: migration 0010 adds the routes then.
    if _has(rule_model, "source") and not await rule_model.all().exists():
        for route in ELIGIBILITY:
            await rule_model.create(**_rule_fields(*route))
            added += 1
    return added


async def correct_catalogue(get_model: Callable[[str], type]) -> None:
    """Migration 0010: replace the wrongly seeded eligibility rows and exam dates that nobody has edited since,
    give the national rows their source, and add the routes that were missing."""
    rule_model = get_model("EligibilityRule")
    for wrong in WRONG_ELIGIBILITY:
        await rule_model.filter(**_rule_fields(*wrong)).delete()
    for route in ELIGIBILITY:
        level, education, major, _years, requires, note, source, source_year = route
        found = rule_model.filter(
            level=level, min_education=education, social_work_major=major, requires_level=requires
        )
        if await found.exists():
            await found.filter(note=note, source="").update(source=source, source_year=source_year)
        else:
            await rule_model.create(**_rule_fields(*route))
    year_model = get_model("ExamYear")
    for year, wrong in WRONG_EXAM_DATES.items():
        await year_model.filter(year=year, exam_on=wrong).update(exam_on=EXAM_DATES[year])
    for year in EXAM_DATES:
        await year_model.filter(year=year, note="").update(note=EXAM_NOTICE.format(year=year))


async def seed_ce_rules(get_model: Callable[[str], type]) -> int:
    """Migration 0013: the national CE credit rules (rules.CE_CREDIT_DEFAULTS, one per kind from the measures' day)
    and the yearly rule, off (rules.YEARLY_DEFAULT), each added only where no national row of it exists, so an
    admin's rules are never overridden. Returns how many rows were added."""
    added = 0
    credit_model = get_model("CeCreditRule")
    for kind, (cap, source) in CE_CREDIT_DEFAULTS.items():
        added += await national_rule_seed(
            credit_model, match={"kind": kind}, effective_from=CE_MEASURES_FROM, max_hours=cap, source=source
        )
    return added + await national_rule_seed(
        get_model("CeYearlyRule"),
        effective_from=YEARLY_FROM,
        applies=YEARLY_DEFAULT.applies,
        yearly_hours=YEARLY_DEFAULT.yearly_hours,
        professional_hours=YEARLY_DEFAULT.professional_hours,
        source=YEARLY_DEFAULT.source,
    )
