"""The `cohort_members` spreadsheet kind: members of cohorts with their mentor, by cohort number (shown on the cohort
page) and worker number; idempotent on (cohort, worker_no): a row for an existing member changes its mentor or
joining day. Checked whole first with the services' rules (cohort and worker in the importer's scope, mentor active,
seen and within reach, joining day inside the cohort, no member twice in the file); nothing is written unless every
row is valid."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from talent.audit.models import Action
from talent.audit.services import audit_record_many
from talent.cohorts.access import may_run, readable_cohorts
from talent.cohorts.models import CohortMember
from talent.cohorts.services import MEMBER, reach_q
from talent.core.access import Permission
from talent.core.bulk import fetch_by, insert_rows
from talent.core.clock import local_today
from talent.core.export import batched
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.imports.columns import Column, KindSpec
from talent.imports.framework import Context, Counts, Kind, Plan, register
from talent.people.access import workers_q
from talent.people.models import EmploymentSpell, Worker
from talent.supervision.access import readable_supervisors

COHORT_MEMBERS = KindSpec(
    "cohort_members",
    [
        Column("cohort", "培养班编号", "int", required=True),
        Column("worker_no", "工号", required=True, max_length=32),
        Column("mentor", "导师编号", "int"),
        Column("joined_on", "加入日期", "date"),
    ],
    ("cohort", "worker_no"),
)


class CohortMembersKind(Kind):
    spec = COHORT_MEMBERS
    permission = Permission.COHORTS_EDIT
    title = N_("Cohort members")
    note = N_(
        "One row per member: the cohort's number (shown on its page), the worker number, optionally the mentor's "
        "supervisor number (shown on the supervisor's page) and the joining day (empty: the cohort's start). A row "
        "for an existing member updates the mentor and the day; a worker twice in one cohort is refused."
    )
    example = {"cohort": "1", "worker_no": "W2024001", "mentor": "3", "joined_on": "2026-03-01"}

    async def validate(self, ctx: Context, rows: list) -> Plan:
        plan = Plan()
        cohort_ids = list({r.cohort for r in rows if r.cohort is not None})
        cohorts = {
            c.id: c
            for c in await fetch_by(lambda chunk: readable_cohorts(ctx.scope).filter(id__in=list(chunk)), cohort_ids)
        }
        runnable = {i: c for i, c in cohorts.items() if may_run(ctx.scope, c)}
        workers = {
            w.worker_no: w
            for w in await fetch_by(
                lambda chunk: Worker.filter(workers_q(ctx.scope), worker_no__in=list(chunk)),
                [r.worker_no for r in rows],
            )
        }
        mentor_ids = list({r.mentor for r in rows if r.mentor is not None})
        mentors = {
            s.id: s
            for s in await fetch_by(
                lambda chunk: readable_supervisors(ctx.scope).filter(id__in=list(chunk)).select_related("region"),
                mentor_ids,
            )
        }
        existing = {
            (m["cohort_id"], m["worker_id"]): m
            for m in await fetch_by(
                lambda chunk: CohortMember.filter(cohort_id__in=list(chunk)).values(
                    "id", "cohort_id", "worker_id", "mentor_id", "joined_on"
                ),
                list(runnable),
            )
        }
        seen: set[tuple] = set()
        for row in rows:
            cohort = runnable.get(row.cohort)
            worker = workers.get(row.worker_no)
            ok = True
            if cohort is None:
                ctx.problem(row.row, "cohort", row.cohort, _("No cohort with this number in your scope."))
                ok = False
            if worker is None:
                ctx.problem(row.row, "worker_no", row.worker_no, _("No worker with this number in your scope."))
                ok = False
            mentor = mentors.get(row.mentor) if row.mentor is not None else None
            if row.mentor is not None and (mentor is None or not mentor.active):
                ctx.problem(row.row, "mentor", row.mentor, _("No such supervisor in your scope."))
                ok = False
            if not ok:
                continue
            key = (cohort.id, worker.id)
            if key in seen:
                ctx.problem(row.row, "worker_no", row.worker_no, _("This worker appears twice for this cohort."))
                continue
            seen.add(key)
            joined = row.joined_on or cohort.start_on
            if not cohort.start_on <= joined <= cohort.end_on:
                ctx.problem(row.row, "joined_on", row.joined_on, _("Members join within the cohort's dates."))
                continue
            if mentor is not None and not await _reaches(
                mentor, worker.id, max(joined, min(local_today(), cohort.end_on))
            ):
                ctx.problem(row.row, "mentor", row.mentor, _("Outside the mentor's reach (their region and stations)."))
                continue
            item = {"cohort": cohort, "worker": worker, "mentor_id": mentor.id if mentor else None, "joined_on": joined}
            current = existing.get(key)
            if current is None:
                plan.creates.append(item)
            elif (current["mentor_id"], current["joined_on"]) == (item["mentor_id"], joined):
                plan.unchanged += 1
            else:
                plan.updates.append({**item, "id": current["id"], "before": current})
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        await insert_rows(
            CohortMember,
            [
                {
                    "cohort_id": i["cohort"].id,
                    "worker_id": i["worker"].id,
                    "mentor_id": i["mentor_id"],
                    "joined_on": i["joined_on"],
                }
                for i in plan.creates
            ],
        )
        for i in plan.updates:
            await CohortMember.filter(id=i["id"]).update(mentor_id=i["mentor_id"], joined_on=i["joined_on"])
        entries = [
            MEMBER.entry(
                ctx.actor,
                Action.CREATE if "id" not in i else Action.UPDATE,
                i.get("id", i["cohort"].id),
                f"{i['cohort'].name} · {i['worker'].worker_no}",
                after={
                    "worker_no": i["worker"].worker_no,
                    "mentor_id": i["mentor_id"],
                    "joined_on": i["joined_on"].isoformat(),
                },
                region_path=i["cohort"].region_path,
            )
            for i in [*plan.creates, *plan.updates]
        ]
        await audit_record_many(entries)
        return plan.counts()


async def _reaches(mentor, worker_id: int, day: date) -> bool:
    return await EmploymentSpell.filter(reach_q(mentor, day), worker_id=worker_id).exists()


register(CohortMembersKind())


async def cohort_member_rows() -> AsyncIterator[list[Any]]:
    """Rows for `talent export cohort_members`, in the import's column order."""
    async for m in batched(CohortMember.all().select_related("worker")):
        yield [m.cohort_id, m.worker.worker_no, m.mentor_id, m.joined_on]
