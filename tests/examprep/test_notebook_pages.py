"""The notebook opens each question (the question, my wrong answer, the right one, the explanation); what is due
today can be practised by topic; the mock result can show the wrong answers alone."""

from datetime import timedelta

import time_machine

from courses.examprep.models import AttemptItem, NotebookEntry, QuestionVersion
from talent.core.clock import local_today
from tests.conftest import csrf_of, login, post
from tests.examprep.conftest import make_question
from tests.factories import world

HTMX = {"HX-Request": "true"}


async def _answer(client, question, choice: str):
    version = await QuestionVersion.get(question_id=question.id)
    headers = {**HTMX, "X-CSRF-Token": csrf_of(client)}
    data = {"version": str(version.id), "choice": choice}
    return await client.post(f"/exam-prep/practice/{question.id}", data=data, headers=headers)


async def test_a_notebook_entry_shows_the_question_my_wrong_choice_the_right_one_and_the_explanation(client):
    w = await world()
    q = await make_question(answer="B", stem="哪一项是正确的？", options=("甲项", "乙项", "丙项", "丁项"))
    await login(client, "worker")
    await _answer(client, q, "C")
    entry = await NotebookEntry.get(worker_id=w["workers"][0].id, question_id=q.id)
    listing = await client.get("/exam-prep/notebook")
    assert f'href="/exam-prep/notebook/{entry.id}"' in listing.text
    page = (await client.get(f"/exam-prep/notebook/{entry.id}")).text
    assert "哪一项是正确的？" in page and "解析" in page
    # B is marked correct, C (mine) as my choice, in the option list.
    assert page.index("乙项") < page.index("Correct") < page.index("丙项") < page.index("Your choice")


async def test_another_workers_notebook_entry_is_not_found(client):
    w = await world()
    q = await make_question()
    entry = await NotebookEntry.create(worker=w["workers"][1], question=q, due_on=local_today())
    await login(client, "worker")
    response = await client.get(f"/exam-prep/notebook/{entry.id}")
    assert response.status_code == 404 and "题干" not in response.text


async def test_due_questions_can_be_practised_one_topic_at_a_time(client):
    w = await world()
    ethics = await make_question(topic="伦理", stem="伦理题")
    casework = await make_question(topic="个案工作", stem="个案题")
    today = local_today()
    for q in (ethics, casework):
        await NotebookEntry.create(worker=w["workers"][0], question=q, due_on=today)
    await login(client, "worker")
    notebook = await client.get("/exam-prep/notebook")
    assert "/exam-prep/review?topic=%E4%BC%A6%E7%90%86" in notebook.text  # 伦理, one due
    review = await client.get("/exam-prep/review?topic=伦理")
    assert "伦理题" in review.text and "个案题" not in review.text


async def test_a_topic_due_tomorrow_is_not_offered_today(client):
    w = await world()
    q = await make_question(topic="伦理")
    today = local_today()
    await NotebookEntry.create(worker=w["workers"][0], question=q, due_on=today + timedelta(days=1))
    await login(client, "worker")
    assert "/exam-prep/review?topic=" not in (await client.get("/exam-prep/notebook")).text
    # The next day (a clock set a day on) it is due.
    with time_machine.travel(today + timedelta(days=1, hours=12), tick=False):
        assert "/exam-prep/review?topic=" in (await client.get("/exam-prep/notebook")).text


async def test_the_mock_result_can_show_only_the_wrong_and_unanswered_questions(client):
    from tests.examprep.conftest import make_bank

    await world()
    await make_bank()
    await login(client, "worker")
    start = await post(client, "/exam-prep/mock", {"subject": "A-ZH"})
    attempt_url = start.headers["location"]
    # The first question answered right; the other 79 left unanswered.
    item = await AttemptItem.filter(attempt_id=int(attempt_url.rsplit("/", 1)[1]), position=1).first()
    version = await QuestionVersion.get(id=item.version_id)
    saved = await post(client, f"{attempt_url}/answers/{item.question_id}", {"choice": list(version.answer)})
    assert saved.status_code == 303
    await post(client, f"{attempt_url}/submit")
    every = await client.get(attempt_url)
    wrong = await client.get(f"{attempt_url}?show=wrong")
    assert every.text.count('id="item-') == 80 and wrong.text.count('id="item-') == 79
    assert f'id="item-{item.question_id}"' not in wrong.text
    assert 'href="/exam-prep/readiness/A-ZH"' in every.text
