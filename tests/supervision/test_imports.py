"""The `supervisors` and `assignments` spreadsheet kinds: a round trip through export changes nothing; overlapping
primary assignments (stored or in the file), out-of-scope stations and supervisors are refused and nothing is
written."""

from datetime import date

from talent.core.access import Role, Scope
from talent.imports import framework
from talent.imports.exporting import export_kind
from talent.supervision.models import Assignment, Supervisor, SupervisorExpertise
from tests.factories import world
from tests.imports.conftest import csv_bytes, write

SUP_HEADER = [
    "number",
    "name",
    "affiliation_type",
    "institution",
    "grade",
    "cert_level",
    "region_code",
    "expertise",
    "active",
    "bio",
]
ASSIGN_HEADER = ["supervisor", "station_code", "start_on", "end_on", "primary"]


def bureau(w) -> Scope:
    return Scope(user_id=w["users"]["bureau"].id, role=Role.BUREAU, region_path=w["regions"]["county_a"].path)


async def _run(tmp_path, kind, rows, scope, name):
    path = write(tmp_path, name, csv_bytes(rows))
    return await framework.run(framework.get_kind(kind), path, scope=scope, actor=None, dry_run=False)


async def test_supervisors_import_with_tags_and_the_export_reimports_unchanged(db, tmp_path):
    w = await world()
    rows = [
        SUP_HEADER,
        [
            "",
            "王敏",
            "高校",
            "南京大学社会学院",
            "市级督导",
            "高级社会工作师",
            "320102",
            "儿童保护、社区治理",
            "是",
            "",
        ],
    ]
    outcome = await _run(tmp_path, "supervisors", rows, bureau(w), "s.csv")
    assert outcome.ok, outcome.problems
    sup = await Supervisor.get(name="王敏").select_related("region")
    assert (sup.affiliation_type, sup.cert_level, sup.region.code) == ("university", "senior", "320102")
    assert await SupervisorExpertise.filter(supervisor_id=sup.id).count() == 2
    outside = await _run(
        tmp_path,
        "supervisors",
        [SUP_HEADER, ["", "李", "external", "", "", "", "320104", "", "yes", ""]],
        bureau(w),
        "o.csv",
    )
    assert not outside.ok and await Supervisor.filter(name="李").count() == 0
    admin = Scope(user_id=w["users"]["admin"].id, role=Role.ADMIN)
    target = tmp_path / "export.csv"
    assert await export_kind("supervisors", target) == 2
    back = await framework.run(framework.get_kind("supervisors"), target, scope=admin, actor=None, dry_run=False)
    assert back.ok, back.problems
    assert back.counts.as_dict()["unchanged"] == 2


async def test_assignments_import_refuses_overlapping_primaries_and_round_trips(db, tmp_path):
    w = await world()
    other = await Supervisor.create(name="乙", region=w["regions"]["county_a"])
    first = await Supervisor.get(name="督导甲")
    clash = await _run(
        tmp_path,
        "assignments",
        [ASSIGN_HEADER, [other.id, "S1", "2026-01-01", "", "yes"], [other.id, "S3", "2026-01-01", "", "yes"]],
        bureau(w),
        "a.csv",
    )
    assert not clash.ok
    assert {(p.row, p.column) for p in clash.problems} == {(2, "start_on"), (3, "station_code")}
    assert await Assignment.all().count() == 1
    # Two new primaries of S2 in the file overlap each other on 2026-06-30.
    inner = await _run(
        tmp_path,
        "assignments",
        [ASSIGN_HEADER, [other.id, "S2", "2026-01-01", "2026-06-30", "yes"], [first.id, "S2", "2026-06-30", "", "yes"]],
        bureau(w),
        "b.csv",
    )
    assert not inner.ok and await Assignment.all().count() == 1
    ok = await _run(
        tmp_path,
        "assignments",
        [
            ASSIGN_HEADER,
            [other.id, "S2", "2026-01-01", "2026-06-30", "yes"],
            [first.id, "S2", "2026-07-01", "", "yes"],
            [other.id, "S1", "2026-01-01", "", "no"],
        ],
        bureau(w),
        "c.csv",
    )
    assert ok.ok, ok.problems
    assert await Assignment.all().count() == 4
    target = tmp_path / "export.csv"
    assert await export_kind("assignments", target) == 4
    admin = Scope(user_id=w["users"]["admin"].id, role=Role.ADMIN)
    back = await framework.run(framework.get_kind("assignments"), target, scope=admin, actor=None, dry_run=False)
    assert back.ok, back.problems
    assert back.counts.as_dict()["unchanged"] == 4
    assert date(2026, 1, 1)
