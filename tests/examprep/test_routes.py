"""Exam-prep pages: who may see what, the mock-exam flow over HTTP (autosave, deadline, resume, submit), the
practice flow, authoring, and query counts of the list pages."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from courses.examprep import services
from courses.examprep.models import AttemptItem, MockAttempt, NotebookEntry, Question, QuestionVersion
from talent.accounts import services as account_services
from talent.core.access import Role
from tests.conftest import PASSWORD, csrf_of, login, post, rows_with, text_of
from tests.examprep.conftest import make_bank, make_question
from tests.factories import world
from tests.querycount import count_queries

HTMX = {"HX-Request": "true"}


async def _hx_post(client, url, data):
    return await client.post(url, data=data, headers={**HTMX, "X-CSRF-Token": csrf_of(client)})


async def _start_over_http(client) -> MockAttempt:
    response = await post(client, "/exam-prep/mock", {"subject": "A-ZH"})
    assert response.status_code == 303, response.text[:300]
    attempt_id = int(response.headers["location"].rsplit("/", 1)[1])
    return await MockAttempt.get(id=attempt_id)


@pytest.mark.parametrize("role", ["admin", "bureau", "hr", "supervisor"])
async def test_exam_prep_pages_are_for_workers_only(client, role):
    await world()
    await login(client, role)
    for url in ("/exam-prep", "/exam-prep/practice", "/exam-prep/notebook", "/exam-prep/mock", "/exam-prep/review"):
        assert (await client.get(url)).status_code == 403, url


@pytest.mark.parametrize("role", ["hr", "supervisor", "worker"])
async def test_the_question_bank_is_for_admins_and_bureaus_only(client, role):
    await world()
    await login(client, role)
    assert (await client.get("/exam-prep/bank")).status_code == 403
    assert (await post(client, "/exam-prep/bank", {"subject": "A-ZH"})).status_code == 403


async def test_a_worker_sees_the_home_page_with_subjects_due_reviews_and_recent_attempts(client):
    await world()
    await services.demo_bank_load()
    await login(client, "worker")
    response = await client.get("/exam-prep")
    assert response.status_code == 200
    page = text_of(response.text)
    assert "A-ZH" in page and "A-SW" in page and "Reviews due today" in page


async def test_the_mock_exam_flow_autosaves_keeps_answers_on_reload_and_scores_on_submit(client):
    await world()
    await make_bank()
    await login(client, "worker")
    attempt = await _start_over_http(client)
    first = await client.get(f"/exam-prep/mock/{attempt.id}")
    assert first.status_code == 200
    order = re.findall(r'id="q-(\d+)"', first.text)
    assert len(order) == 80
    items = {i.question_id: i for i in await AttemptItem.filter(attempt_id=attempt.id).select_related("version")}
    singles = [int(q) for q in order if items[int(q)].kind.value == "single"]
    # Autosave through htmx: one single right, one wrong; a multiple half right.
    assert (
        await _hx_post(client, f"/exam-prep/mock/{attempt.id}/answers/{singles[0]}", {"choice": "B"})
    ).status_code == 200
    saved = await _hx_post(client, f"/exam-prep/mock/{attempt.id}/answers/{singles[1]}", {"choice": "C"})
    assert saved.status_code == 200 and "Saved" in saved.text
    multiple = next(int(q) for q in order if items[int(q)].kind.value == "multiple")
    response = await _hx_post(client, f"/exam-prep/mock/{attempt.id}/answers/{multiple}", {"choice": ["A", "C"]})
    assert response.status_code == 200
    # A plain form post (no JavaScript) saves too and returns to the question.
    plain = await post(client, f"/exam-prep/mock/{attempt.id}/answers/{singles[2]}", {"choice": "B"})
    assert plain.status_code == 303 and plain.headers["location"].endswith(f"#q-{singles[2]}")
    # Reloading shows the same paper with the answers kept.
    again = await client.get(f"/exam-prep/mock/{attempt.id}")
    assert re.findall(r'id="q-(\d+)"', again.text) == order
    assert re.search(rf'id="c-{singles[0]}-B"\s+checked', again.text)
    assert re.search(rf'id="c-{multiple}-A"\s+checked', again.text)
    # Starting the same subject again resumes this attempt.
    assert (await _start_over_http(client)).id == attempt.id
    submitted = await post(client, f"/exam-prep/mock/{attempt.id}/submit")
    assert submitted.status_code == 303
    result = await client.get(f"/exam-prep/mock/{attempt.id}")
    # 2 right singles (1 point each) + multiple AC of ACD (2 × 0.5 = 1.0) = 3.0.
    assert re.search(r'id="score">3\.0<', result.text), text_of(result.text)[:500]
    assert "By section" in result.text and "By topic" in result.text
    # A second submission is refused and changes nothing.
    second = await post(client, f"/exam-prep/mock/{attempt.id}/submit")
    assert second.status_code == 303
    assert (await MockAttempt.get(id=attempt.id)).score == 3


async def test_the_paper_escapes_question_texts_and_a_saved_case_answer(client):
    # The paper fragment turns autoescaping off for its numbers and letters, so the texts must be escaped
    # one by one: a stem, an option and a case answer holding markup come back as text.
    await world()
    await make_question(stem="<script>alert(1)</script>", options=("<b>甲</b>", "乙", "丙", "丁"))
    case = await make_question(subject="I-SW", kind="case", stem="案例")
    await login(client, "worker")
    choice = await _start_over_http(client)
    page = await client.get(f"/exam-prep/mock/{choice.id}")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<b>甲</b>" not in page.text and "&lt;b&gt;甲&lt;/b&gt;" in page.text
    started = await post(client, "/exam-prep/mock", {"subject": "I-SW"})
    cases = int(started.headers["location"].rsplit("/", 1)[1])
    hostile = "</textarea><img src=x onerror=alert(1)>"
    saved = await _hx_post(client, f"/exam-prep/mock/{cases}/answers/{case.id}", {"text": hostile})
    assert saved.status_code == 200
    page = await client.get(f"/exam-prep/mock/{cases}")
    assert "<img src=x" not in page.text and "&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;" in page.text


async def test_an_answer_after_the_deadline_answers_409_and_changes_nothing(client):
    await world()
    await make_bank()
    await login(client, "worker")
    attempt = await _start_over_http(client)
    question_id = (await AttemptItem.filter(attempt_id=attempt.id).first()).question_id
    await MockAttempt.filter(id=attempt.id).update(deadline_at=datetime.now(UTC) - timedelta(seconds=1))
    response = await _hx_post(client, f"/exam-prep/mock/{attempt.id}/answers/{question_id}", {"choice": "B"})
    assert response.status_code == 409 and "Time is up" in response.text
    assert not await AttemptItem.filter(attempt_id=attempt.id).exclude(response="").exists()
    # Opening it now shows that the time ran out, and writes nothing: the hand-in scores it as expired.
    page = await client.get(f"/exam-prep/mock/{attempt.id}")
    assert page.status_code == 200 and "Time ran out" in page.text
    assert (await MockAttempt.get(id=attempt.id)).status.value == "in_progress"
    handed_in = await post(client, f"/exam-prep/mock/{attempt.id}/submit")
    assert handed_in.status_code == 303
    expired = await MockAttempt.get(id=attempt.id)
    assert expired.status.value == "expired" and expired.score == 0


async def test_no_page_of_exam_prep_scores_an_overdue_attempt_and_the_next_start_does(client):
    # GETs never write (DESIGN §2): an attempt whose time ran out with the page closed is shown as run out on
    # every page, and scored as expired by the worker's next write, here starting another mock.
    await world()
    await make_bank()
    await make_bank(subject="A-SW", singles=2, multiples=1)
    await login(client, "worker")
    attempt = await _start_over_http(client)
    await MockAttempt.filter(id=attempt.id).update(deadline_at=datetime.now(UTC) - timedelta(seconds=1))
    for url in ("/exam-prep", "/exam-prep/mock", f"/exam-prep/mock/{attempt.id}", "/exam-prep/readiness/A-ZH"):
        response = await client.get(url)
        assert response.status_code == 200, url
        assert "Time ran out" in response.text or url.startswith("/exam-prep/readiness"), url
    unchanged = await MockAttempt.get(id=attempt.id)
    assert unchanged.status.value == "in_progress" and unchanged.score is None and unchanged.finished_at is None
    started = await post(client, "/exam-prep/mock", {"subject": "A-SW"})
    assert started.status_code == 303
    expired = await MockAttempt.get(id=attempt.id)
    assert expired.status.value == "expired" and expired.score == 0 and expired.finished_at == expired.deadline_at


async def test_a_question_not_in_the_attempt_answers_422_and_changes_nothing(client):
    await world()
    await make_bank()
    outsider = await make_question(subject="A-SW")
    await login(client, "worker")
    attempt = await _start_over_http(client)
    response = await _hx_post(client, f"/exam-prep/mock/{attempt.id}/answers/{outsider.id}", {"choice": "B"})
    assert response.status_code == 422 and "not part of this exam" in response.text
    assert not await AttemptItem.filter(attempt_id=attempt.id).exclude(response="").exists()


async def test_another_workers_attempt_answers_404_for_every_action_and_nothing_changes(client):
    w = await world()
    await make_bank()
    other = await services.mock_start(worker_id=w["workers"][1].id, subject="A-ZH", now=datetime.now(UTC), seed=5)
    question_id = (await AttemptItem.filter(attempt_id=other.id).first()).question_id
    await login(client, "worker")
    assert (await client.get(f"/exam-prep/mock/{other.id}")).status_code == 404
    assert (
        await _hx_post(client, f"/exam-prep/mock/{other.id}/answers/{question_id}", {"choice": "B"})
    ).status_code == 404
    assert (await post(client, f"/exam-prep/mock/{other.id}/submit")).status_code == 404
    unchanged = await MockAttempt.get(id=other.id)
    assert unchanged.status.value == "in_progress" and unchanged.score is None
    assert not await AttemptItem.filter(attempt_id=other.id).exclude(response="").exists()


async def test_practice_gives_immediate_feedback_and_a_wrong_answer_enters_the_notebook(client):
    w = await world()
    q = await make_question(answer="B")
    await login(client, "worker")
    page = await client.get("/exam-prep/practice?subject=A-ZH")
    assert page.status_code == 200 and "题干" in page.text
    version = await QuestionVersion.get(question_id=q.id)
    empty = await _hx_post(client, f"/exam-prep/practice/{q.id}", {"version": str(version.id)})
    assert empty.status_code == 422 and "Choose an option" in empty.text
    response = await _hx_post(client, f"/exam-prep/practice/{q.id}", {"version": str(version.id), "choice": "C"})
    assert response.status_code == 200
    assert "Not quite" in response.text and "解析" in response.text
    entry = await NotebookEntry.get(worker_id=w["workers"][0].id, question_id=q.id)
    assert entry.box == 1
    notebook = await client.get("/exam-prep/notebook")
    assert notebook.status_code == 200 and "个案工作" in notebook.text


async def test_readiness_page_shows_its_basis_and_unknown_subjects_are_404(client):
    await world()
    await make_question(topic="T1")
    await login(client, "worker")
    response = await client.get("/exam-prep/readiness/A-ZH")
    assert response.status_code == 200 and "Expected score = full marks" in response.text
    assert (await client.get("/exam-prep/readiness/X-XX")).status_code == 404


async def test_a_bureau_creates_a_question_and_an_invalid_one_is_refused_with_422_keeping_the_input(client):
    w = await world()
    await login(client, "bureau")
    bad = await post(
        client,
        "/exam-prep/bank",
        {
            "subject": "A-ZH",
            "topic": "伦理",
            "kind": "single",
            "difficulty": "2",
            "stem": "我的题干",
            "option_a": "甲",
            "option_b": "乙",
            "answer": "AB",
        },
    )
    assert bad.status_code == 422 and "exactly one correct option" in bad.text and "我的题干" in bad.text
    assert await Question.all().count() == 0
    good = await post(
        client,
        "/exam-prep/bank",
        {
            "subject": "A-ZH",
            "topic": "伦理",
            "kind": "single",
            "difficulty": "2",
            "stem": "我的题干",
            "option_a": "甲",
            "option_b": "乙",
            "answer": "B",
            "is_active": "1",
        },
    )
    assert good.status_code == 303
    question = await Question.get()
    assert question.region_path == w["regions"]["county_a"].path
    edit = await post(
        client,
        f"/exam-prep/bank/{question.id}",
        {
            "subject": "A-ZH",
            "topic": "伦理",
            "kind": "single",
            "difficulty": "2",
            "stem": "改过的题干",
            "option_a": "甲",
            "option_b": "乙",
            "answer": "A",
            "is_active": "1",
            "note": "修正",
        },
    )
    assert edit.status_code == 303
    detail = await client.get(f"/exam-prep/bank/{question.id}")
    assert "改过的题干" in detail.text and "我的题干" in detail.text  # both versions shown
    # A national question is neither shown to a county bureau nor editable by it (DESIGN §1: a bureau sees and
    # edits its region's questions and those below): 404 for the page, the edit page and the post.
    national = await make_question(stem="全国题")
    assert (await client.get(f"/exam-prep/bank/{national.id}")).status_code == 404
    assert (await client.get(f"/exam-prep/bank/{national.id}/edit")).status_code == 404
    assert (await post(client, f"/exam-prep/bank/{national.id}", {"subject": "A-ZH"})).status_code == 404
    assert (await client.get("/exam-prep/bank/999999")).status_code == 404


async def test_the_bank_greys_a_question_not_in_use_and_marks_it_and_leaves_an_active_one_plain(client):
    await world()
    await make_question(stem="在用的题")
    await make_question(stem="停用的题", active=False)
    await login(client, "admin")
    page = (await client.get("/exam-prep/bank")).text
    rows = rows_with(page, "在用的题", "停用的题")
    assert rows["停用的题"].startswith('<tr class="text-body-secondary">') and "Not in use" in rows["停用的题"]
    assert rows["在用的题"].startswith("<tr>") and "Not in use" not in rows["在用的题"]


async def _worker_login_with_history(client, w, attempts: int, wrong: int):
    worker_id = w["workers"][0].id
    qs = await make_bank(singles=max(60, wrong), multiples=20)
    now = datetime.now(UTC)
    for i in range(attempts):
        a = await services.mock_start(worker_id=worker_id, subject="A-ZH", now=now - timedelta(days=i + 1), seed=i)
        await services.mock_submit(worker_id=worker_id, attempt_id=a.id, now=now - timedelta(days=i + 1))
    for q in qs[:wrong]:
        v = await QuestionVersion.get(question_id=q.id)
        await services.practice_answer(worker_id=worker_id, question_id=q.id, version_id=v.id, choices=["C"], now=now)


@pytest.mark.parametrize("url", ["/exam-prep/mock", "/exam-prep/notebook", "/exam-prep", "/exam-prep/readiness/A-ZH"])
async def test_worker_pages_make_the_same_number_of_queries_with_few_and_many_rows(client, url):
    w = await world()
    await login(client, "worker")
    await _worker_login_with_history(client, w, attempts=1, wrong=2)
    await client.get(url)
    async with count_queries() as few:
        assert (await client.get(url)).status_code == 200
    await _worker_login_with_history(client, w, attempts=8, wrong=40)
    async with count_queries() as many:
        assert (await client.get(url)).status_code == 200
    assert few.count == many.count, (few.statements, many.statements)


async def test_the_bank_list_makes_the_same_number_of_queries_with_few_and_many_questions(client):
    await world()
    await login(client, "admin")
    await make_bank(singles=2, multiples=1)
    async with count_queries() as few:
        assert (await client.get("/exam-prep/bank?subject=A-ZH&kind=single")).status_code == 200
    await make_bank(singles=60, multiples=20)
    async with count_queries() as many:
        assert (await client.get("/exam-prep/bank?subject=A-ZH&kind=single")).status_code == 200
    assert few.count == many.count


async def test_the_unfiltered_bank_sends_its_count_and_page_without_parameters_and_finds_the_current_versions(client):
    # The current versions' flag is written in (talent.core.sql.literal_bool): PostgreSQL plans both statements once
    # per connection; on both databases TRUE finds the current wording only.
    await world()
    await login(client, "admin")
    await make_bank(singles=2, multiples=1)
    await client.get("/exam-prep/bank")  # warm-up: the session touch
    async with count_queries() as counted:
        page = await client.get("/exam-prep/bank")
    assert page.status_code == 200 and "1–3 of 3" in text_of(page.text)
    count, rows = counted.params[1:3]
    assert not count and not rows, counted.statements[1:3]
    assert '"is_current"=true' in counted.statements[2].replace(" ", "").lower()


async def test_a_worker_account_without_a_worker_record_is_refused(client):
    await world()
    user = await account_services.user_create(
        actor=None, username="w2", password=PASSWORD, role=Role.WORKER, worker_id=1
    )
    from talent.accounts.models import User

    await User.filter(id=user.id).update(worker_id=None)
    await login(client, "w2")
    assert (await client.get("/exam-prep")).status_code == 403


# ── the live countdown on the take page ────────────────────────────────────────────────────────────────────


def _countdown(html: str) -> dict[str, str]:
    tag = re.search(r'<span id="countdown"[^>]*>', html, re.S)
    assert tag, "no countdown element"
    attrs = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', tag.group(0)))
    attrs["text"] = re.search(r'<span id="countdown"[^>]*>([^<]*)</span>', html, re.S).group(1)
    return attrs


async def test_the_take_page_carries_the_deadline_and_the_servers_clock_for_the_countdown(client):
    await world()
    await make_bank()
    await login(client, "worker")
    attempt = await _start_over_http(client)
    before = datetime.now(UTC)
    page = await client.get(f"/exam-prep/mock/{attempt.id}")
    after = datetime.now(UTC)
    countdown = _countdown(page.text)
    deadline = datetime.fromisoformat(countdown["data-deadline"].replace("Z", "+00:00"))
    server_now = datetime.fromisoformat(countdown["data-server-now"].replace("Z", "+00:00"))
    stored = (await MockAttempt.get(id=attempt.id)).deadline_at
    assert countdown["data-deadline"].endswith("Z") and abs(deadline - stored) < timedelta(milliseconds=1)
    assert before - timedelta(seconds=1) <= server_now <= after + timedelta(seconds=1)
    assert countdown["data-hand-in"] == "hand-in" and 'id="hand-in"' in page.text
    assert countdown["data-warn-seconds"] == "300"
    # A-ZH lasts 120 minutes: the first value, rendered by the server, is h:mm:ss (2:00:00 or a second less).
    assert re.fullmatch(r"(2:00:00|1:59:5\d)", countdown["text"]), countdown["text"]
    # The script is a file loaded with defer (CSP allows no inline script), and the text without it stays.
    assert '<script src="/static/js/mock-countdown.js" defer></script>' in page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)
    assert re.search(r"<noscript>.*minutes left when this page loaded.*</noscript>", page.text, re.S)
    assert 'id="clock"' in page.text and "alert-info" in page.text


async def test_the_countdown_shows_mm_ss_and_warns_in_the_last_5_minutes(client):
    await world()
    await make_bank()
    await login(client, "worker")
    attempt = await _start_over_http(client)
    await MockAttempt.filter(id=attempt.id).update(deadline_at=datetime.now(UTC) + timedelta(minutes=4, seconds=30))
    page = await client.get(f"/exam-prep/mock/{attempt.id}")
    countdown = _countdown(page.text)
    # 4 min 30 s left (less the time the request took): 04:30 or 04:29 …
    assert re.fullmatch(r"04:(30|29|28)", countdown["text"]), countdown["text"]
    assert re.search(r'class="alert alert-warning[^"]*" id="clock"', page.text)
    assert re.search(r'<span id="countdown" class="[^"]*text-danger', page.text)


async def test_the_countdown_script_is_served_as_javascript(client):
    response = await client.get("/static/js/mock-countdown.js")
    assert response.status_code == 200 and "javascript" in response.headers["content-type"]
    # It hands in through the form's own submit, which skips htmx's confirmation, and starts after swaps too.
    assert "HTMLFormElement.prototype.submit" in response.text and "htmx:after:swap" in response.text
