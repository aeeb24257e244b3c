"""The exam catalogue as exam preparation reads it: the subjects (ExamSubject rows, editable by admins, seeded
from talent.certification.defaults) each with its paper structure, in catalogue order. Exam prep keeps no
catalogue of its own; it assembles its mock papers to these structures.
"""

from decimal import Decimal

from talent.certification.models import ExamSubject, PaperSection
from talent.certification.selectors import PaperStructure, Section

MAX_CODE = 16  # ExamSubject.code's length


def _paper(subject: ExamSubject, sections: list[PaperSection]) -> PaperStructure:
    return PaperStructure(
        code=subject.code,
        level=str(subject.level.value if hasattr(subject.level, "value") else subject.level),
        minutes=int(subject.minutes),
        full_marks=Decimal(str(subject.full_marks)),
        pass_mark=Decimal(str(subject.pass_mark)),
        sections=[
            Section(kind=str(getattr(s.kind, "value", s.kind)), count=int(s.count), points=Decimal(str(s.points)))
            for s in sections
        ],
    )


async def exam_papers() -> list[ExamSubject]:
    """Every subject that has a paper, in catalogue order, each with `.paper` (its PaperStructure). One query: the
    sections with their subject joined, in the subjects' order (a subject without a section has no paper). The
    subjects and then their sections were two, each a round trip of a worker's home and of their exam preparation."""
    order = ("subject__position", "subject__code", "subject_id", "position", "id")
    sections: dict[int, list[PaperSection]] = {}
    subjects: dict[int, ExamSubject] = {}
    for section in await PaperSection.all().select_related("subject").order_by(*order):
        subjects.setdefault(section.subject_id, section.subject)
        sections.setdefault(section.subject_id, []).append(section)
    for subject_id, subject in subjects.items():
        subject.paper = _paper(subject, sections[subject_id])
    return list(subjects.values())


async def exam_subject(code: str) -> ExamSubject | None:
    """The subject with this code (any case, spaces around ignored), without its paper; one query."""
    code = (code or "").strip().upper()
    if not code or len(code) > MAX_CODE:
        return None
    return await ExamSubject.get_or_none(code=code)


async def exam_paper(code: str) -> ExamSubject | None:
    """The subject with this code and `.paper`, or None when there is no such subject or it has no paper.
    Two queries."""
    subject = await exam_subject(code)
    if subject is None:
        return None
    sections = await PaperSection.filter(subject_id=subject.id).order_by("position", "id")
    if not sections:
        return None
    subject.paper = _paper(subject, sections)
    return subject
