"""Regions, stations and employment imports: references, scope, domain rules; encodings of CSV files."""

from datetime import date

from talent.audit.models import AuditEntry
from talent.core.access import Scope
from talent.imports import framework
from talent.people.models import EmploymentSpell, ExitReason, ExitType
from talent.places.models import Organisation, Region, Station
from tests.factories import world
from tests.imports.conftest import ADMIN, csv_bytes, write

SPELL_HEADER = ["worker_no", "station_code", "start_on", "end_on", "full_time", "exit_type", "exit_reason"]


async def run(kind, path, scope=ADMIN, dry_run=False, actor=None):
    return await framework.run(framework.get_kind(kind), path, scope=scope, actor=actor, dry_run=dry_run)


def problems(outcome):
    return [(p.row, p.column, p.value, p.reason) for p in outcome.problems]


def bureau_scope(w) -> Scope:
    return Scope(
        user_id=w["users"]["bureau"].id, role=w["users"]["bureau"].role, region_path=w["regions"]["county_a"].path
    )


def hr_scope(w) -> Scope:
    return Scope(user_id=w["users"]["hr"].id, role=w["users"]["hr"].role, organisation_id=w["orgs"][0].id)


async def test_gbk_and_utf8_bom_csv_files_read_the_same(db, tmp_path):
    rows = [["工号", "姓名", "性别"], ["N1", "张三", "男"], ["N2", "李四", "女"]]
    gbk = await run("workers", write(tmp_path, "gbk.csv", csv_bytes(rows, "gbk")), dry_run=True)
    bom = await run("workers", write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + csv_bytes(rows)), dry_run=True)
    plain = await run("workers", write(tmp_path, "utf8.csv", csv_bytes(rows)), dry_run=True)
    for outcome in (gbk, bom, plain):
        assert outcome.ok, outcome.problems
        assert outcome.preview == [["N1", "张三", "男"], ["N2", "李四", "女"]]
        assert outcome.counts.created == 2 and not outcome.written


async def test_a_regions_file_may_name_a_parent_from_an_earlier_row(db, tmp_path):
    w = await world()
    rows = [
        ["代码", "名称", "级别", "上级代码"],
        ["320105", "建邺区", "区", "320100"],  # parent exists
        ["320105001", "南湖街道", "街道", "320105"],  # parent from row 2
        ["320106", "鼓楼区", "county", "999999"],  # unknown parent
        ["32010", "短码", "county", "320100"],  # a county code has 6 digits
        ["320107001", "跳级", "township", "320100"],  # a city cannot parent a township
    ]
    outcome = await run("regions", write(tmp_path, "r.csv", csv_bytes(rows)))
    assert problems(outcome) == [
        (4, "上级代码", "999999", "No region with this code in your jurisdiction or in an earlier row."),
        (5, "代码", "32010", "A County / district code has 6 digits."),
        (6, "级别", "township", "A region must be exactly one level below its parent."),
    ]
    fixed = await run("regions", write(tmp_path, "r2.csv", csv_bytes(rows[:3])), actor=w["users"]["admin"])
    assert fixed.ok and fixed.counts.created == 2
    street = await Region.get(code="320105001").prefetch_related("parent")
    assert street.path == "320000/320100/320105/320105001/" and street.parent.code == "320105" and street.depth == 3


async def test_a_bureau_cannot_import_regions_or_stations_outside_its_county(db, tmp_path):
    w = await world()
    regions = [["code", "name", "level", "parent_code"], ["320104002", "外区街道", "township", "320104"]]
    outcome = await run("regions", write(tmp_path, "r.csv", csv_bytes(regions)), scope=bureau_scope(w))
    # Another county's code is answered as an unknown one.
    assert problems(outcome) == [
        (2, "parent_code", "320104", "No region with this code in your jurisdiction or in an earlier row.")
    ]
    stations = [["code", "name", "region_code"], ["S9", "外站", "320104001"], ["S10", "区级站", "320102"]]
    outcome = await run("stations", write(tmp_path, "s.csv", csv_bytes(stations)), scope=bureau_scope(w))
    assert problems(outcome) == [
        (2, "region_code", "320104001", "No region with this code in your scope."),
        (3, "region_code", "320102", "A station belongs to a township or street."),
    ]
    assert not await Station.filter(code__in=["S9", "S10"]).exists()


async def test_a_stations_file_creates_unknown_organisations_and_resolves_tiers(db, tmp_path):
    w = await world()
    rows = [
        ["站点编码", "站点名称", "所在乡镇(街道)代码", "运营机构", "站点等级", "建站日期"],
        ["S9", "新站", "320102001", "新机构", "2.0", "2024.3.1"],
        ["S1", "社工站1", "320102001", "玄武社工服务中心", "2.0", ""],  # unchanged
        ["S2", "改名站", "320102001", "玄武社工服务中心", "", ""],  # renamed, tier removed
    ]
    outcome = await run(
        "stations", write(tmp_path, "s.csv", csv_bytes(rows)), scope=bureau_scope(w), actor=w["users"]["bureau"]
    )
    assert outcome.ok, outcome.problems
    assert outcome.counts.as_dict() == {"created": 1, "updated": 1, "unchanged": 1, "organisations_created": 1}
    org = await Organisation.get(name="新机构")
    s9 = await Station.get(code="S9")
    assert (s9.organisation_id, s9.tier_id, s9.opened_on, s9.region_path) == (
        org.id,
        w["tier"].id,
        date(2024, 3, 1),
        w["regions"]["street_a"].path,
    )
    assert org.region_id == w["regions"]["county_a"].id  # filed under the importing bureau's region
    s2 = await Station.get(code="S2")
    assert (s2.name, s2.tier_id) == ("改名站", None)
    update = await AuditEntry.get(entity="station", action="update")
    assert update.before == {"name": "社工站2", "tier_id": w["tier"].id} and update.after == {
        "name": "改名站",
        "tier_id": None,
    }
    assert await AuditEntry.filter(entity="organisation", action="create", entity_id=str(org.id)).exists()


async def test_employment_rows_are_checked_against_each_other_and_the_database(db, tmp_path):
    await world()  # W1..W4 each have an open spell from 2022-01-01 (W1 at S1, W2 at S2, ...)
    rows = [
        SPELL_HEADER,
        ["W1", "S1", "2022-01-01", "2023-06-30", "yes", "主动离职", "薪酬"],  # ends W1's open spell: an update
        ["W1", "S2", "2023-07-01", "", "yes", "", ""],  # W1 then starts at S2: new
        ["W2", "S1", "2021-01-01", "2022-03-01", "yes", "other", "other"],  # overlaps W2's open spell at S2
        ["W3", "S3", "2020-01-01", "2019-01-01", "", "other", "other"],  # ends before it starts
        ["W4", "S4", "2019-01-01", "2019-12-31", "", "", ""],  # an exit needs a type and reason
        ["W9", "S9", "2019-01-01", "", "", "", ""],  # neither exists
        ["W3", "S1", "2010-01-01", "2010-12-31", "", "voluntary", "family"],
        ["W3", "S2", "2010-06-01", "2011-12-31", "", "voluntary", "family"],  # overlaps the row above
    ]
    outcome = await run("employment", write(tmp_path, "e.csv", csv_bytes(rows)))
    assert problems(outcome) == [
        (5, "end_on", "2019-01-01", "The last working day cannot be before the start date."),
        (6, "exit_type", "", "An exit needs a type."),
        (6, "exit_reason", "", "An exit needs a reason."),
        (7, "worker_no", "W9", "No worker with this number in your scope."),
        (7, "station_code", "S9", "No station with this code in your scope."),
        (4, "start_on", "2021-01-01", "This spell overlaps another spell of the same worker (S2, 2022-01-01 – now)."),
        (
            9,
            "start_on",
            "2010-06-01",
            "This spell overlaps another spell of the same worker (row 8, 2010-01-01 – 2010-12-31).",
        ),
    ]
    valid = await run("employment", write(tmp_path, "e2.csv", csv_bytes(rows[:3])))
    assert valid.ok and valid.counts.as_dict() == {"created": 1, "updated": 1, "unchanged": 0}
    old = await EmploymentSpell.get(worker__worker_no="W1", station__code="S1")
    assert (old.end_on, old.exit_type, old.exit_reason) == (date(2023, 6, 30), ExitType.VOLUNTARY, ExitReason.PAY)
    again = await run("employment", write(tmp_path, "e3.csv", csv_bytes(rows[:3])))
    assert again.counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 2}


async def test_hr_may_update_only_workers_it_can_see(db, tmp_path):
    w = await world()
    rows = [["worker_no", "name"], ["W1", "甲改"], ["W3", "丙改"]]
    outcome = await run("workers", write(tmp_path, "w.csv", csv_bytes(rows)), scope=hr_scope(w))
    # W1 works at S1 (HR's organisation), W3 at S3 (the other one): refused without saying where W3 is.
    assert problems(outcome) == [(3, "worker_no", "W3", "This worker number is taken.")]


async def test_a_column_left_out_of_the_file_keeps_its_stored_value_on_update(db, tmp_path):
    w = await world()
    outcome = await run("workers", write(tmp_path, "w.csv", csv_bytes([["worker_no", "name"], ["W1", "甲改"]])))
    assert outcome.ok and outcome.counts.updated == 1
    worker = await w["workers"][0].__class__.get(worker_no="W1")
    # Phone and ID number were not in the file, so they stay as they were.
    assert (worker.name, worker.phone, worker.id_number) == ("甲改", "13812345678", "320102199001011234")
    entry = await AuditEntry.get(entity="worker", action="update")
    assert entry.after == {"name": "甲改"}
