"""The worker forms resolve every reference inside the actor's scope (DESIGN §1, §4): a station or worker outside
it is answered as unknown (or 404), and no refusal names a station the actor cannot see.

The world (tests/factories.py): HR belongs to organisation A (stations S1, S2, workers W1, W2); organisation B
runs S3 and S4 (workers W3, W4)."""

import html
from datetime import date

from talent.core.access import Role, Scope
from talent.imports import framework
from talent.people.models import EmploymentSpell, Worker
from tests.conftest import login, post, text_of
from tests.factories import world
from tests.imports.conftest import csv_bytes, write


def page_text(response) -> str:
    return html.unescape(text_of(response.text))


async def w3_once_at_s1(w) -> Worker:
    """W3 worked at S1 (organisation A) before their open spell at S3 (organisation B): HR A sees W3, not S3."""
    w3 = w["workers"][2]
    await EmploymentSpell.create(
        worker=w3, station=w["stations"][0], start_on=date(2020, 1, 1), end_on=date(2021, 12, 31)
    )
    return w3


async def test_a_new_spell_overlapping_a_hidden_spell_is_refused_without_naming_its_station(client):
    w = await world()
    w3 = await w3_once_at_s1(w)
    await login(client, "hr")
    response = await post(client, f"/workers/{w3.id}/spells/new", {"station_code": "S2", "start_on": "2030-01-01"})
    text = page_text(response)
    assert response.status_code == 422
    assert "This overlaps another spell of this worker; a worker's spells may not overlap. Nothing was saved." in text
    assert "S3" not in text and "社工站3" not in text
    assert not await EmploymentSpell.filter(worker=w3, station=w["stations"][1]).exists()


async def test_an_overlap_with_a_spell_in_scope_still_says_where_it_is(client):
    w = await world()
    await login(client, "hr")
    worker = w["workers"][0]
    response = await post(client, f"/workers/{worker.id}/spells/new", {"station_code": "S2", "start_on": "2030-01-01"})
    assert response.status_code == 422 and "社工站1 (S1)" in page_text(response)


async def test_a_transfer_or_a_new_spell_at_another_organisations_station_is_answered_as_unknown(client):
    w = await world()
    worker = w["workers"][0]
    await login(client, "hr")
    for url, data in [
        (f"/workers/{worker.id}/transfer", {"end_on": "2025-03-31", "exit_reason": "career", "station_code": "S3"}),
        (f"/workers/{worker.id}/spells/new", {"station_code": "S3", "start_on": "2019-01-01", "end_on": "2019-12-31"}),
    ]:
        for code in ("S3", "S99"):
            response = await post(client, url, {**data, "station_code": code})
            assert response.status_code == 422
            assert "No station with this code in your scope." in page_text(response), (url, code)
    assert await EmploymentSpell.filter(worker=worker).count() == 1


async def test_a_worker_registered_by_another_organisation_is_not_found(client, tmp_path):
    w = await world()
    hr_b = Scope(user_id=0, role=Role.HR, organisation_id=w["orgs"][1].id)
    path = write(
        tmp_path, "w.csv", csv_bytes([["worker_no", "name", "id_number"], ["N1", "乙方新人", "320104199001011234"]])
    )
    outcome = await framework.run(framework.get_kind("workers"), path, scope=hr_b, actor=None, dry_run=False)
    assert outcome.written
    worker = await Worker.get(worker_no="N1")
    await login(client, "hr")
    for url in (f"/workers/{worker.id}", f"/workers/{worker.id}/edit", f"/workers/{worker.id}/spells/new"):
        assert (await client.get(url)).status_code == 404, url
    hire = await post(client, f"/workers/{worker.id}/spells/new", {"station_code": "S1", "start_on": "2025-01-01"})
    assert hire.status_code == 404 and not await EmploymentSpell.filter(worker=worker).exists()
    suggest = await client.get("/workers/suggest", params={"q": "N1"})
    assert "N1" not in suggest.text


async def test_hr_sees_the_workers_it_registered_until_they_are_placed(client, tmp_path):
    w = await world()
    hr_a = Scope(user_id=w["users"]["hr"].id, role=Role.HR, organisation_id=w["orgs"][0].id)
    path = write(tmp_path, "w.csv", csv_bytes([["worker_no", "name"], ["N1", "新人"]]))
    await framework.run(framework.get_kind("workers"), path, scope=hr_a, actor=None, dry_run=False)
    worker = await Worker.get(worker_no="N1")
    await login(client, "hr")
    detail = await client.get(f"/workers/{worker.id}")
    assert detail.status_code == 200 and "新人" in detail.text
    hire = await post(client, f"/workers/{worker.id}/spells/new", {"station_code": "S1", "start_on": "2025-01-01"})
    assert hire.status_code == 303
    assert await EmploymentSpell.filter(worker=worker, station=w["stations"][0]).exists()
