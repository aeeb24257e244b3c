"""The people import kinds, workers and employment (DESIGN §3), and their export rows; the module registers its
kinds with the import framework when it is imported (talent.domains names it).

Each kind validates the parsed rows in bulk (every lookup is a chunked `__in` query), returns a plan of what to
create, update and leave alone, and writes it with bulk inserts/updates plus bulk-inserted audit entries. The
rules are the services' own (talent.people.rules), applied to rows not yet stored.
"""

from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from talent.audit.models import Action
from talent.audit.services import jsonable
from talent.core.access import Permission
from talent.core.bulk import fetch_by, ids_by, insert_rows, values_in
from talent.core.errors import ServiceError
from talent.core.export import batched
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.imports.columns import Column, KindSpec
from talent.imports.framework import Context, Counts, Kind, Plan, register
from talent.people.access import spells_q, workers_q
from talent.people.models import EmploymentSpell, ExitReason, ExitType, Gender, Source, Worker
from talent.people.rules import clean_id_number, clean_phone, overlaps
from talent.people.selectors import worker_ids_by_number, worker_jurisdictions
from talent.people.services import SPELL, WORKER, WORKER_AUDIT_FIELDS, registered_by
from talent.places.access import stations_q
from talent.places.imports import actor_audit_scope, filed_at_station
from talent.places.models import Education, Station

# Chinese words accepted for coded values besides the codes (DESIGN §3).
GENDER_WORDS = {"女": "female", "男": "male"}
EDUCATION_WORDS = {
    "中专": "secondary",
    "高中": "secondary",
    "大专": "associate",
    "本科": "bachelor",
    "硕士": "master",
    "博士": "doctorate",
}
SOURCE_WORDS = {
    "培育": "incubated",
    "本地培育": "incubated",
    "引进": "introduced",
    "外部引进": "introduced",
    "调入": "transferred",
    "调动": "transferred",
    "其他": "other",
}
EXIT_TYPE_WORDS = {
    "主动离职": "voluntary",
    "主动": "voluntary",
    "被动离职": "involuntary",
    "被动": "involuntary",
    "调动": "transfer",
    "退休": "retirement",
    "其他": "other",
}
EXIT_REASON_WORDS = {
    "薪酬": "pay",
    "待遇": "pay",
    "职业发展": "career",
    "家庭": "family",
    "深造": "study",
    "升学": "study",
    "工作量": "workload",
    "合同到期": "contract_end",
    "辞退": "dismissal",
    "健康": "health",
    "其他": "other",
}
WORKERS = KindSpec(
    "workers",
    [
        Column("worker_no", "工号", required=True, max_length=32),
        Column("name", "姓名", required=True, max_length=50),
        Column("gender", "性别", "enum", enum=Gender, words=GENDER_WORDS),
        Column("birth_date", "出生日期", "date"),
        Column("education", "学历", "enum", enum=Education, words=EDUCATION_WORDS),
        Column("social_work_major", "社会工作专业", "bool"),
        Column("source", "来源", "enum", enum=Source, words=SOURCE_WORDS),
        Column("phone", "手机号", max_length=32, sensitive=True),
        Column("id_number", "身份证号", max_length=18, sensitive=True),
    ],
    ("worker_no",),
)
EMPLOYMENT = KindSpec(
    "employment",
    [
        Column("worker_no", "工号", required=True, max_length=32),
        Column("station_code", "站点编码", required=True, max_length=32),
        Column("start_on", "入职日期", "date", required=True),
        Column("end_on", "离职日期", "date"),
        Column("full_time", "全职", "bool"),
        Column("exit_type", "离职类型", "enum", enum=ExitType, words=EXIT_TYPE_WORDS),
        Column("exit_reason", "离职原因", "enum", enum=ExitReason, words=EXIT_REASON_WORDS),
    ],
    ("worker_no", "station_code", "start_on"),
)


# As in talent.places.imports: a worker or station outside the importer's scope gets the answer an unknown one
# gets, never "outside your jurisdiction".
def _no_station() -> str:
    return _("No station with this code in your scope.")


def _no_worker() -> str:
    return _("No worker with this number in your scope.")


# ── workers ──────────────────────────────────────────────────────────────────────────────────────

WORKER_FIELDS = [f for f in WORKER_AUDIT_FIELDS if f != "worker_no"]


class WorkersKind(Kind):
    spec = WORKERS
    permission = Permission.WORKERS_EDIT
    title = N_("Workers")
    note = N_(
        "New workers are visible to your jurisdiction alone until an employment spell places them at one of your "
        "stations: after importing new workers, import their employment file too."
    )
    example = {
        "worker_no": "W2024001",
        "name": "张三",
        "gender": "female",
        "birth_date": "1995-06-01",
        "education": "bachelor",
        "social_work_major": "yes",
        "source": "introduced",
        "phone": "13812345678",
        "id_number": "320102199506011234",
    }

    async def validate(self, ctx: Context, rows: list) -> Plan:
        scope = ctx.scope
        plan = Plan()
        existing = {
            w["worker_no"]: w
            for w in await values_in(Worker, "worker_no", [r.worker_no for r in rows], ["id", *WORKER_AUDIT_FIELDS])
        }
        allowed: set[int] | None = None
        if not scope.is_admin and existing:
            # The workers the importer sees (workers_q: a spell in scope, or registered here and not placed
            # yet). A worker without a spell registered by another jurisdiction is no more theirs than one
            # employed elsewhere.
            allowed = set(
                await fetch_by(
                    lambda chunk: Worker.filter(workers_q(scope), id__in=list(chunk)).values_list("id", flat=True),
                    [w["id"] for w in existing.values()],
                )
            )
        for row in rows:
            ok = True
            try:
                phone = clean_phone(row.phone)
            except ServiceError as exc:
                ctx.problem(row.row, "phone", row.phone, exc.message)
                ok = False
            try:
                id_number = clean_id_number(row.id_number)
            except ServiceError as exc:
                ctx.problem(row.row, "id_number", row.id_number, exc.message)
                ok = False
            if not ok:
                continue
            after = {
                "worker_no": row.worker_no,
                "name": row.name,
                "gender": row.gender,
                "birth_date": row.birth_date,
                "education": row.education,
                "social_work_major": bool(row.social_work_major),
                "source": row.source or Source.OTHER,
                "phone": phone,
                "id_number": id_number,
            }
            current = existing.get(row.worker_no)
            if current is None:
                plan.creates.append(after)
                continue
            if allowed is not None and current["id"] not in allowed:
                ctx.problem(row.row, "worker_no", row.worker_no, _("This worker number is taken."))
                continue
            for key in WORKER_FIELDS:
                if key not in ctx.present:
                    after[key] = current[key]
            # Enum members equal their codes, so the stored values compare as they are (cheap for 100k rows).
            if all(current[k] == after[k] for k in WORKER_AUDIT_FIELDS):
                plan.unchanged += 1
            else:
                before = jsonable({k: current[k] for k in WORKER_AUDIT_FIELDS})
                plan.updates.append((current["id"], before, after, row))
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        home = actor_audit_scope(ctx)
        # New workers stay in the importer's view until their employment file places them (workers_q).
        registration = registered_by(ctx.scope)

        async def create(batch: list) -> list[dict]:
            await insert_rows(Worker, [{**after, **registration} for after in batch])
            ids = await ids_by(Worker, "worker_no", [after["worker_no"] for after in batch])
            return [
                WORKER.entry(
                    ctx.actor, Action.CREATE, ids[after["worker_no"]], _summary(after), after=jsonable(after), **home
                )
                for after in batch
            ]

        async def update(batch: list) -> list[dict]:
            await Worker.bulk_update(
                [Worker(id=wid, **after) for wid, _b, after, _r in batch], ["worker_no", *WORKER_FIELDS]
            )
            # Filed under every jurisdiction that sees the worker, the latest spell's station first.
            where = await worker_jurisdictions([wid for wid, _b, _a, _r in batch])
            return [
                WORKER.entry(
                    ctx.actor,
                    Action.UPDATE,
                    wid,
                    _summary(after),
                    before=before,
                    after=jsonable(after),
                    **_filed_under(where.get(wid), home),
                )
                for wid, before, after, _r in batch
            ]

        await ctx.write_batches(plan, plan.creates, create)
        await ctx.write_batches(plan, plan.updates, update)
        return plan.counts()


def _summary(worker: dict) -> str:
    return f"{worker['worker_no']} {worker['name']}"


def _filed_under(places: list | None, home: dict) -> dict:
    """An entry's region_path, organisation_id and also for a list of jurisdictions (first = primary)."""
    if not places:
        return home
    (path, org), *rest = places
    return {"region_path": path, "organisation_id": org, "also": rest}


# ── employment ───────────────────────────────────────────────────────────────────────────────────


class EmploymentKind(Kind):
    spec = EMPLOYMENT
    permission = Permission.WORKERS_EDIT
    title = N_("Employment spells")
    note = N_(
        "One row per spell: worker, station and start date identify it. A spell with a last working day needs an "
        "exit type and reason; a worker's spells may not overlap."
    )
    example = {
        "worker_no": "W2024001",
        "station_code": "S-320102001-01",
        "start_on": "2024-03-01",
        "end_on": "",
        "full_time": "yes",
        "exit_type": "",
        "exit_reason": "",
    }

    async def validate(self, ctx: Context, rows: list) -> Plan:
        scope = ctx.scope
        plan = Plan()
        # Worker and station are both looked up inside the importer's scope: a worker employed (or registered)
        # elsewhere is as unknown here as a number nobody has, so a row cannot pull them into this jurisdiction.
        numbers = [r.worker_no for r in rows]
        workers = await worker_ids_by_number(scope=scope, numbers=numbers)
        stations = {
            s["code"]: s
            for s in await fetch_by(
                lambda chunk: Station.filter(stations_q(scope), code__in=list(chunk)).values(
                    "id", "code", "region_path", "organisation_id"
                ),
                [r.station_code for r in rows],
            )
        }
        spells: dict[int, list[dict]] = defaultdict(list)
        for s in await fetch_by(
            lambda chunk: EmploymentSpell.filter(worker_id__in=list(chunk)).values(
                "id",
                "worker_id",
                "station_id",
                "station__code",
                "start_on",
                "end_on",
                "full_time",
                "exit_type",
                "exit_reason",
            ),
            list(workers.values()),
        ):
            spells[s["worker_id"]].append(s)
        # The overlap check weighs every spell of the worker, but names only those at stations in scope.
        shown = set(
            await fetch_by(
                lambda chunk: EmploymentSpell.filter(spells_q(scope), worker_id__in=list(chunk)).values_list(
                    "id", flat=True
                ),
                list(workers.values()),
            )
        )
        # Per worker: (start, end, row or None, existing spell or None) for the overlap check.
        periods: dict[int, list[tuple]] = defaultdict(list)
        matched: set[int] = set()
        for row in rows:
            ok = True
            worker_id = workers.get(row.worker_no)
            if worker_id is None:
                ctx.problem(row.row, "worker_no", row.worker_no, _no_worker())
                ok = False
            station = stations.get(row.station_code)
            if station is None:
                ctx.problem(row.row, "station_code", row.station_code, _no_station())
                ok = False
            current = None
            if worker_id is not None and station is not None:
                current = next(
                    (
                        s
                        for s in spells.get(worker_id, ())
                        if s["station_id"] == station["id"] and s["start_on"] == row.start_on
                    ),
                    None,
                )
            # A column the file leaves out keeps the stored value of an existing spell.
            value = {key: getattr(row, key) for key in ("end_on", "full_time", "exit_type", "exit_reason")}
            if current is not None:
                for key in value:
                    if key not in ctx.present:
                        value[key] = current[key]
            end_on = value["end_on"]
            if end_on is not None and end_on < row.start_on:
                ctx.problem(row.row, "end_on", end_on, _("The last working day cannot be before the start date."))
                ok = False
            if end_on is not None:
                if not value["exit_type"]:
                    ctx.problem(row.row, "exit_type", "", _("An exit needs a type."))
                    ok = False
                if not value["exit_reason"]:
                    ctx.problem(row.row, "exit_reason", "", _("An exit needs a reason."))
                    ok = False
            else:
                for key in ("exit_type", "exit_reason"):
                    if value[key]:
                        ctx.problem(row.row, key, value[key], _("Only a spell with a last working day has an exit."))
                        ok = False
            if not ok:
                continue
            after = {
                "worker_id": worker_id,
                "station_id": station["id"],
                "start_on": row.start_on,
                "end_on": end_on,
                "full_time": True if value["full_time"] is None else value["full_time"],
                "exit_type": value["exit_type"],
                "exit_reason": value["exit_reason"],
            }
            periods[worker_id].append((row.start_on, end_on, row, current))
            if current is None:
                plan.creates.append((row, after, station))
                continue
            matched.add(current["id"])
            if all(current[k] == after[k] for k in after):
                plan.unchanged += 1
            else:
                before = jsonable({k: current[k] for k in after})
                plan.updates.append((current["id"], before, after, (row, station)))
        self._check_overlaps(ctx, periods, spells, matched, shown)
        return plan

    def _check_overlaps(self, ctx: Context, periods, spells, matched: set[int], shown: set[int]) -> None:
        """One sweep per worker over their periods (the file's and the stored ones) sorted by start: each is
        checked against the period reaching furthest so far (the services' rule, people.rules.overlaps)."""
        far = date.max
        for worker_id, items in periods.items():
            items = items + [
                (s["start_on"], s["end_on"], None, s) for s in spells.get(worker_id, ()) if s["id"] not in matched
            ]
            items.sort(key=lambda p: (p[0], p[1] or far))
            holder = None
            for item in items:
                if holder is not None and overlaps(item[0], item[1], holder[0], holder[1]):
                    row, other = (item[2], holder) if item[2] is not None else (holder[2], item)
                    if row is not None and other[2] is None and other[3]["id"] not in shown:
                        ctx.problem(
                            row.row,
                            "start_on",
                            row.start_on,
                            _("This spell overlaps another spell of the same worker."),
                        )
                    elif row is not None:
                        if other[2] is not None:
                            where = _("row %(row)s") % {"row": other[2].row}
                        else:
                            where = other[3]["station__code"]
                        ctx.problem(
                            row.row,
                            "start_on",
                            row.start_on,
                            _("This spell overlaps another spell of the same worker (%(where)s, %(start)s – %(end)s).")
                            % {
                                "where": where,
                                "start": other[0].isoformat(),
                                "end": other[1].isoformat() if other[1] else _("now"),
                            },
                        )
                if holder is None or (item[1] or far) > (holder[1] or far):
                    holder = item

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        async def create(batch: list) -> list[dict]:
            await insert_rows(EmploymentSpell, [{**after, "position": "", "exit_note": ""} for _r, after, _s in batch])
            worker_ids = list({after["worker_id"] for _r, after, _s in batch})
            ids = {
                (s["worker_id"], s["station_id"], s["start_on"]): s["id"]
                for s in await values_in(
                    EmploymentSpell, "worker_id", worker_ids, ["id", "worker_id", "station_id", "start_on"]
                )
            }
            return [
                SPELL.entry(
                    ctx.actor,
                    Action.CREATE,
                    ids[(after["worker_id"], after["station_id"], after["start_on"])],
                    f"{row.worker_no} → {row.station_code}",
                    after=jsonable({**after, "position": "", "exit_note": ""}),
                    **filed_at_station(station),
                )
                for row, after, station in batch
            ]

        fields = ["end_on", "full_time", "exit_type", "exit_reason"]

        async def update(batch: list) -> list[dict]:
            await EmploymentSpell.bulk_update(
                [EmploymentSpell(id=sid, **{k: after[k] for k in fields}) for sid, _b, after, _x in batch], fields
            )
            return [
                SPELL.entry(
                    ctx.actor,
                    Action.UPDATE,
                    sid,
                    f"{row.worker_no} → {row.station_code}",
                    before=before,
                    after=jsonable(after),
                    **filed_at_station(station),
                )
                for sid, before, after, (row, station) in batch
            ]

        await ctx.write_batches(plan, plan.creates, create)
        await ctx.write_batches(plan, plan.updates, update)
        return plan.counts()


# ── exports (`talent export workers|employment`): the kinds' own columns, so an export imports back unchanged ──


def worker_row(w: Worker) -> list[Any]:
    """A worker in the workers kind's columns (phone and ID number last): also the row of the worker list's export."""
    return [
        w.worker_no,
        w.name,
        w.gender,
        w.birth_date,
        w.education,
        bool(w.social_work_major),
        w.source,
        w.phone,
        w.id_number,
    ]


async def worker_rows() -> AsyncIterator[list[Any]]:
    async for w in batched(Worker.all()):
        yield worker_row(w)


async def employment_rows() -> AsyncIterator[list[Any]]:
    async for s in batched(EmploymentSpell.all().select_related("worker", "station")):
        yield [s.worker.worker_no, s.station.code, s.start_on, s.end_on, s.full_time, s.exit_type, s.exit_reason]


register(WorkersKind())
register(EmploymentKind())
