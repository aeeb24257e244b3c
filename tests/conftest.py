"""Every test gets its own database: in-memory SQLite by default, or a fresh PostgreSQL database
cloned from a migrated template when TALENT_TEST_DATABASE_URL is set."""

import asyncio
import os
import re
import uuid
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


@asynccontextmanager
async def _pg_database(template: str):
    name = "talent_t_" + uuid.uuid4().hex[:16]
    await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(_with_database(PG_URL, name)))
            yield ctx
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def db(pg_template):
    if pg_template:
        async with _pg_database(pg_template) as ctx:
            yield ctx
    else:
        # Like tortoise_test_context, but with every app of talent.db (it supports only one).
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config("sqlite://:memory:"), _create_db=True)
            await ctx.generate_schemas(safe=False)
            # PostgreSQL templates get the exam catalogue from migration 0003; SQLite schemas from the models.
            from talent.certification.services import catalogue_seed

            await catalogue_seed()
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
