"""Reads for the exam catalogue, results, certificates, registrations and the CE ledger.

The catalogue (levels, subjects, paper structures, exam years, pass lines, eligibility) is national
reference data every signed-in user may read. Everything about a worker goes through the viewer's scope.

For exam preparation (courses.examprep):
    subject = await subject_by_code("A-ZH")          # ExamSubject or None
    paper = await paper_structure(subject)           # PaperStructure: minutes, full marks, pass mark, sections
    for section in paper.sections: section.kind, section.count, section.points
A fresh test database built from the models has no catalogue: call
`await talent.certification.services.catalogue_seed()` first (idempotent; migration 0003 seeds real databases).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from tortoise.expressions import Q

from talent.certification.models import ExamLevel, ExamSubject, ExamYear, PaperSection, PassLine
from talent.places.models import CertLevel


@dataclass(frozen=True)
class Section:
    kind: str  # single | multiple | case | programme | essay
    count: int
    points: Decimal

    @property
    def total(self) -> Decimal:
        return self.points * self.count


@dataclass(frozen=True)
class PaperStructure:
    code: str
    level: str
    minutes: int
    full_marks: Decimal
    pass_mark: Decimal
    sections: list[Section] = field(default_factory=list)

    @property
    def question_count(self) -> int:
        return sum(s.count for s in self.sections)


async def subject_by_code(code: str) -> ExamSubject | None:
    """The subject with this code (A-ZH, A-SW, I-ZH, I-FG, I-SW, S-SW …), or None."""
    if not code:
        return None
    return await ExamSubject.get_or_none(code=code.strip().upper())


async def subjects(level: CertLevel | str | None = None) -> list[ExamSubject]:
    qs = ExamSubject.all()
    if level:
        qs = qs.filter(level=level)
    return await qs.order_by("position", "code")


async def subject_get(*, subject_id: int) -> ExamSubject:
    return await ExamSubject.get(id=subject_id)


async def paper_structure(subject: ExamSubject) -> PaperStructure:
    """The subject's paper: minutes, full marks, national pass mark and its sections in order."""
    rows = await PaperSection.filter(subject_id=subject.id).order_by("position", "id")
    return PaperStructure(
        code=subject.code,
        level=subject.level.value if hasattr(subject.level, "value") else str(subject.level),
        minutes=subject.minutes,
        full_marks=Decimal(subject.full_marks),
        pass_mark=Decimal(subject.pass_mark),
        sections=[Section(kind=str(r.kind.value), count=r.count, points=Decimal(r.points)) for r in rows],
    )


async def sections_of(*, subject_id: int) -> list[PaperSection]:
    return await PaperSection.filter(subject_id=subject_id).order_by("position", "id")


async def section_get(*, subject_id: int, section_id: int) -> PaperSection:
    return await PaperSection.filter(subject_id=subject_id).select_related("subject").get(id=section_id)


async def levels() -> list[ExamLevel]:
    return await ExamLevel.all().order_by("position", "id")


async def level_rules(level: CertLevel | str) -> ExamLevel | None:
    return await ExamLevel.get_or_none(level=level)


async def level_get(*, level_id: int) -> ExamLevel:
    return await ExamLevel.get(id=level_id)


async def exam_years() -> list[ExamYear]:
    return await ExamYear.all().order_by("-year")


async def exam_year_get(*, year_id: int) -> ExamYear:
    return await ExamYear.get(id=year_id)


async def pass_lines() -> list[PassLine]:
    return await PassLine.all().select_related("subject", "region").order_by("subject__position", "year", "id")


async def pass_line_get(*, line_id: int) -> PassLine:
    return await PassLine.all().select_related("subject", "region").get(id=line_id)


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in (path or "").split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


async def pass_mark_for(*, subject: ExamSubject, year: int, region_path: str = "") -> Decimal:
    """The pass line for a subject in a year for someone sitting in the region with this path: the line
    of the deepest region containing it (no region = national) wins, then a line for this year over an
    any-year line; without any line, the subject's national pass mark."""
    lines = await PassLine.filter(Q(year=year) | Q(year=None), subject_id=subject.id).select_related("region")
    best = None
    best_key = None
    ancestors = set(_ancestor_paths(region_path))
    for line in lines:
        if line.region_id is not None and line.region.path not in ancestors:
            continue
        key = (line.region.depth if line.region_id is not None else -1, 1 if line.year is not None else 0)
        if best_key is None or key > best_key:
            best, best_key = line, key
    return Decimal(best.pass_mark) if best is not None else Decimal(subject.pass_mark)
