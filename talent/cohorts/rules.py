"""Rules of cohorts and supervision sessions, each written once (SQL expression and Python mirror where both are
needed).

- A cohort runs from start_on to end_on (both inclusive); a milestone is due inside it.
- A mentor is within reach of a member when the member's station (active on the day) lies in the mentor's home
  region, or is one of the stations the mentor is assigned to on that day, or the mentor belongs to the national
  pool (no home region).
- A supervision session credits each attendee at most the share of its own length in CE hours that the rule of
  its station's region on its day allows (talent.supervision.rules.ce_ceiling; the rules are rows of
  supervision.models.SessionCeRule, the default SUPERVISION_CE); a session credits a worker once
  ("supervision:<id>" in the CE ledger).
- Milestone progress: a course milestone is met when the member's enrolment in the course is completed; a subject
  milestone when the member has a passed result of the subject; a CE-hours milestone when the member's CE credits
  earned from the cohort's start up to today add up to the hours; a custom one when it is ticked off. A milestone
  not met whose due date has passed is overdue.
- Retention (DESIGN §1 Measures, the retention curve read at 6, 12 and 24 months): among a group's hires (their
  first full-time spell in the cohort's region) who started at least D days before the report date (D = 183, 365,
  730), the share whose first spell lasted D days or more, or is still open. First-year attrition = hires whose
  first spell ended within 365 days ÷ hires who started at least 365 days before the report date (so it is 1 −
  12-month retention). Simplification: a transfer to another station counts as leaving the first spell.
"""

from datetime import date, timedelta
from decimal import Decimal

from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.supervision.rules import SUPERVISION_CE, ce_ceiling


def check_session_ce(hours: Decimal, ce_hours: Decimal, rule=SUPERVISION_CE) -> None:
    """`rule`: a supervision.models.SessionCeRule row or rules.CeRule (counts, max_share, source)."""
    if ce_hours < 0:
        raise ServiceError("ce_hours", N_("Must be at least %(n)s."), n=0)
    if ce_hours and not rule.counts:
        raise ServiceError("ce_hours", N_("Supervision sessions earn no CE hours here."))
    ceiling = ce_ceiling(hours, rule.counts, rule.max_share)
    if ce_hours > ceiling:
        if Decimal(rule.max_share) >= 1:
            raise ServiceError("ce_hours", N_("At most the session's own hours (%(n)s)."), n=str(ceiling))
        raise ServiceError(
            "ce_hours",
            N_("At most %(n)s CE hours: the rule here credits %(share)s of a session's hours (%(source)s)."),
            n=str(ceiling),
            share=f"{format(Decimal(rule.max_share * 100).normalize(), 'f')}%",
            source=rule.source,
        )


def check_cohort_dates(start_on: date | None, end_on: date | None) -> None:
    if start_on is None:
        raise ServiceError("start_on", N_("This field is required."))
    if end_on is None:
        raise ServiceError("end_on", N_("This field is required."))
    if end_on < start_on:
        raise ServiceError("end_on", N_("The end cannot be before the start."))


def check_due(due_on: date | None, start_on: date, end_on: date) -> None:
    """A milestone is due inside its cohort's dates."""
    if due_on is None:
        raise ServiceError("due_on", N_("This field is required."))
    if not start_on <= due_on <= end_on:
        raise ServiceError(
            "due_on",
            N_("A milestone is due within the cohort's dates (%(start)s to %(end)s)."),
            start=start_on.isoformat(),
            end=end_on.isoformat(),
        )


def is_overdue(met: bool, due_on: date, today: date) -> bool:
    return not met and due_on < today


# Retention at 6, 12 and 24 months, counted in days of the first spell in the region (DESIGN §1 Measures counts tenure
# in days): 183, 365 and 730.
RETENTION_DAYS = {6: 183, 12: 365, 24: 730}


def retained(start: date, end: date | None, months: int, on: date) -> bool | None:
    """Retained at `months` (None: hired too recently to tell on `on`): the first spell in the region lasted at
    least RETENTION_DAYS[months] days (end − start, the end being the last working day) or is still open."""
    days = RETENTION_DAYS[months]
    if start + timedelta(days=days) > on:
        return None
    return end is None or (end - start).days >= days


def left_in_first_year(start: date, end: date | None, on: date) -> bool | None:
    """First-year attrition of one hire: the first spell ended within 365 days of its start (None: hired less than
    365 days before `on`). Always the opposite of retained at 12 months."""
    kept = retained(start, end, 12, on)
    return None if kept is None else not kept


def rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001")) if whole else None
