"""Tortoise configuration shared by the app, the CLI, migrations and the tests."""

from urllib.parse import urlsplit

from talent.settings import get_settings

# One Tortoise app holds every domain's models, so foreign keys read "models.X" everywhere.
MODEL_MODULES = [
    "talent.accounts.models",
    "talent.audit.models",
    "talent.places.models",
    "talent.people.models",
    "talent.certification.models",
    "talent.supervision.models",
    "talent.imports.models",
    "talent.notifications.models",
    "talent.figures.models",
]
MIGRATIONS_MODULE = "talent.migrations"
# The learning side is its own Tortoise app with its own migration chain, so it can grow independently;
# its foreign keys still point at "models.X".
COURSE_MODULES: list[str] = [
    "courses.catalog.models",
    "courses.materials.models",
    "courses.enrolment.models",
    "courses.classroom.models",
    "courses.completion.models",
]
# Exam preparation (question bank, practice, mock exams) likewise has its own app and chain.
EXAMPREP_MODULES: list[str] = ["courses.examprep.models"]
# Pay (salary standards, salary records) is its own app with its own chain; its foreign keys point at "models.X".
PAY_MODULES: list[str] = ["talent.pay.models"]
# Incubation cohorts: their own app and chain (talent/cohorts/migrations).
COHORT_MODULES: list[str] = ["talent.cohorts.models"]
APPS = {
    "models": (MODEL_MODULES, MIGRATIONS_MODULE),
    "courses": (COURSE_MODULES, "courses.migrations"),
    "examprep": (EXAMPREP_MODULES, "courses.examprep.migrations"),
    "pay": (PAY_MODULES, "talent.pay.migrations"),
    "cohorts": (COHORT_MODULES, "talent.cohorts.migrations"),
}
ALL_MODULES = MODEL_MODULES + COURSE_MODULES + EXAMPREP_MODULES + PAY_MODULES + COHORT_MODULES


def normalise_url(url: str) -> str:
    """Accept postgresql:// as an alias; give SQLite a busy timeout and synchronous=NORMAL (WAL, FKs: defaults)."""
    if url.startswith("postgresql://"):
        url = "postgres://" + url[len("postgresql://") :]
    if url.startswith("sqlite://") and ":memory:" not in url:
        if "busy_timeout" not in url:
            url += ("&" if "?" in url else "?") + "busy_timeout=10000"
        # In WAL mode NORMAL never corrupts the file and spares an fsync per commit.
        if "synchronous" not in url:
            url += "&synchronous=NORMAL"
    return url


def is_postgres(url: str) -> bool:
    return urlsplit(normalise_url(url)).scheme in {"postgres", "asyncpg", "psycopg"}


async def keep_session(connection) -> None:
    """What asyncpg's pool runs on a connection it takes back, besides rolling back a transaction left open: nothing.
    Its default sends a statement of its own (unlock advisory locks, close cursors, UNLISTEN, RESET ALL), a second
    round trip for every statement Tortoise sends outside a transaction: a statement through the pool cost about
    0.4 ms more with it (a throwaway timing script, two pools alternated). The app keeps no session state to undo:
    no session advisory lock, LISTEN or SET (its settings are the connection's startup parameters, which RESET ALL
    keeps anyway), and its server-side cursors live inside the export's transaction."""


def connection_config(url: str) -> str | dict:
    """PostgreSQL by URL, with JIT compilation off, through talent.pg_engine (asyncpg's client with a pool for fixed
    statements); SQLite through talent.sqlite_engine (transactions that begin IMMEDIATE)."""
    from tortoise.backends.base.config_generator import expand_db_url

    config = expand_db_url(url)
    if not url.startswith("sqlite://"):
        if config["engine"].endswith("asyncpg"):
            # The reports' statements are estimated above PostgreSQL's JIT thresholds, and compiling them cost more
            # than running them: retention on the county demo spent 8.4 s of 8.65 s compiling (EXPLAIN ANALYZE).
            settings = config["credentials"].setdefault("server_settings", {})
            settings["jit"] = "off"
            # asyncpg keeps each statement prepared, and after five runs PostgreSQL may switch to a generic plan made
            # without the parameters' values: for a city's workers list it drove from every spell active on "some
            # day" (93,351 rows) instead of the city's 150 stations, 6 → 32 ms a statement on the national demo.
            # Each run is planned with its values instead (what a statement's first runs get anyway).
            settings["plan_cache_mode"] = "force_custom_plan"
            if cost := get_settings().pg_random_page_cost:
                settings["random_page_cost"] = cost
            config["credentials"]["reset"] = keep_session
            config["engine"] = "talent.pg_engine"
        return config
    return {**config, "engine": "talent.sqlite_engine"}


def tortoise_config(url: str | None = None) -> dict:
    url = normalise_url(url or get_settings().database_url)
    if url.startswith("sqlite://") and ":memory:" not in url:
        from pathlib import Path

        Path(urlsplit(url).netloc + urlsplit(url).path).parent.mkdir(parents=True, exist_ok=True)
    return {
        "connections": {"default": connection_config(url)},
        "apps": {
            label: {"models": modules, "default_connection": "default", "migrations": migrations}
            for label, (modules, migrations) in APPS.items()
            if modules
        },
        "use_tz": True,
        "timezone": "UTC",
    }


TORTOISE_ORM = tortoise_config()


async def statistics_refresh(*, vacuum: bool = False) -> None:
    """Refresh the query planners' statistics of every table (ANALYZE). Without them SQLite took a range over every
    past end day for a selective one and drove a county's report from all the country's spells (retention 8 s,
    8 ms after ANALYZE, on the national demo). PostgreSQL's autovacuum does this itself where it is on. Run after
    `talent demo` and by `talent remind` (cron).

    `vacuum` (after a bulk load, outside a transaction) also sets PostgreSQL's visibility map, without which every
    index-only scan visits the heap row by row until autovacuum comes round: the audit export's enrolment namer
    probed 500 workers with 500 heap fetches per batch on a freshly built national demo."""
    from tortoise import connections

    conn = connections.get("default")
    if vacuum and conn.capabilities.dialect == "postgres":
        await conn.execute_script("VACUUM (ANALYZE)")
        return
    await conn.execute_script("ANALYZE")
