"""In a real Chromium: a worker finds a course in the catalog with the live search, enrols (the button updates
in place), opens a lesson, marks it done and sees the progress change, all without a page reload.

The server is `uvicorn tests.courses.live_app:create_app` (the platform app plus the course routes) on a
fresh migrated database with the small demo and one seeded course; everything else comes from
tests/browser/conftest.py.
"""

import asyncio
import subprocess
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    BIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    _free_port,
    _require_chromium,
    _run,
    _server_env,
    _wait_until_healthy,
    sign_in,
    watch,
)
from tests.conftest import PG_URL, _admin, _with_database

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent.parent
TITLE = "浏览器测试课程"


@pytest.fixture(scope="module")
def course_server(tmp_path_factory):
    _require_chromium()
    tmp = tmp_path_factory.mktemp("courses-live")
    pg_database = None
    if PG_URL:
        pg_database = "talent_cbrowser_" + uuid.uuid4().hex[:12]
        asyncio.run(_admin(f'CREATE DATABASE "{pg_database}"'))
        database_url = _with_database(PG_URL, pg_database)
    else:
        database_url = f"sqlite://{tmp / 'courses.sqlite3'}"
    env = _server_env(database_url)
    env["TALENT_STORAGE_DIR"] = str(tmp / "storage")
    log_path = tmp / "server.log"
    proc = None
    try:
        _run([str(BIN / "talent"), "migrate"], env, timeout=120)
        _run([str(BIN / "talent"), "demo", "--scale", "small", "--seed", "1"], env, timeout=300)
        _run([str(BIN / "python"), "-m", "tests.courses.live_app"], env, timeout=60)
        port = _free_port()
        with log_path.open("w") as log:
            proc = subprocess.Popen(
                [str(BIN / "python"), "-m", "uvicorn", "--factory", "tests.courses.live_app:create_app",
                 "--host", "127.0.0.1", "--port", str(port)],
                env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
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


@pytest.fixture(scope="module")
def chromium(course_server):
    """Module scope: Playwright's loop must be gone before the async tests of later modules run."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(chromium, course_server):
    ctx = chromium.new_context(base_url=course_server, locale="zh-CN", viewport={"width": 390, "height": 844})
    ctx.set_default_timeout(10_000)
    page = ctx.new_page()
    watch(page)
    yield page
    ctx.close()


def test_a_worker_finds_a_course_enrols_opens_a_lesson_and_sees_progress_without_a_reload(page):
    sign_in(page, "worker")
    page.goto("/courses")
    page.evaluate("window.__noReload = 'catalog'")
    with page.expect_response(lambda r: "/courses?" in r.url and "q=" in r.url):
        page.locator("input#q").press_sequentially("浏览器", delay=30)
    card = page.locator("#course-cards a", has_text=TITLE)
    expect(card).to_have_count(1)
    assert page.evaluate("window.__noReload") == "catalog"
    card.click()
    page.wait_for_url("**/courses/*")

    # Enrol: the box is swapped in place.
    page.evaluate("window.__noReload = 'course'")
    page.locator("#enrol").click()
    expect(page.locator("#withdraw")).to_be_visible()
    expect(page.locator("#progress-text")).to_contain_text("0%")
    assert page.evaluate("window.__noReload") == "course"

    # Open the first lesson ("continue"), mark it done: progress goes from 0 % to 50 % in place.
    page.locator("#continue").click()
    page.wait_for_url("**/lessons/*")
    expect(page.locator("#progress-text")).to_contain_text("0%")
    page.evaluate("window.__noReload = 'lesson'")
    page.locator("#mark-done").click()
    expect(page.locator("#lesson-is-done")).to_be_visible()
    expect(page.locator("#progress-text")).to_contain_text("50%")
    expect(page.locator("#progress-bar")).to_have_attribute("value", "50")
    assert page.evaluate("window.__noReload") == "lesson"

    # My learning shows the course at 50 %.
    page.goto("/courses/my")
    expect(page.locator("main")).to_contain_text(TITLE)
    expect(page.locator("main")).to_contain_text("50%")

    errors = [e for e in page.js_errors if "Failed to load resource" not in e]
    assert errors == [], errors
    assert [b for b in page.bad_responses if b[0] >= 500 or "/static/" in b[1]] == []
