"""A cohort's outcomes beside (a) the members of cohorts of the other kind in the same region and (b) the workers
of the same region hired in the same years who belong to no cohort (rules: talent.cohorts.rules).

Each group is one SQL aggregate over its hires' first full-time spell in the cohort's region (a window function
picks it): hires, certified, CE hours, and for 6/12/24 months those who started long enough ago and those of them
retained. Three queries whatever the size of the groups."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from talent import rawsql
from talent.cohorts.models import Cohort, CohortKind
from talent.cohorts.rules import RETENTION_DAYS, rate
from talent.core.i18n import N_, Msgid
from talent.core.sql import under_sql
from talent.people.models import EmploymentSpell

FIRST_SPELLS = """
WITH first AS (
  SELECT worker_id, start_on, end_on FROM (
    SELECT s.worker_id AS worker_id, s.start_on AS start_on, s.end_on AS end_on,
           ROW_NUMBER() OVER (PARTITION BY s.worker_id ORDER BY s.start_on, s.id) AS rn
    FROM employment_spells s JOIN stations st ON st.id = s.station_id
    WHERE {in_region} AND s.full_time = $1
  ) ranked WHERE rn = 1
)
SELECT COUNT(*) AS hires,
  MIN(f.start_on) AS first_start, MAX(f.start_on) AS last_start,
  COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM certificates c WHERE c.worker_id = f.worker_id AND c.obtained_on <= $2)
                    THEN 1 ELSE 0 END), 0) AS certified,
  COALESCE(SUM((SELECT SUM(h.hours) FROM ce_credits h WHERE h.worker_id = f.worker_id AND h.earned_on <= $2)), 0)
    AS ce_hours,
  {retention}
FROM first f WHERE {group}
"""

RETENTION = """COALESCE(SUM(CASE WHEN f.start_on <= ${p} THEN 1 ELSE 0 END), 0) AS eligible_{m},
  COALESCE(SUM(CASE WHEN f.start_on <= ${p} AND (f.end_on IS NULL OR {days} >= {d}) THEN 1 ELSE 0 END), 0)
    AS retained_{m}"""

# Members of this cohort; of the other kind's cohorts in the same region (not in this one); of no cohort, hired
# (first spell in the region) from the first to the last day of the years this cohort's members were hired in.
COHORT_GROUP = "f.worker_id IN (SELECT worker_id FROM cohort_members WHERE cohort_id = $6)"
OTHER_GROUP = """f.worker_id IN (SELECT m.worker_id FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id
  WHERE c.kind = $6 AND {cohorts_in_region})
  AND f.worker_id NOT IN (SELECT worker_id FROM cohort_members WHERE cohort_id = $7)"""
# NOT EXISTS, a probe of each hire's memberships by the members' worker index: `NOT IN (every member)` read the
# members of every cohort of the country for a county's hires (6.7 ms of a province's cohort page, PostgreSQL).
OUTSIDE_GROUP = """NOT EXISTS (SELECT 1 FROM cohort_members m WHERE m.worker_id = f.worker_id)
  AND f.start_on >= $6 AND f.start_on <= $7"""

FORMULAS: dict[str, Msgid] = {
    "certification_rate": N_("hires holding a certificate obtained on or before the day ÷ hires"),
    "mean_ce_hours": N_("CE hours credited up to the day ÷ hires"),
    "retention": N_(
        "hires whose first spell in the region lasted at least %(days)s days or is still open ÷ hires who started "
        "at least %(days)s days before the day"
    ),
    "attrition": N_(
        "hires whose first spell in the region ended within 365 days ÷ hires who started at least 365 days before "
        "the day"
    ),
}


@dataclass
class Outcome:
    hires: int
    certified: int
    ce_hours: Decimal
    eligible: dict[int, int]
    retained: dict[int, int]
    first_start: date | None = None
    last_start: date | None = None

    @property
    def certification_rate(self) -> Decimal | None:
        return rate(self.certified, self.hires)

    @property
    def mean_ce_hours(self) -> Decimal | None:
        return (self.ce_hours / self.hires).quantize(Decimal("0.1")) if self.hires else None

    def retention(self, months: int) -> Decimal | None:
        return rate(self.retained[months], self.eligible[months])

    @property
    def attrition(self) -> Decimal | None:
        return rate(self.eligible[12] - self.retained[12], self.eligible[12])


def _sql(group: str, dialect: str, region_path: str) -> str:
    days = "(julianday(f.end_on) - julianday(f.start_on))" if dialect == "sqlite" else "(f.end_on - f.start_on)"
    parts = [RETENTION.format(p=3 + i, m=m, days=days, d=d) for i, (m, d) in enumerate(RETENTION_DAYS.items())]
    # The region as a range on the paths (core.sql.under_sql), which their indexes serve: as `LIKE $1 || '%'`
    # neither planner could, and each group read every spell of the country with its station (SQLite: 82 ms a
    # group, three a page; PostgreSQL 19 ms the page, national demo).
    group = group.format(cohorts_in_region=under_sql("c.region_path", region_path))
    return FIRST_SPELLS.format(
        retention=",\n  ".join(parts), group=group, in_region=under_sql("st.region_path", region_path)
    )


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


async def _group(cohort: Cohort, on: date, group: str, *extra) -> Outcome:
    conn = EmploymentSpell._meta.db
    day = rawsql.db_value(EmploymentSpell, "start_on", on)
    marks = [rawsql.db_value(EmploymentSpell, "start_on", on - timedelta(days=d)) for d in RETENTION_DAYS.values()]
    args = [rawsql.db_value(EmploymentSpell, "full_time", True), day, *marks, *extra]
    rows = await rawsql.fetch_all(EmploymentSpell, _sql(group, conn.capabilities.dialect, cohort.region_path), *args)
    row = rows[0]
    return Outcome(
        hires=int(row["hires"] or 0),
        certified=int(row["certified"] or 0),
        ce_hours=Decimal(str(row["ce_hours"] or 0)),
        eligible={m: int(row[f"eligible_{m}"] or 0) for m in RETENTION_DAYS},
        retained={m: int(row[f"retained_{m}"] or 0) for m in RETENTION_DAYS},
        first_start=_as_date(row["first_start"]),
        last_start=_as_date(row["last_start"]),
    )


async def compare(*, cohort: Cohort, on: date) -> dict:
    """{"cohort": Outcome, "other": Outcome, "outside": Outcome, "other_kind": CohortKind, "years": (first, last)}."""
    mine = await _group(cohort, on, COHORT_GROUP, cohort.id)
    other_kind = CohortKind.EXTERNAL if cohort.kind == CohortKind.INTERNAL else CohortKind.INTERNAL
    other = await _group(cohort, on, OTHER_GROUP, other_kind.value, cohort.id)
    years = None
    if mine.first_start and mine.last_start:
        years = (mine.first_start.year, mine.last_start.year)
        first = rawsql.db_value(EmploymentSpell, "start_on", date(years[0], 1, 1))
        last = rawsql.db_value(EmploymentSpell, "start_on", date(years[1], 12, 31))
        outside = await _group(cohort, on, OUTSIDE_GROUP, first, last)
    else:
        outside = Outcome(0, 0, Decimal(0), dict.fromkeys(RETENTION_DAYS, 0), dict.fromkeys(RETENTION_DAYS, 0))
    return {"cohort": mine, "other": other, "outside": outside, "other_kind": other_kind, "years": years}
