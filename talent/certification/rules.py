"""The certification rules as pure functions (no database): carry-over, registration dates and status.

Registration expiry, the CE hours of the current period, the certificate status and the days of social work
are also built as SQL (talent.certification.expressions), which the pages, exports and reminders read; these
functions are its Python mirror, used by the services that check one certificate before a write, and
tests/certification/test_mirror.py holds the two to the same answers. Every date rule is written as "a date
compared with a threshold computed from today" (Thresholds), so the SQL compares with the very same dates.
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from talent.core.attrs import attrs_of
from talent.core.codes import Coded
from talent.core.i18n import N_


class CertStatus(Coded):
    """Where a worker's certificate stands today (registration_status)."""

    NONE = "none", N_("No certificate")
    UNREGISTERED = "unregistered", N_("Awaiting first registration")
    REGISTERED = "registered", N_("Registered")
    RENEWAL_OPEN = "renewal_open", N_("Renewal window open")
    CE_SHORTFALL = "ce_shortfall", N_("CE shortfall")
    # A certificate never registered within the first-registration window: the certificate does not lapse, its
    # first registration is overdue (逾期未首次登记).
    FIRST_OVERDUE = "first_overdue", N_("First registration overdue")
    # A registration whose period ended without re-registration (再登记).
    LAPSED = "lapsed", N_("Lapsed")


STATUSES = tuple(CertStatus)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(registered_on: date, valid_years: int) -> date:
    """The last day of a registration period: registered 2024-03-01 for 3 years → valid through 2027-02-28."""
    return add_months(registered_on, 12 * valid_years) - timedelta(days=1)


@dataclass(frozen=True)
class LevelRules:
    carry_over_years: int = 1
    review_required: bool = False
    first_registration_months: int = 12
    registration_valid_years: int = 3
    renewal_window_months: int = 3
    ce_hours_per_period: int = 90

    @classmethod
    def of(cls, level) -> "LevelRules":
        """The rules an exam level row holds (each field is one of its columns); the defaults without a row."""
        if level is None:
            return cls()
        return cls(**{f.name: getattr(level, f.name) for f in fields(cls)})


def level_passed_in(subject_codes: Iterable[str], passes: Mapping[str, Iterable[int]], window: int) -> int | None:
    """The first exam year E such that every subject has a pass in the `window` consecutive years ending
    with E, or None. `passes` maps a subject code to the years it was passed."""
    codes = list(subject_codes)
    if not codes or window < 1:
        return None
    years = {code: set(passes.get(code, ())) for code in codes}
    candidates = sorted(set().union(*years.values()))
    for end in candidates:
        start = end - window + 1
        if all(any(start <= y <= end for y in years[code]) for code in codes):
            return end
    return None


def effective_expiry(registered_on: date | None, expires_on: date | None, rules: LevelRules) -> date | None:
    if expires_on is not None:
        return expires_on
    if registered_on is None:
        return None
    return period_end(registered_on, rules.registration_valid_years)


@dataclass(frozen=True)
class Thresholds:
    """Dates computed from today for one level; the SQL uses the very same values."""

    today: date
    first_registration_from: date  # a certificate obtained on or after this may still be registered
    renewal_from: date  # an expiry on or before this day means the renewal window is open
    last_year_from: date  # an expiry before this day means the period is in its last year

    @classmethod
    def of(cls, rules: LevelRules, today: date) -> "Thresholds":
        return cls(
            today=today,
            first_registration_from=add_months(today, -rules.first_registration_months),
            renewal_from=add_months(today, rules.renewal_window_months),
            last_year_from=add_months(today, 12),
        )


# --- what counts toward a period's CE hours (models.CeCreditRule) -------------------------------------------

# The national CE measures: 《社会工作者继续教育办法》（民发〔2009〕123号，民政部 2009年9月7日印发，
# www.gov.cn/zwgk/2009-09/11/content_1415343.htm). Per registration period (3 years) an assistant needs at least 72
# hours, an intermediate or senior social worker 90 (ExamLevel.ce_hours_per_period). Its counting rule: training
# with a certificate of completion counts at its actual length (按实际培训时间计算); a social-work degree earned counts
# 90 hours once (取得学历或者学位的，一次性记90小时), degree study without the degree the hours of the courses passed.
# It names neither supervision nor publications; the provincial civil-affairs departments organise CE in their region
# (第五条), so a province's rule overrides a kind's national default.
CE_MEASURES = "《社会工作者继续教育办法》（民发〔2009〕123号）"
CE_MEASURES_FROM = date(2009, 9, 7)

# kind: (cap per period (None: none, 0: does not count), the measures' wording)
CE_CREDIT_DEFAULTS: dict[str, tuple[Decimal | None, str]] = {
    "course": (None, f"{CE_MEASURES}：参加社会工作培训并取得合格证明的，按实际培训时间计算"),
    "external": (None, f"{CE_MEASURES}：参加社会工作培训并取得合格证明的，按实际培训时间计算"),
    "supervision": (None, f"{CE_MEASURES}未列督导；按培训的实际时间类推（督导课时另见督导继续教育规则）"),
    "degree": (
        Decimal(90),
        f"{CE_MEASURES}：取得社会工作专业学历或者学位的，一次性记90小时；未取得的按考试合格的专业课程实际授课时间计算",
    ),
    "publication": (Decimal(0), f"{CE_MEASURES}未列论著、课题；由省级民政部门规定（第五条）"),
    "public": (Decimal(0), f"{CE_MEASURES}只计社会工作专业继续教育；公需科目不计入"),
    "other": (None, f"{CE_MEASURES}：其他经认定的社会工作专业继续教育按实际时间计算"),
}
CE_KINDS = tuple(CE_CREDIT_DEFAULTS)


@dataclass(frozen=True)
class CapRule:
    """One models.CeCreditRule row without the row."""

    region_path: str
    kind: str
    effective_from: date
    max_hours: Decimal | None


def encloses(region_path: str, path: str) -> bool:
    """A rule of `region_path` ("" national) applies to a worker of region `path` (paths end with "/")."""
    return path.startswith(region_path)


def ranked(rules: Iterable, path: str, on: date) -> list:
    """The rules (anything with region_path and effective_from) applying to region `path` on day `on`, the one that
    wins first: the most specific enclosing region's, then the latest (the choice of supervision.selectors)."""
    fitting = [r for r in rules if encloses(r.region_path, path) and r.effective_from <= on]
    return sorted(fitting, key=lambda r: (len(r.region_path), r.effective_from), reverse=True)


def ce_caps(rules: Iterable[CapRule], path: str, on: date) -> dict[str, Decimal | None]:
    """Each kind's cap for a period beginning on `on` of a worker of region `path`: the winning rule's, the national
    default where no rule applies."""
    rules = list(rules)
    caps = {}
    for kind, (default, _source) in CE_CREDIT_DEFAULTS.items():
        winners = ranked([r for r in rules if r.kind == kind], path, on)
        caps[kind] = winners[0].max_hours if winners else default
    return caps


def capped(hours: Decimal, cap: Decimal | None) -> Decimal:
    return hours if cap is None or hours < cap else Decimal(cap)


def period_ce_by_kind(credits: Iterable[tuple], registered_on: date | None, expiry: date | None) -> dict[str, Decimal]:
    """Hours recorded per kind in the period, from its first day to its last, both included. A credit is
    (earned_on, hours) or (earned_on, hours, kind); a credit without a kind is a course."""
    totals: dict[str, Decimal] = {}
    if registered_on is None or expiry is None:
        return totals
    for day, hours, *kind in credits:
        if registered_on <= day <= expiry:
            key = kind[0] if kind else "course"
            totals[key] = totals.get(key, Decimal(0)) + Decimal(hours)
    return totals


def period_ce_hours(
    credits: Iterable[tuple],
    registered_on: date | None,
    expiry: date | None,
    caps: Mapping[str, Decimal | None] | None = None,
) -> Decimal:
    """CE hours of the current registration period: each kind's hours earned from its first day to its last, both
    included, at most the kind's cap (`caps`; none given: no caps); nothing before a first registration.

    Worked example (a province capping training at 60): 100 h of courses and 20 h of supervision count
    min(100, 60) + 20 = 80 h, enough for an assistant's 72."""
    by_kind = period_ce_by_kind(credits, registered_on, expiry)
    return sum((capped(hours, (caps or {}).get(kind)) for kind, hours in by_kind.items()), Decimal(0))


# --- the professional-technical staff's yearly CE (models.CeYearlyRule) -------------------------------------

# 《专业技术人员继续教育规定》（人力资源社会保障部令第25号，2015年10月1日起施行）第八条：
# 专业技术人员参加继续教育的时间，每年累计应不少于90学时，其中，专业科目一般不少于总学时的三分之二
# (⅔ × 90 = 60). Off by default: a region switches it on. (The article's wording was checked against published
# restatements; the day it took effect was not found there and is as we know it.)
YEARLY_SOURCE = (
    "《专业技术人员继续教育规定》（人力资源社会保障部令第25号）第八条："
    "每年累计不少于90学时，专业科目一般不少于总学时的三分之二"
)
YEARLY_FROM = date(2015, 10, 1)


@dataclass(frozen=True)
class YearlyRule:
    """The terms of a models.CeYearlyRule row without the row."""

    applies: bool = False
    yearly_hours: Decimal = Decimal(90)
    professional_hours: Decimal = Decimal(60)
    source: str = YEARLY_SOURCE


YEARLY_DEFAULT = YearlyRule()


@dataclass(frozen=True)
class YearlyCe:
    """A worker's CE hours of one calendar year against the yearly rule."""

    year: int
    hours: Decimal
    professional: Decimal
    rule: YearlyRule

    @property
    def met(self) -> bool:
        return self.hours >= self.rule.yearly_hours and self.professional >= self.rule.professional_hours


def yearly_ce(credits: Iterable[tuple], year: int, rule) -> YearlyCe:
    """The hours of `year` (1 January to 31 December) and of them the professional ones (every kind but public-subject
    training), uncapped. E.g. 70 h of courses and 25 h of public subjects: 95 h ≥ 90 but 70 professional ≥ 60: met."""
    hours = professional = Decimal(0)
    for day, amount, *kind in credits:
        if day.year == year:
            hours += Decimal(amount)
            if (kind[0] if kind else "course") != "public":
                professional += Decimal(amount)
    terms = YearlyRule(rule.applies, Decimal(rule.yearly_hours), Decimal(rule.professional_hours), rule.source)
    return YearlyCe(year=year, hours=hours, professional=professional, rule=terms)


def registration_status(
    *,
    obtained_on: date | None,
    registered_on: date | None,
    expires_on: date | None,
    ce_hours: Decimal | int | float,
    rules: LevelRules,
    today: date,
) -> CertStatus:
    """none / unregistered / first_overdue / registered / renewal_open / ce_shortfall / lapsed for one
    certificate."""
    if obtained_on is None:
        return CertStatus.NONE
    t = Thresholds.of(rules, today)
    if registered_on is None:
        return CertStatus.UNREGISTERED if obtained_on >= t.first_registration_from else CertStatus.FIRST_OVERDUE
    expiry = effective_expiry(registered_on, expires_on, rules)
    short = Decimal(str(ce_hours)) < rules.ce_hours_per_period
    if expiry < today:
        return CertStatus.LAPSED
    if expiry <= t.renewal_from:
        return CertStatus.CE_SHORTFALL if short else CertStatus.RENEWAL_OPEN
    if expiry < t.last_year_from and short:
        return CertStatus.CE_SHORTFALL
    return CertStatus.REGISTERED


def first_registration_allowed(day: date, obtained_on: date, months: int) -> bool:
    """A first registration on `day` is within `months` of obtaining the certificate."""
    return obtained_on <= day and obtained_on >= add_months(day, -months)


def first_registration_deadline(obtained_on: date, months: int) -> date:
    """The last day a first registration is accepted."""
    day = add_months(obtained_on, months) + timedelta(days=3)
    while not first_registration_allowed(day, obtained_on, months):
        day -= timedelta(days=1)
    return day


def renewal_allowed(day: date, expiry: date, window_months: int) -> bool:
    """A renewal on `day` falls in the window: on or before the expiry, at most `window_months` before it."""
    return day <= expiry <= add_months(day, window_months)


def renewal_opens(expiry: date, window_months: int) -> date:
    """The first day a renewal is accepted."""
    day = add_months(expiry, -window_months) - timedelta(days=3)
    while not renewal_allowed(day, expiry, window_months):
        day += timedelta(days=1)
    return day


# --- eligibility to sit a level --------------------------------------------------------------------------

LEVELS = ("assistant", "intermediate", "senior")
EDUCATION_ORDER = ("secondary", "associate", "bachelor", "master", "doctorate")
YEAR_DAYS = Decimal("365.25")


def years_of(days: int | Decimal) -> Decimal:
    """Days of social work as years for display: days / 365.25, to 0.01 (5 calendar years of 1826 days → 5.00).
    Eligibility compares calendar years instead (years_to_cutoff)."""
    return (Decimal(days or 0) / YEAR_DAYS).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def days_of_years(years: int, cutoff: date) -> int:
    """The days of the `years` whole calendar years that end on the cut-off: from the day after the same date
    `years` earlier to the cut-off, both included (2 years to 2026-05-31: 2024-06-01 … 2026-05-31, 730 days)."""
    return (cutoff - add_months(cutoff, -12 * years)).days


def years_to_cutoff(days: int, cutoff: date) -> Decimal:
    """Days of social work as the years an eligibility rule counts: whole calendar years back from the cut-off,
    plus the share of the calendar year before them. Exactly N years when the days cover the N calendar years
    to the cut-off, so N years are reached on the day they are and not a day sooner (729 days to 2026-05-31
    are 1 + 364/365 years, short of 2; days / 365.25 would read 2.00)."""
    whole = 0
    while days_of_years(whole + 1, cutoff) <= days:
        whole += 1
    low, high = days_of_years(whole, cutoff), days_of_years(whole + 1, cutoff)
    return whole + Decimal(days - low) / Decimal(high - low)


def social_work_days(spells: Iterable[tuple[date, date | None]], cutoff: date, since: date | None = None) -> int:
    """Days covered by employment spells (start_on, end_on or None while unfinished) from `since` (or their
    start) to the cut-off, both included, days two spells share counted once. The Python mirror of
    expressions.social_work_days_sql."""
    clipped = sorted(
        (max(start, since) if since is not None else start, end if end is not None and end < cutoff else cutoff)
        for start, end in spells
    )
    total = 0
    reached: date | None = None  # the last day counted so far
    for start, end in clipped:
        if reached is not None and start <= reached:
            start = reached + timedelta(days=1)
        if start <= end:
            total += (end - start).days + 1
            reached = end
    return total


@dataclass(frozen=True)
class Rule:
    """One eligibility rule as the catalogue holds it (EligibilityRule)."""

    level: str
    min_education: str | None = None  # None: any education
    social_work_major: bool | None = None  # None: any major
    min_years: int = 0
    requires_level: str | None = None  # a certificate held first; min_years then counts from obtaining it
    note: str = ""  # the route as the notice words it
    id: int | None = None
    source: str = ""  # the document the route comes from
    source_year: int | None = None

    @classmethod
    def of(cls, row) -> "Rule":
        return cls(
            **attrs_of(row, "level", "min_education", "social_work_major", "requires_level", "note", "id"),
            min_years=int(row.min_years),
            source=getattr(row, "source", ""),
            source_year=getattr(row, "source_year", None),
        )


@dataclass(frozen=True)
class Held:
    """A certificate the worker holds: its level, when it was obtained, and the years of social work
    from that day to the cut-off (what a rule with requires_level counts)."""

    level: str
    obtained_on: date
    years_since: Decimal


@dataclass(frozen=True)
class LevelEligibility:
    level: str
    eligible: bool
    # The rule that admits the worker; when not eligible, the nearest rule (the fewest years missing).
    rule: Rule | None = None
    years_missing: Decimal = Decimal(0)  # > 0: that many more years of social work by the cut-off
    level_missing: str | None = None  # that certificate is needed first
    held: bool = False  # the worker already holds this level

    @property
    def years_to_show(self) -> Decimal:
        """The years missing rounded up to 0.1, so a few days missing never reads as 0."""
        return self.years_missing.quantize(Decimal("0.1"), rounding=ROUND_CEILING)

    @property
    def no_rule_fits(self) -> bool:
        """No rule of the level admits the worker's education and major, whatever the years."""
        return not self.eligible and self.rule is None and self.level_missing is None


def _education_rank(education: str | None) -> int:
    return EDUCATION_ORDER.index(education) if education in EDUCATION_ORDER else -1


def _shortfall(rule: Rule, years: Decimal, held: Mapping[str, Held]) -> Decimal | None:
    """Years still missing under one rule (0: it admits), or None when the rule cannot apply yet
    (education, major, or the certificate it requires)."""
    counted = years
    if rule.requires_level:
        if rule.requires_level not in held:
            return None
        counted = held[rule.requires_level].years_since
    return max(Decimal(0), Decimal(rule.min_years) - counted)


def eligibility_for(
    *,
    education: str | None,
    social_work_major: bool,
    years: Decimal,
    held: Iterable[Held] = (),
    rules: Iterable[Rule],
) -> list[LevelEligibility]:
    """For each level (assistant, intermediate, senior, then any other level the rules name): may the worker
    sit it, by which rule, or what is missing.

    A rule admits when the education is at least its minimum (None: any), the major matches (None: any),
    a certificate it requires is held, and the years of social work by the cut-off (for a rule requiring a
    certificate: the years since obtaining it) reach its minimum. Any admitting rule will do; the first in
    the catalogue's order (fewest years) is named. Otherwise the nearest rule is named with the years
    missing, or the certificate missing when only certificate rules fit.

    Worked example (national defaults): a bachelor in social work with 0 years may sit assistant ("bachelor,
    social work, 0 years") but not intermediate: the nearest rule, "bachelor, social work, 3 years", misses
    3 years. An associate in social work with 0 years may sit nothing yet: "associate, social work, 2 years".
    """
    held_by_level = {h.level: h for h in held}
    years = Decimal(years)
    rules = sorted(rules, key=lambda r: (r.min_years, r.id or 0))
    named = list(LEVELS) + sorted({r.level for r in rules} - set(LEVELS))
    out = []
    for level in named:
        fitting = [
            r
            for r in rules
            if r.level == level
            and _education_rank(education) >= _education_rank(r.min_education)
            and (r.social_work_major is None or r.social_work_major == bool(social_work_major))
        ]
        gaps = [(gap, r) for r in fitting if (gap := _shortfall(r, years, held_by_level)) is not None]
        is_held = level in held_by_level
        admitting = [r for gap, r in gaps if gap == 0]
        if admitting:
            out.append(LevelEligibility(level, True, rule=admitting[0], held=is_held))
        elif gaps:
            gap, rule = min(gaps, key=lambda pair: pair[0])
            out.append(LevelEligibility(level, False, rule=rule, years_missing=gap, held=is_held))
        elif fitting:
            out.append(LevelEligibility(level, False, level_missing=fitting[0].requires_level, held=is_held))
        else:
            out.append(LevelEligibility(level, False, held=is_held))
    return out
