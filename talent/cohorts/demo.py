"""Demo data of cohorts and supervision (talent.domains.DEMO): runs after the core demo, reads what it wrote, and
writes in bulk, deterministic from the seed.

- Supervisor profiles completed from what the core demo wrote: affiliation type (from the institution's name),
  home county (of their first station), expertise tags (from the bio's "擅长…"), a certificate level.
- "One station, one supervisor": an assignment overlapping an earlier primary one of its station becomes assisting.
- Per county (the first twelve; every county at the national scale, 1,366): an internal incubation cohort of the
  last two years' incubated hires and an external introduction cohort of the introduced ones (at most forty each),
  with a mentor each (a supervisor of their station, else one of their county), milestones of every kind, a few
  custom ones ticked off. The demo worker belongs to their county's internal cohort.
- Supervision sessions over the last half year at the stations of the supervisors' current assignments (the demo
  county's; the whole country's at the national scale, so that the sessions' pages are measured at scale); the
  demo supervisor's latest sessions credit CE hours to their attendees through the sessions' service (and so
  through certification's ledger service).
"""

import random
import re
from datetime import date, timedelta
from decimal import Decimal

from talent import rawsql
from talent.accounts.models import User
from talent.certification.models import ExamSubject
from talent.cohorts import services
from talent.cohorts.learning import learning
from talent.cohorts.models import Cohort, CohortKind, CohortMember, Milestone, MilestoneKind, MilestoneMark
from talent.core.access import Role, Scope
from talent.core.bulk import insert_rows
from talent.core.sql import under
from talent.people.models import EmploymentSpell, Source
from talent.places.models import Region
from talent.supervision.models import (
    Affiliation,
    Assignment,
    SessionAttendee,
    SessionFormat,
    SupervisionSession,
    Supervisor,
    SupervisorExpertise,
)
from talent.supervision.rules import parse_tags

TOPICS = [
    "个案评估与服务计划",
    "小组工作带领技巧",
    "困境儿童个案督导",
    "社区走访与需求调研",
    "职业倦怠与自我照顾",
    "服务记录与档案规范",
    "老年人探访服务",
    "社会救助政策解读",
]

DEMOTE_OVERLAPPING = """
UPDATE supervision_assignments SET is_primary = $1 WHERE id IN (
  SELECT a.id FROM supervision_assignments a JOIN supervision_assignments b
    ON b.station_id = a.station_id AND b.id <> a.id AND b.is_primary = $2
   AND (b.start_on < a.start_on OR (b.start_on = a.start_on AND b.id < a.id))
   AND (b.end_on IS NULL OR b.end_on >= a.start_on) AND (a.end_on IS NULL OR b.start_on <= a.end_on)
  WHERE a.is_primary = $2)
"""

HOME_COUNTY = """
UPDATE supervisors SET region_id = (
  SELECT r.parent_id FROM supervision_assignments a JOIN stations s ON s.id = a.station_id
  JOIN regions r ON r.id = s.region_id WHERE a.supervisor_id = supervisors.id ORDER BY a.start_on, a.id LIMIT 1)
WHERE region_id IS NULL
"""


def _affiliation(name: str) -> Affiliation:
    if "大学" in name or "学院" in name:
        return Affiliation.UNIVERSITY
    if "协会" in name:
        return Affiliation.EXTERNAL
    if "民政" in name:
        return Affiliation.LOCAL
    return Affiliation.ORGANISATION


async def _profiles(rng: random.Random) -> int:
    rows = await Supervisor.all().order_by("id").values("id", "affiliation", "bio")
    for kind in Affiliation:
        ids = [r["id"] for r in rows if _affiliation(r["affiliation"]) == kind]
        if ids:
            await Supervisor.filter(id__in=ids).update(affiliation_type=kind)
    levels = {"senior": [], "intermediate": []}
    for r in rows:
        levels["senior" if rng.random() < 0.25 else "intermediate"].append(r["id"])
    for level, ids in levels.items():
        if ids:
            await Supervisor.filter(id__in=ids).update(cert_level=level)
    await rawsql.execute(Supervisor, HOME_COUNTY)
    tags = []
    for r in rows:
        match = re.search(r"擅长(.+?)。", r["bio"] or "")
        for tag in parse_tags(match.group(1) if match else ""):
            tags.append({"supervisor_id": r["id"], "tag": tag})
    await SupervisorExpertise.filter(supervisor_id__in=[r["id"] for r in rows]).delete()
    await insert_rows(SupervisorExpertise, tags)
    true = rawsql.db_value(Assignment, "is_primary", True)
    false = rawsql.db_value(Assignment, "is_primary", False)
    await rawsql.execute(Assignment, DEMOTE_OVERLAPPING, false, true)
    return len(tags)


async def _counties(scale: str) -> list[Region]:
    counties = Region.filter(level="county").order_by("code")
    if scale == "national":
        return await counties
    return await counties.limit(12)


async def _cohorts(rng: random.Random, scale: str, today: date) -> dict[str, int]:
    counts = {"cohorts": 0, "cohort_members": 0, "cohort_milestones": 0}
    worker_user = await User.filter(username="worker").first()
    demo_worker = worker_user.worker_id if worker_user else None
    subject = await ExamSubject.filter(code="A-ZH").first()
    side = learning()
    course = None
    if side is not None:
        completed = await side.completions().order_by("course_id").values_list("course_id", flat=True)
        course = completed[0] if completed else None
    # A two-year programme that began about nine months ago, for the hires of the two years before today.
    start = (today - timedelta(days=270)).replace(day=1)
    end = date(start.year + 2, start.month, 1) - timedelta(days=1)
    for county in await _counties(scale):
        active = EmploymentSpell.filter(under("station__region_path", county.path), full_time=True)
        hires = await active.filter(start_on__gte=today - timedelta(days=730), start_on__lte=today).values(
            "worker_id", "station_id", "worker__source", "start_on"
        )
        if demo_worker is not None:
            mine = await active.filter(worker_id=demo_worker, end_on=None).values(
                "worker_id", "station_id", "worker__source", "start_on"
            )
            hires += [{**r, "worker__source": Source.INCUBATED} for r in mine]
        if not hires:
            continue
        mentors = dict(
            await Assignment.filter(
                under("station__region_path", county.path), end_on=None, is_primary=True
            ).values_list("station_id", "supervisor_id")
        )
        local = await Supervisor.filter(region_id=county.id).order_by("id").values_list("id", flat=True)
        for kind, source, name in [
            (CohortKind.INTERNAL, Source.INCUBATED, "社工人才内部孵化班"),
            (CohortKind.EXTERNAL, Source.INTRODUCED, "社工人才引进计划"),
        ]:
            chosen: dict[int, dict] = {}
            for r in hires:
                wanted = r["worker__source"] == source or (
                    kind == CohortKind.EXTERNAL and r["worker__source"] == Source.OTHER
                )
                if wanted and r["worker_id"] not in chosen and (len(chosen) < 40 or r["worker_id"] == demo_worker):
                    chosen[r["worker_id"]] = r
            if not chosen:
                continue
            cohort = await Cohort.create(
                name=f"{county.name}{start.year}—{end.year}年{name}",
                kind=kind,
                region_id=county.id,
                region_path=county.path,
                start_on=start,
                end_on=end,
                goal_cert_rate=Decimal("0.6"),
                goal_ce_hours=Decimal("30"),
                goal_retention=Decimal("0.85"),
                description="示范数据：岗前培训、结对督导、考证辅导。",
            )
            counts["cohorts"] += 1
            members = []
            for worker_id, r in chosen.items():
                mentor = mentors.get(r["station_id"]) or (rng.choice(local) if local else None)
                members.append(
                    {
                        "cohort_id": cohort.id,
                        "worker_id": worker_id,
                        "mentor_id": mentor,
                        "joined_on": max(start, r["start_on"]),
                    }
                )
            await insert_rows(CohortMember, members)
            counts["cohort_members"] += len(members)
            milestones = [
                {"kind": MilestoneKind.CUSTOM, "title": "制定个人成长计划", "due_on": start + timedelta(days=60)},
                {
                    "kind": MilestoneKind.CE_HOURS,
                    "title": "继续教育满 20 学时",
                    "due_on": today + timedelta(days=90),
                    "hours": Decimal(20),
                },
            ]
            if subject is not None:
                milestones.append(
                    {
                        "kind": MilestoneKind.SUBJECT,
                        "title": "通过综合能力（初级）",
                        "due_on": min(end, today + timedelta(days=150)),
                        "subject_id": subject.id,
                    }
                )
            if course is not None:
                milestones.append(
                    {
                        "kind": MilestoneKind.COURSE,
                        "title": "完成岗前培训课程",
                        "due_on": start + timedelta(days=120),
                        "course_id": course,
                    }
                )
            await insert_rows(Milestone, [{"cohort_id": cohort.id, **m} for m in milestones])
            counts["cohort_milestones"] += len(milestones)
            custom = await Milestone.filter(cohort_id=cohort.id, kind=MilestoneKind.CUSTOM).first()
            ids = await CohortMember.filter(cohort_id=cohort.id).order_by("id").values_list("id", flat=True)
            done = [i for i in ids if rng.random() < 0.7]
            await insert_rows(
                MilestoneMark,
                [
                    {"milestone_id": custom.id, "member_id": i, "done_on": start + timedelta(days=rng.randint(10, 70))}
                    for i in done
                ],
            )
    return counts


async def _sessions(rng: random.Random, scale: str, today: date) -> dict[str, int]:
    bureau = await User.filter(username="bureau").select_related("region").first()
    if bureau is None or bureau.region is None:
        return {"supervision_sessions": 0}
    # The whole country's assignments at the national scale (31,035 in the national demo): "" is every path.
    path = "" if scale == "national" else bureau.region.path
    assignments = (
        await Assignment.filter(under("station__region_path", path), end_on=None)
        .order_by("id")
        .values("supervisor_id", "station_id", "start_on")
    )
    spells = (
        await EmploymentSpell.filter(under("station__region_path", path), end_on=None)
        .order_by("id")
        .values("station_id", "worker_id", "start_on")
    )
    by_station: dict[int, list[dict]] = {}
    for s in spells:
        by_station.setdefault(s["station_id"], []).append(s)
    sessions, attendees = [], []
    formats = list(SessionFormat)
    for a in assignments:
        for _ in range(rng.randint(2, 5)):
            held = today - timedelta(days=rng.randint(8, 180))
            if held < a["start_on"]:
                continue
            present = [s["worker_id"] for s in by_station.get(a["station_id"], []) if s["start_on"] <= held]
            group = rng.sample(present, min(len(present), rng.randint(1, 4))) if present else []
            sessions.append(
                (
                    {
                        "supervisor_id": a["supervisor_id"],
                        "station_id": a["station_id"],
                        "held_on": held,
                        "hours": Decimal(rng.choice([1, 1.5, 2, 3])),
                        "format": rng.choice(formats),
                        "topics": "、".join(rng.sample(TOPICS, 2)),
                        "ce_hours": Decimal(0),
                    },
                    group,
                )
            )
    if not sessions:
        return {"supervision_sessions": 0}
    last = await SupervisionSession.all().order_by("-id").first()
    first_id = last.id if last else 0
    await insert_rows(SupervisionSession, [s for s, _g in sessions])
    ids = await SupervisionSession.filter(id__gt=first_id).order_by("id").values_list("id", flat=True)
    for session_id, (_s, group) in zip(ids, sessions, strict=True):
        attendees += [{"session_id": session_id, "worker_id": w} for w in group]
    await insert_rows(SessionAttendee, attendees)
    written = len(sessions)
    # The demo supervisor's latest sessions credit CE hours, through the service (and certification's ledger).
    user = await User.filter(username="supervisor", role=Role.SUPERVISOR).first()
    if user is not None:
        stations = (
            await Assignment.filter(supervisor__user_id=user.id, end_on=None)
            .order_by("station__code")
            .values("station_id", "station__code")
        )
        scope = Scope(user_id=user.id, role=Role.SUPERVISOR, station_ids=frozenset(s["station_id"] for s in stations))
        for i, st in enumerate(stations[:3]):
            held = today - timedelta(days=3 + i)
            present = [s["worker_id"] for s in by_station.get(st["station_id"], []) if s["start_on"] <= held][:3]
            if not present:
                continue
            await services.session_log(
                actor=user,
                scope=scope,
                station_code=st["station__code"],
                held_on=held,
                hours=Decimal(2),
                format=SessionFormat.ON_SITE,
                topics=rng.choice(TOPICS),
                attendee_ids=present,
                ce_hours=Decimal(2),
                today=today,
            )
            written += 1
    return {"supervision_sessions": written}


async def demo_contribute(*, scale: str, seed: int, today: date) -> dict[str, int]:
    rng = random.Random(seed * 7919 + 14)
    counts = {"supervisor_expertise_tags": await _profiles(rng)}
    counts.update(await _cohorts(rng, scale, today))
    counts.update(await _sessions(rng, scale, today))
    return counts
