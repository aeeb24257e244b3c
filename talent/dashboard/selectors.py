"""The dashboard's figures: each is a measure of talent.analytics over the viewer's scope, and each card links
to the list of exactly the rows it counts (talent.analytics.lists; the stations card to the list of township
stations)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from talent.analytics.area import Area, area_for, child_regions
from talent.analytics.measures import TOTAL, certification, separations
from talent.analytics.reports import children_overview
from talent.analytics.workforce import registration_counts
from talent.certification.for_examprep import exam_papers
from talent.certification.models import ExamYear
from talent.certification.selectors import worker_certificates
from talent.cohorts.models import CohortMember
from talent.cohorts.selectors import my_memberships
from talent.core.access import Scope
from talent.core.concurrency import gather_panels
from talent.dashboard import learning
from talent.figures.freshness import Kept, cached_many, register_coded, scope_key
from talent.pay.selectors import worker_pay
from talent.places.models import RegionLevel, Station
from talent.places.selectors import township_stations_q

# The regions table's level comes back from the stored figures as a member (its label).
register_coded(RegionLevel)


# The tables each part of the staff dashboard reads (tests/figures/test_freshness.py checks them), the area's
# regions among them: each part is kept under its own, so a CE credit has the registrations needing attention computed
# again and leaves the headline figures and the regions' table served. None reads the workers' own records (an HR's
# everyday edits: a phone number, a name), the organisations, exam results, pay or cohorts: a change there leaves the
# dashboard as it was.
_PLACES = ("regions", "stations", "employment_spells", "certificates")
DASHBOARD_PART_READS: dict[str, tuple[str, ...]] = {
    "figures": _PLACES,
    "regions": ("station_tiers", *_PLACES),
    "attention": ("ce_credits", "ce_credit_rules", "exam_levels", *_PLACES),
}
DASHBOARD_READS = tuple(sorted({t for reads in DASHBOARD_PART_READS.values() for t in reads}))


def year_to(today: date) -> date:
    """The first day of the twelve months ending today (365 days, both ends included)."""
    return today - timedelta(days=364)


async def staff_dashboard(*, scope: Scope, today: date) -> dict:
    """Everything a staff dashboard shows: {"figures", "regions", "attention"}. Kept exact under the data version
    (talent.figures.freshness) part by part, each under the tables it reads: one statement while nothing they read
    has changed since the viewer's scope last computed them today (the whole country's took seconds a visit); after
    a change, the parts that read its table computed again (two at a time)."""

    def part(name: str, build) -> Kept:
        async def compute():
            return await build(scope=scope, today=today, area=await area_for(scope) or Area(scope))

        return Kept(f"dashboard:{name}:{scope_key(scope)}", compute, DASHBOARD_PART_READS[name])

    figures, regions, attention = await cached_many(
        day=today,
        figures=[
            part("figures", dashboard_figures),
            part("regions", dashboard_regions),
            part("attention", dashboard_attention),
        ],
    )
    return {"figures": figures, "regions": regions, "attention": attention}


async def dashboard_figures(*, scope: Scope, today: date, area: Area | None = None) -> dict:
    """Headline numbers for a staff dashboard (one SQL aggregate each, over the viewer's scope)."""
    area = area or await area_for(scope) or Area(scope)
    cert = (await certification(area, today))[TOTAL]
    return {
        # Township (street) stations, as a province counts its 社工站: the county centre and village rooms are not.
        "stations": await Station.filter(township_stations_q(scope)).count(),
        "headcount": cert.headcount,
        "certified": cert.certified,
        "exits_12m": await separations(area, year_to(today), today),
    }


async def dashboard_regions(*, scope: Scope, today: date, area: Area | None = None) -> dict:
    """A bureau's (or an admin's) regions one level down, with their figures, and the level they are at: a city
    bureau sees its counties, a county bureau its townships; HR and supervisors get none."""
    area = area or await area_for(scope) or Area(scope)
    if not (scope.is_admin or scope.region_path):
        return {"rows": [], "level": None}
    children = await child_regions(area)
    if not children:
        return {"rows": [], "level": None}
    overview = await children_overview(area, today, year_to(today), today)
    return {"rows": overview["children"], "level": children[0].level}


async def dashboard_attention(*, scope: Scope, today: date, area: Area | None = None) -> dict[str, int]:
    area = area or await area_for(scope) or Area(scope)
    return await registration_counts(area, today)


# ── a worker's home ────────────────────────────────────────────────────────────────────────────────────────


async def next_exam(*, today: date) -> dict | None:
    """The next exam sitting of the catalogue (talent.certification's exam years): the first whose exam is today
    or later, with the days left (0 on the day itself); None when the catalogue holds none. One query."""
    row = await ExamYear.filter(exam_on__gte=today).order_by("exam_on").first()
    if row is None:
        return None
    return {"year": row.year, "exam_on": row.exam_on, "days": (row.exam_on - today).days}


async def continue_course(*, worker_id: int, today: date) -> dict | None:
    """The enrolment to continue: of the worker's enrolled courses, the one whose lesson they finished last (else
    the latest enrolment), with its progress and the lesson to go on with (None when every lesson is done).
    A fixed number of queries whatever the worker's courses and lessons; None without the learning side or an
    enrolled course."""
    side = learning.side()
    if side is None:
        return None
    mine = await side.current(worker_id=worker_id, today=today)
    enrolled = [e for e in mine["current"] if str(getattr(e.status, "value", e.status)) == "enrolled"]
    if not enrolled:
        return {"enrolment": None, "waitlisted": len(mine["current"]), "hours_year": mine["hours_year"]}
    touched = await side.last_touched(worker_id)
    enrolment = next((e for e in enrolled if e.id == touched), None) or max(enrolled, key=lambda e: e.id)
    lessons = await side.lessons(enrolment.course_id)
    progress = await side.progress(enrolment=enrolment, lessons=lessons)
    return {
        "enrolment": enrolment,
        "course": enrolment.course,
        "percent": enrolment.percent,
        "done": enrolment.done,
        "required": enrolment.required,
        "resume": progress["resume"],
        "others": len(enrolled) - 1,
        "waitlisted": len(mine["current"]) - len(enrolled),
        "hours_year": mine["hours_year"],
    }


async def exam_readiness(*, worker_id: int, now: datetime, reach: list[str]) -> list[dict]:
    """Readiness per exam subject that has a paper and questions the worker may draw (within `reach`, the
    learning side's `reach`), in catalogue order: [{"subject": ExamSubject, "readiness": Readiness}]. Fixed
    queries (the subjects, the bank, readiness's)."""
    side = learning.side()
    if side is None:
        return []
    counts = await side.bank_counts(reach=reach)
    subjects = [s for s in await exam_papers() if counts.get(s.code)]
    readiness = await side.readiness(worker_id=worker_id, subjects=subjects, now=now, reach=reach)
    return [{"subject": s, "readiness": readiness[s.code]} for s in subjects]


async def reviews_due(*, worker_id: int, today: date, reach: list[str]) -> int | None:
    side = learning.side()
    return None if side is None else await side.reviews_due(worker_id=worker_id, today=today, reach=reach)


def _short(cert) -> dict:
    """What a certificate is short of today: CE hours against the period's requirement (registered ones), or
    the first registration by its deadline."""
    required = Decimal(cert.rules.ce_hours_per_period)
    hours = cert.ce_hours or Decimal(0)
    return {
        "ce_required": required,
        "ce_short": max(required - hours, Decimal(0)) if cert.registered_on else None,
    }


async def registration_status(*, scope: Scope, worker_id: int, today: date) -> list[dict]:
    """The worker's certificates, highest level first, each with its status, expiry, CE hours this period and
    what is short (talent.certification.selectors.worker_certificates; fixed queries)."""
    certificates = await worker_certificates(scope=scope, worker_id=worker_id, today=today)
    return [{"cert": c, **_short(c)} for c in certificates]


async def my_cohort(*, worker_id: int) -> CohortMember | None:
    """The worker's latest cohort membership, with its cohort and mentor (talent.cohorts; one query)."""
    memberships = await my_memberships(worker_id=worker_id)
    return memberships[0] if memberships else None


async def my_pay(*, worker_id: int, today: date) -> dict | None:
    """The worker's pay row today (talent.pay.selectors.worker_pay) when a salary is recorded, else None."""
    row = await worker_pay(worker_id=worker_id, on=today)
    return row if row and row["pay"] is not None else None


async def learner_home(*, scope: Scope, worker_id: int, today: date, now: datetime) -> dict:
    """Everything a worker's home shows, each from its own package's reads; a fixed number of queries."""
    side = learning.side()
    # The questions the worker may draw today bound the reviews due, the bank and readiness alike: read once.
    reach = await side.reach(worker_id=worker_id, today=today) if side else []
    # The panels read independently of each other (core.concurrency.gather_panels).
    panels = {
        "course": lambda: continue_course(worker_id=worker_id, today=today),
        "due": lambda: reviews_due(worker_id=worker_id, today=today, reach=reach),
        "readiness": lambda: exam_readiness(worker_id=worker_id, now=now, reach=reach),
        "exam": lambda: next_exam(today=today),
        "certificates": lambda: registration_status(scope=scope, worker_id=worker_id, today=today),
        "member": lambda: my_cohort(worker_id=worker_id),
        "pay": lambda: my_pay(worker_id=worker_id, today=today),
    }
    return await gather_panels(panels)
