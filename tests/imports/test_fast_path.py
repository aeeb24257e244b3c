"""The import's bulk helpers: COPY and `= ANY($1)` on PostgreSQL write and read exactly what the portable
executemany / Tortoise-query path writes and reads."""

from datetime import date

import pytest
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from talent.audit.models import AuditEntry
from talent.core import bulk
from talent.imports import framework
from talent.people.models import EmploymentSpell, Worker
from talent.places.models import Organisation, Region, Station
from tests.conftest import PG_URL
from tests.factories import world
from tests.imports.conftest import ADMIN, csv_bytes, write

REGIONS = [
    ["code", "name", "level", "parent_code"],
    ["320102002", "新街口街道", "township", "320102"],  # new, under an existing county
    ["320104001", "秦虹街道（新）", "township", "320104"],  # renamed
    ["320000", "江苏省", "province", ""],  # unchanged
]
STATIONS = [
    ["code", "name", "region_code", "organisation", "tier", "opened_on"],
    ["S5", "社工站5", "320102002", "新机构", "2.0", "2024/3/1"],  # new, with a new organisation
    ["S2", "社工站2（改）", "320102001", "玄武社工服务中心", "", "2023-01-01"],  # updated
]
WORKERS = [
    ["worker_no", "name", "gender", "birth_date", "education", "social_work_major", "source", "phone", "id_number"],
    ["N1", "李四", "女", "1990-05-06", "本科", "是", "引进", "13900001111", "32010219900506123x"],
    ["N2", "王五", "male", "1988年3月1日", "", "no", "", "", ""],
    ["N3", "赵六", "", "", "master", "", "incubated", "", ""],
    ["W1", "工作者1（改）", "female", "", "", "", "", "13812345678", "320102199001011234"],  # updated
    ["W2", "工作者2", "", "", "", "", "", "13812345678", "320102199001011234"],  # unchanged
]
SPELLS = [
    ["worker_no", "station_code", "start_on", "end_on", "full_time", "exit_type", "exit_reason"],
    ["N1", "S5", "2024-03-01", "", "yes", "", ""],
    ["N2", "S5", "2023-01-01", "2023-12-31", "no", "主动离职", "薪酬"],
    ["N3", "S1", "2024-05-01", "", "", "", ""],
    ["W3", "S3", "2022-01-01", "2024-06-30", "yes", "retirement", "other"],  # an existing spell ends
    ["W4", "S4", "2022-01-01", "", "yes", "", ""],  # unchanged
]
FILES = [("regions", REGIONS), ("stations", STATIONS), ("workers", WORKERS), ("employment", SPELLS)]
# Foreign keys (in rows and in audit before/after) name the row they point at by its natural key, since the ids
# of new rows differ from run to run.
REFERENCES = {
    "parent_id": "region",
    "region_id": "region",
    "organisation_id": "organisation",
    "station_id": "station",
    "worker_id": "worker",
}


class Rollback(Exception):
    pass


async def _names() -> dict[str, dict[int, str]]:
    return {
        "region": dict(await Region.all().values_list("id", "code")),
        "organisation": dict(await Organisation.all().values_list("id", "name")),
        "station": dict(await Station.all().values_list("id", "code")),
        "worker": dict(await Worker.all().values_list("id", "worker_no")),
        "spell": {
            s["id"]: f"{s['worker__worker_no']}@{s['station__code']}@{s['start_on']}"
            for s in await EmploymentSpell.all().values("id", "worker__worker_no", "station__code", "start_on")
        },
    }


def _named(values: dict | None, names: dict) -> dict | None:
    if values is None:
        return None
    out = {}
    for key, value in values.items():
        if key in REFERENCES and value is not None:
            value = names[REFERENCES[key]][int(value)]
        out[key] = value
    return out


async def _snapshot() -> dict:
    """Every row the import may touch, ids replaced by natural keys; timestamps only checked to be set."""
    names = await _names()
    tables = {}
    for model, order in (
        (Region, "code"),
        (Organisation, "name"),
        (Station, "code"),
        (Worker, "worker_no"),
        (EmploymentSpell, "id"),
    ):
        rows = []
        for row in await model.all().order_by(order).values():
            assert row.pop("created_at", True) is not None
            row.pop("id")
            rows.append(_named(row, names))
        tables[model.__name__] = rows
    entries = []
    for entry in await AuditEntry.all().order_by("id").values():
        assert entry.pop("at") is not None
        entry.pop("id")
        by_id = names.get(entry["entity"])  # world()'s own entries (users) keep their ids, which do not change
        if by_id is not None:
            entry["entity_id"] = by_id[int(entry["entity_id"])]
        if entry["organisation_id"] is not None:
            entry["organisation_id"] = names["organisation"][entry["organisation_id"]]
        entry["before"] = _named(entry["before"], names)
        entry["after"] = _named(entry["after"], names)
        entries.append(entry)
    tables["AuditEntry"] = entries
    return tables


async def _import_everything(tmp_path, fast: bool, monkeypatch, actor) -> tuple[list, dict, int]:
    """Import the four files with the fast path on or off; returns the counts, a snapshot and the COPYs made.
    Everything is rolled back afterwards, so both runs start from the same world."""
    copies = []
    real_copy = bulk._copy

    async def counting_copy(*args):
        copies.append(args[1])
        await real_copy(*args)

    monkeypatch.setattr(bulk, "POSTGRES_FAST", fast)
    monkeypatch.setattr(bulk, "_copy", counting_copy)
    counts = []
    snapshot: dict = {}
    try:
        async with in_transaction():
            for kind, rows in FILES:
                path = write(tmp_path, f"{kind}.csv", csv_bytes(rows))
                outcome = await framework.run(framework.get_kind(kind), path, scope=ADMIN, actor=actor, dry_run=False)
                assert outcome.ok and outcome.written, outcome.problems
                counts.append(outcome.counts.as_dict())
            snapshot = await _snapshot()
            raise Rollback
    except Rollback:
        pass
    return counts, snapshot, len(copies)


@pytest.mark.skipif(not PG_URL, reason="needs TALENT_TEST_DATABASE_URL (PostgreSQL)")
async def test_copy_and_any_on_postgresql_write_exactly_the_rows_and_audit_entries_executemany_writes(
    db, tmp_path, monkeypatch
):
    w = await world()
    slow_counts, slow, slow_copies = await _import_everything(tmp_path, False, monkeypatch, w["users"]["admin"])
    fast_counts, fast, fast_copies = await _import_everything(tmp_path, True, monkeypatch, w["users"]["admin"])
    # regions: 1 new, 1 renamed, 1 unchanged; stations: 1 new (+1 organisation), 1 updated;
    # workers: 3 new, W1 updated, W2 unchanged; spells: 3 new, W3's ended, W4's unchanged.
    assert (
        slow_counts
        == fast_counts
        == [
            {"created": 1, "updated": 1, "unchanged": 1},
            {"created": 1, "updated": 1, "unchanged": 0, "organisations_created": 1},
            {"created": 3, "updated": 1, "unchanged": 1},
            {"created": 3, "updated": 1, "unchanged": 1},
        ]
    )
    assert slow_copies == 0 and fast_copies > 0  # the two runs really took different paths
    assert fast["AuditEntry"] == slow["AuditEntry"]
    for table in ("Region", "Organisation", "Station", "Worker", "EmploymentSpell"):
        assert fast[table] == slow[table], table
    # 1 + 1 region, 1 organisation + 1 + 1 stations, 3 + 1 workers, 3 + 1 spells: 13 entries, actor "admin"
    # (after world()'s own entries for its users).
    imported = [e for e in fast["AuditEntry"] if e["entity"] != "user"]
    assert len(imported) == 13 and {e["actor_name"] for e in imported} == {"admin"}
    assert [e["entity"] for e in imported] == ["region", "region", "organisation", "station", "station"] + [
        "worker"
    ] * 4 + ["spell"] * 4
    n1 = next(row for row in fast["Worker"] if row["worker_no"] == "N1")
    assert (n1["gender"], n1["birth_date"], n1["id_number"], n1["source"]) == (
        "female",
        date(1990, 5, 6),
        "32010219900506123X",
        "introduced",
    )


async def test_values_in_reads_what_tortoise_values_reads(db):
    w = await world()
    await Worker.filter(worker_no="W2").update(gender="male", birth_date=date(1990, 1, 2), social_work_major=True)
    fields = ["id", "worker_no", "name", "gender", "birth_date", "education", "social_work_major", "source"]
    numbers = ["W1", "W2", "W3", "nobody", None, "W1"]
    expected = await Worker.filter(worker_no__in=["W1", "W2", "W3"]).values(*fields)
    got = await bulk.values_in(Worker, "worker_no", numbers, fields)
    assert sorted(got, key=lambda r: r["worker_no"]) == sorted(expected, key=lambda r: r["worker_no"])
    w2 = next(r for r in got if r["worker_no"] == "W2")
    assert (w2["gender"], w2["birth_date"], w2["social_work_major"]) == ("male", date(1990, 1, 2), True)
    ids = await bulk.ids_by(Worker, "worker_no", ["W1", "W4"])
    assert ids == {"W1": w["workers"][0].id, "W4": w["workers"][3].id}
    assert await bulk.values_in(Worker, "worker_no", [], fields) == []


async def test_a_bulk_insert_that_breaks_a_unique_key_raises_tortoise_integrity_error_and_writes_nothing(db):
    await world()
    before = await Worker.all().count()
    with pytest.raises(IntegrityError):
        async with in_transaction():
            await bulk.insert_rows(Worker, [{"worker_no": "N9", "name": "新"}, {"worker_no": "W1", "name": "重"}])
    assert await Worker.all().count() == before


def test_an_import_collects_garbage_less_often_while_it_runs_and_restores_the_thresholds_after():
    import gc

    saved = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        with framework.fewer_collections():
            assert gc.get_threshold() == (framework.GC_GEN0, 10, 10)
            with framework.fewer_collections():  # a second import at the same time
                assert gc.get_threshold() == (framework.GC_GEN0, 10, 10)
            assert gc.get_threshold() == (framework.GC_GEN0, 10, 10)  # the first is still running
        assert gc.get_threshold() == (700, 10, 10)
        with pytest.raises(RuntimeError), framework.fewer_collections():
            raise RuntimeError
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*saved)
