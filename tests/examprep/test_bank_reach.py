"""Question bank reach (DESIGN §1): a worker practises and sits mocks on the national bank plus the questions of
the regions enclosing their station; a bureau sees and edits its region's questions and those below it.

One question per place, its stem and topic named after it:
    N  national        P  province 320000    C  city 320100
    QA county A        SA street of A        QB county B        SB street of B
The worker W1 works at a station in street A, so draws {N, P, C, QA, SA}; county B's never reach them."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from tortoise.exceptions import DoesNotExist

from courses.examprep import services
from courses.examprep.models import Answer, AttemptItem, NotebookEntry, Question, QuestionVersion
from talent.core.clock import local_today
from talent.people.models import EmploymentSpell
from tests.conftest import login, post, text_of
from tests.examprep.conftest import make_question
from tests.factories import world

NOW = datetime.now(UTC)

PLACES = ("N", "P", "C", "QA", "SA", "QB", "SB")
WORKER_REACH = {"N", "P", "C", "QA", "SA"}


async def _bank(w) -> dict[str, Question]:
    r = w["regions"]
    paths = {
        "N": "",
        "P": r["province"].path,
        "C": r["city"].path,
        "QA": r["county_a"].path,
        "SA": r["street_a"].path,
        "QB": r["county_b"].path,
        "SB": r["street_b"].path,
    }
    return {
        name: await make_question(stem=f"{name}-题", topic=f"T-{name}", region_path=path)
        for name, path in paths.items()
    }


async def _practice_draws(client, n: int = 60, topic: str = "") -> set[str]:
    """The places of the questions drawn in n practice pages (each after the one before, as Skip does)."""
    drawn, after = set(), 0
    for _ in range(n):
        url = f"/exam-prep/practice?subject=A-ZH&after={after}" + (f"&topic={topic}" if topic else "")
        response = await client.get(url)
        assert response.status_code == 200
        stem = re.search(r'id="stem">([^<]*)</p>', response.text)
        if stem is None:
            break
        drawn.add(stem.group(1).split("-")[0])
        after = int(re.search(r"after=(\d+)", response.text).group(1))
    return drawn


def _names_in(text: str) -> set[str]:
    return {name for name in PLACES if f"{name}-题" in text}


async def _paper_names(attempt_id: int) -> set[str]:
    topics = await AttemptItem.filter(attempt_id=attempt_id).values_list("question__topic", flat=True)
    return {t.removeprefix("T-") for t in topics}


# ── the worker side ────────────────────────────────────────────────────────────────────────────────────────


async def test_a_worker_practises_on_the_national_bank_and_the_regions_enclosing_their_station_only(client):
    w = await world()
    await _bank(w)
    await login(client, "worker")
    assert await _practice_draws(client) == WORKER_REACH


async def test_the_practice_topics_and_their_counts_are_those_within_the_workers_reach(client):
    w = await world()
    await _bank(w)
    await make_question(stem="QB-题二", topic="T-QA", region_path=w["regions"]["county_b"].path)
    await login(client, "worker")
    page = (await client.get("/exam-prep/practice?subject=A-ZH")).text
    listed = set(re.findall(r'<option value="(T-[A-Z]+)"', page))
    assert listed == {f"T-{n}" for n in WORKER_REACH}
    # County B's question of the same topic is not counted in it.
    assert "T-QA (1)" in text_of(page)
    # Practice by topic: another region's topic has nothing to draw, the worker's own topic draws its question.
    assert await _practice_draws(client, n=5, topic="T-QB") == set()
    assert await _practice_draws(client, n=5, topic="T-QA") == {"QA"}


async def test_the_subject_counts_on_the_practice_and_mock_pages_count_only_questions_within_reach(client):
    w = await world()
    await _bank(w)
    await login(client, "worker")
    assert "5 questions" in text_of((await client.get("/exam-prep/practice")).text)
    # Only county B has questions of I-FG: the subject is not offered to this worker at all.
    await make_question(subject="I-FG", stem="QB-法规", region_path=w["regions"]["county_b"].path)
    for url in ("/exam-prep/practice", "/exam-prep/mock", "/exam-prep"):
        assert "I-FG" not in (await client.get(url)).text, url


async def test_a_mock_paper_is_assembled_from_the_workers_reach_and_never_from_other_regions(client):
    w = await world()
    await _bank(w)
    await login(client, "worker")
    response = await post(client, "/exam-prep/mock", {"subject": "A-ZH"})
    assert response.status_code == 303
    attempt_id = int(response.headers["location"].rsplit("/", 1)[1])
    # The paper takes every single-choice question it may (60 slots, 5 questions): exactly the reach.
    assert await _paper_names(attempt_id) == WORKER_REACH


async def test_a_mock_started_without_a_request_still_draws_only_within_the_workers_reach(db):
    w = await world()
    await _bank(w)
    attempt = await services.mock_start(worker_id=w["workers"][2].id, subject="A-ZH", now=NOW, seed=1)
    assert await _paper_names(attempt.id) == {"N", "P", "C", "QB", "SB"}


async def test_only_county_b_has_the_subject_so_a_county_a_worker_cannot_start_its_mock(client):
    w = await world()
    await make_question(subject="I-FG", stem="QB-法规", region_path=w["regions"]["county_b"].path)
    await login(client, "worker")
    response = await post(client, "/exam-prep/mock", {"subject": "I-FG"})
    assert response.status_code == 422 and "no questions for this subject" in response.text


async def test_a_worker_cannot_answer_a_question_outside_their_reach_and_its_key_is_not_shown(client):
    w = await world()
    bank = await _bank(w)
    await login(client, "worker")
    theirs = await QuestionVersion.get(question_id=bank["QB"].id)
    response = await post(client, f"/exam-prep/practice/{bank['QB'].id}", {"version": theirs.id, "choice": "B"})
    assert response.status_code == 404 and "QB-题" not in response.text
    assert not await Answer.exists()
    with pytest.raises(DoesNotExist):
        await services.practice_answer(
            worker_id=w["workers"][0].id, question_id=bank["QB"].id, version_id=theirs.id, choices=["B"], now=NOW
        )
    assert not await Answer.exists()
    mine = await QuestionVersion.get(question_id=bank["QA"].id)
    response = await post(client, f"/exam-prep/practice/{bank['QA'].id}", {"version": mine.id, "choice": "B"})
    assert response.status_code == 200 and await Answer.filter(question_id=bank["QA"].id).count() == 1


async def test_the_notebook_review_and_due_count_leave_out_questions_outside_the_workers_reach(client):
    # A question the worker got wrong while working in county B stays in their notebook, out of sight.
    w = await world()
    bank = await _bank(w)
    worker_id = w["workers"][0].id
    yesterday = local_today() - timedelta(days=1)
    await NotebookEntry.create(worker_id=worker_id, question=bank["QB"], box=1, due_on=yesterday)
    await login(client, "worker")
    assert "T-QB" not in (await client.get("/exam-prep/notebook")).text
    review = await client.get("/exam-prep/review")
    assert "QB-题" not in review.text and "Nothing is due for review today." in review.text
    await NotebookEntry.create(worker_id=worker_id, question=bank["QA"], box=1, due_on=yesterday)
    assert "T-QA" in (await client.get("/exam-prep/notebook")).text
    review = text_of((await client.get("/exam-prep/review")).text)
    assert "QA-题" in review and "1 due" in review


async def test_readiness_weighs_topics_by_the_bank_within_the_workers_reach(client):
    w = await world()
    await _bank(w)
    await login(client, "worker")
    page = (await client.get("/exam-prep/readiness/A-ZH")).text
    shown = set(re.findall(r"topic=(T-[A-Z]+)", page))
    assert shown == {f"T-{n}" for n in WORKER_REACH}


async def test_a_worker_with_spells_in_two_regions_draws_from_both_and_without_one_only_nationally(client):
    w = await world()
    await _bank(w)
    worker = w["workers"][0]
    await EmploymentSpell.create(worker=worker, station=w["stations"][2], start_on=date(2023, 1, 1), full_time=False)
    await login(client, "worker")
    assert await _practice_draws(client) == WORKER_REACH | {"QB", "SB"}
    # Both spells ended: the national bank alone, in practice and in a mock.
    await EmploymentSpell.filter(worker=worker).update(end_on=local_today() - timedelta(days=1))
    assert await _practice_draws(client, n=5) == {"N"}
    response = await post(client, "/exam-prep/mock", {"subject": "A-ZH"})
    assert await _paper_names(int(response.headers["location"].rsplit("/", 1)[1])) == {"N"}


# ── the bank pages ─────────────────────────────────────────────────────────────────────────────────────────


async def _bank_view(client, username: str) -> tuple[set[str], set[str], dict[str, int]]:
    await login(client, username)
    listed = _names_in((await client.get("/exam-prep/bank?per_page=100")).text)
    exported = _names_in((await client.get("/exam-prep/bank/export?format=csv")).text)
    details = {}
    for question in await Question.all():
        name = question.topic.removeprefix("T-")
        details[name] = (await client.get(f"/exam-prep/bank/{question.id}")).status_code
    return listed, exported, details


async def test_a_county_bureau_sees_only_its_own_and_lower_regions_questions_in_the_bank(client):
    w = await world()
    await _bank(w)
    listed, exported, details = await _bank_view(client, "bureau")
    assert listed == exported == {"QA", "SA"}
    # The national bank and the province and city above it are not this bureau's to read (DESIGN §1 as updated).
    assert {n for n, status in details.items() if status == 200} == {"QA", "SA"}
    assert {n for n, status in details.items() if status == 404} == set(PLACES) - {"QA", "SA"}


async def test_a_city_bureau_sees_its_city_and_both_counties_but_not_the_province_or_the_national_bank(client):
    w = await world()
    await _bank(w)
    listed, exported, details = await _bank_view(client, "citybureau")
    assert listed == exported == {"C", "QA", "SA", "QB", "SB"}
    assert {n for n, status in details.items() if status == 200} == {"C", "QA", "SA", "QB", "SB"}


async def test_an_admin_sees_the_whole_bank(client):
    w = await world()
    await _bank(w)
    listed, exported, details = await _bank_view(client, "admin")
    assert listed == exported == set(PLACES)
    assert set(details.values()) == {200}


async def test_a_bureau_cannot_edit_a_question_of_a_region_above_it_or_beside_it(client):
    w = await world()
    bank = await _bank(w)
    await login(client, "bureau")
    for name in ("N", "C", "QB"):
        assert (await client.get(f"/exam-prep/bank/{bank[name].id}/edit")).status_code == 404, name
        assert (await post(client, f"/exam-prep/bank/{bank[name].id}", {"subject": "A-ZH"})).status_code == 404
    assert (await client.get(f"/exam-prep/bank/{bank['SA'].id}/edit")).status_code == 200


async def test_hr_and_supervisors_do_not_reach_the_bank_at_all(client):
    w = await world()
    bank = await _bank(w)
    for role in ("hr", "supervisor"):
        await login(client, role)
        for url in ("/exam-prep/bank", "/exam-prep/bank/export", f"/exam-prep/bank/{bank['N'].id}"):
            assert (await client.get(url)).status_code == 403, (role, url)
