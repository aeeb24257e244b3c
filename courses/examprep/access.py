"""Which questions a viewer reaches: the row filters of the question bank, used by every bank page, the export,
the import and every worker's practice and mock exam.

A question belongs to the national bank (region path '') or to a region (DESIGN §1). A worker draws from their
*reach*: the national bank and the regions enclosing a station where they work today (`worker_reach`, one
query, passed down as a list of paths so every bank read is a plain `region_path IN (…)`). In the bank pages an
admin sees everything and a bureau its own region's questions and those below it — not the national bank nor
the regions above, whose questions its workers still draw.
"""

from datetime import date

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from courses.examprep.models import Question
from talent.core.access import Role, Scope
from talent.core.sql import NOTHING, under
from talent.people.models import EmploymentSpell
from talent.places.rules import ancestor_paths


def editable(scope: Scope, prefix: str = "") -> Q:
    """Questions the viewer may edit (on Question, or with prefix 'question__' on a relation to it): all for
    an admin, those of a bureau's region and the regions below it for a bureau, none for anyone else."""
    if scope.role == Role.ADMIN:
        return Q()
    if scope.role == Role.BUREAU and scope.region_path:
        return under(f"{prefix}region_path", scope.region_path)
    return NOTHING


def visible(scope: Scope, prefix: str = "") -> Q:
    """Questions the viewer sees in the bank pages. DESIGN §1 gives a bureau the same reach for reading as for
    editing (its region's and those below), so national and higher regions' questions are not listed to it."""
    return editable(scope, prefix)


def readable_questions(scope: Scope, *, for_edit: bool = False) -> QuerySet[Question]:
    return Question.filter(editable(scope) if for_edit else visible(scope))


def can_edit(scope: Scope, question: Question) -> bool:
    """editable() for one question in hand."""
    if scope.role == Role.ADMIN:
        return True
    return scope.role == Role.BUREAU and bool(scope.region_path) and question.region_path.startswith(scope.region_path)


def home_bank(scope: Scope) -> str:
    """The region path of the bank the viewer authors into: a bureau its region's, an admin the national one."""
    return (scope.region_path or "") if scope.role == Role.BUREAU else ""


def import_reach(scope: Scope) -> Q:
    """Questions an importer's rows are matched with: those it may edit, and those its workers draw from (the
    national bank and the regions enclosing its own), which it may not change."""
    return editable(scope) | Q(region_path__in=["", *ancestor_paths(home_bank(scope))])


async def worker_reach(*, worker_id: int, today: date) -> list[str]:
    """The region paths whose questions the worker draws: '' (the national bank) and every region enclosing a
    station where they have an active spell today; only '' without one. One query."""
    paths = await EmploymentSpell.filter(
        Q(end_on=None) | Q(end_on__gte=today), worker_id=worker_id, start_on__lte=today
    ).values_list("station__region_path", flat=True)
    reach = {""}
    for path in paths:
        reach.update(ancestor_paths(path))
    return sorted(reach)
