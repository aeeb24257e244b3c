"""Edges of the worker and spell row filters that mutation testing found untested: a worker account without a
worker record, and a supervisor's mentees (reached with their spells of the day only)."""

from datetime import date

from talent.core.access import Role, Scope
from talent.people.access import readable_spells, readable_workers
from talent.people.models import EmploymentSpell, Worker
from tests.factories import world

TODAY = date(2026, 12, 1)


async def test_a_worker_account_without_a_worker_record_reads_no_worker_and_no_spell(db):
    await world()  # four workers with ids from 1: "no record" must not read as worker 1
    orphan = Scope(user_id=1, role=Role.WORKER, worker_id=None)
    assert await readable_workers(orphan).count() == 0
    assert await readable_spells(orphan).count() == 0


async def test_a_supervisor_reads_its_stations_workers_and_its_mentees_with_their_spells_of_the_day(db):
    w = await world()
    s1, s3 = w["stations"][0], w["stations"][2]
    mentee = w["workers"][2]  # works at S3, a station the supervisor is not assigned to
    s4 = w["stations"][3]
    past = await EmploymentSpell.create(worker=mentee, station=s4, start_on=date(2018, 1, 1), end_on=date(2021, 12, 31))
    tomorrow = await EmploymentSpell.create(worker=mentee, station=s4, start_on=date(2026, 12, 2))  # not yet
    supervisor = Scope(
        user_id=1, role=Role.SUPERVISOR, station_ids=frozenset({s1.id}), worker_ids=frozenset({mentee.id}), today=TODAY
    )
    # W1 works at S1 (assigned); W3 is a mentee; W2 (S2) and W4 (S4) are neither.
    assert sorted(await readable_workers(supervisor).values_list("worker_no", flat=True)) == ["W1", "W3"]
    # S1's spell, and the mentee's spell of the day at S3 — not the mentee's past or next spell at S4.
    spells = set(await readable_spells(supervisor).values_list("id", flat=True))
    at_s1 = await EmploymentSpell.get(station_id=s1.id)
    today_at_s3 = await EmploymentSpell.get(station_id=s3.id, worker_id=mentee.id)
    assert spells == {at_s1.id, today_at_s3.id} and not {past.id, tomorrow.id} & spells


async def test_a_supervisor_read_for_no_day_reaches_no_mentee_spell(db):
    w = await world()
    mentee = w["workers"][2]
    undated = Scope(user_id=1, role=Role.SUPERVISOR, worker_ids=frozenset({mentee.id}), today=None)
    assert await readable_spells(undated).count() == 0
    # The mentee is still reached as a worker (workers_q does not need the day).
    assert await readable_workers(undated).values_list("id", flat=True) == [mentee.id]


async def test_the_spell_filters_also_read_through_a_workers_spells(db):
    from talent.people.access import spells_q
    from talent.people.models import Worker
    from talent.people.rules import active_on

    w = await world()
    left = await Worker.create(worker_no="W9", name="离职者", phone="13812345678", id_number="")
    await EmploymentSpell.create(
        worker=left, station=w["stations"][0], start_on=date(2020, 1, 1), end_on=date(2025, 12, 31)
    )
    # Every world worker has an open spell since 2022; W9's only spell ended in 2025.
    active = await Worker.filter(active_on(TODAY, "spells__")).distinct().values_list("worker_no", flat=True)
    assert sorted(active) == ["W1", "W2", "W3", "W4"]
    mentee = w["workers"][2]
    supervisor = Scope(user_id=1, role=Role.SUPERVISOR, worker_ids=frozenset({mentee.id}), today=TODAY)
    reached = await Worker.filter(spells_q(supervisor, "spells__")).distinct().values_list("worker_no", flat=True)
    assert reached == ["W3"]  # the mentee through its spell of the day; no station is assigned


async def test_a_supervisors_spells_are_two_lists_of_ids_the_planner_can_probe_by_index(db):
    # Inside the OR, a stations subquery could only be tested spell by spell (PostgreSQL: a hashed subplan over
    # every spell of the country, 0.45 s for a supervisor's page of workers on the national demo); two lists of ids
    # are two index scans.
    w = await world()
    supervisor = Scope(
        user_id=1,
        role=Role.SUPERVISOR,
        station_ids=frozenset({w["stations"][0].id}),
        worker_ids=frozenset({w["workers"][2].id}),
        today=TODAY,
    )
    sql = readable_spells(supervisor).sql()
    assert sql.upper().count("SELECT") == 1


async def test_the_reach_asked_for_a_few_workers_is_the_whole_reach_among_them(db):
    # workers_among_q (the audit log's names of a page's workers): for every role, exactly the reached workers of
    # the ids asked, by each part of the reach: a spell at a station in scope, registered here without any spell
    # (W5, a county A registration), a supervisor's mentee; never an unreached one (W3, W4: county B).
    from talent.people.access import workers_among_q

    w = await world()
    county_a = w["regions"]["county_a"].path
    unplaced = await Worker.create(worker_no="W5", name="未入职", registered_region_path=county_a)
    stranger = await Worker.create(worker_no="W6", name="他处登记", registered_region_path="999999/")
    everyone = [*(x.id for x in w["workers"]), unplaced.id, stranger.id]
    scopes = [
        Scope(user_id=1, role=Role.ADMIN),
        Scope(user_id=1, role=Role.BUREAU, region_path=county_a),
        Scope(user_id=1, role=Role.BUREAU, region_path=w["regions"]["city"].path),
        Scope(user_id=1, role=Role.HR, organisation_id=w["stations"][0].organisation_id),
        Scope(
            user_id=1, role=Role.SUPERVISOR, station_ids=frozenset({w["stations"][0].id}),
            worker_ids=frozenset({w["workers"][2].id}), today=TODAY,
        ),
        Scope(user_id=1, role=Role.WORKER, worker_id=w["workers"][1].id),
    ]  # fmt: skip
    for scope in scopes:
        reached = set(await readable_workers(scope).values_list("id", flat=True))
        for asked in (everyone, everyone[1:4], [unplaced.id, stranger.id], []):
            among = set(await Worker.filter(workers_among_q(scope, asked)).values_list("id", flat=True))
            assert among == reached & set(asked), (scope.role, asked)
    bureau = set(await Worker.filter(workers_among_q(scopes[1], everyone)).values_list("worker_no", flat=True))
    assert {"W1", "W5"} <= bureau and not {"W3", "W4", "W6"} & bureau


async def test_the_rows_of_reached_workers_are_those_whose_worker_is_in_reach_and_for_an_administrator_all(db):
    # of_reached_workers_q (assessments, salary records, certificates, enrolments…): for every role, a table's rows
    # whose worker the viewer reaches; for an administrator no test at all (the SQL names no workers subquery),
    # where `worker_id IN (SELECT id FROM workers)` semi-joined the country's workers; for a worker their own id.
    from talent.certification.models import Certificate
    from talent.people.access import of_reached_workers_q

    w = await world()
    county_a = w["regions"]["county_a"].path
    for worker in w["workers"]:
        await Certificate.create(worker=worker, level="assistant", number=f"C-{worker.worker_no}", obtained_on=TODAY)
    scopes = [
        Scope(user_id=1, role=Role.ADMIN),
        Scope(user_id=1, role=Role.BUREAU, region_path=county_a),
        Scope(user_id=1, role=Role.HR, organisation_id=w["stations"][0].organisation_id),
        Scope(user_id=1, role=Role.WORKER, worker_id=w["workers"][1].id),
    ]
    for scope in scopes:
        reached = set(await readable_workers(scope).values_list("id", flat=True))
        rows = Certificate.filter(of_reached_workers_q(scope))
        assert set(await rows.values_list("worker_id", flat=True)) == reached, scope.role
        # A worker's rows are their own id's; a jurisdiction's rows are tested against the reach's ids themselves,
        # not the workers looked up by them (which made PostgreSQL read every worker id of the country).
        assert ("workers" in rows.sql()) == (scope.role in (Role.BUREAU, Role.HR)), scope.role
        assert 'FROM "workers" WHERE "id" IN' not in rows.sql(), scope.role
    assert len(await Certificate.filter(of_reached_workers_q(scopes[0]))) == len(w["workers"])


async def _every_role():
    """The world with a certificate per worker, and a viewer of each role: the administrator, county A's bureau, S1's
    organisation's HR, worker W2's account, and S1's supervisor mentoring W3."""
    from talent.certification.models import Certificate

    w = await world()
    certificates = [
        await Certificate.create(worker=worker, level="assistant", number=f"C-{worker.worker_no}", obtained_on=TODAY)
        for worker in w["workers"]
    ]
    s1 = w["stations"][0]
    scopes = [
        Scope(user_id=1, role=Role.ADMIN),
        Scope(user_id=1, role=Role.BUREAU, region_path=w["regions"]["county_a"].path),
        Scope(user_id=1, role=Role.HR, organisation_id=s1.organisation_id),
        Scope(user_id=1, role=Role.WORKER, worker_id=w["workers"][1].id),
        Scope(
            user_id=1,
            role=Role.SUPERVISOR,
            station_ids=frozenset({s1.id}),
            worker_ids=frozenset({w["workers"][2].id}),
            today=TODAY,
        ),
    ]
    return w, certificates, scopes


async def test_rows_chosen_by_another_column_are_those_of_reached_workers_the_reach_asked_for_their_workers(db):
    # reached_rows_q (a record by its id, a course's learners): for every role, the rows matching the lookup whose
    # worker the viewer reaches, as of_reached_workers_q filters them; for a jurisdiction the reach's subquery is
    # asked for the chosen rows' workers (its SQL reads the table a second time inside the reach), where a province
    # computed its whole reach for one record.
    from talent.certification.models import Certificate
    from talent.people.access import of_reached_workers_q, reached_rows_q

    w, certificates, scopes = await _every_role()
    for scope in scopes:
        reached = set(await readable_workers(scope).values_list("id", flat=True))
        assert reached and reached != {worker.id for worker in w["workers"]} or scope.role == Role.ADMIN
        for c in certificates:
            found = await Certificate.filter(reached_rows_q(scope, Certificate, id=c.id)).values_list("id", flat=True)
            assert found == ([c.id] if c.worker_id in reached else []), (scope.role, c.worker_id)
        rows = Certificate.filter(reached_rows_q(scope, Certificate, level="assistant"))
        expected = Certificate.filter(of_reached_workers_q(scope), level="assistant")
        assert sorted(await rows.values_list("id", flat=True)) == sorted(await expected.values_list("id", flat=True))
        jurisdiction = scope.role not in (Role.ADMIN, Role.WORKER)
        assert (rows.sql().count('FROM "certificates"') > 1) == jurisdiction, scope.role


async def test_one_worker_by_id_or_number_and_their_rows_are_found_exactly_when_the_viewer_reaches_them(db):
    # reached_worker_q and of_reached_worker_q (a worker's page, their certificates, pay, CE): for every role, the
    # worker (by id, by number) and their rows when reached, nothing otherwise, the reach asked for that worker.
    from talent.certification.models import Certificate
    from talent.people.access import of_reached_worker_q, reached_worker_q

    w, _certificates, scopes = await _every_role()
    for scope in scopes:
        reached = set(await readable_workers(scope).values_list("id", flat=True))
        assert reached and (reached != {worker.id for worker in w["workers"]}) == (scope.role != Role.ADMIN)
        for worker in w["workers"]:
            expected = [worker.id] if worker.id in reached else []
            by_id = await Worker.filter(reached_worker_q(scope, id=worker.id)).values_list("id", flat=True)
            by_no = await Worker.filter(reached_worker_q(scope, worker_no=worker.worker_no)).values_list(
                "id", flat=True
            )
            rows = await Certificate.filter(of_reached_worker_q(scope, worker.id)).values_list("worker_id", flat=True)
            assert (by_id, by_no, rows) == (expected, expected, expected), (scope.role, worker.worker_no)


async def test_a_station_filter_reads_the_same_spells_as_the_scope_joined_to_the_station_by_code(db):
    """spells_at_q puts the code into the scope's stations subquery (or beside a worker's or supervisor's own
    spells): the old definition, spells_q joined to the station by code, is the oracle for every role and code."""
    from talent.accounts.selectors import scope_for
    from talent.people.access import spells_at_q, spells_q

    w = await world()
    mentee = w["workers"][2]  # at S3, which the supervisor is not assigned to
    scopes = []
    for name in ("admin", "bureau", "citybureau", "hr", "worker"):
        user = w["users"][name]
        await user.fetch_related("region")
        scopes.append(await scope_for(user, today=TODAY))
    s1 = w["stations"][0]
    scopes.append(
        Scope(
            user_id=1,
            role=Role.SUPERVISOR,
            station_ids=frozenset({s1.id}),
            worker_ids=frozenset({mentee.id}),
            today=TODAY,
        )
    )
    scopes.append(Scope(user_id=1, role=Role.SUPERVISOR, station_ids=frozenset({s1.id}), today=TODAY))
    seen = 0
    for scope in scopes:
        for code in ("S1", "S2", "S3", "S4", "S9", "S1' OR '1'='1"):
            expected = await EmploymentSpell.filter(spells_q(scope), station__code=code).values_list("id", flat=True)
            got = await EmploymentSpell.filter(spells_at_q(scope, code)).values_list("id", flat=True)
            assert sorted(got) == sorted(expected), (scope.role, code)
            seen += len(got)
    # Not an agreement on nothing: admin 4, county bureau 2, city 4, HR 2, worker 1, the supervisor with its
    # mentee 2 (S1, and the mentee's spell at S3), without 1.
    assert seen == 16
