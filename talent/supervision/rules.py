"""The rules of supervision, each written once as a SQL expression (a Q on Assignment) with its Python mirror.

An assignment runs from start_on to end_on, its last day; an open one (no end_on) runs on. It is active on day d
iff start_on ≤ d ≤ end_on (or no end_on) — the same reading as an employment spell (DESIGN §1): both are periods
of talent.core.periods, whose rules (overlapping, active_on and their mirrors) are the assignments'. "One station,
one supervisor": two primary assignments of a station may not share a day. Coverage of a set of stations on day
d = stations with an active primary assignment on d ÷ stations (DESIGN §1 "Cohorts and supervision").

A supervision session credits each attendee at most `max_share` of its own length in CE hours (ce_ceiling), and
nothing where supervision does not count. The rule is data (models.SessionCeRule, one row per region and effective
day, each naming its source document): a session uses the rule of the most specific region enclosing its station
in force on the day it was held (region_path "" = national; the same choice as a pay standard's,
selectors.session_ce_rule). The migration seeds the national default, SUPERVISION_CE below; where no row applies
(a session before the default's day) the default is the rule.

A supervisor mentors a cohort member (talent.cohorts: the member's `mentor`) from the day the member joined the
cohort (joined_on, never before the cohort's start) to the cohort's last day (end_on), both included; on those days
the member is the supervisor's mentee and in its scope. The Q below is written on the member, read from the
supervisor through the reverse relation ("mentees__"), so this package needs no import of cohorts.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from tortoise.expressions import Q

from talent.core.periods import active_on
from talent.core.periods import is_active_on as is_active_on
from talent.core.periods import overlapping as overlapping
from talent.core.periods import overlaps as overlaps

# The national rule on CE time (《社会工作者继续教育办法》, 民发〔2009〕123号): training attended with a certificate
# of completion counts at its actual length (按实际培训时间计算). Supervision is not named there; the default reads
# a session as training of its actual length, which a province may narrow or switch off.
CE_SOURCE = "《社会工作者继续教育办法》（民发〔2009〕123号）：参加培训按实际培训时间计算；督导按其实际时长类推"


# The day the national default is seeded from: the year the document was issued (sessions are not logged so early).
CE_EFFECTIVE_FROM = date(2009, 1, 1)


@dataclass(frozen=True)
class CeRule:
    """The terms of a models.SessionCeRule row without the row: whether sessions count at all, at most which share
    of a session's own hours each attendee is credited, and the document it comes from."""

    counts: bool = True
    max_share: Decimal = Decimal("1")
    source: str = CE_SOURCE


SUPERVISION_CE = CeRule()


def ce_ceiling(hours: Decimal, counts: bool, max_share: Decimal) -> Decimal:
    """The most CE hours a session of `hours` may credit each attendee under a rule: nothing where supervision does
    not count, else hours × max_share, rounded down to the tenth of an hour the ledger keeps (a 3-hour session
    at a share of 0.5 credits at most 1.5)."""
    if not counts:
        return Decimal("0")
    return (Decimal(hours) * Decimal(max_share)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def mentoring_on(day: date, prefix: str = "") -> Q:
    """Cohort members mentored on day d: joined_on ≤ d ≤ the cohort's end_on (and the cohort has started)."""
    return Q(
        **{f"{prefix}joined_on__lte": day, f"{prefix}cohort__start_on__lte": day, f"{prefix}cohort__end_on__gte": day}
    )


def primary_on(day: date, prefix: str = "") -> Q:
    """Primary assignments active on day d: what makes a station covered."""
    return active_on(day, prefix) & Q(**{f"{prefix}is_primary": True})


def coverage_rate(covered: int, stations: int) -> Decimal | None:
    """covered ÷ stations, as a fraction to three places; None when there is no station."""
    if not stations:
        return None
    return (Decimal(covered) / Decimal(stations)).quantize(Decimal("0.001"))


def parse_tags(text: str | None) -> list[str]:
    """Expertise tags typed as one line: separated by commas, 、, ；, semicolons or new lines; trimmed, each at most
    32 characters, duplicates dropped, order kept."""
    raw = (text or "").replace("，", ",").replace("、", ",").replace("；", ",").replace(";", ",").replace("\n", ",")
    return list(dict.fromkeys(t.strip()[:32] for t in raw.split(",") if t.strip()))
