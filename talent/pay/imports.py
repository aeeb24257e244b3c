"""The `salaries` spreadsheet kind (DESIGN §3: worker_no, effective_from, monthly_base, monthly_allowances) and the
`assessments` kind (worker_no, year, grade: a code or its Chinese word), with their export rows; the module
registers both kinds when imported (talent.domains names it).

A row is identified by worker and effective date (a worker's record from that date is created or updated). The
worker is looked up in the importer's scope (people.access.workers_q): a number outside it is "not found". The
services' rules apply: amounts not negative (rules.money), no salary dated before the worker's first hire.
"""

from collections.abc import AsyncIterator
from typing import Any

from talent.audit.models import Action
from talent.audit.services import jsonable
from talent.core.access import Permission
from talent.core.bulk import insert_rows, values_in
from talent.core.clock import local_today
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.imports.columns import Column, KindSpec
from talent.imports.framework import Context, Counts, Kind, Plan, register
from talent.pay.models import GRADE_WORDS, Assessment, Grade, SalaryRecord
from talent.pay.rules import money
from talent.pay.services import ASSESSMENT, RECORD, check_year
from talent.people.models import EmploymentSpell
from talent.people.selectors import worker_ids_by_number, worker_jurisdictions

SALARIES = KindSpec(
    "salaries",
    [
        Column("worker_no", "工号", required=True, max_length=32),
        Column("effective_from", "生效日期", "date", required=True),
        Column("monthly_base", "月基本工资", "decimal", required=True),
        Column("monthly_allowances", "月津贴补贴", "decimal"),
    ],
    ("worker_no", "effective_from"),
)
FIELDS = ("monthly_base", "monthly_allowances")


class SalariesKind(Kind):
    spec = SALARIES
    permission = Permission.PAY_SALARIES_EDIT
    title = N_("Salaries")
    note = N_(
        "One row per worker and effective date, amounts in yuan per month; a worker's record from the same date is "
        "updated. A salary cannot start before the worker's first hire."
    )
    example = {
        "worker_no": "W2024001",
        "effective_from": "2026-01-01",
        "monthly_base": "4200",
        "monthly_allowances": "300",
    }

    async def validate(self, ctx: Context, rows: list) -> Plan:
        scope = ctx.scope
        plan = Plan()
        numbers = [r.worker_no for r in rows]
        workers = await worker_ids_by_number(scope=scope, numbers=numbers)
        ids = list(workers.values())
        first_hire: dict[int, Any] = {}
        for s in await values_in(EmploymentSpell, "worker_id", ids, ["worker_id", "start_on"]):
            held = first_hire.get(s["worker_id"])
            if held is None or s["start_on"] < held:
                first_hire[s["worker_id"]] = s["start_on"]
        existing = {
            (r["worker_id"], r["effective_from"]): r
            for r in await values_in(
                SalaryRecord,
                "worker_id",
                ids,
                ["id", "worker_id", "effective_from", "monthly_base", "monthly_allowances"],
            )
        }
        for row in rows:
            worker_id = workers.get(row.worker_no)
            if worker_id is None:
                ctx.problem(row.row, "worker_no", row.worker_no, _("No worker with this number in your scope."))
                continue
            ok = True
            values = {}
            for key in FIELDS:
                raw = getattr(row, key)
                if raw is None and key == "monthly_allowances":
                    raw = 0
                try:
                    values[key] = money(raw, key)
                except ServiceError as exc:
                    ctx.problem(row.row, key, raw, exc.message)
                    ok = False
            hired = first_hire.get(worker_id)
            if hired is None:
                ctx.problem(
                    row.row, "worker_no", row.worker_no, _("This worker has no employment yet: record the hire first.")
                )
                ok = False
            elif row.effective_from < hired:
                ctx.problem(
                    row.row,
                    "effective_from",
                    row.effective_from,
                    _("A salary cannot start before the worker was hired (%(day)s).") % {"day": hired.isoformat()},
                )
                ok = False
            if not ok:
                continue
            current = existing.get((worker_id, row.effective_from))
            if current is not None and "monthly_allowances" not in ctx.present:
                values["monthly_allowances"] = current["monthly_allowances"]
            after = {"worker_id": worker_id, "effective_from": row.effective_from, **values}
            if current is None:
                plan.creates.append((row, after))
            elif all(current[k] == values[k] for k in FIELDS):
                plan.unchanged += 1
            else:
                before = jsonable({k: current[k] for k in FIELDS})
                plan.updates.append((current["id"], before, after, row))
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        async def create(batch: list) -> list[dict]:
            return await _created(
                ctx, batch, SalaryRecord, RECORD, "effective_from", lambda row: row.effective_from.isoformat()
            )

        async def update(batch: list) -> list[dict]:
            return await _updated(ctx, batch, SalaryRecord, RECORD, FIELDS, lambda row: row.effective_from.isoformat())

        await ctx.write_batches(plan, plan.creates, create)
        await ctx.write_batches(plan, plan.updates, update)
        return plan.counts()


def _filed(places: list | None) -> dict:
    if not places:
        return {"region_path": "", "organisation_id": None}
    (path, org), *rest = places
    return {"region_path": path, "organisation_id": org, "also": rest}


register(SalariesKind())


async def _by_id(model, fields: tuple[str, ...], size: int) -> AsyncIterator[tuple]:
    """(id, *fields) of every row of `model`, in keyset batches of `size` by id (an export's rows)."""
    last_id = 0
    while True:
        batch = await model.filter(id__gt=last_id).order_by("id").limit(size).values_list("id", *fields)
        for row in batch:
            yield row
        if len(batch) < size:
            return
        last_id = batch[-1][0]


async def salary_rows(size: int = 2000) -> AsyncIterator[list[Any]]:
    """Every salary record in the kind's columns (`talent export salaries`), in keyset batches by id."""
    fields = ("worker__worker_no", "effective_from", "monthly_base", "monthly_allowances")
    async for _id, *row in _by_id(SalaryRecord, fields, size):
        yield row


# ── yearly assessments ───────────────────────────────────────────────────────────────────────────

ASSESSMENTS = KindSpec(
    "assessments",
    [
        Column("worker_no", "工号", required=True, max_length=32),
        Column("year", "考核年度", "int", required=True),
        Column("grade", "考核等次", "enum", required=True, enum=Grade, words=GRADE_WORDS),
    ],
    ("worker_no", "year"),
)


async def _created(ctx: Context, batch: list, model, audited, key: str, describe) -> list[dict]:
    """Insert a batch of a worker's yearly or dated rows (unique on worker and `key`), and the audit entries of
    their creation, filed in each worker's jurisdictions; shared by the salary and assessment kinds."""
    await insert_rows(model, [{**after, "note": ""} for _row, after in batch])
    worker_ids = list({after["worker_id"] for _row, after in batch})
    ids = {
        (r["worker_id"], r[key]): r["id"]
        for r in await values_in(model, "worker_id", worker_ids, ["id", "worker_id", key])
    }
    where = await worker_jurisdictions(worker_ids)
    return [
        audited.entry(
            ctx.actor,
            Action.CREATE,
            ids[(after["worker_id"], after[key])],
            f"{row.worker_no} {describe(row)}",
            after=jsonable({**after, "note": ""}),
            **_filed(where.get(after["worker_id"])),
        )
        for row, after in batch
    ]


async def _updated(ctx: Context, batch: list, model, audited, fields: tuple[str, ...], describe) -> list[dict]:
    """Write a batch of changes to a worker's yearly or dated rows (their `fields`), and the audit entries of the
    changes, filed in each worker's jurisdictions; shared by the salary and assessment kinds."""
    await model.bulk_update(
        [model(id=rid, **{k: after[k] for k in fields}) for rid, _b, after, _r in batch], list(fields)
    )
    where = await worker_jurisdictions([after["worker_id"] for _i, _b, after, _r in batch])
    return [
        audited.entry(
            ctx.actor,
            Action.UPDATE,
            rid,
            f"{row.worker_no} {describe(row)}",
            before=before,
            after=jsonable({k: after[k] for k in fields}),
            **_filed(where.get(after["worker_id"])),
        )
        for rid, before, after, row in batch
    ]


class AssessmentsKind(Kind):
    spec = ASSESSMENTS
    permission = Permission.PAY_SALARIES_EDIT
    title = N_("Yearly assessments")
    note = N_(
        "One row per worker and year; the grade is excellent, competent, basically_competent or incompetent "
        "(or 优秀, 合格, 基本合格, 不合格). A worker's assessment of the same year is changed."
    )
    example = {"worker_no": "W2024001", "year": "2025", "grade": "优秀"}

    async def validate(self, ctx: Context, rows: list) -> Plan:
        scope = ctx.scope
        plan = Plan()
        numbers = [r.worker_no for r in rows]
        workers = await worker_ids_by_number(scope=scope, numbers=numbers)
        existing = {
            (r["worker_id"], r["year"]): r
            for r in await values_in(
                Assessment, "worker_id", list(workers.values()), ["id", "worker_id", "year", "grade"]
            )
        }
        today = local_today()
        for row in rows:
            worker_id = workers.get(row.worker_no)
            if worker_id is None:
                ctx.problem(row.row, "worker_no", row.worker_no, _("No worker with this number in your scope."))
                continue
            try:
                check_year(row.year, today)
            except ServiceError as exc:
                ctx.problem(row.row, "year", row.year, exc.message)
                continue
            grade = Grade(getattr(row.grade, "value", row.grade)).value
            current = existing.get((worker_id, row.year))
            after = {"worker_id": worker_id, "year": row.year, "grade": grade}
            if current is None:
                plan.creates.append((row, after))
            elif Grade(current["grade"]).value == grade:
                plan.unchanged += 1
            else:
                plan.updates.append((current["id"], {"grade": Grade(current["grade"]).value}, after, row))
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        async def create(batch: list) -> list[dict]:
            return await _created(ctx, batch, Assessment, ASSESSMENT, "year", lambda row: str(row.year))

        async def update(batch: list) -> list[dict]:
            return await _updated(ctx, batch, Assessment, ASSESSMENT, ("grade",), lambda row: str(row.year))

        await ctx.write_batches(plan, plan.creates, create)
        await ctx.write_batches(plan, plan.updates, update)
        return plan.counts()


register(AssessmentsKind())


async def assessment_rows(size: int = 2000) -> AsyncIterator[list[Any]]:
    """Every yearly assessment in the kind's columns (grade as its code), in keyset batches by id."""
    async for _id, worker_no, year, grade in _by_id(Assessment, ("worker__worker_no", "year", "grade"), size):
        yield [worker_no, year, getattr(grade, "value", grade)]
