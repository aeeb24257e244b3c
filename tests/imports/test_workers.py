"""Workers import: reading in either language, idempotent re-import, the update path and its audit."""

from datetime import date

from talent.audit.models import AuditEntry
from talent.imports import framework
from talent.people.models import Gender, Source, Worker
from tests.factories import world
from tests.imports.conftest import ADMIN, csv_bytes, write, xlsx_bytes

HEADER = ["worker_no", "name", "gender", "birth_date", "education", "social_work_major", "source", "phone", "id_number"]


async def run(path, scope=ADMIN, actor=None, dry_run=False, kind="workers"):
    return await framework.run(framework.get_kind(kind), path, scope=scope, actor=actor, dry_run=dry_run)


async def test_a_workers_file_with_chinese_headers_in_shuffled_order_and_excel_dates_is_imported(db, tmp_path):
    rows = [
        ["姓名", "工号", "出生日期", "性别", "学历", "社会工作专业", "来源", "手机号", "身份证号"],
        ["李四", "N1", date(1990, 5, 6), "女", "本科", "是", "引进", "13900001111", "32010219900506123X"],
        ["王五", "N2", "1988年3月1日", "男", "大专", "否", "", "", ""],
        ["赵六", "N3", "2001/3/1", "", "", "", "incubated", "", ""],
    ]
    outcome = await run(write(tmp_path, "w.xlsx", xlsx_bytes(rows)))
    assert outcome.ok, outcome.problems
    # 3 new workers: nothing existed before.
    assert outcome.counts.as_dict() == {"created": 3, "updated": 0, "unchanged": 0}
    li = await Worker.get(worker_no="N1")
    assert (li.name, li.gender, li.birth_date, li.social_work_major, li.source) == (
        "李四",
        Gender.FEMALE,
        date(1990, 5, 6),
        True,
        Source.INTRODUCED,
    )
    assert (await Worker.get(worker_no="N2")).birth_date == date(1988, 3, 1)
    assert (await Worker.get(worker_no="N3")).birth_date == date(2001, 3, 1)
    # One audit entry per created worker, written by "system" (no actor).
    entries = await AuditEntry.filter(entity="worker", action="create")
    assert len(entries) == 3 and {e.actor_name for e in entries} == {"system"}
    assert entries[0].after["worker_no"] in {"N1", "N2", "N3"}


async def test_reimporting_the_same_file_changes_nothing_and_says_so(db, tmp_path):
    await world()
    rows = [
        HEADER,
        ["N1", "甲", "female", "1990-01-01", "bachelor", "yes", "other", "", ""],
        ["W1", "工作者1", "", "", "", "", "", "13812345678", "320102199001011234"],
    ]
    path = write(tmp_path, "w.csv", csv_bytes(rows))
    first = await run(path)
    # N1 is new; W1 exists in world() with exactly these values.
    assert first.ok and first.counts.as_dict() == {"created": 1, "updated": 0, "unchanged": 1}
    audit_before = await AuditEntry.all().count()
    second = await run(path)
    assert second.ok and second.counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 2}
    assert await AuditEntry.all().count() == audit_before


async def test_a_changed_name_updates_one_worker_with_an_audit_entry_of_the_change(db, tmp_path):
    w = await world()
    rows = [HEADER, ["W1", "新名字", "", "", "", "no", "other", "13812345678", "320102199001011234"]]
    outcome = await run(write(tmp_path, "w.csv", csv_bytes(rows)), actor=w["users"]["admin"])
    assert outcome.ok and outcome.counts.as_dict() == {"created": 0, "updated": 1, "unchanged": 0}
    assert (await Worker.get(worker_no="W1")).name == "新名字"
    entry = await AuditEntry.get(entity="worker", action="update")
    assert entry.entity_id == str(w["workers"][0].id) and entry.actor_name == "admin"
    assert entry.before == {"name": "工作者1"} and entry.after == {"name": "新名字"}
    # Filed under the worker's station, so the bureau and HR of that station see it.
    assert entry.region_path == w["regions"]["street_a"].path and entry.organisation_id == w["orgs"][0].id
