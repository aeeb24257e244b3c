"""Browser tests: a real `talent serve` on a fresh, migrated database loaded with the small demo, driven by
Debian's Chromium through Playwright's sync API.

The tests here are plain `def` functions, so Playwright's own event loop never meets pytest-asyncio's.
Without /usr/bin/chromium they are skipped, unless TALENT_REQUIRE_BROWSER=1 (CI), which turns that into a
failure. `playwright install` is never needed: Playwright launches the system Chromium.
"""

import asyncio
import fcntl
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import PG_URL, _admin, _with_database

CHROMIUM = Path("/usr/bin/chromium")
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "talent-demo-2026"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 30.0


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing; install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("TALENT_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " — TALENT_REQUIRE_BROWSER=1 makes browser tests mandatory", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], env: dict[str, str], timeout: float) -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"`{' '.join(args)}` took longer than {timeout:.0f} s: {exc.stdout or ''}", pytrace=False)
    if done.returncode != 0:
        pytest.fail(
            f"`{' '.join(args)}` failed with exit code {done.returncode}:\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}",
            pytrace=False,
        )


def _server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    # The suite's own settings (tests/conftest.py) would leak into the server; it runs with the real
    # defaults (so the UI starts in zh_CN unless the browser asks otherwise), on its own database.
    for name in ("TALENT_DEFAULT_LOCALE", "TALENT_TEST_DATABASE_URL"):
        env.pop(name, None)
    env.update(
        TALENT_DATABASE_URL=database_url,
        # Cheap hashing so sign-ins are fast; production keeps the defaults.
        TALENT_ARGON2_TIME_COST="1",
        TALENT_ARGON2_MEMORY_COST="1024",
        TALENT_ARGON2_PARALLELISM="1",
        TALENT_HTTPS="0",
    )
    return env


def _wait_until_healthy(base_url: str, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last_error = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"`talent serve` exited with code {proc.returncode}:\n{log_path.read_text()[-3000:]}", pytrace=False
            )
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
                last_error = f"status {response.status}"
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.2)
    pytest.fail(
        f"`talent serve` did not answer /healthz within {SERVER_START_TIMEOUT:.0f} s ({last_error}):\n"
        + log_path.read_text()[-3000:],
        pytrace=False,
    )


def _migrated_demo(env: dict[str, str]) -> None:
    _run([str(BIN / "talent"), "migrate"], env, timeout=120)
    _run([str(BIN / "talent"), "demo", "--scale", "small", "--seed", "1"], env, timeout=300)


def _sqlite_demo_template() -> Path:
    """A SQLite file migrated and loaded with the small demo (seed 1) by the commands, once per test run and shared
    by its processes (pytest-xdist's run id; a lock lets one build it while the others wait): each server gets a
    copy, where each of the four servers migrated and loaded its own (`talent migrate` alone took 26 s of CPU on a
    slow machine)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or str(os.getpid())
    root = Path(tempfile.gettempdir()) / f"talent_browser_demo_{run}"
    root.mkdir(exist_ok=True)
    path, done = root / "demo.sqlite3", root / "done"
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            path.unlink(missing_ok=True)
            _migrated_demo(_server_env(f"sqlite://{path}"))
            done.touch()
    return path


@contextmanager
def running_server(tmp: Path, name: str, *, steps: Sequence[Sequence[str]] = (), env_extra=None) -> Iterator[str]:
    """Base URL of a `talent serve` on a fresh database (a temp SQLite file, or a new PostgreSQL database)
    that was migrated and loaded with the small demo (seed 1), then with any extra `steps` (argv lists run
    with the server's environment); everything is torn down afterwards."""
    _require_chromium()
    pg_database = None
    if PG_URL:
        pg_database = f"talent_{name}_" + uuid.uuid4().hex[:12]
        asyncio.run(_admin(f'CREATE DATABASE "{pg_database}"'))
        database_url = _with_database(PG_URL, pg_database)
    else:
        database_url = f"sqlite://{tmp / (name + '.sqlite3')}"
    env = _server_env(database_url)
    env.update(env_extra or {})
    log_path = tmp / "server.log"
    proc = None
    try:
        if pg_database:
            _migrated_demo(env)
        else:
            with sqlite3.connect(_sqlite_demo_template()) as source, sqlite3.connect(tmp / (name + ".sqlite3")) as copy:
                source.backup(copy)
        for step in steps:
            _run(list(step), env, timeout=120)
        port = _free_port()
        with log_path.open("w") as log:
            proc = subprocess.Popen(
                [str(BIN / "talent"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_healthy(base_url, proc, log_path)
        yield base_url
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if pg_database:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)'))


@contextmanager
def launched_chromium():
    """Debian's Chromium under Playwright's sync API. Callers scope it (package or module) so that the sync
    Playwright loop, which counts as running in this thread, is gone before pytest-asyncio tests start theirs."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[str]:
    """Base URL of a running `talent serve` with the small demo (seed 1) in a database of its own."""
    with running_server(tmp_path_factory.mktemp("live"), "browser") as url:
        yield url


@pytest.fixture(scope="package")
def browser(live_server):
    """Chromium for this package's tests; it depends on live_server so the server's set-up and tear-down
    (asyncio.run for PostgreSQL) happen outside Playwright's lifetime."""
    with launched_chromium() as chromium:
        yield chromium


@contextmanager
def watched_page(browser, base_url: str, *, locale: str, width: int, height: int, wait_ms: int = 10_000) -> Iterator:
    """A page in a fresh browser profile (`locale`, a `width` × `height` window, waits of `wait_ms`) whose errors are
    collected (watch); the profile is closed afterwards."""
    ctx = browser.new_context(base_url=base_url, locale=locale, viewport={"width": width, "height": height})
    ctx.set_default_timeout(wait_ms)
    try:
        page = ctx.new_page()
        watch(page)
        yield page
    finally:
        ctx.close()


def watch(page) -> None:
    """Collect script errors, console errors (CSP violations among them) and 4xx/5xx responses on the page."""
    errors: list[str] = []
    bad: list[tuple[int, str]] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: bad.append((r.status, r.url)) if r.status >= 400 else None)
    page.js_errors = errors
    page.bad_responses = bad


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh browser profile per test. It asks for Chinese first, like most of the platform's users."""
    with watched_page(browser, live_server, locale="zh-CN", width=1280, height=900) as page:
        yield page


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill("#login-form input[name=username]", username)
    page.fill("#login-form input[name=password]", password)
    page.click("#login-form button")
    page.wait_for_selector("button#logout", state="attached")  # inside the collapsed menu on a phone
