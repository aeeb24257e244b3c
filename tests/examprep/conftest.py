"""Builders for exam-prep tests (the app is the platform's, talent.app.create_app, from tests/conftest.py)."""

from datetime import UTC, datetime

from courses.examprep.models import Kind, Question, QuestionVersion

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def make_question(
    subject: str = "A-ZH",
    topic: str = "个案工作",
    kind: str = "single",
    answer: str = "B",
    options: tuple[str, ...] = ("甲", "乙", "丙", "丁"),
    stem: str = "题干",
    active: bool = True,
    region_path: str = "",
) -> Question:
    q = await Question.create(subject=subject, topic=topic, kind=Kind(kind), is_active=active, region_path=region_path)
    await QuestionVersion.create(
        question=q,
        number=1,
        stem=stem,
        options=list(options) if kind != "case" else [],
        answer=answer if kind != "case" else "",
        model_answer="范文" if kind == "case" else "",
        explanation="解析",
    )
    return q


async def make_bank(subject: str = "A-ZH", singles: int = 60, multiples: int = 20, topics: int = 4) -> list[Question]:
    """A bank of exactly a paper's worth of questions by default; topics T0..T{n-1} in rotation."""
    out = []
    for i in range(singles):
        out.append(await make_question(subject, f"T{i % topics}", "single", "B", stem=f"S{i}"))
    for i in range(multiples):
        out.append(
            await make_question(subject, f"T{i % topics}", "multiple", "ACD", ("一", "二", "三", "四", "五"), f"M{i}")
        )
    return out
