"""Every test gets its own database: in-memory SQLite by default, or a fresh PostgreSQL database
cloned from a migrated template when TALENT_TEST_DATABASE_URL is set."""

import asyncio
import os
import re
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

# Cheap hashing parameters, for tests only; set before any settings object exists.
os.environ.setdefault("TALENT_ARGON2_TIME_COST", "1")
os.environ.setdefault("TALENT_ARGON2_MEMORY_COST", "1024")
os.environ.setdefault("TALENT_ARGON2_PARALLELISM", "1")
os.environ.setdefault("TALENT_DEFAULT_LOCALE", "en")

import httpx  # noqa: E402
import pytest  # noqa: E402
from tortoise.context import TortoiseContext  # noqa: E402

from talent import domains  # noqa: E402
from talent.db import normalise_url, tortoise_config  # noqa: E402

# Import kinds and reminder providers register themselves when the composition root loads them; the app and
# the command line do it, and so do the tests.
domains.load()

PG_URL = os.environ.get("TALENT_TEST_DATABASE_URL", "")
TEMPLATE_DB = f"talent_tpl_{os.getpid()}"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(normalise_url(url))
    return urlunsplit(parts._replace(path="/" + name))


async def _admin(sql: str) -> None:
    import asyncpg

    parts = urlsplit(normalise_url(PG_URL))
    conn = await asyncpg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        database=parts.path.lstrip("/") or "postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _build_template() -> None:
    from tortoise.cli.cli import tortoise_cli_context
    from tortoise.migrations.api import migrate

    await _admin(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"')
    await _admin(f'CREATE DATABASE "{TEMPLATE_DB}"')
    config = tortoise_config(_with_database(PG_URL, TEMPLATE_DB))
    async with tortoise_cli_context(config):
        await migrate(config=config)


@pytest.fixture(scope="session")
def pg_template():
    if not PG_URL:
        yield None
        return
    asyncio.run(_build_template())
    yield TEMPLATE_DB
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"'))


class _PgWorkerDatabase:
    """One database per test process, cloned once from the migrated template and put back to the template's
    rows before every test. Cloning a database per test cost 0.1–0.5 s of disk work each (CREATE and DROP
    DATABASE); emptying a few dozen small tables and copying back the rows the migrations seeded costs a few
    milliseconds, and every test still starts from exactly the migrated state."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.name = f"talent_w_{os.getpid()}"
        self.url = _with_database(PG_URL, self.name)
        self.tables: list[str] = []
        self.seeds: dict[str, bytes] = {}
        self.sequences: list[tuple[str, int, bool]] = []
        self.used = False

    async def _connect(self):
        import asyncpg

        parts = urlsplit(normalise_url(PG_URL))
        return await asyncpg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            database=self.name,
        )

    async def create(self) -> None:
        import io

        await _admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        await _admin(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"')
        conn = await self._connect()
        try:
            self.tables = [
                r["tablename"]
                for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            ]
            for table in self.tables:
                if await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}")'):
                    buffer = io.BytesIO()
                    await conn.copy_from_table(table, output=buffer, format="binary")
                    self.seeds[table] = buffer.getvalue()
            self.sequences = [
                (f'"{r["schemaname"]}"."{r["sequencename"]}"', r["last_value"] or 1, r["last_value"] is not None)
                for r in await conn.fetch("SELECT schemaname, sequencename, last_value FROM pg_sequences")
            ]
        finally:
            await conn.close()

    async def reset(self) -> None:
        import io

        if not self.used:
            self.used = True
            return
        conn = await self._connect()
        try:
            # A connection the last test left open (a background task) must not hold locks on what is emptied.
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            async with conn.transaction():
                # Replica mode skips the foreign-key triggers, so the tables empty in any order.
                await conn.execute("SET LOCAL session_replication_role = replica")
                await conn.execute("".join(f'DELETE FROM "{t}";' for t in self.tables))
                for table, rows in self.seeds.items():
                    await conn.copy_to_table(table, source=io.BytesIO(rows), format="binary")
                await conn.execute(
                    "".join(
                        f"SELECT setval('{name}', {value}, {str(called).lower()});"
                        for name, value, called in self.sequences
                    )
                )
        finally:
            await conn.close()

    async def drop(self) -> None:
        await _admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_worker_database(pg_template):
    if not pg_template:
        yield None
        return
    database = _PgWorkerDatabase(pg_template)
    asyncio.run(database.create())
    yield database
    asyncio.run(database.drop())


@pytest.fixture
async def db(pg_worker_database):
    if pg_worker_database:
        await pg_worker_database.reset()
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(pg_worker_database.url))
            yield ctx
    else:
        # Like tortoise_test_context, but with every app of talent.db (it supports only one).
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config("sqlite://:memory:"), _create_db=True)
            await ctx.generate_schemas(safe=False)
            # PostgreSQL templates get the exam catalogue from migration 0003; SQLite schemas from the models.
            from talent.certification.services import catalogue_seed

            await catalogue_seed()
            # Migration 0015 installs the data-version triggers (talent.figures.freshness); so does this schema.
            from tortoise.connection import get_connection

            from talent.figures.freshness import watch_install

            await watch_install(get_connection("default"))
            yield ctx


@asynccontextmanager
async def file_database(path):
    """A SQLite file database at `path` (as served: downloads and gathered reads get connections of their own, where
    the other tests' ":memory:" has one), with the schema, the exam catalogue and the data-version triggers."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(f"sqlite:///{path}"), _create_db=True)
        await ctx.generate_schemas(safe=False)
        from tortoise.connection import get_connection

        from talent.certification.services import catalogue_seed
        from talent.figures.freshness import watch_install

        await catalogue_seed()
        await watch_install(get_connection("default"))
        yield ctx


@pytest.fixture(autouse=True)
def storage_dir(tmp_path, monkeypatch):
    """Every test stores uploads in its own directory, never in var/storage."""
    from talent.settings import get_settings

    root = tmp_path / "storage"
    monkeypatch.setattr(get_settings(), "storage_dir", root)
    return root


@pytest.fixture
def is_postgres() -> bool:
    return bool(PG_URL)


@pytest.fixture
def app(db):
    from talent.app import create_app

    return create_app(manage_db=False)


@pytest.fixture
async def client(app):
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", follow_redirects=False) as c:
        yield c


PASSWORD = "correct-horse-42"


@pytest.fixture
def password() -> str:
    return PASSWORD


def csrf_of(client: httpx.AsyncClient) -> str:
    """The CSRF token the client's pages carry: bound to its session once signed in (see talent.web.security)."""
    from talent.web.security import csrf_token_for

    return csrf_token_for({c.name: c.value for c in client.cookies.jar}) or ""


async def ensure_csrf(client: httpx.AsyncClient) -> str:
    if not client.cookies.get("talent_csrf"):
        await client.get("/login")
    return csrf_of(client)


async def post(client: httpx.AsyncClient, url: str, data: dict | None = None, **kwargs) -> httpx.Response:
    """POST a plain form the way a browser does, with the CSRF field filled in."""
    token = await ensure_csrf(client)
    return await client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    response = await post(client, "/login", {"username": username, "password": password})
    assert response.status_code == 303, response.text[:500]
    return response


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def rows_with(html: str, *texts: str) -> dict[str, str]:
    """The table row (`<tr …>…</tr>`, as the page wrote it) holding each of `texts`, by text."""
    return {text: row for row in re.findall(r"<tr[^>]*>.*?</tr>", html, re.S) for text in texts if text in row}
