"""An audit entry is read in the jurisdiction of every record its change touched (DESIGN §1): a transfer between
two organisations' stations, a station moved to another organisation, a change to a worker seen by two
organisations, an enrolment into another region's course. An unrelated jurisdiction sees none of it.

The world (tests/factories.py): HR A = organisation A (S1, S2 in county A), organisation B runs S3 and S4 in
county B, the city bureau is above both. Each test adds organisation C with its own HR, who must see nothing."""

import html
from datetime import date

from talent.accounts import services as account_services
from talent.audit.models import AuditEntry
from talent.core.access import Role
from talent.imports import framework
from talent.people.models import EmploymentSpell, Worker
from talent.places.models import Organisation, Station
from tests.conftest import PASSWORD, login, post, text_of
from tests.courses.helpers import make_course
from tests.factories import world
from tests.imports.conftest import ADMIN, csv_bytes, write


async def world_with_hr_b_and_c() -> dict:
    w = await world()
    org_c = await Organisation.create(name="第三方社工机构")
    await Station.create(
        code="S5", name="社工站5", region=w["regions"]["street_a"], region_path=w["regions"]["street_a"].path,
        organisation=org_c,
    )  # fmt: skip
    for username, org in (("hrb", w["orgs"][1]), ("hrc", org_c)):
        w["users"][username] = await account_services.user_create(
            actor=None, username=username, password=PASSWORD, role=Role.HR, organisation_id=org.id
        )
    return w


async def audit_text(client, username: str, **params) -> str:
    await login(client, username)
    response = await client.get("/audit", params=params)
    assert response.status_code == 200
    return html.unescape(text_of(response.text))


async def test_a_transfer_between_organisations_is_read_by_the_hr_of_both_and_by_nobody_else(client):
    w = await world_with_hr_b_and_c()
    worker = w["workers"][0]
    await login(client, "citybureau")  # above both counties
    response = await post(
        client,
        f"/workers/{worker.id}/transfer",
        {"end_on": "2025-03-31", "exit_reason": "career", "station_code": "S3", "full_time": "1"},
    )
    assert response.status_code == 303
    # Both halves (S1's spell ends, S3's begins) are one change touching both organisations.
    for username in ("hr", "hrb", "bureau", "citybureau"):
        assert (await audit_text(client, username)).count("W1 S1 → S3") == 2, username
    assert "W1 S1 → S3" not in await audit_text(client, "hrc")


async def test_a_station_moved_to_another_organisation_by_import_is_read_by_both(client, tmp_path):
    w = await world_with_hr_b_and_c()
    rows = [["code", "name", "region_code", "organisation"], ["S2", "社工站2", "320102001", "秦淮社工服务中心"]]
    path = write(tmp_path, "s.csv", csv_bytes(rows))
    kind = framework.get_kind("stations")
    outcome = await framework.run(kind, path, scope=ADMIN, actor=w["users"]["admin"], dry_run=False)
    assert outcome.written and outcome.counts.updated == 1
    for username in ("hr", "hrb"):
        assert "S2 社工站2" in await audit_text(client, username, entity="station"), username
    assert "S2 社工站2" not in await audit_text(client, "hrc", entity="station")


async def test_a_change_to_a_worker_is_read_wherever_the_worker_is_seen(client, tmp_path):
    w = await world_with_hr_b_and_c()
    # W3 worked at S1 (organisation A) before S3 (organisation B): both organisations see W3.
    await EmploymentSpell.create(
        worker=w["workers"][2], station=w["stations"][0], start_on=date(2020, 1, 1), end_on=date(2021, 12, 31)
    )
    # Many workers in one file, most seen by one organisation only, so the bulk path mixes both kinds of entry.
    extra = [Worker(worker_no=f"X{i:03d}", name=f"学员{i}") for i in range(40)]
    await Worker.bulk_create(extra)
    extra = await Worker.filter(worker_no__startswith="X").order_by("worker_no")
    await EmploymentSpell.bulk_create(
        [
            EmploymentSpell(worker=x, station=w["stations"][i % 4], start_on=date(2023, 1, 1))
            for i, x in enumerate(extra)
        ]
    )
    s5 = await Station.get(code="S5")
    # Every fifth one also worked for organisation C.
    await EmploymentSpell.bulk_create(
        [
            EmploymentSpell(worker=x, station=s5, start_on=date(2019, 1, 1), end_on=date(2019, 12, 31))
            for x in extra[::5]
        ]
    )
    rows = [["worker_no", "name"], ["W3", "丙改名"], *[[x.worker_no, f"{x.name}改"] for x in extra]]
    outcome = await framework.run(
        framework.get_kind("workers"), write(tmp_path, "w.csv", csv_bytes(rows)), scope=ADMIN,
        actor=w["users"]["admin"], dry_run=False,
    )  # fmt: skip
    assert outcome.written and outcome.counts.updated == 41
    for username in ("hr", "hrb"):
        assert "W3 丙改名" in await audit_text(client, username, entity="worker"), username
    assert "W3 丙改名" not in await audit_text(client, "hrc", entity="worker")
    # Each further jurisdiction belongs to the entry of the right worker.
    from talent.audit.models import AuditJurisdiction  # imported here: the other tests run on any schema

    station_orgs: dict[int, set] = {}
    for worker_id, org in await EmploymentSpell.all().values_list("worker_id", "station__organisation_id"):
        station_orgs.setdefault(worker_id, set()).add(org)
    rows = await AuditJurisdiction.filter(entry__entity="worker").values_list("entry__entity_id", "organisation_id")
    assert len(rows) == 1 + 8  # W3 (A besides B), and the eight workers who also worked for C
    for entity_id, org in rows:
        assert org in station_orgs[int(entity_id)]
    for entry in await AuditEntry.filter(entity="worker"):
        assert entry.organisation_id in station_orgs[int(entry.entity_id)]


async def test_a_certificate_recorded_by_one_organisation_is_read_by_the_other_that_sees_the_worker(client):
    w = await world_with_hr_b_and_c()
    w3 = w["workers"][2]
    await EmploymentSpell.create(
        worker=w3, station=w["stations"][0], start_on=date(2020, 1, 1), end_on=date(2021, 12, 31)
    )
    await login(client, "hr")
    response = await post(
        client,
        f"/certificates/workers/{w3.id}/certificates/new",
        {"level": "assistant", "number": "C-W3", "obtained_on": "2024-06-01"},
    )
    assert response.status_code == 303
    for username in ("hr", "hrb"):
        assert "W3 Assistant social worker C-W3" in await audit_text(client, username), username
    assert "C-W3" not in await audit_text(client, "hrc")


async def test_an_enrolment_into_another_regions_course_is_read_by_the_workers_hr(client):
    w = await world_with_hr_b_and_c()
    course = await make_course(w, author="citybureau", region="320100")  # a city course: not HR A's region
    await login(client, "citybureau")
    response = await post(client, f"/courses/{course.id}/enrolments", {"worker_nos": "W1"})
    assert response.status_code == 303
    # The log names the course and the worker (both within HR A's and the bureaus' reach), not their ids.
    summary = f"{course.title} · {w['workers'][0].name}"
    for username in ("admin", "hr", "bureau", "citybureau"):
        assert summary in await audit_text(client, username, entity="enrolment"), username
    for username in ("hrb", "hrc"):
        assert summary not in await audit_text(client, username, entity="enrolment"), username
