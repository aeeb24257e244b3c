"""The pay rules, each written once: as SQL (used by compliance, the simulator, reports and the API) and as a
Python mirror (used by the services on one record and by the tests, which hold the two to the same answers).

Definitions (shown on the pages next to the figures):
- **Years of service** on day d: whole years completed from the start of the worker's first employment spell
  (any station) to d. A worker hired 2020-03-01 has 5 years on 2025-03-01 and 4 on 2025-02-28.
- **Certificate level** on d: the highest certificate obtained on or before d (certification's rule, Python
  mirror talent.certification.for_people.levels_for), "none" without one.
- **Band**: certificate level × years of service in [years_from, years_to) → monthly min / mid / max of total
  monthly pay (base + allowances); an empty years_to is open-ended.
- **Pay** on d: monthly base + monthly allowances of the latest salary record effective on or before d.
- **Status** on d: no_record (no record yet), below_floor (pay < floor), below_band (pay < band min),
  within_band (pay ≤ band max), above_band; a worker whose level has no band is held to the floor only.
- **Compa-ratio** = pay ÷ band mid; **range penetration** = (pay − min) ÷ (max − min) (none when max = min);
  **monthly shortfall** = max(0, max(floor, band min) − pay): what lifts the worker to both.
- **Applicable standard** on d for a station: the published standard, effective on or before d, of the most
  specific region enclosing the station; among one region's, the latest effective, then the latest published.
- **Back pay** of a standard published after its effective date: the monthly shortfall × whole months from
  the effective date to d.
- **Proposed pay change** on d, for a worker with a salary record and an applicable standard, from the latest
  record (base B, allowances A, effective from r); each reason counts until HR accepts or dismisses it:
  - *new certificate*: the level on d is above the level on r, and the standard's allowance for the new level
    less that for the old one (Δ) is positive, or B + A + Δ is below the band minimum;
  - *yearly assessment*: the worker's assessment of the year before d's year has a grade with a performance step
    in the standard, and r is before 1 January of d's year;
  - *yearly uplift*: the standard has an uplift percentage u and r is before the standard's effective date.
  Proposed base = B × (1 + u ÷ 100) (uplift only) + step (assessment only); proposed allowances = A × (1 + u ÷ 100)
  + Δ (certificate only); with a certificate, the base is raised further to reach the band minimum. Each product is
  rounded to the fen. Shown when the proposed pay is above the current.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from talent.certification.expressions import date_literal
from talent.core.codes import Coded
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.pay.models import PayLevel

ZERO = Decimal("0")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")


class PayStatus(Coded):
    BELOW_FLOOR = "below_floor", N_("Below floor")
    BELOW_BAND = "below_band", N_("Below band")
    WITHIN_BAND = "within_band", N_("Within band")
    ABOVE_BAND = "above_band", N_("Above band")
    NO_RECORD = "no_record", N_("No salary record")


STATUSES = tuple(PayStatus)
LEVELS = tuple(PayLevel)


# ── amounts and bands ─────────────────────────────────────────────────────────────────────────────


def money(value, field: str) -> Decimal:
    """A monthly amount in yuan: finite, not negative, to the fen."""
    try:
        amount = Decimal(value)
    except (ArithmeticError, ValueError, TypeError):
        raise ServiceError(field, N_("Enter an amount in yuan.")) from None
    if not amount.is_finite():
        raise ServiceError(field, N_("Enter an amount in yuan."))
    if amount < 0:
        raise ServiceError(field, N_("An amount cannot be negative."))
    if amount > MAX_AMOUNT:
        raise ServiceError(field, N_("This amount is too large."))
    return amount.quantize(CENT)


@dataclass(frozen=True)
class Band:
    level: str
    years_from: int
    years_to: int | None
    min_pay: Decimal
    mid_pay: Decimal
    max_pay: Decimal

    def covers(self, years: int) -> bool:
        return self.years_from <= years and (self.years_to is None or years < self.years_to)


def default_mid(min_pay: Decimal, max_pay: Decimal) -> Decimal:
    return ((min_pay + max_pay) / 2).quantize(CENT)


def check_bands(bands: Iterable[Band], *, complete: bool = False) -> list[Band]:
    """Bands sorted by level and years; ServiceError("bands", …) on min > max, a mid outside [min, max], an empty
    or reversed years range, or bands of one level that overlap or leave a gap in years of service. `complete`
    (publishing): each level's bands start at 0 years and the last is open-ended, so every worker of a level
    with bands has exactly one."""
    out = sorted(bands, key=lambda b: (LEVELS.index(PayLevel(b.level)), b.years_from))
    for band in out:
        label = PayLevel(band.level).label.tr()
        if band.years_from < 0 or (band.years_to is not None and band.years_to <= band.years_from):
            raise ServiceError("bands", N_("%(level)s: a years range must end after it starts."), level=label)
        if band.min_pay > band.max_pay:
            raise ServiceError("bands", N_("%(level)s: the minimum is above the maximum."), level=label)
        if not band.min_pay <= band.mid_pay <= band.max_pay:
            raise ServiceError(
                "bands", N_("%(level)s: the midpoint must lie between minimum and maximum."), level=label
            )
    for level in LEVELS:
        mine = [b for b in out if b.level == level]
        label = PayLevel(level).label.tr()
        for before, after in zip(mine, mine[1:], strict=False):
            if before.years_to is None or after.years_from < before.years_to:
                raise ServiceError(
                    "bands",
                    N_("%(level)s: bands overlap at %(years)s years of service."),
                    level=label,
                    years=after.years_from,
                )
            if after.years_from > before.years_to:
                raise ServiceError(
                    "bands",
                    N_("%(level)s: no band covers %(start)s to %(end)s years of service."),
                    level=label,
                    start=before.years_to,
                    end=after.years_from,
                )
        if complete and mine:
            if mine[0].years_from != 0:
                raise ServiceError(
                    "bands",
                    N_("%(level)s: no band covers %(start)s to %(end)s years of service."),
                    level=label,
                    start=0,
                    end=mine[0].years_from,
                )
            if mine[-1].years_to is not None:
                raise ServiceError(
                    "bands", N_("%(level)s: the last band must be open-ended (no upper years)."), level=label
                )
    return out


def band_for(bands: Iterable[Band], level: str, years: int) -> Band | None:
    return next((b for b in bands if b.level == level and b.covers(years)), None)


# ── years, months, status (Python mirrors) ─────────────────────────────────────────────────────────


def years_of_service(first_start: date | None, day: date) -> int:
    """Whole years from `first_start` to `day` (0 before the first anniversary; 0 without a spell)."""
    if first_start is None or first_start > day:
        return 0
    return day.year - first_start.year - ((day.month, day.day) < (first_start.month, first_start.day))


def whole_months(start: date, day: date) -> int:
    """Whole months from `start` to `day`: 2026-01-01 → 2026-07-01 is 6, → 2026-06-30 is 5; 0 if day < start."""
    if day <= start:
        return 0
    months = (day.year - start.year) * 12 + day.month - start.month
    return months - (1 if day.day < start.day else 0)


def pay_status(pay: Decimal | None, floor: Decimal, band: Band | None) -> PayStatus:
    if pay is None:
        return PayStatus.NO_RECORD
    if pay < floor:
        return PayStatus.BELOW_FLOOR
    if band is None:
        return PayStatus.WITHIN_BAND
    if pay < band.min_pay:
        return PayStatus.BELOW_BAND
    if pay <= band.max_pay:
        return PayStatus.WITHIN_BAND
    return PayStatus.ABOVE_BAND


def shortfall(pay: Decimal | None, floor: Decimal, band: Band | None) -> Decimal:
    if pay is None:
        return ZERO
    target = max(floor, band.min_pay) if band else floor
    return max(ZERO, target - pay)


def compa_ratio(pay: Decimal | None, band: Band | None) -> Decimal | None:
    if pay is None or band is None or band.mid_pay == 0:
        return None
    return pay / band.mid_pay


def penetration(pay: Decimal | None, band: Band | None) -> Decimal | None:
    if pay is None or band is None or band.max_pay == band.min_pay:
        return None
    return (pay - band.min_pay) / (band.max_pay - band.min_pay)


# ── SQL ───────────────────────────────────────────────────────────────────────────────────────────


def _covers(region_path: str) -> str:
    """Standard `a` is published for a region enclosing the station path `region_path`."""
    return f"a.status = 'published' AND substr({region_path}, 1, length(a.region_path)) = a.region_path"


# Of the standards covering a station on a day, the one that applies sorts first (PaySql.applicable).
_APPLIES_FIRST = "a.region_path DESC, a.effective_from DESC, a.published_at DESC, a.id DESC"


@dataclass(frozen=True)
class PaySql:
    """The rules above as SQL expressions for SQLite or PostgreSQL; `day` is inlined as a date literal formatted
    from a date object (never from user text). `day_sql`, when given, is an SQL date expression used instead (a
    column of the row, so each row is judged on its own day: retention groups spells by the status on their last
    day)."""

    day: date
    pg: bool
    day_sql: str = ""

    @property
    def d(self) -> str:
        return self.day_sql or date_literal(self.day, self.pg)

    def num(self, column: str) -> str:
        """A money column as a number: SQLite keeps Decimal as text, and text compares as text."""
        return column if self.pg else f"CAST({column} AS REAL)"

    def years(self, first_start: str) -> str:
        """years_of_service: the year difference, less one before the anniversary in day's year."""
        if self.pg:
            return (
                f"(CAST(EXTRACT(YEAR FROM {self.d}) AS INTEGER) - CAST(EXTRACT(YEAR FROM {first_start}) AS INTEGER)"
                f" - CASE WHEN to_char({first_start}, 'MM-DD') > to_char({self.d}, 'MM-DD') THEN 1 ELSE 0 END)"
            )
        return (
            f"(CAST(strftime('%Y', {self.d}) AS INTEGER) - CAST(strftime('%Y', {first_start}) AS INTEGER)"
            f" - CASE WHEN strftime('%m-%d', {first_start}) > strftime('%m-%d', {self.d}) THEN 1 ELSE 0 END)"
        )

    def level(self, worker: str) -> str:
        """The highest certificate level obtained on or before day (the level codes sort lowest first), or
        'none'."""
        return self.level_on(worker, self.d)

    @staticmethod
    def level_on(worker: str, day: str) -> str:
        """The same on the day of an SQL expression `day` (a column or a literal)."""
        return (
            f"COALESCE((SELECT MAX(c.level) FROM certificates c WHERE c.worker_id = {worker}"
            f" AND c.obtained_on <= {day}), 'none')"
        )

    @staticmethod
    def level_rank(level: str) -> str:
        """A level's place in PayLevel, lowest first (so 'none' ranks below 'assistant', which it sorts after)."""
        whens = " ".join(f"WHEN '{lv.value}' THEN {i}" for i, lv in enumerate(LEVELS))
        return f"(CASE {level} {whens} ELSE 0 END)"

    def pay(self, worker: str) -> str:
        """Base + allowances of the latest salary record effective on or before day (NULL without one)."""
        return self._latest_record(worker, f"{self.num('r.monthly_base')} + {self.num('r.monthly_allowances')}")

    def record(self, worker: str) -> str:
        """The id of the salary record `pay` reads (NULL without one)."""
        return self._latest_record(worker, "r.id")

    def _latest_record(self, worker: str, value: str) -> str:
        return (
            f"(SELECT {value} FROM pay_salary_records r WHERE r.worker_id = {worker} AND r.effective_from <= {self.d}"
            " ORDER BY r.effective_from DESC LIMIT 1)"
        )

    def applicable(self, region_path: str, standards: str = "pay_standards") -> str:
        """The id of the standard applying on day at a station whose region path is `region_path`: published,
        effective on or before day, of the most specific enclosing region (of paths that are all prefixes of one
        path, the longest sorts last), the latest effective, then the latest published."""
        return (
            f"(SELECT a.id FROM {standards} a WHERE {_covers(region_path)} AND a.effective_from <= {self.d}"
            f" ORDER BY {_APPLIES_FIRST} LIMIT 1)"
        )

    @staticmethod
    def applicable_each(name: str, pairs: str) -> str:
        """More WITH clauses (each after a comma) ending in `name`(region_path, day, id): for each distinct
        (region_path, day) of the WITH clause `pairs` (columns region_path and day), the standard `applicable`
        chooses there that day; pairs no standard covers are left out. The standards covering each distinct path
        are found first (`name`_c: a country's tenures end at 11,332 paths, a few standards each), then ranked per
        pair: a lookup among every standard per tenure cost the country's retention by pay status 2.7 of its 6
        seconds on PostgreSQL. Materialised clauses: SQLite, inlining them, looked among every standard per pair."""
        return (
            f", {name}_c AS MATERIALIZED (SELECT c.region_path AS covered, a.id AS id, a.region_path AS region_path,"
            " a.effective_from AS effective_from, a.published_at AS published_at FROM (SELECT DISTINCT region_path"
            f" FROM {pairs} WHERE region_path IS NOT NULL) c JOIN pay_standards a ON {_covers('c.region_path')}),"
            f" {name} AS MATERIALIZED (SELECT z.region_path AS region_path, z.day AS day, z.id AS id FROM ("
            "SELECT q.region_path AS region_path, q.day AS day, a.id AS id,"
            f" ROW_NUMBER() OVER (PARTITION BY q.region_path, q.day ORDER BY {_APPLIES_FIRST}) AS r"
            f" FROM (SELECT DISTINCT region_path, day FROM {pairs}) q JOIN {name}_c a ON a.covered = q.region_path"
            " AND a.effective_from <= q.day) z WHERE z.r = 1)"
        )

    @staticmethod
    def status(pay: str, floor: str, band_min: str, band_max: str) -> str:
        return (
            f"(CASE WHEN {pay} IS NULL THEN 'no_record' WHEN {pay} < {floor} THEN 'below_floor'"
            f" WHEN {band_min} IS NULL THEN 'within_band' WHEN {pay} < {band_min} THEN 'below_band'"
            f" WHEN {pay} <= {band_max} THEN 'within_band' ELSE 'above_band' END)"
        )

    @staticmethod
    def shortfall(pay: str, floor: str, band_min: str) -> str:
        target = f"(CASE WHEN {band_min} IS NOT NULL AND {band_min} > {floor} THEN {band_min} ELSE {floor} END)"
        return f"(CASE WHEN {pay} IS NULL OR {pay} >= {target} THEN 0 ELSE {target} - {pay} END)"


# ── proposed pay changes (Python mirror of the proposals' SQL) ─────────────────────────────────────────


@dataclass(frozen=True)
class Proposal:
    base: Decimal
    allowances: Decimal
    reasons: tuple[str, ...]

    @property
    def pay(self) -> Decimal:
        return self.base + self.allowances


def proposed_pay(
    *,
    base: Decimal,
    allowances: Decimal,
    new_level: bool = False,
    allowance_raise: Decimal = ZERO,
    band_min: Decimal | None = None,
    step: Decimal = ZERO,
    uplift_pct: Decimal = ZERO,
) -> Proposal | None:
    """The change proposed (rules: proposed pay change) given which reasons are pending: `new_level` (a higher
    certificate since the record) with the allowance difference and the new band minimum, a performance `step` of
    the last assessment, an `uplift_pct` of the standard not yet applied. None when nothing would rise."""
    by_cert = new_level and (
        allowance_raise > 0 or (band_min is not None and base + allowances + max(allowance_raise, ZERO) < band_min)
    )
    reasons = tuple(
        r for r, on in (("certificate", by_cert), ("assessment", step > 0), ("uplift", uplift_pct > 0)) if on
    )
    if not reasons:
        return None
    factor = 1 + uplift_pct / 100
    new_base = (base * factor).quantize(CENT, ROUND_HALF_UP) + step
    new_allowances = (allowances * factor).quantize(CENT, ROUND_HALF_UP) + (
        max(allowance_raise, ZERO) if by_cert else ZERO
    )
    if by_cert and band_min is not None and new_base + new_allowances < band_min:
        new_base = band_min - new_allowances
    if new_base + new_allowances <= base + allowances:
        return None
    return Proposal(new_base, new_allowances, reasons)
