"""Sentinel records for the content-checking scope walk (tests/web/test_scope_content_walk.py).

On top of tests.factories.world() this seeds:

- in-scope records, so every page of a role has something to show (W1's certificate, CE credit, exam
  result and mock attempt; a published blended course of county A with a lesson, a material, a classroom
  session and W1's completion certificate; a national and a county-A question; an import job and a
  notification of each role's own; audit rows inside county A);
- sentinel records, each carrying a unique searchable marker in its text fields (all markers contain
  TOKEN, so one search `q=TOKEN` reaches every sentinel a list can find), in groups:

  FAR     another province entirely (regions, organisation, tier, station, worker with phone and ID
          number, spell, certificate, CE credit, exam result, mock attempt, course with lesson, material
          and session, question, bureau user with a notification, an import job and an audit row):
          outside every non-admin role's scope.
  PEER    another HR user of organisation A, with a notification and an import job: both are the other
          user's own, so outside every role's scope (an import job and a notification belong to one user).
  GLOBAL  an audit row with no region or organisation (admin only), and a national draft course.
  NEAR    county B of the same city (a township, an organisation, a tier, a station, a worker with
          certificate, CE credit, result, audit row and question, a published county-B course, a
          draft course of the city): outside county A's bureau, HR of organisation A, the supervisor of
          S1 and worker W1, inside the city bureau's scope.
  MOVED   a worker who left S1 for a county-B station: the worker stays in scope of county A's bureau,
          HR of A and S1's supervisor, the new station ("ZQXSNT-MOVED-STATION") does not.
  PAST    W1 worked at a county-B station (of another organisation) before S1: W1's own page may show
          it to W1, nobody else in county A may see it.
  SIB     a second station of organisation A in county A, with a worker, certificate, CE credit, result
          and audit row: outside the scope of S1's supervisor and of worker W1 only.
  CROSS   an organisation (no region) operating a station in county A (so county A's bureau sees it) and
          a station in the FAR province, which must stay out of its page and lists.
  ALSO    an audit row filed under FAR and, as a further jurisdiction (audit_record(also=…), when the
          code has it), under county B: the city bureau reads it, county A's bureau and HR must not.
  OWNPAST a question of the FAR county that W1 once answered wrong (an answer and a notebook entry of W1's
          own): out of W1's reach now, so its stem and options must not come back in practice, review or
          the notebook (its topic is not a marker: readiness may count W1's own past answers by topic).
  UNPLACED (when Worker has registered_region_path) workers without any spell, registered by the FAR
          county / by organisation B in county B: seen only by the jurisdiction that registered them.

Supervision and cohorts add to those groups: FAR and NEAR each get a supervisor of the pool (name,
institution, biography, expertise tag) assigned to their station, a supervision session there (topics; their
worker attends) and a cohort of their region (name, description, a milestone) with their worker as a member
mentored by that supervisor; SIB gets a county-A supervisor assigned to the SIB station, a session there and a
county-A cohort of the SIB worker (outside S1's supervisor's and W1's scope only). Two more groups:

  MENTEE  a worker at a county-B station whom S1's supervisor mentors in a running city cohort: the
          supervisor reaches the mentee (and the mentee's own station and cohort), county A's bureau, HR of A
          and W1 do not.
  MATE    the mentee's colleague at that station, a member of the same cohort without a mentor, attending with
          the mentee a session another supervisor held there: outside everyone's scope but the city bureau's —
          mentoring a worker opens neither their station nor their colleagues nor the sessions they attend.

In scope of every walked role: a county-A cohort with W1 as a member mentored by S1's supervisor (督导甲), and a
session 督导甲 held at S1 that W1 attended.

Sentinel workers are also enrolled in the in-scope course (and marked present at its session), so the
course's learner list and attendance roster must filter them out.
"""

import inspect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from courses.catalog.models import Category, Course, CourseStatus, Delivery, Lesson
from courses.classroom.models import Attendance, ClassSession
from courses.completion.models import CompletionCertificate
from courses.enrolment.models import Enrolment, EnrolmentStatus
from courses.examprep.models import Answer, AnswerSource, Kind, MockAttempt, NotebookEntry, Question, QuestionVersion
from courses.materials.models import Material, MaterialKind, MaterialVersion
from talent.accounts import services as account_services
from talent.audit.services import audit_record
from talent.certification.models import CeCredit, Certificate, ExamResult, ExamSubject
from talent.cohorts.models import Cohort, CohortKind, CohortMember, Milestone, MilestoneKind
from talent.core.access import Role
from talent.core.clock import local_today
from talent.imports.models import ImportJob, ImportStatus
from talent.notifications.models import Notification
from talent.people.models import EmploymentSpell, ExitReason, ExitType, Worker
from talent.places.models import CertLevel, Organisation, RegionLevel, Station, StationTier
from talent.supervision.models import (
    Assignment,
    SessionAttendee,
    SessionFormat,
    SupervisionSession,
    Supervisor,
    SupervisorExpertise,
)
from tests.factories import PASSWORD, region

TOKEN = "zqxsnt"  # in every marker: a search for it finds any sentinel a list can find

WALKED_ROLES = ("bureau", "citybureau", "hr", "supervisor", "worker")
ALL = frozenset(WALKED_ROLES)
LOCAL = frozenset({"bureau", "hr", "supervisor", "worker"})  # everyone but the city bureau
NOT_W1 = frozenset({"bureau", "hr", "supervisor"})  # W1's own history is W1's to see
CLOSE = frozenset({"supervisor", "worker"})  # S1's supervisor and W1 only
NOT_MENTOR = frozenset({"bureau", "hr", "worker"})  # all of county A but S1's supervisor, who mentors the record

PASS_RATES = "/certificates/pass-rates"


@dataclass(frozen=True)
class Marker:
    text: str
    group: str
    kind: str
    hidden_from: frozenset
    # Only checked on URLs under this prefix (a year is a marker on the pass-rate table only).
    only_under: str = ""

    def applies(self, role: str, path: str) -> bool:
        return role in self.hidden_from and (not self.only_under or path.startswith(self.only_under))


@dataclass
class Seeded:
    markers: list[Marker] = field(default_factory=list)
    # Path-parameter values of in-scope records, per role (side A of the old walk, enriched).
    inscope: dict[str, dict] = field(default_factory=dict)
    # More in-scope records per role, each a partial set of path parameters: a route is walked with one as
    # well when it has the partial's first parameter (a transferred worker, another region, an organisation
    # that also operates a station elsewhere …).
    extra: dict[str, list[dict]] = field(default_factory=dict)
    # Path-parameter values of sentinel records, per group.
    sentinel_ids: dict[str, dict] = field(default_factory=dict)
    # Which groups are out of scope of which role (their ids must answer 403/404).
    hidden_groups: dict[str, list[str]] = field(default_factory=dict)
    # Users who own a sentinel notification/import job (the positive control signs in as them).
    owners: dict[str, str] = field(default_factory=dict)
    subjects: list[str] = field(default_factory=list)
    # Ids for the worker's POST probes (answer a FAR question, start mocks of the sentinel subjects).
    probe: dict = field(default_factory=dict)
    region_codes: dict[str, str] = field(default_factory=dict)
    station_codes: dict[str, str] = field(default_factory=dict)
    all_station_codes: dict[str, str] = field(default_factory=dict)
    worker_ids: dict[str, int] = field(default_factory=dict)
    # Natural keys of sentinel records, per group, for the import probes (a file that names them).
    worker_nos: dict[str, str] = field(default_factory=dict)
    cert_numbers: dict[str, str] = field(default_factory=dict)
    region_rows: dict[str, tuple[str, str]] = field(default_factory=dict)  # group → (code, parent code)


def _m(seeded: Seeded, text: str, group: str, kind: str, hidden: frozenset, only_under: str = "") -> str:
    seeded.markers.append(Marker(text, group, kind, hidden, only_under))
    return text


async def _worker_bundle(
    seeded: Seeded,
    group: str,
    hidden: frozenset,
    *,
    station: Station,
    n: int,
    year: int,
    subject: ExamSubject,
) -> dict:
    """A worker at `station` with a spell, a certificate, a CE credit with evidence, an exam result, a mock attempt."""
    g = group.upper()
    worker = await Worker.create(
        worker_no=_m(seeded, f"{TOKEN.upper()}-{g}-WNO", group, "worker_no", hidden),
        name=_m(seeded, f"{TOKEN.upper()}-{g}-WORKER", group, "worker name", hidden),
        phone=_m(seeded, f"1990000{n:04d}", group, "worker phone", hidden),
        id_number=_m(seeded, f"99000019700101{n:04d}", group, "worker ID number", hidden),
    )
    spell = await EmploymentSpell.create(
        worker=worker,
        station=station,
        start_on=date(2022, 3, 1),
        full_time=True,
        position=_m(seeded, f"{TOKEN.upper()}-{g}-POSITION", group, "spell position", hidden),
    )
    certificate = await Certificate.create(
        worker=worker,
        level=CertLevel.ASSISTANT,
        number=_m(seeded, f"{TOKEN.upper()}-{g}-CERTNO", group, "certificate number", hidden),
        obtained_on=date(2023, 6, 1),
        registered_on=date(2023, 7, 1),
        registration_expires_on=date(2026, 6, 30),
    )
    credit = await CeCredit.create(
        worker=worker,
        hours=Decimal("6"),
        source="external",
        earned_on=date(2024, 5, 1),
        note=_m(seeded, f"{TOKEN.upper()}-{g}-CENOTE", group, "CE credit note", hidden),
        evidence_name=_m(seeded, f"{TOKEN.upper()}-{g}-EVIDENCE.pdf", group, "CE evidence file name", hidden),
        evidence_size=1,
        evidence_sha256="0" * 64,
        evidence_type="application/pdf",
    )
    await ExamResult.create(
        worker=worker,
        year=year,
        subject=subject,
        score=Decimal("71"),
        pass_mark=Decimal("60"),
        passed=True,
        region_path=station.region_path,
    )
    _m(seeded, str(year), group, "exam result year (pass-rate table)", hidden, only_under=PASS_RATES)
    now = datetime.now(UTC)
    attempt = await MockAttempt.create(
        worker=worker,
        subject="A-ZH",
        seed=7,
        started_at=now,
        deadline_at=now + timedelta(hours=2),
        full_marks=0,
        pass_mark=0,
    )
    return {
        "worker": worker,
        "spell": spell,
        "certificate": certificate,
        "credit": credit,
        "attempt": attempt,
    }


async def _supervisor(seeded: Seeded, group: str, hidden: frozenset, *, region_obj, station: Station) -> Supervisor:
    """A supervisor of the pool based in `region_obj`, with an expertise tag, assigned to `station` since 2020."""
    g = f"{TOKEN.upper()}-{group.upper()}"
    supervisor = await Supervisor.create(
        name=_m(seeded, f"{g}-SUPERVISOR", group, "supervisor name", hidden),
        affiliation=_m(seeded, f"{g}-INSTITUTION", group, "supervisor institution", hidden),
        affiliation_type="university",
        bio=_m(seeded, f"{g}-BIOGRAPHY", group, "supervisor biography", hidden),
        region=region_obj,
    )
    await SupervisorExpertise.create(
        supervisor=supervisor, tag=_m(seeded, f"{g}-EXPERTISE", group, "supervisor expertise tag", hidden)
    )
    await Assignment.create(supervisor=supervisor, station=station, start_on=date(2020, 1, 1))
    return supervisor


async def _session(
    supervisor: Supervisor, station: Station, topics: str, attendees: list[Worker]
) -> SupervisionSession:
    session = await SupervisionSession.create(
        supervisor=supervisor,
        station=station,
        held_on=local_today() - timedelta(days=7),
        hours=Decimal("2"),
        format=SessionFormat.ON_SITE,
        topics=topics,
    )
    await SessionAttendee.bulk_create([SessionAttendee(session_id=session.id, worker_id=w.id) for w in attendees])
    return session


async def _cohort(
    seeded: Seeded, group: str, hidden: frozenset, *, region_obj, organisation=None, members: list[tuple], plain=False
) -> tuple[Cohort, list[CohortMember]]:
    """A cohort of `region_obj` running today (from 30 days ago to 300 days on), with a custom milestone and
    `members` as (worker, mentor or None). `plain`: in-scope names, no markers."""
    g = f"{TOKEN.upper()}-{group.upper()}"
    today = local_today()
    cohort = await Cohort.create(
        name=f"In-scope cohort {group}" if plain else _m(seeded, f"{g}-COHORT", group, "cohort name", hidden),
        kind=CohortKind.INTERNAL,
        region=region_obj,
        region_path=region_obj.path,
        organisation=organisation,
        start_on=today - timedelta(days=30),
        end_on=today + timedelta(days=300),
        description="" if plain else _m(seeded, f"{g}-GOALS", group, "cohort description", hidden),
    )
    await Milestone.create(
        cohort=cohort,
        kind=MilestoneKind.CUSTOM,
        title="In-scope milestone" if plain else _m(seeded, f"{g}-MILESTONE", group, "cohort milestone", hidden),
        due_on=today + timedelta(days=60),
    )
    rows = [
        await CohortMember.create(cohort=cohort, worker=worker, mentor=mentor, joined_on=cohort.start_on)
        for worker, mentor in members
    ]
    return cohort, rows


async def _question(*, subject: str, topic: str, stem: str, region_path: str, options: list[str]) -> Question:
    q = await Question.create(subject=subject, topic=topic, kind=Kind.SINGLE, region_path=region_path)
    await QuestionVersion.create(question=q, number=1, stem=stem, options=options, answer="A", explanation="-")
    return q


async def _course(
    *,
    title: str,
    region_obj,
    status: CourseStatus,
    created_by,
    lesson: str,
    material: str,
    place: str,
    link: str,
) -> dict:
    course = await Course.create(
        title=title,
        summary=title + " summary",
        description=title + " description",
        category=Category.PRACTICAL,
        delivery=Delivery.BLENDED,
        ce_hours=Decimal("8"),
        region=region_obj,
        region_path=region_obj.path if region_obj else "",
        status=status,
        created_by=created_by,
        published_at=datetime.now(UTC) if status == CourseStatus.PUBLISHED else None,
    )
    lesson_obj = await Lesson.create(course=course, position=1, title=lesson, body=lesson + " body")
    material_obj = await Material.create(course=course, title=material, kind=MaterialKind.LINK, current_no=1)
    version = await MaterialVersion.create(material=material_obj, number=1, url=link, change_note=material + " note")
    session = await ClassSession.create(
        course=course,
        title=place + " session",
        starts_at=datetime.now(UTC) + timedelta(days=7),
        minutes=120,
        place=place,
        trainer=place + " trainer",
    )
    return {"course": course, "lesson": lesson_obj, "material": material_obj, "version": version, "session": session}


async def _enrol(course: Course, worker: Worker, status=EnrolmentStatus.ENROLLED, session=None) -> Enrolment:
    enrolment = await Enrolment.create(course=course, worker=worker, status=status, enrolled_at=datetime.now(UTC))
    if session is not None:
        await Attendance.create(session=session, enrolment=enrolment)
    return enrolment


async def _job(user, file_name: str, value: str) -> ImportJob:
    report = {
        "errors": [{"row": 2, "column": "name", "value": value, "reason": "checked"}],
        "error_count": 1,
        "rows": 1,
        "preview": {"headers": ["worker_no", "name"], "rows": [[value, value]]},
    }
    return await ImportJob.create(
        kind="workers",
        user=user,
        file_name=file_name,
        file_sha256="0" * 64,
        file_size=10,
        status=ImportStatus.INVALID,
        rows_total=1,
        rows_done=1,
        report=report,
        finished_at=datetime.now(UTC),
    )


async def seed(w: dict) -> Seeded:
    s = Seeded()
    T = TOKEN.upper()
    regions, users = w["regions"], w["users"]
    s1, s2, s3, s4 = w["stations"]
    w1, w2, w3, w4 = w["workers"]
    a_zh = await ExamSubject.get(code="A-ZH")
    s.subjects = list(await ExamSubject.all().order_by("position", "code").values_list("code", flat=True))

    # ── world records outside some roles' scope (plain names, no creation) ─────────────────────────────
    _m(s, w2.name, "WORLD", "worker W2 (at S2)", CLOSE)
    _m(s, w3.name, "WORLD", "worker W3 (county B)", LOCAL)
    _m(s, w4.name, "WORLD", "worker W4 (county B)", LOCAL)
    _m(s, s2.name, "WORLD", "station S2", CLOSE)
    _m(s, s3.name, "WORLD", "station S3 (county B)", LOCAL)
    _m(s, s4.name, "WORLD", "station S4 (county B)", LOCAL)
    _m(s, w["orgs"][1].name, "WORLD", "organisation B", LOCAL)
    _m(s, regions["county_b"].name, "WORLD", "county B", NOT_W1)
    _m(s, regions["street_b"].name, "WORLD", "street B", NOT_W1)

    # ── in-scope records ───────────────────────────────────────────────────────────────────────────────
    cert_w1 = await Certificate.create(
        worker=w1,
        level=CertLevel.ASSISTANT,
        number="INSCOPE-W1-CERT",
        obtained_on=date(2023, 6, 1),
        registered_on=date(2023, 7, 1),
        registration_expires_on=date(2026, 6, 30),
    )
    credit_w1 = await CeCredit.create(
        worker=w1,
        hours=Decimal("6"),
        source="external",
        earned_on=date(2024, 5, 1),
        note="in-scope credit",
        evidence_name="inscope.pdf",
        evidence_size=1,
        evidence_sha256="0" * 64,
        evidence_type="application/pdf",
    )
    await ExamResult.create(
        worker=w1, year=2024, subject=a_zh, score=Decimal("65"), pass_mark=Decimal("60"), passed=True,
        region_path=s1.region_path,
    )  # fmt: skip
    now = datetime.now(UTC)
    attempt_w1 = await MockAttempt.create(
        worker=w1, subject="A-ZH", seed=1, started_at=now, deadline_at=now + timedelta(hours=2), full_marks=0,
        pass_mark=0,
    )  # fmt: skip
    ca = await _course(
        title="In-scope county course",
        region_obj=regions["county_a"],
        status=CourseStatus.PUBLISHED,
        created_by=users["bureau"],
        lesson="In-scope lesson",
        material="In-scope material",
        place="In-scope room",
        link="https://example.org/inscope",
    )
    enrol_w1 = await _enrol(ca["course"], w1, EnrolmentStatus.COMPLETED, ca["session"])
    completion_w1 = await CompletionCertificate.create(
        enrolment=enrol_w1, worker=w1, course=ca["course"], code="inscope-code-w1", hours=Decimal("8"),
        issued_on=date(2025, 1, 10),
    )  # fmt: skip
    await _question(
        subject="A-ZH", topic="national topic", stem="National question stem", region_path="",
        options=["n-a", "n-b", "n-c", "n-d"],
    )  # fmt: skip
    q_county = await _question(
        subject="A-ZH", topic="county topic", stem="County A question stem", region_path=regions["county_a"].path,
        options=["c-a", "c-b", "c-c", "c-d"],
    )  # fmt: skip
    own_jobs = {}
    for role in WALKED_ROLES:
        await Notification.create(
            user=users[role], kind="walk", text="Your own notification", dedupe_key=f"content-walk-own-{role}"
        )
        if role in ("bureau", "citybureau", "hr"):
            own_jobs[role] = (await _job(users[role], f"own-{role}.xlsx", f"own value of {role}")).id
    await audit_record(
        actor=users["hr"], action="update", entity="station", entity_id=s1.id, summary="In-scope audit of S1",
        region_path=s1.region_path, organisation_id=s1.organisation_id,
    )  # fmt: skip

    # ── FAR: another province ─────────────────────────────────────────────────────────────────────────
    far_province = await region("990000", _m(s, f"{T}-FAR-PROVINCE", "FAR", "region", ALL), RegionLevel.PROVINCE)
    far_city = await region("990100", _m(s, f"{T}-FAR-CITY", "FAR", "region", ALL), RegionLevel.CITY, far_province)
    far_county = await region("990101", _m(s, f"{T}-FAR-COUNTY", "FAR", "region", ALL), RegionLevel.COUNTY, far_city)
    far_street = await region(
        "990101001", _m(s, f"{T}-FAR-STREET", "FAR", "region", ALL), RegionLevel.TOWNSHIP, far_county
    )
    far_org = await Organisation.create(
        name=_m(s, f"{T}-FAR-ORG", "FAR", "organisation", ALL),
        credit_code=_m(s, f"{T}FARCREDIT", "FAR", "organisation credit code", ALL),
        contact=_m(s, f"{T}-FAR-CONTACT", "FAR", "organisation contact", ALL),
        region=far_county,
    )
    far_tier = await StationTier.create(name=_m(s, f"{T}-FAR-TIER", "FAR", "tier", ALL), region=far_province)
    far_station = await Station.create(
        code=_m(s, f"{T}-FAR-STCODE", "FAR", "station code", ALL),
        name=_m(s, f"{T}-FAR-STATION", "FAR", "station", ALL),
        region=far_street,
        region_path=far_street.path,
        organisation=far_org,
        tier=far_tier,
        address=_m(s, f"{T}-FAR-ADDRESS", "FAR", "station address", ALL),
    )
    far = await _worker_bundle(s, "FAR", ALL, station=far_station, n=1, year=1991, subject=a_zh)
    far_user = await account_services.user_create(
        actor=None,
        username=_m(s, f"{TOKEN}-far-user", "FAR", "user name", ALL),
        display_name=_m(s, f"{T}-FAR-DISPLAY", "FAR", "user display name", ALL),
        password=PASSWORD,
        role=Role.BUREAU,
        region_id=far_county.id,
    )
    await Notification.create(
        user=far_user, kind="walk", text=_m(s, f"{T}-FAR-NOTE", "FAR", "notification", ALL),
        dedupe_key="content-walk-far",
    )  # fmt: skip
    far_job = await _job(
        far_user,
        _m(s, f"{T}-FAR-IMPORT.xlsx", "FAR", "import job file name", ALL),
        _m(s, f"{T}-FAR-IMPORTROW", "FAR", "import job report", ALL),
    )
    await audit_record(
        actor=far_user, action="update", entity="worker", entity_id=far["worker"].id,
        summary=_m(s, f"{T}-FAR-AUDIT", "FAR", "audit summary", ALL),
        region_path=far_street.path, organisation_id=far_org.id,
    )  # fmt: skip
    fc = await _course(
        title=_m(s, f"{T}-FAR-COURSE", "FAR", "course", ALL),
        region_obj=far_county,
        status=CourseStatus.PUBLISHED,
        created_by=far_user,
        lesson=_m(s, f"{T}-FAR-LESSON", "FAR", "lesson", ALL),
        material=_m(s, f"{T}-FAR-MATERIAL", "FAR", "material", ALL),
        place=_m(s, f"{T}-FAR-PLACE", "FAR", "session place", ALL),
        link=f"https://example.org/{TOKEN}-far-link",
    )
    far_enrolment = await _enrol(fc["course"], far["worker"], EnrolmentStatus.COMPLETED, fc["session"])
    far_completion = await CompletionCertificate.create(
        enrolment=far_enrolment, worker=far["worker"], course=fc["course"], code=f"{TOKEN}farcode",
        hours=Decimal("8"), issued_on=date(2025, 1, 10),
    )  # fmt: skip
    far_q = await _question(
        subject="S-SW",
        topic=_m(s, f"{T}-FAR-TOPIC", "FAR", "question topic", ALL),
        stem=_m(s, f"{T}-FAR-QUESTION", "FAR", "question stem", ALL),
        region_path=far_county.path,
        options=[_m(s, f"{T}-FAR-OPTION", "FAR", "question option", ALL), "b", "c", "d"],
    )
    ca_enrolments = {"FAR": (await _enrol(ca["course"], far["worker"], session=ca["session"])).id}

    # ── PEER: another user of organisation A ─────────────────────────────────────────────────────────
    peer = await account_services.user_create(
        actor=None,
        username=_m(s, f"{TOKEN}-peer-user", "PEER", "user name", ALL),
        password=PASSWORD,
        role=Role.HR,
        organisation_id=w["orgs"][0].id,
    )
    await Notification.create(
        user=peer, kind="walk", text=_m(s, f"{T}-PEER-NOTE", "PEER", "notification", ALL),
        dedupe_key="content-walk-peer",
    )  # fmt: skip
    peer_job = await _job(
        peer,
        _m(s, f"{T}-PEER-IMPORT.xlsx", "PEER", "import job file name", ALL),
        _m(s, f"{T}-PEER-IMPORTROW", "PEER", "import job report", ALL),
    )

    # ── GLOBAL: admin-only audit row, a national draft course ────────────────────────────────────────
    await audit_record(
        actor=users["admin"], action="update", entity="user", entity_id=peer.id,
        summary=_m(s, f"{T}-GLOBAL-AUDIT", "GLOBAL", "audit summary (no region)", ALL),
    )  # fmt: skip
    natdraft = await _course(
        title=_m(s, f"{T}-NATDRAFT-COURSE", "GLOBAL", "national draft course", ALL),
        region_obj=None,
        status=CourseStatus.DRAFT,
        created_by=users["admin"],
        lesson=f"{T}-NATDRAFT-LESSON",
        material=f"{T}-NATDRAFT-MATERIAL",
        place=f"{T}-NATDRAFT-PLACE",
        link="https://example.org/natdraft",
    )

    # ── NEAR: county B of the same city ──────────────────────────────────────────────────────────────
    near_street = await region(
        "320104099", _m(s, f"{T}-NEAR-STREET", "NEAR", "region", LOCAL), RegionLevel.TOWNSHIP, regions["county_b"]
    )
    near_org = await Organisation.create(
        name=_m(s, f"{T}-NEAR-ORG", "NEAR", "organisation", LOCAL),
        credit_code=_m(s, f"{T}NEARCREDIT", "NEAR", "organisation credit code", LOCAL),
        region=regions["county_b"],
    )
    near_tier = await StationTier.create(
        name=_m(s, f"{T}-NEAR-TIER", "NEAR", "tier", LOCAL), region=regions["county_b"]
    )
    near_station = await Station.create(
        code=_m(s, f"{T}-NEAR-STCODE", "NEAR", "station code", LOCAL),
        name=_m(s, f"{T}-NEAR-STATION", "NEAR", "station", LOCAL),
        region=near_street,
        region_path=near_street.path,
        organisation=near_org,
        tier=near_tier,
    )
    near = await _worker_bundle(s, "NEAR", LOCAL, station=near_station, n=2, year=1992, subject=a_zh)
    await audit_record(
        actor=users["citybureau"], action="update", entity="worker", entity_id=near["worker"].id,
        summary=_m(s, f"{T}-NEAR-AUDIT", "NEAR", "audit summary", LOCAL),
        region_path=near_street.path, organisation_id=near_org.id,
    )  # fmt: skip
    nc = await _course(
        title=_m(s, f"{T}-NEAR-COURSE", "NEAR", "course", LOCAL),
        region_obj=regions["county_b"],
        status=CourseStatus.PUBLISHED,
        created_by=users["citybureau"],
        lesson=_m(s, f"{T}-NEAR-LESSON", "NEAR", "lesson", LOCAL),
        material=_m(s, f"{T}-NEAR-MATERIAL", "NEAR", "material", LOCAL),
        place=_m(s, f"{T}-NEAR-PLACE", "NEAR", "session place", LOCAL),
        link=f"https://example.org/{TOKEN}-near-link",
    )
    citydraft = await _course(
        title=_m(s, f"{T}-CITYDRAFT-COURSE", "NEAR", "city draft course", LOCAL),
        region_obj=regions["city"],
        status=CourseStatus.DRAFT,
        created_by=users["citybureau"],
        lesson=f"{T}-CITYDRAFT-LESSON",
        material=f"{T}-CITYDRAFT-MATERIAL",
        place=f"{T}-CITYDRAFT-PLACE",
        link="https://example.org/citydraft",
    )
    near_q = await _question(
        subject="I-FG",
        topic=_m(s, f"{T}-NEAR-TOPIC", "NEAR", "question topic", LOCAL),
        stem=_m(s, f"{T}-NEAR-QUESTION", "NEAR", "question stem", LOCAL),
        region_path=regions["county_b"].path,
        options=[_m(s, f"{T}-NEAR-OPTION", "NEAR", "question option", LOCAL), "b", "c", "d"],
    )
    ca_enrolments["NEAR"] = (await _enrol(ca["course"], near["worker"], session=ca["session"])).id

    # ── MOVED: left S1 for a county-B station ────────────────────────────────────────────────────────
    moved_station = await Station.create(
        code=_m(s, f"{T}-MOVED-STCODE", "MOVED", "station code", LOCAL),
        name=_m(s, f"{T}-MOVED-STATION", "MOVED", "station", LOCAL),
        region=near_street,
        region_path=near_street.path,
        organisation=near_org,
        tier=near_tier,
    )
    moved = await Worker.create(worker_no="MOVED1", name="Moved Worker", phone="13800000000")
    moved_spell = await EmploymentSpell.create(
        worker=moved, station=s1, start_on=date(2021, 1, 1), end_on=date(2023, 12, 31), full_time=True,
        exit_type=ExitType.TRANSFER, exit_reason=ExitReason.CAREER,
    )  # fmt: skip
    await EmploymentSpell.create(
        worker=moved, station=moved_station, start_on=date(2024, 1, 1), full_time=True,
        position=_m(s, f"{T}-MOVED-POSITION", "MOVED", "spell position", LOCAL),
    )  # fmt: skip
    await _enrol(ca["course"], moved, session=ca["session"])

    # ── PAST: W1's earlier spell at a county-B station of another organisation ───────────────────────
    past_org = await Organisation.create(
        name=_m(s, f"{T}-PAST-ORG", "PAST", "organisation", NOT_W1), region=regions["county_b"]
    )
    past_station = await Station.create(
        code=_m(s, f"{T}-PAST-STCODE", "PAST", "station code", NOT_W1),
        name=_m(s, f"{T}-PAST-STATION", "PAST", "station", NOT_W1),
        region=regions["street_b"],
        region_path=regions["street_b"].path,
        organisation=past_org,
        tier=w["tier"],
    )
    await EmploymentSpell.create(
        worker=w1, station=past_station, start_on=date(2019, 1, 1), end_on=date(2021, 12, 31), full_time=True,
        exit_type=ExitType.VOLUNTARY, exit_reason=ExitReason.PAY,
        exit_note=_m(s, f"{T}-PAST-EXITNOTE", "PAST", "spell exit note", NOT_W1),
    )  # fmt: skip

    # ── SIB: another station of organisation A in county A ───────────────────────────────────────────
    sib_station = await Station.create(
        code=_m(s, f"{T}-SIB-STCODE", "SIB", "station code", CLOSE),
        name=_m(s, f"{T}-SIB-STATION", "SIB", "station", CLOSE),
        region=regions["street_a"],
        region_path=regions["street_a"].path,
        organisation=w["orgs"][0],
        tier=w["tier"],
    )
    sib = await _worker_bundle(s, "SIB", CLOSE, station=sib_station, n=3, year=1993, subject=a_zh)
    await audit_record(
        actor=users["hr"], action="update", entity="worker", entity_id=sib["worker"].id,
        summary=_m(s, f"{T}-SIB-AUDIT", "SIB", "audit summary", CLOSE),
        region_path=sib_station.region_path, organisation_id=sib_station.organisation_id,
    )  # fmt: skip
    ca_enrolments["SIB"] = (await _enrol(ca["course"], sib["worker"], session=ca["session"])).id

    # ── CROSS: an organisation operating a station in county A and one in the FAR province ───────────
    cross_org = await Organisation.create(name="Cross-region operator", region=None)
    cross_a = await Station.create(
        code="CROSSA", name="Cross station A", region=regions["street_a"], region_path=regions["street_a"].path,
        organisation=cross_org, tier=w["tier"],
    )  # fmt: skip
    cross_far = await Station.create(
        code=_m(s, f"{T}-CROSS-STCODE", "CROSS", "station code", ALL),
        name=_m(s, f"{T}-CROSS-FARSTATION", "CROSS", "station", ALL),
        region=far_street,
        region_path=far_street.path,
        organisation=cross_org,
        tier=far_tier,
    )

    # ── ALSO: an audit row of FAR, further filed under county B ──────────────────────────────────────
    also = {}
    if "also" in inspect.signature(audit_record).parameters:
        also = {"also": [(near_street.path, near_org.id)]}
        primary = {"region_path": far_street.path, "organisation_id": far_org.id}
    else:
        primary = {"region_path": near_street.path, "organisation_id": near_org.id}
    await audit_record(
        actor=users["admin"], action="update", entity="station", entity_id=near_station.id,
        summary=_m(s, f"{T}-ALSO-AUDIT", "ALSO", "audit summary (further jurisdiction)", LOCAL), **primary, **also,
    )  # fmt: skip

    # ── OWNPAST: W1's own past answer to a question now out of reach ────────────────────────────────
    ownpast_q = await _question(
        subject="A-SW",
        topic="past topic",
        stem=_m(s, f"{T}-OWNPAST-QUESTION", "OWNPAST", "question stem (W1's own past answer)", ALL),
        region_path=far_county.path,
        options=[_m(s, f"{T}-OWNPAST-OPTION", "OWNPAST", "question option (W1's own past answer)", ALL), "b", "c"],
    )
    ownpast_v = await QuestionVersion.get(question=ownpast_q)
    await Answer.create(
        worker=w1, question=ownpast_q, version=ownpast_v, source=AnswerSource.PRACTICE, response="B", correct=False,
        answered_at=now - timedelta(days=3),
    )  # fmt: skip
    await NotebookEntry.create(worker=w1, question=ownpast_q, box=1, due_on=date.today() - timedelta(days=1))

    # ── UNPLACED: registered elsewhere, no spell yet ─────────────────────────────────────────────────
    unplaced = {}
    if "registered_region_path" in Worker._meta.fields_map:
        for n, (group, hidden, path, org) in enumerate(
            [
                ("UNPLACEDFAR", ALL, far_county.path, far_org.id),
                ("UNPLACEDNEAR", LOCAL, regions["county_b"].path, w["orgs"][1].id),
            ],
            start=4,
        ):
            worker = await Worker.create(
                worker_no=_m(s, f"{T}-{group}-WNO", group, "worker_no (unplaced)", hidden),
                name=_m(s, f"{T}-{group}-WORKER", group, "worker name (unplaced)", hidden),
                phone=_m(s, f"1990000{n:04d}", group, "worker phone (unplaced)", hidden),
                registered_region_path=path,
                registered_organisation_id=org,
            )
            certificate = await Certificate.create(
                worker=worker, level=CertLevel.ASSISTANT, obtained_on=date(2023, 6, 1),
                number=_m(s, f"{T}-{group}-CERTNO", group, "certificate number (unplaced)", hidden),
            )  # fmt: skip
            unplaced[group] = {"worker_id": worker.id, "certificate_id": certificate.id}

    # ── supervision and cohorts ──────────────────────────────────────────────────────────────────────
    mentor = await Supervisor.get(name="督导甲")  # S1's supervisor (tests.factories.world), the walked one
    _, (member_w1,) = await _cohort(
        s,
        "INSCOPE",
        frozenset(),
        region_obj=regions["county_a"],
        plain=True,
        organisation=w["orgs"][0],
        members=[(w1, mentor)],
    )
    session_w1 = await _session(mentor, s1, "In-scope supervision topics", [w1])
    far_sup = await _supervisor(s, "FAR", ALL, region_obj=far_county, station=far_station)
    far_session = await _session(
        far_sup, far_station, _m(s, f"{T}-FAR-TOPICS", "FAR", "session topics", ALL), [far["worker"]]
    )
    far_cohort, (far_member,) = await _cohort(
        s, "FAR", ALL, region_obj=far_county, organisation=far_org, members=[(far["worker"], far_sup)]
    )
    near_sup = await _supervisor(s, "NEAR", LOCAL, region_obj=regions["county_b"], station=near_station)
    near_session = await _session(
        near_sup, near_station, _m(s, f"{T}-NEAR-TOPICS", "NEAR", "session topics", LOCAL), [near["worker"]]
    )
    near_cohort, (near_member,) = await _cohort(
        s, "NEAR", LOCAL, region_obj=regions["county_b"], organisation=near_org, members=[(near["worker"], near_sup)]
    )
    sib_sup = await _supervisor(s, "SIB", CLOSE, region_obj=regions["county_a"], station=sib_station)
    sib_session = await _session(
        sib_sup, sib_station, _m(s, f"{T}-SIB-TOPICS", "SIB", "session topics", CLOSE), [sib["worker"]]
    )
    sib_cohort, (sib_member,) = await _cohort(
        s, "SIB", CLOSE, region_obj=regions["county_a"], organisation=w["orgs"][0], members=[(sib["worker"], sib_sup)]
    )
    # MENTEE and MATE: S1's supervisor mentors a county-B worker; their colleague stays out of reach.
    mentee_station = await Station.create(
        code=_m(s, f"{T}-MENTEE-STCODE", "MENTEE", "station code (the mentee's)", NOT_MENTOR),
        name=_m(s, f"{T}-MENTEE-STATION", "MENTEE", "station (the mentee's)", NOT_MENTOR),
        region=near_street,
        region_path=near_street.path,
        organisation=near_org,
        tier=near_tier,
    )
    mentee = await Worker.create(
        worker_no=_m(s, f"{T}-MENTEE-WNO", "MENTEE", "worker_no (mentee)", NOT_MENTOR),
        name=_m(s, f"{T}-MENTEE-WORKER", "MENTEE", "worker name (mentee)", NOT_MENTOR),
        phone="13700000001",
    )
    mate = await Worker.create(
        worker_no=_m(s, f"{T}-MATE-WNO", "MATE", "worker_no (the mentee's colleague)", LOCAL),
        name=_m(s, f"{T}-MATE-WORKER", "MATE", "worker name (the mentee's colleague)", LOCAL),
        phone=_m(s, "13700000002", "MATE", "worker phone (the mentee's colleague)", LOCAL),
    )
    for worker in (mentee, mate):
        await EmploymentSpell.create(worker=worker, station=mentee_station, start_on=date(2022, 3, 1), full_time=True)
    mate_session = await _session(
        near_sup,
        mentee_station,
        _m(s, f"{T}-MATE-TOPICS", "MATE", "session topics (at the mentee's station)", LOCAL),
        [mentee, mate],
    )
    mentee_cohort, (mentee_member, mate_member) = await _cohort(
        s,
        "MENTEE",
        NOT_MENTOR,
        region_obj=regions["city"],  # a city programme: its region and organisation are the mentor's to read
        members=[(mentee, mentor), (mate, None)],
    )

    # ── ids ──────────────────────────────────────────────────────────────────────────────────────────
    spell_w1 = await EmploymentSpell.get(worker=w1, station=s1)
    common = {
        "region_id": regions["street_a"].id,
        "organisation_id": w["orgs"][0].id,
        "tier_id": w["tier"].id,
        "station_id": s1.id,
        "worker_id": w1.id,
        "worker_no": w1.worker_no,
        "spell_id": spell_w1.id,
        "user_id": users["hr"].id,
        "certificate_id": cert_w1.id,
        "completion_id": completion_w1.id,
        "credit_id": credit_w1.id,
        "attempt_id": attempt_w1.id,
        "course_id": ca["course"].id,
        "lesson_id": ca["lesson"].id,
        "material_id": ca["material"].id,
        "version_id": ca["version"].id,
        "session_id": ca["session"].id,
        "question_id": q_county.id,
        "code": completion_w1.code,
        "subject": "A-ZH",
        "kind": "workers",
        "supervisor_id": mentor.id,
        "cohort_id": member_w1.cohort_id,
        "member_id": member_w1.id,
        "supervision_session_id": session_w1.id,
    }
    for role in WALKED_ROLES:
        s.inscope[role] = {**common, "job_id": own_jobs.get(role, 999999)}
    s.inscope["admin"] = {**common, "job_id": far_job.id}
    moved_ids = {"worker_id": moved.id, "spell_id": moved_spell.id}
    sib_ids = {
        "worker_id": sib["worker"].id,
        "spell_id": sib["spell"].id,
        "certificate_id": sib["certificate"].id,
        "credit_id": sib["credit"].id,
    }
    s.extra = {
        "bureau": [
            moved_ids, sib_ids, {"region_id": regions["county_a"].id}, {"organisation_id": cross_org.id},
            {"station_id": sib_station.id}, {"station_id": cross_a.id},
        ],
        "citybureau": [
            moved_ids, sib_ids, {"region_id": regions["city"].id}, {"region_id": regions["county_b"].id},
            {"organisation_id": cross_org.id}, {"organisation_id": near_org.id}, {"station_id": near_station.id},
            {"tier_id": near_tier.id}, {"course_id": nc["course"].id, "session_id": nc["session"].id},
            {"supervisor_id": near_sup.id}, {"cohort_id": mentee_cohort.id, "member_id": mate_member.id},
            {"supervision_session_id": mate_session.id},
        ],
        "hr": [moved_ids, sib_ids, {"station_id": sib_station.id}],
        "supervisor": [
            moved_ids, {"worker_id": mentee.id}, {"cohort_id": mentee_cohort.id, "member_id": mentee_member.id},
        ],
        "worker": [],
        "admin": [moved_ids, sib_ids, {"organisation_id": cross_org.id}],
    }  # fmt: skip

    def bundle_ids(b: dict) -> dict:
        return {
            "worker_id": b["worker"].id,
            "worker_no": b["worker"].worker_no,
            "spell_id": b["spell"].id,
            "certificate_id": b["certificate"].id,
            "credit_id": b["credit"].id,
            "attempt_id": b["attempt"].id,
        }

    def course_ids(c: dict) -> dict:
        return {
            "course_id": c["course"].id,
            "lesson_id": c["lesson"].id,
            "material_id": c["material"].id,
            "version_id": c["version"].id,
            "session_id": c["session"].id,
        }

    s.sentinel_ids = {
        "FAR": {
            "region_id": far_street.id,
            "organisation_id": far_org.id,
            "tier_id": far_tier.id,
            "station_id": far_station.id,
            **bundle_ids(far),
            **course_ids(fc),
            "completion_id": far_completion.id,
            "question_id": far_q.id,
            "job_id": far_job.id,
            "user_id": far_user.id,
            "supervisor_id": far_sup.id,
            "supervision_session_id": far_session.id,
            "cohort_id": far_cohort.id,
            "member_id": far_member.id,
        },
        "PEER": {"job_id": peer_job.id, "user_id": peer.id},
        "GLOBAL": course_ids(natdraft),
        "NEAR": {
            "region_id": near_street.id,
            "organisation_id": near_org.id,
            "tier_id": near_tier.id,
            "station_id": near_station.id,
            **bundle_ids(near),
            **course_ids(nc),
            "question_id": near_q.id,
            "supervisor_id": near_sup.id,
            "supervision_session_id": near_session.id,
            "cohort_id": near_cohort.id,
            "member_id": near_member.id,
        },
        "CITYDRAFT": course_ids(citydraft),
        "PAST": {"organisation_id": past_org.id, "station_id": past_station.id},
        "MOVED": {"station_id": moved_station.id},
        "SIB": {
            "station_id": sib_station.id,
            **bundle_ids(sib),
            "supervisor_id": sib_sup.id,
            "supervision_session_id": sib_session.id,
            "cohort_id": sib_cohort.id,
            "member_id": sib_member.id,
        },
        "MENTEE": {
            "station_id": mentee_station.id,
            "worker_id": mentee.id,
            "cohort_id": mentee_cohort.id,
            "member_id": mentee_member.id,
        },
        "MATE": {
            "worker_id": mate.id,
            "worker_no": mate.worker_no,
            "supervision_session_id": mate_session.id,
            # Not the cohort: the supervisor reads the mentee's cohort, only not this member of it.
            "member_id": mate_member.id,
        },
        "CROSS": {"station_id": cross_far.id},
        **unplaced,
    }
    hidden_by_group = {
        "FAR": ALL, "PEER": ALL, "GLOBAL": ALL, "NEAR": LOCAL, "CITYDRAFT": LOCAL, "MOVED": LOCAL,
        "PAST": NOT_W1, "SIB": CLOSE, "CROSS": ALL, "UNPLACEDFAR": ALL, "UNPLACEDNEAR": LOCAL,
        "MENTEE": NOT_MENTOR, "MATE": LOCAL,
    }  # fmt: skip
    s.hidden_groups = {
        role: [g for g, hidden in hidden_by_group.items() if role in hidden and g in s.sentinel_ids]
        for role in WALKED_ROLES
    }
    s.owners = {far_user.username: "FAR", peer.username: "PEER"}
    far_version = await QuestionVersion.get(question=far_q)
    # A second in-scope course without learners: bulk enrolment probes must not put a sentinel worker on it.
    empty = await Course.create(
        title="In-scope empty course", category=Category.PRACTICAL, delivery=Delivery.ONLINE, ce_hours=Decimal("2"),
        region=regions["county_a"], region_path=regions["county_a"].path, status=CourseStatus.PUBLISHED,
        created_by=users["bureau"], published_at=datetime.now(UTC),
    )  # fmt: skip
    await Lesson.create(course=empty, position=1, title="Only lesson", body="-")
    s.probe = {
        "far_question_id": far_q.id,
        "far_version_id": far_version.id,
        "mock_subjects": ["S-SW", "I-FG"],
        "empty_course_id": empty.id,
        "course_id": ca["course"].id,
        "session_id": ca["session"].id,
        "ca_enrolments": ca_enrolments,
        "hidden_courses": {"FAR": fc["course"].id, "NEAR": nc["course"].id, "GLOBAL": natdraft["course"].id},
    }
    s.region_codes = {"FAR": far_street.code, "NEAR": near_street.code, "FAR_COUNTY": far_county.code}
    s.station_codes = {
        "FAR": far_station.code, "NEAR": near_station.code, "SIB": sib_station.code, "MENTEE": mentee_station.code,
    }  # fmt: skip
    s.all_station_codes = {
        "FAR": far_station.code, "NEAR": near_station.code, "SIB": sib_station.code, "MOVED": moved_station.code,
        "PAST": past_station.code, "CROSS": cross_far.code,
    }  # fmt: skip
    s.region_rows = {"FAR": (far_street.code, far_county.code), "NEAR": (near_street.code, regions["county_b"].code)}
    s.worker_ids = {
        "FAR": far["worker"].id,
        "NEAR": near["worker"].id,
        "SIB": sib["worker"].id,
        **{group: ids["worker_id"] for group, ids in unplaced.items()},
    }
    for group, worker_id in s.worker_ids.items():
        s.worker_nos[group] = (await Worker.get(id=worker_id)).worker_no
        s.cert_numbers[group] = (await Certificate.get(worker_id=worker_id)).number
    return s
