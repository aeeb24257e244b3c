"""The platform's route walks (authorisation, CSRF, hostile input) run again here over an app that includes the
exam-prep routes, plus a walk of the exam-prep routes with real ids of this worker's and another worker's
records."""

from datetime import UTC, datetime

import pytest

from courses.examprep import services
from courses.examprep.models import Answer, AttemptItem, QuestionVersion
from tests.conftest import login
from tests.examprep.conftest import make_bank
from tests.factories import world
from tests.web.test_bad_input_walk import (  # noqa: F401
    test_hostile_form_values_never_cause_a_server_error,
    test_hostile_path_and_query_values_never_cause_a_server_error,
)
from tests.web.test_csrf_walk import (  # noqa: F401
    test_every_unsafe_route_requires_the_csrf_token,
    test_the_real_token_passes_the_check_on_every_unsafe_route,
)
from tests.web.test_route_walk import (  # noqa: F401
    _request,
    all_routes,
    fill,
    test_anonymous_visitors_reach_only_public_routes,
    test_every_route_answers_without_error_and_hides_other_scopes,
)


async def _side(worker_id: int, question_id: int) -> dict[str, object]:
    now = datetime.now(UTC)
    attempt = await services.mock_start(worker_id=worker_id, subject="A-ZH", now=now, seed=worker_id)
    item = await AttemptItem.filter(attempt_id=attempt.id).first()
    version = await QuestionVersion.get(question_id=question_id)
    answer = await Answer.create(
        worker_id=worker_id,
        question_id=question_id,
        version=version,
        source="practice",
        response="B",
        correct=True,
        answered_at=now,
    )
    return {"attempt_id": attempt.id, "question_id": item.question_id, "answer_id": answer.id, "subject": "A-ZH"}


@pytest.mark.parametrize("role", ["worker", "admin", "bureau", "hr", "supervisor"])
async def test_exam_prep_routes_never_fail_and_never_reach_another_workers_records(app, client, role):
    w = await world()
    questions = await make_bank()
    mine = await _side(w["workers"][0].id, questions[0].id)
    theirs = await _side(w["workers"][2].id, questions[1].id)
    await login(client, role)
    failures = []
    for method, path in all_routes(app):
        if not path.startswith("/exam-prep") or path.startswith("/exam-prep/bank"):
            continue
        for side, ids in (("A", mine), ("B", theirs)):
            url = fill(path, ids)
            response = await _request(client, method, url)
            if response.status_code >= 500:
                failures.append((method, url, side, response.status_code))
            if role != "worker" and response.status_code != 403:
                failures.append((method, url, side, response.status_code))
            if side == "B" and "{" in path and "{subject}" not in path and response.status_code not in (403, 404):
                failures.append((method, url, side, response.status_code))
    assert not failures, failures
