"""In a real Chromium: a worker finds a course in the catalog with the live search, enrols (the button updates
in place), opens a lesson, marks it done and sees the progress change, all without a page reload.

The server is `uvicorn tests.courses.live_app:create_app` (the platform app plus the course routes) on a
fresh migrated database with the small demo and one seeded course; everything else comes from
tests/browser/conftest.py.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    BIN,
    launched_chromium,
    running_server,
    sign_in,
    watched_page,
)

pytestmark = pytest.mark.browser
TITLE = "浏览器测试课程"


@pytest.fixture(scope="module")
def course_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("courses-live")
    seed = [str(BIN / "python"), "-m", "tests.courses.live_app"]
    with running_server(tmp, "cbrowser", steps=[seed], env_extra={"TALENT_STORAGE_DIR": str(tmp / "storage")}) as url:
        yield url


@pytest.fixture(scope="module")
def chromium(course_server):
    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def page(chromium, course_server):
    with watched_page(chromium, course_server, locale="zh-CN", width=390, height=844) as page:
        yield page


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
