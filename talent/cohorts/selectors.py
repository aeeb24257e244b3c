"""Reads of cohorts (list, members, milestone progress from the real records), mentees, and supervision sessions.
Every getter takes the viewer's scope; aggregates are SQL and a page's query count does not grow with its rows."""

from datetime import date
from decimal import Decimal
from functools import cache, lru_cache

from tortoise.expressions import Q, RawSQL
from tortoise.functions import Count, Max, Min, Sum

from talent.certification.models import CeCredit, ExamResult
from talent.cohorts.access import cohorts_q, members_of_row_q, readable_cohorts, readable_members
from talent.cohorts.learning import learning
from talent.cohorts.models import Cohort, CohortKind, CohortMember, Milestone, MilestoneKind, MilestoneMark
from talent.cohorts.rules import is_overdue
from talent.core.access import Scope
from talent.core.aggregate import count_by, count_rows
from talent.core.pagination import ListParams, Page, paginate
from talent.core.sql import Unordered, dialect, icontains, inline_sql, literal_code
from talent.people.models import EmploymentSpell, Worker
from talent.people.rules import active_on as spell_active_on
from talent.places.models import Station
from talent.supervision.access import mentored_by, readable_sessions
from talent.supervision.models import SessionAttendee, SupervisionSession
from talent.supervision.rules import mentoring_on

# ── supervision sessions ─────────────────────────────────────────────────────────────────────────

SESSION_SORTS = {"held_on": "held_on", "station": "station__code", "supervisor": "supervisor__name", "hours": "hours"}
# A row of the list, as values: a session, its supervisor and its station as instances cost Tortoise three instances a
# row (about 0.6 ms a page).
SESSION_ROW = ("id", "held_on", "hours", "format", "ce_hours", "supervisor__name", "station__name", "station__code")


async def session_list(*, scope: Scope, params: ListParams, supervisor_id: int | None = None) -> Page:
    """Sessions the viewer sees, latest first, each a dict of SESSION_ROW and its number of attendees
    (`attendee_count`)."""
    qs = readable_sessions(scope)
    if supervisor_id is not None:
        qs = qs.filter(supervisor_id=supervisor_id)
    if params.q:
        # The stations named by the search as a subquery, not joined: through the join, the OR across two tables
        # was tested on every session of the country walked in date order (the administrator's ?q=a, matching
        # none: its page statement 247 → 89 ms, its count 92 → 51 ms, PostgreSQL, national demo, beside a CI run).
        named = Station.filter(icontains("name", params.q) | Q(code=params.q))
        if not scope.is_admin:
            # A scope's sessions are few: each probes its own station by its key (the subquery correlated with the
            # session). Uncorrelated, the named stations were one hashed set, and PostgreSQL then tested the search
            # on every session of the country before keeping the scope's, never starting from the scope's stations
            # or a supervisor's sessions (?q=a, national demo: a city's count 40 → 1.1 ms, a supervisor's 50 →
            # 0.25 ms; sqlite3 3–10 → 1 ms and 10–29 → under 1 ms). The administrator's search has no scope to start
            # from: its named stations stay one set (correlated, its count took 518 ms against 92).
            named = named.filter(id=RawSQL(f'"{SupervisionSession._meta.db_table}"."station_id"'))
        named = named.values("id")
        qs = qs.filter(icontains("topics", params.q) | Q(station_id__in=Unordered(named)))
    # A search's rows are sorted, not found by walking the dates' index: the administrator's search matching nothing
    # tested all 109,064 sessions in date order (SQLite 174 → 26 ms, PostgreSQL 100 → 76 ms); one matching many
    # (个案) costs more sorted (36 → 47 and 67 → 82 ms), a bound on the worst case (national demo).
    sort_rows = not scope.is_admin or bool(params.q)
    # Each session's attendees counted in the page's statement for its rows (paginate's shown), where a statement
    # after the page counted them for its ids.
    counted = {"attendee_count": RawSQL(_attendee_count_sql(dialect()))}
    return await paginate(
        qs, params, SESSION_SORTS, default="-held_on", values=SESSION_ROW, sort_rows=sort_rows, shown=counted
    )


@cache
def _attendee_count_sql(_dialect: str) -> str:
    # Written once per dialect: the same text for every session list.
    attendees = SessionAttendee.filter(session_id=RawSQL('"supervision_sessions"."id"'))
    return f"({inline_sql(attendees.annotate(n=count_rows()).values('n'))})"


async def session_get(*, scope: Scope, session_id: int) -> SupervisionSession:
    return (
        await readable_sessions(scope)
        .select_related("supervisor", "station")
        .prefetch_related("attendees__worker")
        .get(id=session_id)
    )


async def session_summary(*, scope: Scope, supervisor_id: int) -> dict:
    """Sessions of a supervisor the viewer sees: how many, their hours, the last one's day."""
    rows = (
        await readable_sessions(scope)
        .filter(supervisor_id=supervisor_id)
        .annotate(n=Count("id"), total=Sum("hours"), last=Max("held_on"))
        .values("n", "total", "last")
    )
    row = rows[0] if rows else {}
    return {"count": row.get("n") or 0, "hours": Decimal(row.get("total") or 0), "last": row.get("last")}


async def recent_sessions(*, scope: Scope, user_id: int, limit: int = 10) -> list[SupervisionSession]:
    """The latest sessions of the supervisor signed in as `user_id`."""
    return (
        await readable_sessions(scope)
        .filter(supervisor__user_id=user_id)
        .select_related("station")
        .order_by("-held_on", "-id")
        .limit(limit)
    )


async def session_calendar(*, scope: Scope, user_id: int, first: date, last: date) -> list[dict]:
    """The signed-in supervisor's sessions between two days (a month's calendar): day, station, hours, format."""
    return (
        await readable_sessions(scope)
        .filter(supervisor__user_id=user_id, held_on__gte=first, held_on__lte=last)
        .order_by("held_on", "id")
        .values("id", "held_on", "hours", "format", "station__name", "station__code")
    )


async def station_workers(*, station_id: int, day: date) -> list[dict]:
    """Workers active at the station on `day`, for a session's attendee list."""
    spells = EmploymentSpell.filter(spell_active_on(day), station_id=station_id).values("worker_id")
    return await Worker.filter(id__in=Unordered(spells)).order_by("worker_no").values("id", "worker_no", "name")


# ── mentees ──────────────────────────────────────────────────────────────────────────────────────


def _mentored(today: date) -> Q:
    """Members mentored on `today` (talent.supervision.rules.mentoring_on): joined on or before today, in a cohort
    that has started and not ended; a member joining later is no mentee yet, one of an ended cohort no more."""
    return mentoring_on(today)


async def mentee_count(*, scope: Scope, supervisor_id: int, today: date) -> int:
    """Members the supervisor mentors on `today`, among the members the viewer sees."""
    return await readable_members(scope).filter(_mentored(today), mentor_id=supervisor_id).count()


async def mentee_loads(*, supervisor_ids: list[int], today: date) -> dict[int, int]:
    """Per supervisor, the members they mentor on `today`: one grouped query."""
    return await count_by(CohortMember.filter(_mentored(today), mentor_id__in=supervisor_ids), "mentor_id")


async def my_mentees(*, user_id: int, today: date) -> list[CohortMember]:
    """Members the supervisor signed in as `user_id` mentors on `today`."""
    return (
        await mentored_by(user_id, today)
        .select_related("worker", "cohort")
        .order_by("cohort__name", "worker__worker_no")
    )


# ── cohorts ──────────────────────────────────────────────────────────────────────────────────────

COHORT_SORTS = {"name": "name", "kind": "kind", "start_on": "start_on", "region": "region_path"}


# A row of the list, as values: a cohort with its region and organisation as instances cost Tortoise three instances
# a row.
COHORT_ROW = ("id", "name", "kind", "start_on", "end_on", "region__name", "organisation__name")


async def cohort_list(*, scope: Scope, params: ListParams, kind: str = "") -> Page:
    """A page of the cohorts the viewer reads, each a dict of COHORT_ROW with its members in the viewer's reach
    (`member_count`, a column of the page's statement: paginate's shown)."""
    qs = readable_cohorts(scope)
    if kind:  # a CohortKind's code (the router's code_filter)
        qs = qs.filter(kind=literal_code(CohortKind(kind)))
    if params.q:
        qs = qs.filter(icontains("name", params.q) | icontains("region__name", params.q))
    shown = {"member_count": RawSQL(_member_count_sql(scope, dialect()))}
    return await paginate(qs, params, COHORT_SORTS, default="-start_on", values=COHORT_ROW, shown=shown)


@lru_cache(maxsize=1024)
def _member_count_sql(scope: Scope, _dialect: str) -> str:
    # Written once per scope and dialect, where a statement after the page counted the members of its ids.
    return f"({inline_sql(CohortMember.filter(members_of_row_q(scope)).annotate(n=count_rows()).values('n'))})"


async def cohort_get(*, scope: Scope, cohort_id: int) -> Cohort:
    return await readable_cohorts(scope).select_related("region", "organisation").get(id=cohort_id)


async def milestones_of(*, cohort: Cohort) -> list[Milestone]:
    return await Milestone.filter(cohort_id=cohort.id).select_related("subject").order_by("due_on", "id")


MEMBER_SORTS = {"worker_no": "worker__worker_no", "name": "worker__name", "joined_on": "joined_on"}


async def member_page(*, scope: Scope, cohort: Cohort, params: ListParams) -> Page:
    """A page of the cohort's members the viewer sees, with worker and mentor. A cohort's members are few (at most 29
    in the national demo): sorted by their workers' numbers or names (the default), each one's worker is probed and
    the page read beside the total (paginate's related_by_probe)."""
    qs = readable_members(scope).filter(cohort_id=cohort.id).select_related("worker", "mentor")
    if params.q:
        qs = qs.filter(icontains("worker__worker_no", params.q) | icontains("worker__name", params.q))
    return await paginate(qs, params, MEMBER_SORTS, default="worker_no", related_by_probe=True)


async def member_get(*, scope: Scope, cohort: Cohort, member_id: int) -> CohortMember:
    return (
        await readable_members(scope)
        .filter(cohort_id=cohort.id)
        .select_related("worker", "mentor", "cohort")
        .get(id=member_id)
    )


async def milestone_get(*, cohort: Cohort, milestone_id: int) -> Milestone:
    return await Milestone.filter(cohort_id=cohort.id).get(id=milestone_id)


async def member_numbers(*, scope: Scope, cohort: Cohort) -> list[str]:
    """The worker numbers of the cohort's members the viewer sees (for bulk enrolment)."""
    return (
        await readable_members(scope)
        .filter(cohort_id=cohort.id)
        .order_by("worker__worker_no")
        .values_list("worker__worker_no", flat=True)
    )


async def member_count(*, scope: Scope, cohort: Cohort) -> int:
    return await readable_members(scope).filter(cohort_id=cohort.id).count()


# ── milestone progress (from the real records) ───────────────────────────────────────────────────


async def progress(
    *, cohort: Cohort, milestones: list[Milestone], members: list[CohortMember], today: date
) -> dict[tuple[int, int], dict]:
    """Per (milestone id, member id): {"met": bool, "overdue": bool, "on": date | None, "hours": Decimal | None}.
    At most four queries whatever the number of members or milestones: completed enrolments of the course
    milestones, passed results of the subject milestones, CE hours since the cohort's start, and the ticks."""
    if not milestones or not members:
        return {}
    workers = [m.worker_id for m in members]
    by_worker = {m.worker_id: m.id for m in members}
    met: dict[tuple[int, int], dict] = {}
    kinds = {k: [m for m in milestones if m.kind == k] for k in MilestoneKind}
    course_ids = [m.course_id for m in kinds[MilestoneKind.COURSE]]
    side = learning()
    if course_ids and side is not None:
        rows = await (
            side.completions()
            .filter(course_id__in=course_ids, worker_id__in=workers)
            .values("course_id", "worker_id", "completed_at")
        )
        done = {(r["course_id"], r["worker_id"]): r["completed_at"] for r in rows}
        for m in kinds[MilestoneKind.COURSE]:
            for w in workers:
                if (m.course_id, w) in done:
                    at = done[(m.course_id, w)]
                    met[(m.id, by_worker[w])] = {"on": at.date() if at else None}
    subject_ids = [m.subject_id for m in kinds[MilestoneKind.SUBJECT]]
    if subject_ids:
        rows = (
            await ExamResult.filter(passed=True, subject_id__in=subject_ids, worker_id__in=workers)
            .annotate(first=Min("year"))
            .group_by("subject_id", "worker_id")
            .values("subject_id", "worker_id", "first")
        )
        passed = {(r["subject_id"], r["worker_id"]): r["first"] for r in rows}
        for m in kinds[MilestoneKind.SUBJECT]:
            for w in workers:
                if (m.subject_id, w) in passed:
                    met[(m.id, by_worker[w])] = {"year": passed[(m.subject_id, w)]}
    hours: dict[int, Decimal] = {}
    if kinds[MilestoneKind.CE_HOURS]:
        hours = await ce_hours_since(workers=workers, since=cohort.start_on, until=today)
        for m in kinds[MilestoneKind.CE_HOURS]:
            for w in workers:
                if hours.get(w, Decimal(0)) >= m.hours:
                    met[(m.id, by_worker[w])] = {}
    custom = [m.id for m in kinds[MilestoneKind.CUSTOM]]
    if custom:
        rows = await MilestoneMark.filter(milestone_id__in=custom, member_id__in=list(by_worker.values())).values(
            "milestone_id", "member_id", "done_on"
        )
        for r in rows:
            met[(r["milestone_id"], r["member_id"])] = {"on": r["done_on"]}
    out = {}
    for m in milestones:
        for member in members:
            cell = met.get((m.id, member.id))
            out[(m.id, member.id)] = {
                "met": cell is not None,
                "overdue": is_overdue(cell is not None, m.due_on, today),
                "on": (cell or {}).get("on"),
                "year": (cell or {}).get("year"),
                "hours": hours.get(member.worker_id, Decimal(0)) if m.kind == MilestoneKind.CE_HOURS else None,
            }
    return out


async def ce_hours_since(*, workers: list[int], since: date, until: date) -> dict[int, Decimal]:
    """Per worker, the CE hours credited with earned_on in [since, until] (one grouped query)."""
    rows = (
        await CeCredit.filter(worker_id__in=workers, earned_on__gte=since, earned_on__lte=until)
        .annotate(total=Sum("hours"))
        .group_by("worker_id")
        .values("worker_id", "total")
    )
    return {r["worker_id"]: Decimal(str(r["total"] or 0)) for r in rows}


async def milestone_counts(*, scope: Scope, cohort: Cohort, milestones: list[Milestone], today: date) -> dict[int, int]:
    """Per milestone, how many of the members the viewer sees have met it (one query per milestone kind present,
    plus one per CE-hours milestone; none grows with the members)."""
    members = Unordered(readable_members(scope).filter(cohort_id=cohort.id).values("worker_id"))
    member_ids = Unordered(readable_members(scope).filter(cohort_id=cohort.id).values("id"))
    out = {m.id: 0 for m in milestones}
    course = [m for m in milestones if m.kind == MilestoneKind.COURSE]
    side = learning()
    if course and side is not None:
        completed = side.completions().filter(course_id__in=[m.course_id for m in course], worker_id__in=members)
        counts = await count_by(completed, "course_id")
        for m in course:
            out[m.id] = counts.get(m.course_id, 0)
    subject = [m for m in milestones if m.kind == MilestoneKind.SUBJECT]
    if subject:
        rows = (
            await ExamResult.filter(passed=True, subject_id__in=[m.subject_id for m in subject], worker_id__in=members)
            .annotate(n=Count("worker_id", distinct=True))
            .group_by("subject_id")
            .values("subject_id", "n")
        )
        counts = {r["subject_id"]: r["n"] for r in rows}
        for m in subject:
            out[m.id] = counts.get(m.subject_id, 0)
    for m in milestones:
        if m.kind == MilestoneKind.CE_HOURS:
            reached = (
                CeCredit.filter(worker_id__in=members, earned_on__gte=cohort.start_on, earned_on__lte=today)
                .annotate(total=Sum("hours"))
                .group_by("worker_id")
                .filter(total__gte=float(m.hours))  # SQLite binds a Decimal as text, which sorts above any number
                .values("worker_id")
            )
            out[m.id] = (
                await readable_members(scope).filter(cohort_id=cohort.id, worker_id__in=Unordered(reached)).count()
            )
    custom = [m.id for m in milestones if m.kind == MilestoneKind.CUSTOM]
    if custom:
        out.update(
            await count_by(MilestoneMark.filter(milestone_id__in=custom, member_id__in=member_ids), "milestone_id")
        )
    return out


# ── a worker's own cohort ────────────────────────────────────────────────────────────────────────


async def my_memberships(*, worker_id: int) -> list[CohortMember]:
    """The worker's cohort memberships, latest cohort first, with cohort, region and mentor."""
    return (
        await CohortMember.filter(worker_id=worker_id)
        .select_related("cohort", "cohort__region", "mentor")
        .order_by("-cohort__start_on", "-id")
    )


def cohorts_of_scope(scope: Scope):
    return Cohort.filter(cohorts_q(scope))
