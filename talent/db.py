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
]
MIGRATIONS_MODULE = "talent.migrations"


def normalise_url(url: str) -> str:
    """Accept postgresql:// as an alias and give SQLite its busy timeout (WAL and FKs are Tortoise defaults)."""
    if url.startswith("postgresql://"):
        url = "postgres://" + url[len("postgresql://") :]
    if url.startswith("sqlite://") and ":memory:" not in url and "busy_timeout" not in url:
        url += ("&" if "?" in url else "?") + "busy_timeout=10000"
    return url


def is_postgres(url: str) -> bool:
    return urlsplit(normalise_url(url)).scheme in {"postgres", "asyncpg", "psycopg"}


def tortoise_config(url: str | None = None) -> dict:
    url = normalise_url(url or get_settings().database_url)
    if url.startswith("sqlite://") and ":memory:" not in url:
        from pathlib import Path

        Path(urlsplit(url).netloc + urlsplit(url).path).parent.mkdir(parents=True, exist_ok=True)
    return {
        "connections": {"default": url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


TORTOISE_ORM = tortoise_config()
