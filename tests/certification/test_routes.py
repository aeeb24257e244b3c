"""Certificate pages: scope, forms with bad input, the HR list's query count, pass rates, the exam catalogue."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from talent.audit.models import AuditEntry
from talent.certification import services
from talent.certification.models import CeCredit, Certificate, ExamResult, ExamSubject, PassLine
from talent.core.clock import local_today
from talent.people.models import EmploymentSpell, Worker
from tests.conftest import login, post, text_of
from tests.factories import world
from tests.querycount import count_queries


@pytest.fixture
async def w(db):
    data = await world()
    await services.catalogue_seed()
    return data


async def test_hr_sees_the_workers_of_its_stations_with_level_status_and_ce_hours(client, w):
    w1 = w["workers"][0]
    today = local_today()
    await Certificate.create(
        worker=w1,
        level="assistant",
        number="A-100",
        obtained_on=today - timedelta(days=400),
        registered_on=today - timedelta(days=300),
        registration_expires_on=today + timedelta(days=700),
    )
    await CeCredit.create(worker=w1, hours=Decimal("12.5"), source="course", earned_on=today - timedelta(days=10))
    await login(client, "hr")
    response = await client.get("/certificates")
    assert response.status_code == 200
    text = text_of(response.text)
    assert "A-100" in text and "Registered" in text and "12.5 / 72" in text
    assert "W2" in text and "W3" not in text  # W3 works for the other organisation
    only = await client.get("/certificates?status=none", headers={"HX-Request": "true"})
    assert "W2" in only.text and "A-100" not in only.text and "<html" not in only.text


async def test_the_certificate_list_costs_the_same_queries_with_few_and_many_workers(client, w):
    await login(client, "admin")
    await client.get("/certificates")
    async with count_queries() as few:
        assert (await client.get("/certificates")).status_code == 200
    station = w["stations"][0]
    for i in range(30):
        worker = await Worker.create(worker_no=f"X{i:03d}", name=f"多{i}")
        await EmploymentSpell.create(worker=worker, station=station, start_on=date(2023, 1, 1))
        await Certificate.create(
            worker=worker,
            level="intermediate",
            number=f"X-{i}",
            obtained_on=date(2024, 6, 1),
            registered_on=date(2024, 9, 1),
        )
        await CeCredit.create(worker=worker, hours=Decimal(5), source="course", earned_on=date(2025, 1, 1))
    async with count_queries() as many:
        assert (await client.get("/certificates")).status_code == 200
    assert few.count == many.count


async def test_the_list_exports_as_csv(client, w):
    await login(client, "hr")
    response = await client.get("/certificates/export?format=csv")
    assert response.status_code == 200
    assert "W1" in response.text and "W3" not in response.text


async def test_a_worker_is_sent_to_their_own_certificate_page_and_cannot_open_another(client, w):
    await login(client, "worker")
    response = await client.get("/certificates")
    assert response.status_code == 303
    assert response.headers["location"] == f"/certificates/workers/{w['workers'][0].id}"
    assert (await client.get(response.headers["location"])).status_code == 200
    assert (await client.get(f"/certificates/workers/{w['workers'][1].id}")).status_code == 404
    assert (await client.get("/certificates/results/new")).status_code == 403


async def test_recording_results_by_form_creates_the_certificate_and_audits(client, w):
    await login(client, "hr")
    for subject in ("A-ZH", "A-SW"):
        response = await post(
            client, "/certificates/results", {"worker_no": "W1", "year": "2024", "subject": subject, "score": "72"}
        )
        assert response.status_code == 303, response.text[:300]
    assert await Certificate.filter(worker_id=w["workers"][0].id, level="assistant").count() == 1
    page = await client.get(response.headers["location"])
    assert "EX2024-A-W1" in page.text
    assert await AuditEntry.filter(entity="exam_result").count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"worker_no": "W1", "year": "2024", "subject": "A-ZH", "score": "101"}, "score"),
        ({"worker_no": "W1", "year": "2024", "subject": "A-ZH", "score": "abc"}, "score"),
        ({"worker_no": "W1", "year": "2024", "subject": "Q-QQ", "score": "50"}, "subject"),
        ({"worker_no": "W3", "year": "2024", "subject": "A-ZH", "score": "50"}, "worker_no"),  # out of scope
        ({"worker_no": "W1", "year": "1800", "subject": "A-ZH", "score": "50"}, "year"),
    ],
)
async def test_a_bad_result_is_refused_with_the_field_marked_and_nothing_written(client, w, data, field):
    await login(client, "hr")
    response = await post(client, "/certificates/results", data)
    assert response.status_code == 422
    assert f'id="f-{field}-err"' in response.text
    assert f'value="{data["worker_no"]}"' in response.text  # what was typed is kept
    assert await ExamResult.all().count() == 0


async def test_registration_and_ce_forms(client, w):
    w1 = w["workers"][0]
    await login(client, "hr")
    base = f"/certificates/workers/{w1.id}"
    response = await post(
        client, f"{base}/certificates/new", {"level": "assistant", "number": "Z-1", "obtained_on": "2025-01-10"}
    )
    assert response.status_code == 303
    cert = await Certificate.get(number="Z-1")
    late = await post(client, f"{base}/certificates/{cert.id}/register", {"on": "2026-02-01"})
    assert late.status_code == 422 and "2026-01-10" in late.text
    ok = await post(client, f"{base}/certificates/{cert.id}/register", {"on": "2025-03-01"})
    assert ok.status_code == 303
    await cert.refresh_from_db()
    assert cert.registration_expires_on == date(2028, 2, 29)
    bad = await post(client, f"{base}/ce/new", {"hours": "8", "source": "external", "earned_on": "2025-05-01"})
    assert bad.status_code == 422 and 'id="f-note-err"' in bad.text
    good = await post(
        client,
        f"{base}/ce/new",
        {"hours": "8", "source": "external", "earned_on": "2025-05-01", "note": "市社协培训证明"},
    )
    assert good.status_code == 303
    page = await client.get(base)
    assert "市社协培训证明" in page.text


async def test_out_of_scope_and_unknown_ids_answer_404(client, w):
    other = w["workers"][2]
    cert = await Certificate.create(worker=other, level="assistant", number="B-1", obtained_on=date(2025, 1, 1))
    await login(client, "hr")
    assert (await client.get(f"/certificates/workers/{other.id}")).status_code == 404
    assert (await client.get(f"/certificates/workers/{other.id}/certificates/{cert.id}/register")).status_code == 404
    own = w["workers"][0]
    assert (await client.get(f"/certificates/workers/{own.id}/certificates/{cert.id}/register")).status_code == 404
    assert (await post(client, f"/certificates/workers/{other.id}/ce/new", {"hours": "1"})).status_code == 404
    assert (await client.get("/certificates/workers/999999")).status_code == 404


async def test_pass_rates_page(client, w):
    hr = w["users"]["admin"]
    await services.result_record(actor=hr, worker=w["workers"][0], year=2024, subject="A-ZH", score=Decimal(70))
    await services.result_record(actor=hr, worker=w["workers"][1], year=2024, subject="A-ZH", score=Decimal(50))
    await login(client, "bureau")
    response = await client.get("/certificates/pass-rates?region=320102")
    assert response.status_code == 200
    assert "50.0%" in text_of(response.text)  # 1 passed of 2 sat


async def test_an_admin_edits_the_catalogue_and_the_history_is_in_the_audit_log(client, w):
    await login(client, "admin")
    assert (await client.get("/admin/exams")).status_code == 200
    subject = await ExamSubject.get(code="A-ZH")
    response = await post(
        client,
        f"/admin/exams/subjects/{subject.id}",
        {"name": subject.name, "name_en": "", "minutes": "100", "full_marks": "100", "pass_mark": "120"},
    )
    assert response.status_code == 422 and 'id="f-pass_mark-err"' in response.text
    response = await post(
        client,
        f"/admin/exams/subjects/{subject.id}",
        {"name": subject.name, "name_en": subject.name_en, "minutes": "100", "full_marks": "100", "pass_mark": "60"},
    )
    assert response.status_code == 303
    assert (await ExamSubject.get(code="A-ZH")).minutes == 100
    entry = await AuditEntry.get(entity="exam_subject")
    assert entry.before == {"minutes": 120} and entry.after == {"minutes": 100}
    line = await post(
        client,
        "/admin/exams/pass-lines",
        {"subject": "A-ZH", "year": "2025", "region_code": "320102", "pass_mark": "55"},
    )
    assert line.status_code == 303
    dup = await post(
        client,
        "/admin/exams/pass-lines",
        {"subject": "A-ZH", "year": "2025", "region_code": "320102", "pass_mark": "54"},
    )
    assert dup.status_code == 422
    assert await PassLine.all().count() == 1
    created = await PassLine.get()
    assert (await post(client, f"/admin/exams/pass-lines/{created.id}/delete")).status_code == 303
    assert await PassLine.all().count() == 0
    await login(client, "bureau")
    assert (await client.get("/admin/exams")).status_code == 403


async def test_results_before_2025_carry_the_exams_old_name_and_later_ones_do_not(client):
    """Since 2025 the exam is the 社会工作者职业资格考试; a result of 2024 or before is marked with the name it had
    then (职业水平考试), so the history reads as it was (issue 16)."""
    w = await world()
    subject = await ExamSubject.get(code="A-ZH")
    for year in (2024, 2025):
        await ExamResult.create(worker=w["workers"][0], year=year, subject=subject, score=70, pass_mark=60, passed=True)
    await login(client, "hr")
    response = await client.get(f"/certificates/workers/{w['workers'][0].id}", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200
    assert response.text.count("data-old-name") == 1
    assert "时称社会工作者职业水平考试" in response.text and "社会工作者职业资格考试成绩" in response.text
