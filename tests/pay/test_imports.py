"""The `salaries` kind: DESIGN §3 columns in English or Chinese, scoped worker numbers, the hire-date rule, a whole
file refused on one bad row, idempotent re-import, and an export that re-imports unchanged."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from talent.audit.models import AuditEntry
from talent.core.access import Role, Scope
from talent.imports.exporting import export_kind
from talent.imports.framework import get_kind, run
from talent.pay.models import SalaryRecord
from tests.factories import world
from tests.pay.helpers import ADMIN


def _csv(tmp_path: Path, text: str, name: str = "salaries.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_file_of_salaries_in_chinese_headers_is_imported_and_audited(db, tmp_path):
    await world()
    path = _csv(
        tmp_path,
        "工号,生效日期,月基本工资,月津贴补贴\nW1,2022-01-01,4000,300\nW1,2024-01-01,4300,300\nW2,2023-05-01,3900,\n",
    )
    outcome = await run(get_kind("salaries"), path, scope=ADMIN, actor=None, dry_run=False)
    assert outcome.ok, outcome.report()
    assert await SalaryRecord.all().count() == 3
    w2 = await SalaryRecord.get(worker__worker_no="W2")
    assert (w2.monthly_base, w2.monthly_allowances) == (Decimal("3900.00"), Decimal("0.00"))
    assert await AuditEntry.filter(entity="salary_record", action="create").count() == 3


async def test_one_bad_row_refuses_the_whole_file_with_row_column_and_reason(db, tmp_path):
    await world()
    hr = Scope(user_id=1, role=Role.HR, organisation_id=(await world_org()).id)
    path = _csv(
        tmp_path,
        "worker_no,effective_from,monthly_base,monthly_allowances\n"
        "W1,2022-01-01,4000,0\n"  # fine
        "W1,2021-06-01,4000,0\n"  # before the hire (2022-01-01)
        "W3,2022-01-01,4000,0\n"  # another organisation's worker: not found
        "W2,2022-01-01,-5,0\n",  # negative
    )
    outcome = await run(get_kind("salaries"), path, scope=hr, actor=None, dry_run=False)
    assert not outcome.ok
    rows = {(p.row, p.column) for p in outcome.problems}
    assert rows == {(3, "effective_from"), (4, "worker_no"), (5, "monthly_base")}, outcome.problems
    assert "2022-01-01" in next(p.reason for p in outcome.problems if p.row == 3)
    assert await SalaryRecord.all().count() == 0


async def world_org():
    from talent.places.models import Organisation

    return await Organisation.get(name="玄武社工服务中心")


async def test_an_export_reimports_with_every_row_unchanged(db, tmp_path):
    w = await world()
    for i, worker in enumerate(w["workers"]):
        await SalaryRecord.create(
            worker=worker,
            effective_from=date(2022, 1, 1),
            monthly_base=Decimal(4000 + i),
            monthly_allowances=Decimal("300.50"),
        )
        await SalaryRecord.create(worker=worker, effective_from=date(2025, 7, 1), monthly_base=Decimal(4500 + i))
    for suffix in ("csv", "xlsx"):
        target = tmp_path / f"salaries.{suffix}"
        assert await export_kind("salaries", target) == 8
        outcome = await run(get_kind("salaries"), target, scope=ADMIN, actor=None, dry_run=False)
        assert outcome.ok and outcome.report()["counts"] == {"created": 0, "updated": 0, "unchanged": 8}, (
            outcome.report()
        )
