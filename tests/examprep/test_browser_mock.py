"""Browser test: a worker starts a mock exam, answers three questions, reloads the page and finds the answers
kept, hands in and sees the score. The live server serves the platform with the exam-prep routes
(courses.examprep.asgi) on a fresh database with the small demo and the demo question bank."""

import pytest

from tests.browser.conftest import (
    launched_chromium,
    running_server,
    sign_in,
    watch,
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
    ctx = chromium.new_context(base_url=examprep_server, locale="en-GB", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    page = ctx.new_page()
    watch(page)
    yield page
    ctx.close()


def test_a_worker_answers_three_questions_reloads_sees_them_kept_hands_in_and_sees_the_score(page):
    sign_in(page, "worker")
    page.goto("/exam-prep/mock")
    page.select_option("#mock-subject", "A-ZH")
    page.click("#start-mock")
    page.wait_for_selector("form.question")
    assert "/exam-prep/mock/" in page.url
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
    assert "3 of 80 answered" in page.inner_text("#clock")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-exam")
    page.wait_for_selector("#score")
    score = page.inner_text("#score")
    assert float(score) in (0.0, 1.0, 2.0, 3.0)
    assert "By section" in page.content()
    assert not page.js_errors, page.js_errors
    assert not page.bad_responses, page.bad_responses
