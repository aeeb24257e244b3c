"""Certificate, result and CE forms resolve their worker inside the actor's scope, and a refusal never tells
the actor about a worker outside it (DESIGN §1, §4).

The world (tests/factories.py): HR belongs to organisation A (workers W1, W2); W3 and W4 work for organisation B."""

import html
from datetime import date

from talent.certification.models import CeCredit, Certificate, ExamResult
from tests.conftest import login, post, text_of
from tests.factories import world


def page_text(response) -> str:
    return html.unescape(text_of(response.text))


async def test_a_certificate_number_held_by_a_worker_outside_scope_is_refused_as_taken(client):
    w = await world()
    await Certificate.create(worker=w["workers"][2], level="assistant", number="C-B", obtained_on=date(2024, 6, 1))
    await login(client, "hr")
    response = await post(
        client,
        f"/certificates/workers/{w['workers'][0].id}/certificates/new",
        {"level": "assistant", "number": "C-B", "obtained_on": "2024-06-01"},
    )
    text = page_text(response)
    assert response.status_code == 422
    assert "This certificate number is taken." in text and "another worker" not in text
    assert await Certificate.filter(number="C-B").values_list("worker_id", flat=True) == [w["workers"][2].id]


async def test_results_and_ce_forms_answer_a_hidden_worker_as_an_unknown_one(client):
    w = await world()
    await login(client, "hr")
    for number in ("W3", "W99"):
        response = await post(
            client, "/certificates/results", {"worker_no": number, "year": "2024", "subject": "A-ZH", "score": "70"}
        )
        assert response.status_code == 422
        assert "No worker with this number in your scope." in page_text(response), number
    w3 = w["workers"][2]
    for url in (f"/certificates/workers/{w3.id}/ce/new", f"/certificates/workers/{w3.id}/certificates/new"):
        assert (await client.get(url)).status_code == 404
    ce = await post(
        client,
        f"/certificates/workers/{w3.id}/ce/new",
        {"hours": "8", "source": "external", "earned_on": "2024-06-01", "note": "培训"},
    )
    assert ce.status_code == 404
    assert not await ExamResult.exists() and not await CeCredit.exists()
