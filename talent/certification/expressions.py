"""The certification rules as SQL expressions over a certificate row, for SQLite and PostgreSQL.

Each rule is built here once and mirrored once in Python (talent.certification.rules):

    registration expiry            CertificateSql.expiry()    rules.effective_expiry
    CE hours of the current period CertificateSql.ce_hours()  rules.period_ce_hours
    certificate status             CertificateSql.status(d)   rules.registration_status
    days of social work            social_work_days_sql(…)    rules.social_work_days

The certificate list, its filters and export, the worker page and the reminders read the SQL; services that
check one certificate before writing it read the Python. tests/certification/test_mirror.py runs both on a
grid of dated cases on the test database (SQLite, and PostgreSQL in CI) and asserts they agree.

"Today" enters only as dates computed in Python (rules.Thresholds) and inlined as literals: they are formatted
from date objects, never from user text.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from talent.certification.rules import CE_CREDIT_DEFAULTS, CapRule, LevelRules, Thresholds
from talent.people.models import COUNTED_EXPERIENCE

DEFAULT_RULES = LevelRules()


def date_literal(day: date, pg: bool) -> str:
    return f"DATE '{day.isoformat()}'" if pg else f"'{day.isoformat()}'"


def credit_day_sql(credit: str, pg: bool) -> str:
    """The day of the CE credit row `credit`, for comparing with a certificate's period in a per-certificate
    subquery. On PostgreSQL as an expression (`+ 0`), so the planner looks the credits up through the worker index:
    priced on its column statistics (credits are stored in day order) the day index looked cheaper, and read every
    credit of the period's years for each certificate (a county's registration counts: 56 ms against 3 ms)."""
    return f"({credit}.earned_on + 0)" if pg else f"{credit}.earned_on"


@dataclass(frozen=True)
class CertificateSql:
    """The rules of one certificate row. `row` is how the statement names that row: an alias (`c` in a
    correlated subquery) or the table (`"certificates"` when annotating a Certificate queryset). The level
    rules are inlined per level, so every value of the statement comes from the same catalogue read."""

    rules: Mapping[str, LevelRules]
    pg: bool
    row: str = "c"
    # Every models.CeCreditRule row (a small table, read once with the level rules), inlined like them.
    caps: Sequence[CapRule] = ()
    # The level rules read by the statement itself (the exam_levels row of the certificate's level) instead of
    # inlined from a read: a statement needing no more than them (valid years, required hours, expiry) costs no
    # catalogue read. The caps and the thresholds of `status` come from Python: not available so.
    live: bool = False

    def column(self, name: str) -> str:
        return f'{self.row}."{name}"'

    def _by_level(self, values: Mapping[str, str], default: str) -> str:
        if all(value == default for value in values.values()):
            # Every level alike (the national catalogue's valid years, say): the CASE would only lengthen the
            # statement, which SQLite compiles on every request, and an expiry repeats it several times.
            return default
        whens = " ".join(f"WHEN '{level}' THEN {value}" for level, value in values.items())
        return f"(CASE {self.column('level')} {whens} ELSE {default} END)"

    def _level_rule(self, name: str) -> str:
        """The LevelRules field `name` (a column of exam_levels) of the row's level; the default without a row."""
        default = str(int(getattr(DEFAULT_RULES, name)))
        if self.live:
            return (
                f"COALESCE((SELECT el.{name} FROM exam_levels el WHERE el.level = {self.column('level')}), {default})"
            )
        return self._by_level({level: str(int(getattr(r, name))) for level, r in self.rules.items()}, default)

    def _needs_read(self) -> None:
        if self.live:
            raise ValueError("this rule needs the catalogue read (certificate_sql), not live level rules")

    def valid_years(self) -> str:
        return self._level_rule("registration_valid_years")

    def required_hours(self) -> str:
        return self._level_rule("ce_hours_per_period")

    def expiry(self) -> str:
        """rules.effective_expiry: the stored last day, or for a row with only registered_on, the day before the
        same date `registration_valid_years` on (rules.period_end: 29 February + 3 years → 28 February, − 1 day)."""
        registered = self.column("registered_on")
        years = self.valid_years()
        if self.pg:
            # PostgreSQL clamps 29 February + N years to 28 February itself.
            fallback = f"(CAST({registered} + make_interval(years => {years}) AS DATE) - 1)"
        else:
            # SQLite's '+N years' overflows 29 February into 1 March; the month's last day N years on is the
            # clamp, and the earlier of the two is the same date N years on (rules.add_months).
            plus = f"'+' || {years} || ' years'"
            same_day = f"date({registered}, {plus})"
            month_end = f"date({registered}, 'start of month', {plus}, '+1 month', '-1 day')"
            fallback = f"date(MIN({same_day}, {month_end}), '-1 day')"
        return f"COALESCE({self.column('registration_expires_on')}, {fallback})"

    def ce_hours(self) -> str:
        """rules.period_ce_hours: each kind's hours credited to the worker from the period's first day to its last,
        both included, at most the kind's cap (rules.ce_caps, the rule in force on the period's first day for the
        worker's region); 0 before a first registration. One pass over the worker's credits sums every kind at
        once (t), the worker's region is read once (wp), and the caps are inlined as CASEs over both."""
        self._needs_read()
        kinds = list(CE_CREDIT_DEFAULTS)
        sums = ", ".join(
            f"COALESCE(SUM(CASE WHEN e.source = '{kind}' THEN e.hours ELSE 0 END), 0) AS k_{kind}" for kind in kinds
        )
        regional = any(rule.region_path for rule in self.caps)
        region = f", (SELECT {self.worker_region_path()} AS p) wp" if regional else ""
        counted = " + ".join(self._capped(f"t.k_{kind}", self._cap(kind, "wp.p")) for kind in kinds)
        earned = credit_day_sql("e", self.pg)
        period = (
            f"(SELECT {counted} FROM (SELECT {sums} FROM ce_credits e"
            f" WHERE e.worker_id = {self.column('worker_id')}"
            f" AND {earned} >= {self.column('registered_on')} AND {earned} <= {self.expiry()}) t{region})"
        )
        return f"(CASE WHEN {self.column('registered_on')} IS NULL THEN 0 ELSE {period} END)"

    def worker_region_path(self) -> str:
        return worker_region_path_sql(self.column("worker_id"))

    def _cap(self, kind: str, path: str) -> str:
        """rules.ce_caps for one kind: the rules in the order the first applying one wins."""
        rows = sorted(
            (r for r in self.caps if r.kind == kind), key=lambda r: (len(r.region_path), r.effective_from), reverse=True
        )
        whens = []
        for rule in rows:
            condition = f"{self.column('registered_on')} >= {date_literal(rule.effective_from, self.pg)}"
            if rule.region_path:
                quoted = rule.region_path.replace("'", "''")
                condition = f"substr({path}, 1, {len(rule.region_path)}) = '{quoted}' AND {condition}"
            whens.append((condition, _hours(rule.max_hours)))
        default = _hours(CE_CREDIT_DEFAULTS[kind][0])
        if all(value == default for _condition, value in whens):
            return default  # every rule gives the default (no cap, say): which one applies changes nothing
        return f"(CASE {' '.join(f'WHEN {c} THEN {v}' for c, v in whens)} ELSE {default} END)"

    @staticmethod
    def _capped(hours: str, cap: str) -> str:
        """rules.capped: no cap (NULL) or fewer hours than the cap counts the hours, else the cap."""
        if cap == NO_CAP:
            return hours
        return f"(CASE WHEN {cap} IS NULL OR {hours} < {cap} THEN {hours} ELSE {cap} END)"

    def _thresholds(self, today: date) -> tuple[str, str, str]:
        """rules.Thresholds as SQL over the row's level: (first registration from, renewal from, last year from)."""
        thresholds = {level: Thresholds.of(r, today) for level, r in self.rules.items()}
        default = Thresholds.of(DEFAULT_RULES, today)
        first_from = self._by_level(
            {level: date_literal(t.first_registration_from, self.pg) for level, t in thresholds.items()},
            date_literal(default.first_registration_from, self.pg),
        )
        renewal_from = self._by_level(
            {level: date_literal(t.renewal_from, self.pg) for level, t in thresholds.items()},
            date_literal(default.renewal_from, self.pg),
        )
        return first_from, renewal_from, date_literal(default.last_year_from, self.pg)

    def status(self, today: date, expiry: str = "", hours: str = "") -> str:
        """rules.registration_status as one CASE: the same comparisons with the same thresholds. `expiry` and
        `hours`: SQL already holding this row's expiry() and ce_hours() (columns of a derived table), so a statement
        reading them too computes each once."""
        self._needs_read()
        first_from, renewal_from, last_year_from = self._thresholds(today)
        expiry, short = expiry or self.expiry(), f"{hours or self.ce_hours()} < {self.required_hours()}"
        return (
            "(CASE"
            f" WHEN {self.column('registered_on')} IS NULL THEN"
            f" (CASE WHEN {self.column('obtained_on')} >= {first_from} THEN 'unregistered' ELSE 'first_overdue' END)"
            f" WHEN {expiry} < {date_literal(today, self.pg)} THEN 'lapsed'"
            f" WHEN {expiry} <= {renewal_from} THEN (CASE WHEN {short} THEN 'ce_shortfall' ELSE 'renewal_open' END)"
            f" WHEN {expiry} < {last_year_from} AND {short} THEN 'ce_shortfall'"
            " ELSE 'registered' END)"
        )

    def status_is(self, today: date, code: str) -> str:
        """`status(today) = code`, led by the columns' own conditions that status needs for that code (never a
        sum of CE hours): a planner estimates those from the columns' statistics and tests them first, so the
        hours are summed only for a registration the code may fit. Testing the CASE alone, PostgreSQL summed the
        hours of every registration in the country to find the certificates never registered, and guessed one
        row where there were thousands. `code` is a rules.CertStatus value (the caller's, never the request's)."""
        first_from, renewal_from, last_year_from = self._thresholds(today)
        registered, expiry, day = self.column("registered_on"), self.expiry(), date_literal(today, self.pg)
        guards = {
            "unregistered": f"{registered} IS NULL AND {self.column('obtained_on')} >= {first_from}",
            "first_overdue": f"{registered} IS NULL AND {self.column('obtained_on')} < {first_from}",
            "lapsed": f"{registered} IS NOT NULL AND {expiry} < {day}",
            "renewal_open": f"{registered} IS NOT NULL AND {expiry} >= {day} AND {expiry} <= {renewal_from}",
            "ce_shortfall": (
                f"{registered} IS NOT NULL AND {expiry} >= {day}"
                f" AND ({expiry} <= {renewal_from} OR {expiry} < {last_year_from})"
            ),
            "registered": f"{registered} IS NOT NULL AND {expiry} >= {day}",
        }
        guard = guards[code]
        if code in ("unregistered", "first_overdue", "lapsed"):
            return f"({guard})"  # decided by the columns alone
        return f"({guard} AND {self.status(today)} = '{code}')"


def worker_region_path_sql(worker: str) -> str:
    """selectors.worker_region_path: the region of the station of the worker `worker` (SQL) holds in their latest
    spell, else the region that registered the worker, else ''."""
    return (
        "COALESCE((SELECT st.region_path FROM employment_spells sp JOIN stations st ON st.id = sp.station_id"
        f" WHERE sp.worker_id = {worker} ORDER BY sp.start_on DESC, sp.id DESC LIMIT 1),"
        f" (SELECT w.registered_region_path FROM workers w WHERE w.id = {worker}), '')"
    )


NO_CAP = "CAST(NULL AS NUMERIC)"


def _hours(value: Decimal | None) -> str:
    """A cap as a literal: a number formatted from a Decimal, or a typed NULL for none."""
    return NO_CAP if value is None else format(Decimal(value), "f")


def social_work_days_sql(*, worker_id: int, cutoff: date, since: date | None, pg: bool) -> str:
    """A scalar subquery, rules.social_work_days: the days covered by the worker's employment spells and counted
    prior experience (_periods) between
    `since` (or their start) and `cutoff`, both inclusive. An unfinished spell runs to the cut-off, a spell
    starting after it counts nothing, and days two spells share count once: each spell, in order of start, adds
    only the days after the latest end of the spells before it (a running MAX window)."""
    hi = date_literal(cutoff, pg)
    lo = date_literal(since, pg) if since is not None else None
    start = f"CASE WHEN sp.start_on < {lo} THEN {lo} ELSE sp.start_on END" if lo else "sp.start_on"
    after_lo = f" AND (sp.end_on IS NULL OR sp.end_on >= {lo})" if lo else ""
    next_day = "o.prev + 1" if pg else "date(o.prev, '+1 day')"
    first = f"CASE WHEN o.prev IS NULL OR o.prev < o.s THEN o.s ELSE {next_day} END"
    days = f"(o.e - ({first}) + 1)" if pg else f"(CAST(julianday(o.e) - julianday({first}) AS INTEGER) + 1)"
    return (
        f"(SELECT COALESCE(SUM(CASE WHEN {days} > 0 THEN {days} ELSE 0 END), 0) FROM ("
        " SELECT c.s, c.e, MAX(c.e) OVER (ORDER BY c.s, c.e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
        " AS prev FROM ("
        f" SELECT {start} AS s,"
        f" CASE WHEN sp.end_on IS NULL OR sp.end_on > {hi} THEN {hi} ELSE sp.end_on END AS e"
        f" FROM ({_periods(worker_id)}) sp WHERE sp.start_on <= {hi}{after_lo}"
        ") c) o)"
    )


def _periods(worker_id: int) -> str:
    """The worker's periods of social work: employment spells and prior experience of a counted kind
    (people.models.COUNTED_EXPERIENCE; full-time study is not)."""
    kinds = ", ".join(f"'{kind}'" for kind in COUNTED_EXPERIENCE)
    return (
        f"SELECT e.start_on, e.end_on FROM employment_spells e WHERE e.worker_id = {int(worker_id)}"
        " UNION ALL"
        f" SELECT p.start_on, p.end_on FROM prior_experiences p WHERE p.worker_id = {int(worker_id)}"
        f" AND p.kind IN ({kinds})"
    )
