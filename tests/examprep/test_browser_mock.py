"""Browser test: a worker starts a mock exam, answers three questions, reloads the page and finds the answers
kept, hands in and sees the score. The live server serves the platform (talent.app:create_app, exam prep
included) on a fresh database with the small demo and the demo question bank."""

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import (
    launched_chromium,
    running_server,
    sign_in,
    watch,
    watched_page,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def examprep_server(tmp_path_factory):
    # The small demo includes the demo question bank.
    with running_server(tmp_path_factory.mktemp("examprep_live"), "ep_browser") as url:
        yield url


@pytest.fixture(scope="module")
def chromium(examprep_server):
    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def page(chromium, examprep_server):
    with watched_page(chromium, examprep_server, locale="en-GB", width=1280, height=900) as page:
        yield page


def test_a_worker_answers_three_questions_reloads_sees_them_kept_hands_in_and_sees_the_score(page):
    sign_in(page, "worker")
    page.goto("/exam-prep/mock")
    page.select_option("#mock-subject", "A-ZH")
    page.click("#start-mock")
    page.wait_for_selector("form.question")
    assert "/exam-prep/mock/" in page.url
    # The live countdown has started and shows h:mm:ss (A-ZH lasts two hours).
    page.wait_for_selector("#countdown[data-countdown-started]")
    assert re.fullmatch(r"[12]:\d\d:\d\d", page.inner_text("#countdown")), page.inner_text("#countdown")
    questions = page.locator("form.question")
    assert questions.count() == 80
    # Three single-choice questions: choose option A of the first, B of the second, C of the third.
    chosen = []
    for index, letter in ((0, "A"), (1, "B"), (2, "C")):
        form = questions.nth(index)
        question_id = form.get_attribute("id").split("-")[1]
        with page.expect_response(lambda r, q=question_id: r.url.endswith(f"/answers/{q}") and r.status == 200):
            form.locator(f"input[value={letter}]").check()
        page.wait_for_selector(f"#s-{question_id} .text-success")
        chosen.append((question_id, letter))
    page.reload()
    page.wait_for_selector("form.question")
    for question_id, letter in chosen:
        assert page.is_checked(f"#c-{question_id}-{letter}"), (question_id, letter)
    assert page.inner_text("#answered-count") == "3"
    assert page.locator("#palette .palette-item.answered").count() == 3
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-exam")
    page.wait_for_selector("#score")
    score = page.inner_text("#score")
    assert float(score) in (0.0, 1.0, 2.0, 3.0)
    assert "By section" in page.content()
    assert not page.js_errors, page.js_errors
    assert not page.bad_responses, page.bad_responses


def test_a_worker_takes_a_mock_exam_with_the_keyboard_alone(page):
    sign_in(page, "worker")
    page.goto("/exam-prep/mock")
    page.select_option("#mock-subject", "A-ZH")
    page.click("#start-mock")
    page.wait_for_selector("#paper[data-ready]")
    first = page.locator("form.question").nth(0).get_attribute("data-question")
    second = page.locator("form.question").nth(1).get_attribute("data-question")
    # 2 chooses option B of question 1 (saved by itself); → moves on; 1 chooses A of question 2; F flags it.
    with page.expect_response(lambda r: r.url.endswith(f"/answers/{first}") and r.status == 200):
        page.keyboard.press("2")
    page.keyboard.press("ArrowRight")
    with page.expect_response(lambda r: r.url.endswith(f"/answers/{second}") and r.status == 200):
        page.keyboard.press("1")
    page.keyboard.press("f")
    assert page.is_checked(f"#c-{first}-B") and page.is_checked(f"#c-{second}-A")
    assert page.inner_text("#answered-count") == "2"
    flagged = page.locator(f'#palette [data-question="{second}"]')
    assert "flagged" in flagged.get_attribute("class") and page.inner_text("#flagged-count") == "1"
    # End goes to the last question; → from there to Hand in; Enter hands in after the confirmation.
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "submit-exam"
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Enter")
    page.wait_for_selector("#score")
    assert not page.js_errors, page.js_errors
    assert not page.bad_responses, page.bad_responses


def test_on_a_phone_the_paper_shows_one_question_at_a_time(chromium, examprep_server):
    with watched_page(chromium, examprep_server, locale="zh-CN", width=390, height=844) as page:
        sign_in(page, "worker")
        page.goto("/exam-prep/mock")
        page.select_option("#mock-subject", "A-SW")
        page.click("#start-mock")
        page.wait_for_selector("#paper.one-at-a-time")
        assert page.locator("form.question:visible").count() == 1
        page.click("[data-step='1']")
        visible = page.locator("form.question:visible")
        assert visible.count() == 1 and visible.get_attribute("data-position") == "2"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not page.js_errors, page.js_errors


COUNTDOWN_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "mock-countdown.js"
COUNTDOWN_PAGE = """<!doctype html><html><head><script src="/mock-countdown.js" defer></script></head><body>
<div class="alert alert-info" id="clock" data-countdown-box>
  <span id="countdown" data-countdown data-deadline="{deadline}" data-server-now="{server_now}"
    data-warn-seconds="300" data-hand-in="hand-in" data-up-text="Time is up">0:00:00</span>
  <span id="countdown-alert"></span>
</div>
<form class="question" id="q-1">
  <input type="radio" name="choice" value="A" id="c-1-A"><textarea name="text"></textarea>
</form>
<form method="post" action="/submit" id="hand-in" hx-confirm="Hand in now?">
  <input type="hidden" name="csrf_token" value="token"><button id="submit-exam">Hand in</button>
</form></body></html>"""


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@contextmanager
def countdown_page(chromium, html: str, posts: list[str], hand_in_status: int = 200):
    """A page with only the countdown and one question, served from memory: the hand-in is recorded in `posts`
    and answered with #handed-in (or, with 204, not answered, so the page stays to be inspected)."""

    def serve(route):
        request = route.request
        if request.url.endswith("/mock-countdown.js"):
            route.fulfill(body=COUNTDOWN_JS.read_text(), content_type="text/javascript")
        elif request.url.endswith("/submit"):
            posts.append(request.post_data or "")
            if hand_in_status == 204:
                route.fulfill(status=204)
            else:
                route.fulfill(body="<p id='handed-in'>handed in</p>", content_type="text/html")
        else:
            route.fulfill(body=html, content_type="text/html")

    ctx = chromium.new_context(locale="en-GB")
    ctx.set_default_timeout(15_000)
    try:
        page = ctx.new_page()
        watch(page)
        page.route("http://countdown.test/**", serve)
        page.goto("http://countdown.test/take")
        yield page
    finally:
        ctx.close()


def test_at_zero_the_countdown_disables_the_answers_and_hands_in_on_the_servers_clock(chromium):
    # This computer's clock is an hour behind the server's: the page says the server's time is now + 1 h and
    # the deadline 3 s after that. Corrected for the skew, the countdown ends in about 3 s (uncorrected it
    # would wait an hour, and the wait below would time out).
    server_now = datetime.now(UTC) + timedelta(hours=1)
    html = COUNTDOWN_PAGE.format(deadline=_iso(server_now + timedelta(seconds=3)), server_now=_iso(server_now))
    posts: list[str] = []
    with countdown_page(chromium, html, posts) as page:
        page.wait_for_selector("#countdown[data-countdown-started]")
        # Under 5 minutes left: the warning style, and mm:ss.
        assert "alert-warning" in page.get_attribute("#clock", "class")
        assert re.fullmatch(r"00:0[0-3]", page.inner_text("#countdown"))
        page.wait_for_selector("#handed-in")
        assert posts == ["csrf_token=token"]
        assert not page.js_errors, page.js_errors


def test_the_countdown_stops_at_zero_with_the_answers_disabled(chromium):
    server_now = datetime.now(UTC) - timedelta(minutes=30)  # this clock 30 minutes ahead
    html = COUNTDOWN_PAGE.format(deadline=_iso(server_now + timedelta(seconds=2)), server_now=_iso(server_now))
    with countdown_page(chromium, html, [], hand_in_status=204) as page:
        page.wait_for_selector("#countdown[data-countdown-done]")
        assert page.inner_text("#countdown") == "00:00"
        assert page.is_disabled("#c-1-A") and page.is_disabled("textarea")
        assert page.is_disabled("#submit-exam") and page.inner_text("#countdown-alert") == "Time is up"
        assert not page.js_errors, page.js_errors
