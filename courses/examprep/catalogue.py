"""The exam catalogue as exam prep needs it: subjects and their paper structures.

The certification package owns the catalogue as data (talent.certification: ExamSubject and PaperSection,
editable by admins, seeded by its migration). This adapter reads it; a subject the catalogue does not hold
(e.g. a schema built without the seed) falls back to DESIGN §1's defaults. Section kinds the bank does not
have ('programme', 'essay') are drawn from its case questions.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from talent.core.i18n import N_


@dataclass(frozen=True)
class Section:
    kind: str  # single | multiple | case
    count: int
    points: Decimal  # per question

    @property
    def total(self) -> Decimal:
        return self.points * self.count


@dataclass(frozen=True)
class Subject:
    code: str
    name: str  # the official Chinese name
    level: str  # assistant | intermediate | senior
    minutes: int
    full_marks: Decimal
    pass_mark: Decimal
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def as_structure(self) -> dict:
        """What an attempt stores: the structure it was assembled to."""
        return {
            "minutes": self.minutes,
            "full_marks": str(self.full_marks),
            "pass_mark": str(self.pass_mark),
            "sections": [{"kind": s.kind, "count": s.count, "points": str(s.points)} for s in self.sections],
        }


def _choice_paper() -> tuple[Section, ...]:
    return (Section("single", 60, Decimal(1)), Section("multiple", 20, Decimal(2)))


DEFAULT_SUBJECTS: tuple[Subject, ...] = (
    Subject("A-ZH", "社会工作综合能力（初级）", "assistant", 120, Decimal(100), Decimal(60), _choice_paper()),
    Subject("A-SW", "社会工作实务（初级）", "assistant", 120, Decimal(100), Decimal(60), _choice_paper()),
    Subject("I-ZH", "社会工作综合能力（中级）", "intermediate", 120, Decimal(100), Decimal(60), _choice_paper()),
    Subject("I-FG", "社会工作法规与政策", "intermediate", 120, Decimal(100), Decimal(60), _choice_paper()),
    Subject(
        "I-SW",
        "社会工作实务（中级）",
        "intermediate",
        150,
        Decimal(100),
        Decimal(60),
        (Section("case", 5, Decimal(20)),),
    ),
    Subject(
        "S-SW", "社会工作实务（高级）", "senior", 180, Decimal(100), Decimal(60), (Section("case", 4, Decimal(25)),)
    ),
)

KIND_LABELS = {"single": N_("Single choice"), "multiple": N_("Multiple choice"), "case": N_("Case analysis")}


def _defaults() -> dict[str, Subject]:
    return {s.code: s for s in DEFAULT_SUBJECTS}


def _bank_kind(kind: str) -> str:
    return kind if kind in ("single", "multiple") else "case"


def _from_catalogue(row, sections) -> Subject:
    level = row.level.value if hasattr(row.level, "value") else str(row.level)
    return Subject(
        code=row.code,
        name=row.name,
        level=level,
        minutes=int(row.minutes),
        full_marks=Decimal(str(row.full_marks)),
        pass_mark=Decimal(str(row.pass_mark)),
        sections=tuple(
            Section(_bank_kind(str(getattr(s.kind, "value", s.kind))), int(s.count), Decimal(str(s.points)))
            for s in sections
        ),
    )


async def subjects() -> list[Subject]:
    """Every subject, in catalogue order (two queries)."""
    from talent.certification.models import ExamSubject, PaperSection

    rows = await ExamSubject.all().order_by("position", "code")
    if not rows:
        return list(_defaults().values())
    sections: dict[int, list] = {}
    for section in await PaperSection.filter(subject_id__in=[r.id for r in rows]).order_by("position", "id"):
        sections.setdefault(section.subject_id, []).append(section)
    out = [_from_catalogue(r, sections[r.id]) for r in rows if sections.get(r.id)]
    known = {s.code for s in out}
    return out + [s for s in DEFAULT_SUBJECTS if s.code not in known]


async def subject_by_code(code: str) -> Subject | None:
    from talent.certification import selectors as catalogue

    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    row = await catalogue.subject_by_code(code)
    if row is not None:
        structure = await catalogue.paper_structure(row)
        if structure.sections:
            return _from_catalogue(row, structure.sections)
    return _defaults().get(code)


def subject_codes() -> list[str]:
    return [s.code for s in DEFAULT_SUBJECTS]
