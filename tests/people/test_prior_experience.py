"""Prior experience (employer, from, to, kind) on the worker: counted in the years of social work once where it
overlaps a spell or another entry (the union of the periods), full-time study not counted; shown in the
eligibility basis; added, edited and deleted through forms, audited, and scoped like the worker page."""

from datetime import date

import pytest

from talent.audit.models import AuditEntry
from talent.certification import selectors as certification
from talent.core.access import Role, Scope
from talent.people.models import EmploymentSpell, PriorExperience, Worker
from tests.conftest import login, post, text_of
from tests.factories import world

ADMIN = Scope(user_id=0, role=Role.ADMIN)


@pytest.fixture
async def w(db):
    return await world()


async def _worker_with_history(w) -> Worker:
    worker = w["workers"][0]
    await Worker.filter(id=worker.id).update(education="bachelor", social_work_major=False)
    await EmploymentSpell.filter(worker_id=worker.id).update(start_on=date(2020, 1, 1), end_on=date(2021, 12, 31))
    return worker


async def test_prior_experience_counts_once_where_it_overlaps_a_spell_or_another_entry(w):
    worker = await _worker_with_history(w)
    # Spell 2020-01-01 … 2021-12-31 (731 days). Prior A 2018-01-01 … 2020-06-30 overlaps the spell by 182 days;
    # prior B 2019-03-01 … 2019-09-30 lies inside A; study 2014-09-01 … 2017-06-30 is full-time study.
    # Union: 2018-01-01 … 2021-12-31 = 365 + 365 + 366 + 365 = 1461 days (summing would give 731 + 912 + 214).
    await PriorExperience.create(
        worker=worker, employer="某社区居委会", start_on=date(2018, 1, 1), end_on=date(2020, 6, 30), kind="community"
    )
    await PriorExperience.create(
        worker=worker, employer="某社工机构", start_on=date(2019, 3, 1), end_on=date(2019, 9, 30), kind="social_work"
    )
    await PriorExperience.create(
        worker=worker, employer="某大学社工实习", start_on=date(2014, 9, 1), end_on=date(2017, 6, 30), kind="study"
    )
    e = await certification.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=date(2021, 3, 1), year=2021)
    assert (e.cutoff, e.days) == (date(2021, 12, 31), 1461)
    # 4 years: an other-major bachelor may sit assistant (2 years) but not intermediate (5).
    levels = {level.level: level for level in e.levels}
    assert levels["assistant"].eligible and not levels["intermediate"].eligible
    # The basis lists every entry, the study one marked as not counted.
    assert [(p["employer"], p["counted"]) for p in e.prior] == [
        ("某大学社工实习", False),
        ("某社区居委会", True),
        ("某社工机构", True),
    ]


async def test_without_the_prior_experience_only_the_spell_counts(w):
    worker = await _worker_with_history(w)
    e = await certification.worker_eligibility(scope=ADMIN, worker_id=worker.id, today=date(2021, 3, 1), year=2021)
    assert e.days == 731 and e.prior == []


async def test_hr_adds_edits_and_deletes_prior_experience_and_each_change_is_audited(client, w):
    worker = await _worker_with_history(w)
    await login(client, "hr")
    form = await client.get(f"/workers/{worker.id}/experience/new")
    assert form.status_code == 200 and 'name="employer"' in form.text
    data = {"employer": "鼓楼区某社工机构", "start_on": "2018-01-01", "end_on": "2019-12-31", "kind": "social_work"}
    response = await post(client, f"/workers/{worker.id}/experience/new", data)
    assert response.status_code == 303
    experience = await PriorExperience.get(worker_id=worker.id)
    entry = await AuditEntry.get(entity="prior_experience", entity_id=str(experience.id))
    assert entry.action == "create" and entry.after["employer"] == "鼓楼区某社工机构"
    page = await client.get(f"/workers/{worker.id}")
    text = text_of(page.text)
    assert "鼓楼区某社工机构" in text and "Prior experience" in text
    assert 'id="eligibility-prior"' in page.text
    # Edit: to 2019-06-30.
    data["end_on"] = "2019-06-30"
    assert (await post(client, f"/workers/{worker.id}/experience/{experience.id}", data)).status_code == 303
    assert (await PriorExperience.get(id=experience.id)).end_on == date(2019, 6, 30)
    assert await AuditEntry.filter(entity="prior_experience", action="update").exists()
    # Delete.
    response = await post(client, f"/workers/{worker.id}/experience/{experience.id}/delete")
    assert response.status_code == 303
    assert not await PriorExperience.filter(id=experience.id).exists()
    assert await AuditEntry.filter(entity="prior_experience", action="delete").exists()


async def test_a_period_ending_before_it_starts_is_refused_with_the_form_again(client, w):
    worker = w["workers"][0]
    await login(client, "hr")
    data = {"employer": "某机构", "start_on": "2019-01-01", "end_on": "2018-12-31", "kind": "social_work"}
    response = await post(client, f"/workers/{worker.id}/experience/new", data)
    assert response.status_code == 422
    assert "The last day cannot be before the first day." in text_of(response.text)
    assert not await PriorExperience.filter(worker_id=worker.id).exists()


async def test_another_jurisdictions_worker_and_their_experience_answer_404(client, w):
    other = w["workers"][2]  # county B
    experience = await PriorExperience.create(
        worker=other, employer="秦淮哨兵机构", start_on=date(2018, 1, 1), end_on=date(2018, 12, 31)
    )
    await login(client, "hr")
    for url in (f"/workers/{other.id}/experience/new", f"/workers/{other.id}/experience/{experience.id}"):
        response = await client.get(url)
        assert response.status_code == 404 and "秦淮哨兵机构" not in response.text
    # An in-scope worker with another worker's experience id: 404 too.
    mine = w["workers"][0]
    response = await client.get(f"/workers/{mine.id}/experience/{experience.id}")
    assert response.status_code == 404 and "秦淮哨兵机构" not in response.text
    response = await post(client, f"/workers/{other.id}/experience/{experience.id}/delete", {})
    assert response.status_code == 404
    assert await PriorExperience.filter(id=experience.id).exists()


async def test_a_worker_account_sees_but_cannot_change_its_prior_experience(client, w):
    worker = w["workers"][0]
    await PriorExperience.create(
        worker=worker, employer="自己的机构", start_on=date(2018, 1, 1), end_on=date(2018, 12, 31)
    )
    await login(client, "worker")
    page = await client.get(f"/workers/{worker.id}")
    assert "自己的机构" in page.text and "/experience/new" not in page.text
    assert (await client.get(f"/workers/{worker.id}/experience/new")).status_code in (403, 404)
