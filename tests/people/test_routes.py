from datetime import date

from talent.audit.models import AuditEntry
from talent.people.models import EmploymentSpell, ExitType, Worker
from tests.conftest import login, post, text_of
from tests.factories import world
from tests.querycount import count_queries

HX = {"HX-Request": "true"}

NEW_WORKER = {
    "worker_no": "W100",
    "name": "李四",
    "gender": "female",
    "birth_date": "1995-03-04",
    "education": "bachelor",
    "social_work_major": "1",
    "source": "incubated",
    "phone": "13900001111",
    "id_number": "32010219950304002X",
    "station_code": "S2",
    "start_on": "2025-01-01",
    "full_time": "1",
}


async def test_the_list_shows_workers_in_scope_with_station_and_masked_phone(client):
    await world()
    await login(client, "hr")
    response = await client.get("/workers")
    assert response.status_code == 200
    text = text_of(response.text)
    assert "W1" in text and "W2" in text and "W3" not in text and "W4" not in text
    assert "社工站1 (S1)" in text
    assert "138****5678" in text and "13812345678" not in text


async def test_live_search_returns_the_results_fragment_and_an_empty_state(client):
    await world()
    await login(client, "admin")
    response = await client.get("/workers", params={"q": "工作者3"}, headers=HX)
    assert response.status_code == 200 and "<html" not in response.text
    assert "W3" in response.text and "W1" not in text_of(response.text)
    response = await client.get("/workers", params={"q": "nobody"})
    assert "No workers match." in response.text


async def test_filters_by_station_and_source_and_sorting_never_fail(client):
    await world()
    await login(client, "admin")
    response = await client.get("/workers", params={"station": "S3", "status": "all", "sort": "-start"})
    assert response.status_code == 200
    assert "W3" in response.text and "W4" not in text_of(response.text)
    response = await client.get("/workers", params={"source": "incubated", "status": "bogus", "sort": "nope"})
    assert response.status_code == 200 and "No workers match." in response.text


async def test_the_worker_list_is_for_staff_only(client):
    await world()
    await login(client, "worker")
    assert (await client.get("/workers")).status_code == 403


async def test_the_detail_page_shows_id_and_phone_in_full_to_hr_and_masked_to_a_supervisor(client):
    w = await world()
    url = f"/workers/{w['workers'][0].id}"
    await login(client, "hr")
    response = await client.get(url)
    assert response.status_code == 200
    assert "13812345678" in response.text and "320102199001011234" in response.text
    assert (
        "Record exit" in response.text and f"/audit?entity=worker&amp;entity_id={w['workers'][0].id}" in response.text
    )
    await login(client, "supervisor")
    response = await client.get(url)
    assert response.status_code == 200
    assert "13812345678" not in response.text and "138****5678" in response.text
    assert "320102199001011234" not in response.text and "3201**********1234" in response.text
    assert "Record exit" not in response.text and "/edit" not in response.text


async def test_a_worker_sees_only_their_own_record_without_edit_actions(client):
    w = await world()
    await login(client, "worker")  # the account of W1
    response = await client.get(f"/workers/{w['workers'][0].id}")
    assert response.status_code == 200
    assert "13812345678" in response.text
    assert "Record exit" not in response.text and "Transfer" not in response.text and "/edit" not in response.text
    assert (await client.get(f"/workers/{w['workers'][1].id}")).status_code == 404
    assert (await client.get(f"/workers/{w['workers'][0].id}/edit")).status_code == 403


async def test_out_of_scope_and_unknown_ids_answer_404(client):
    w = await world()
    await login(client, "hr")  # org A: W1, W2
    other = w["workers"][2]
    spell = await EmploymentSpell.get(worker=other)
    for url in (
        f"/workers/{other.id}",
        f"/workers/{other.id}/edit",
        f"/workers/{other.id}/transfer",
        f"/workers/{other.id}/spells/new",
        f"/workers/{other.id}/spells/{spell.id}/exit",
        f"/workers/{w['workers'][0].id}/spells/{spell.id}/exit",
        "/workers/999999",
        "/workers/abc",
    ):
        assert (await client.get(url)).status_code == 404, url
    response = await post(
        client,
        f"/workers/{other.id}/spells/{spell.id}/exit",
        {"end_on": "2025-01-01", "exit_type": "voluntary", "exit_reason": "pay"},
    )
    assert response.status_code == 404
    assert (await EmploymentSpell.get(id=spell.id)).end_on is None


async def test_hr_creates_a_worker_with_the_first_hire(client):
    w = await world()
    await login(client, "hr")
    response = await post(client, "/workers", NEW_WORKER)
    assert response.status_code == 303
    worker = await Worker.get(worker_no="W100")
    assert response.headers["location"] == f"/workers/{worker.id}"
    spell = await EmploymentSpell.get(worker=worker)
    assert (spell.station_id, spell.start_on, spell.full_time) == (w["stations"][1].id, date(2025, 1, 1), True)
    page = await client.get(response.headers["location"])
    assert "Worker created." in page.text and "李四" in page.text


async def test_a_duplicate_worker_number_rerenders_with_422_keeps_input_and_writes_nothing(client):
    await world()
    await login(client, "hr")
    response = await post(client, "/workers", {**NEW_WORKER, "worker_no": "W1"})
    assert response.status_code == 422
    assert "This worker number is taken." in response.text
    assert 'value="李四"' in response.text and 'value="13900001111"' in response.text
    assert await Worker.filter(name="李四").count() == 0
    assert not await AuditEntry.filter(entity="worker").exists()


async def test_hr_cannot_create_a_worker_without_a_hire_or_at_another_organisations_station(client):
    await world()
    await login(client, "hr")
    response = await post(client, "/workers", {**NEW_WORKER, "station_code": "", "start_on": ""})
    assert response.status_code == 422 and "This field is required." in response.text
    response = await post(client, "/workers", {**NEW_WORKER, "station_code": "S3"})
    assert response.status_code == 422 and "No station with this code in your scope." in response.text
    response = await post(client, "/workers", {**NEW_WORKER, "id_number": "12345"})
    assert response.status_code == 422 and "18 characters" in response.text
    assert not await Worker.filter(worker_no="W100").exists()


async def test_an_admin_may_create_a_worker_without_a_hire(client):
    await world()
    await login(client, "admin")
    response = await post(client, "/workers", {**NEW_WORKER, "station_code": "", "start_on": ""})
    assert response.status_code == 303
    assert not await EmploymentSpell.filter(worker__worker_no="W100").exists()


async def test_editing_personal_data(client):
    w = await world()
    worker = w["workers"][0]
    await login(client, "hr")
    form = await client.get(f"/workers/{worker.id}/edit")
    assert form.status_code == 200 and 'value="工作者1"' in form.text
    data = {"worker_no": "W1", "name": "改名", "source": "introduced", "phone": "13800000000"}
    response = await post(client, f"/workers/{worker.id}", data)
    assert response.status_code == 303
    assert (await Worker.get(id=worker.id)).name == "改名"
    response = await post(client, f"/workers/{worker.id}", {**data, "worker_no": "W2"})
    assert response.status_code == 422 and 'value="改名"' in response.text


async def test_the_htmx_exit_flow_returns_fragments(client):
    w = await world()
    worker = w["workers"][0]
    spell = await EmploymentSpell.get(worker=worker)
    url = f"/workers/{worker.id}/spells/{spell.id}/exit"
    await login(client, "hr")
    detail = await client.get(f"/workers/{worker.id}")
    assert f'hx-get="{url}"' in detail.text and f'id="exit-slot-{spell.id}"' in detail.text
    form = await client.get(url, headers=HX)
    assert form.status_code == 200 and "<html" not in form.text and f'hx-post="{url}"' in form.text
    # The last working day before the start date: 422 with the form fragment and the error.
    bad = await post(client, url, {"end_on": "2021-12-31", "exit_type": "voluntary", "exit_reason": "pay"}, headers=HX)
    assert bad.status_code == 422 and "<html" not in bad.text
    assert f'id="exit-form-{spell.id}"' in bad.text and "cannot be before the start date" in bad.text
    assert 'value="2021-12-31"' in bad.text
    ok = await post(client, url, {"end_on": "2025-03-31", "exit_type": "voluntary", "exit_reason": "pay"}, headers=HX)
    assert ok.status_code == 200 and "<html" not in ok.text
    assert ok.headers["hx-retarget"] == "#spells" and ok.headers["hx-reswap"] == "outerHTML"
    assert 'id="spells"' in ok.text and "Exit recorded." in ok.text and "Record exit" not in ok.text
    spell = await EmploymentSpell.get(id=spell.id)
    assert spell.end_on == date(2025, 3, 31) and spell.exit_type == ExitType.VOLUNTARY


async def test_the_exit_flow_works_without_javascript(client):
    w = await world()
    worker = w["workers"][1]
    spell = await EmploymentSpell.get(worker=worker)
    url = f"/workers/{worker.id}/spells/{spell.id}/exit"
    await login(client, "hr")
    page = await client.get(url)
    assert page.status_code == 200 and "<html" in page.text and f'action="{url}"' in page.text
    bad = await post(client, url, {"end_on": "2025-03-31"})
    assert bad.status_code == 422 and "<html" in bad.text and 'value="2025-03-31"' in bad.text
    ok = await post(client, url, {"end_on": "2025-03-31", "exit_type": "involuntary", "exit_reason": "dismissal"})
    assert ok.status_code == 303 and ok.headers["location"] == f"/workers/{worker.id}"
    assert "Exit recorded." in (await client.get(ok.headers["location"])).text


async def test_a_transfer_through_the_page(client):
    w = await world()
    worker = w["workers"][0]
    await login(client, "hr")
    assert (await client.get(f"/workers/{worker.id}/transfer")).status_code == 200
    same = await post(
        client,
        f"/workers/{worker.id}/transfer",
        {"end_on": "2025-03-31", "exit_reason": "career", "station_code": "S1"},
    )
    assert same.status_code == 422 and "other than the current one" in same.text
    ok = await post(
        client,
        f"/workers/{worker.id}/transfer",
        {"end_on": "2025-03-31", "exit_reason": "career", "station_code": "S2", "full_time": "1"},
    )
    assert ok.status_code == 303
    spells = await EmploymentSpell.filter(worker=worker).order_by("start_on")
    assert [(s.station_id, s.start_on, s.end_on) for s in spells] == [
        (w["stations"][0].id, date(2022, 1, 1), date(2025, 3, 31)),
        (w["stations"][1].id, date(2025, 4, 1), None),
    ]


async def test_an_overlapping_new_spell_is_refused_with_a_clear_message(client):
    w = await world()
    worker = w["workers"][0]
    await login(client, "hr")
    assert (await client.get(f"/workers/{worker.id}/spells/new")).status_code == 200
    response = await post(client, f"/workers/{worker.id}/spells/new", {"station_code": "S2", "start_on": "2026-01-01"})
    assert response.status_code == 422 and "may not overlap" in response.text and 'value="2026-01-01"' in response.text
    assert await EmploymentSpell.filter(worker=worker).count() == 1


async def test_suggest_lists_workers_in_scope_as_options(client):
    await world()
    await login(client, "hr")
    response = await client.get("/workers/suggest", params={"q": "W"})
    assert response.status_code == 200
    assert '<option value="W1">工作者1 (W1)</option>' in response.text
    assert "W3" not in response.text


async def _add_workers(w, n: int, start: int) -> None:
    for i in range(start, start + n):
        worker = await Worker.create(worker_no=f"X{i:03d}", name=f"批量{i}", phone="13800000000")
        await EmploymentSpell.create(worker=worker, station=w["stations"][i % 4], start_on=date(2023, 1, 1))


async def test_the_worker_list_makes_the_same_number_of_queries_for_3_and_30_workers(client):
    w = await world()
    await EmploymentSpell.all().delete()
    await login(client, "hr")
    await _add_workers(w, 3, 0)
    async with count_queries() as few:
        response = await client.get("/workers")
    assert response.status_code == 200
    await _add_workers(w, 27, 3)
    async with count_queries() as many:
        response = await client.get("/workers", params={"per_page": 100})
    assert response.text.count('href="/workers/') >= 2 * 15  # 15 of the 30 are at org A's stations
    assert few.count == many.count, (few.statements, many.statements)


async def test_suggest_also_reads_the_lookup_inputs_own_name(client):
    await world()
    await login(client, "admin")
    response = await client.get("/workers/suggest", params={"worker_no": "W4"})
    assert '<option value="W4">工作者4 (W4)</option>' in response.text and "W1" not in response.text
