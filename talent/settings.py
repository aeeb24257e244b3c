from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every knob of the platform, read from the environment (prefix TALENT_) or `.env`."""

    model_config = SettingsConfigDict(env_prefix="TALENT_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite://{ROOT / 'var' / 'talent.sqlite3'}"
    # Secure cookies and HSTS only make sense behind TLS.
    https: bool = False
    default_locale: str = "zh_CN"
    # Times are stored in UTC and shown, and typed in, in this zone.
    time_zone: str = "Asia/Shanghai"
    session_days: int = 14
    # Server-side session rows are refreshed at most this often, so reads stay read-only.
    session_touch_minutes: int = 5
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    argon2_parallelism: int = 2
    # Sign-in throttling (talent.accounts.services.login_authenticate). A failed sign-in counts this long.
    login_window_minutes: int = 15
    # One address is refused for one account after this many failures; the account stays open elsewhere.
    login_max_failures_per_account_address: int = 5
    # One address is refused for every account after this many failures (password spraying).
    login_max_failures_per_address: int = 30
    # An account is never locked: after this many failures from anywhere, addresses that failed for it wait
    # between attempts, base seconds doubling with each further failure, up to max seconds.
    login_slowdown_after_failures: int = 5
    login_slowdown_base_seconds: int = 2
    login_slowdown_max_seconds: int = 60
    page_size: int = 25
    # Allocations between two young collections of the served process's garbage collector (talent.core.collector;
    # Python's default is 700, about one collection a page); 0 leaves Python's settings alone.
    gc_young_threshold: int = 10_000
    # Independent statements of one report run this many at once, each on its own pooled connection on PostgreSQL
    # and on a read-only connection of its own on a SQLite file database (talent.core.concurrency.gather_reads); 1
    # runs them one after another. Keep it below PostgreSQL's pool of five.
    read_concurrency: int = 2
    # PostgreSQL's estimate of a random page read against a sequential one, sent by the app's connections (the
    # server's own default is 4, made for spinning disks). The data of a province's installation sits in memory
    # or on SSD, where reading a row by an index costs little more than reading it in turn: at 4 the planner read
    # whole tables to avoid probes (a province's workers of one source 68 → 14 ms at 1.1, its audit search 431 →
    # 83 ms; national demo). Empty: the server's setting.
    pg_random_page_cost: str = "1.1"
    storage_dir: Path = ROOT / "var" / "storage"
    import_max_bytes: int = 20 * 1024 * 1024
    # Bodies are limited while they stream in: a sign-in form or any request without a session is a few fields,
    # a signed-in form without a file a little more; only signed-in multipart posts may carry an upload.
    anonymous_body_max_bytes: int = 64 * 1024
    form_body_max_bytes: int = 2 * 1024 * 1024
    upload_max_bytes: int = 50 * 1024 * 1024
    host: str = "127.0.0.1"
    port: int = 8000
    # Absolute links in e-mails start with this (no trailing slash needed).
    base_url: str = "http://127.0.0.1:8000"
    # `talent remind` e-mails each new notification through this server; an empty host turns e-mail off.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    # The From address; empty: the username if it is an address, else talent@localhost.
    smtp_from: str = ""
    # STARTTLS on a plain connection (port 587), or TLS from the first byte (smtp_ssl, port 465).
    smtp_starttls: bool = True
    smtp_ssl: bool = False
    smtp_timeout: float = 30.0
    # Remind enrolled learners of a classroom session starting within this many hours.
    session_reminder_hours: int = 48

    @field_validator("pg_random_page_cost")
    @classmethod
    def _a_cost_or_nothing(cls, value: str) -> str:
        # A startup parameter PostgreSQL refuses would stop every connection: refused here, where it is read.
        value = value.strip()
        if value and not (value.replace(".", "", 1).isdigit() and float(value) > 0):
            raise ValueError("a positive number, or empty for the server's own setting")
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
