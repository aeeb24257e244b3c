"""The `cohort_members` spreadsheet kind: idempotent on (cohort, worker_no), whole-file checks (a member twice, a
worker or cohort out of scope, a mentor out of reach) write nothing; an export re-imports unchanged."""

from datetime import date

from talent.cohorts.models import Cohort, CohortMember
from talent.core.access import Role, Scope
from talent.imports import framework
from talent.imports.exporting import export_kind
from talent.supervision.models import Supervisor
from tests.factories import world
from tests.imports.conftest import csv_bytes, write

HEADER = ["cohort", "worker_no", "mentor", "joined_on"]


async def _setup():
    w = await world()
    region = w["regions"]["county_a"]
    cohort = await Cohort.create(
        name="孵化班",
        kind="internal_incubation",
        region=region,
        region_path=region.path,
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
    )
    scope = Scope(user_id=w["users"]["bureau"].id, role=Role.BUREAU, region_path=region.path)
    return w, cohort, scope


async def _run(tmp_path, rows, scope, name="m.csv"):
    path = write(tmp_path, name, csv_bytes([HEADER, *rows]))
    return await framework.run(framework.get_kind("cohort_members"), path, scope=scope, actor=None, dry_run=False)


async def test_members_import_then_reimport_changes_nothing_and_the_export_round_trips(db, tmp_path):
    w, cohort, scope = await _setup()
    mentor = await Supervisor.get(name="督导甲")
    outcome = await _run(tmp_path, [[cohort.id, "W1", mentor.id, "2026-02-01"], [cohort.id, "W2", "", ""]], scope)
    assert outcome.ok, outcome.problems
    assert await CohortMember.filter(cohort_id=cohort.id).count() == 2
    again = await _run(
        tmp_path, [[cohort.id, "W1", mentor.id, "2026-02-01"], [cohort.id, "W2", "", ""]], scope, "again.csv"
    )
    assert again.ok and again.counts.as_dict()["unchanged"] == 2
    target = tmp_path / "export.csv"
    assert await export_kind("cohort_members", target) == 2
    back = await framework.run(framework.get_kind("cohort_members"), target, scope=scope, actor=None, dry_run=False)
    assert back.ok and back.counts.as_dict()["unchanged"] == 2


async def test_a_bad_row_anywhere_writes_nothing(db, tmp_path):
    w, cohort, scope = await _setup()
    far = await Supervisor.create(name="县乙督导", region=w["regions"]["county_b"])
    outcome = await _run(
        tmp_path,
        [
            [cohort.id, "W1", "", ""],
            [cohort.id, "W1", "", ""],  # twice
            [cohort.id, "W3", "", ""],  # county B: not found
            [cohort.id, "W2", far.id, ""],  # mentor out of reach
            [cohort.id, "W2", "", "2027-01-01"],
        ],
        scope,
    )
    assert not outcome.ok
    reasons = {(p.row, p.column) for p in outcome.problems}
    assert {(3, "cohort"), (4, "worker_no"), (5, "mentor")} <= reasons
    assert await CohortMember.all().count() == 0
