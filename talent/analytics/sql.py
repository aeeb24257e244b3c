"""SQL pieces the measures share that Tortoise's query builder lacks: date arithmetic per dialect, and the one
statement of the transfer rule (a transfer followed within 31 days by a spell inside the area is no separation),
used by separations, turnover, first-year attrition and retention alike."""

from talent.people.models import EmploymentSpell

# DESIGN §1 "Measures": a transfer is no separation when the worker starts at another station inside the region
# within this many days of the last working day.
TRANSFER_DAYS = 31


def is_postgres() -> bool:
    return EmploymentSpell._meta.db.capabilities.dialect == "postgres"


def plus_days(column: str, days: int, pg: bool) -> str:
    """`column` + `days` as a date (days is an int, formatted here, never user text)."""
    return f"({column} + {int(days)})" if pg else f"date({column}, '{int(days):+d} days')"


def days_between(later: str, earlier: str, pg: bool) -> str:
    """Whole days from `earlier` to `later` (2024-01-31 − 2024-01-01 = 30)."""
    if pg:
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def date_literal(day, pg: bool) -> str:
    return f"DATE '{day.isoformat()}'" if pg else f"'{day.isoformat()}'"


def _followed(a: str, b: str, stations_sql: str, pg: bool) -> str:
    """The transfer rule over the ending spell `a` and the next spell `b` (aliases of employment_spells)."""
    return (
        f"{b}.worker_id = {a}.worker_id AND {b}.id <> {a}.id AND {b}.station_id <> {a}.station_id"
        f" AND {a}.exit_type = 'transfer' AND {a}.end_on IS NOT NULL AND {b}.start_on >= {a}.end_on"
        f" AND {b}.start_on <= {plus_days(f'{a}.end_on', TRANSFER_DAYS, pg)} AND {b}.station_id IN ({stations_sql})"
    )


def followed_transfer_sql(spell: str, stations_sql: str, pg: bool, same_group: str = "") -> str:
    """True when the spell row `spell` of the enclosing statement ends in a transfer whose worker starts a spell at
    another station of `stations_sql` (a subquery of station ids) from the last working day to TRANSFER_DAYS days
    after it. `same_group` (SQL over the two spells' stations `sa` and `sb`) narrows "inside" to the ending spell's
    own group: a county's row of a city report counts a move to the neighbouring county as a separation, as the
    county's own report does. An EXISTS checked per spell through the worker index (a list of every followed
    transfer of the area walked every spell of its stations: a whole province's separations took 4.1 s against
    0.5 s)."""
    inside = ""
    if same_group:
        # A scalar subquery per candidate spell, which no planner pulls up: as joins in the EXISTS, PostgreSQL
        # started from the area's stations (misjudged at one row) and probed their spells, 1,088 probes for a city's
        # 11 transfers, where the worker index finds each next spell directly.
        inside = (
            f" AND (SELECT COUNT(*) FROM stations sa, stations sb WHERE sa.id = {spell}.station_id"
            f" AND sb.id = b.station_id AND {same_group}) > 0"
        )
    return f"EXISTS (SELECT 1 FROM employment_spells b WHERE {_followed(spell, 'b', stations_sql, pg)}{inside})"


def safe_path(path: str) -> bool:
    """Region paths are administrative codes (ASCII digits, checked where regions are written) joined by '/':
    safe to write into a statement as a literal."""
    return bool(path) and path.isascii() and path.replace("/", "").isdigit()
