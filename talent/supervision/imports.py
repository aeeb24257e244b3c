"""The `supervisors` and `assignments` spreadsheet kinds, and their export rows (an export re-imports unchanged).

- supervisors: a row with a number (shown on the supervisor's page) updates that profile, one without adds a new
  one; the home region is typed as its code and must lie in the importer's region (an admin may leave it empty).
- assignments: one row per supervisor × station × first day; a row for an existing assignment changes its last day
  or whether it is primary. "One station, one supervisor" is checked against the stored assignments and the
  file's other rows together. Nothing is written unless every row is valid.
"""

from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from talent.audit.models import Action
from talent.audit.services import audit_record_many
from talent.core.access import Permission
from talent.core.bulk import fetch_by, insert_rows
from talent.core.export import batched
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.imports.columns import Column, KindSpec
from talent.imports.framework import Context, Counts, Kind, Plan, register
from talent.places.access import can_write_under, regions_q, stations_q
from talent.places.models import CertLevel, Region, Station
from talent.supervision.access import may_assign, readable_supervisors, supervisor_editable
from talent.supervision.models import Affiliation, Assignment, Supervisor, SupervisorExpertise
from talent.supervision.rules import overlaps, parse_tags
from talent.supervision.services import ASSIGNMENT, SUPERVISOR

AFFILIATION_WORDS = {
    "高校": "university",
    "大学": "university",
    "机构": "organisation",
    "外部": "external",
    "本地": "local",
}
CERT_LEVEL_WORDS = {"助理社会工作师": "assistant", "社会工作师": "intermediate", "高级社会工作师": "senior"}

SUPERVISORS = KindSpec(
    "supervisors",
    [
        Column("number", "督导编号", "int"),
        Column("name", "姓名", required=True, max_length=50),
        Column("affiliation_type", "所属类型", "enum", required=True, enum=Affiliation, words=AFFILIATION_WORDS),
        Column("institution", "所在单位", max_length=200),
        Column("grade", "督导级别", max_length=32),
        Column("cert_level", "证书等级", "enum", enum=CertLevel, words=CERT_LEVEL_WORDS),
        Column("region_code", "所属地区代码", max_length=12),
        Column("expertise", "专长领域", max_length=400),
        Column("active", "在库", "bool"),
        Column("bio", "个人简介", max_length=4000),
    ],
    ("number", "name"),
)
ASSIGNMENTS = KindSpec(
    "assignments",
    [
        Column("supervisor", "督导编号", "int", required=True),
        Column("station_code", "站点代码", required=True, max_length=32),
        Column("start_on", "开始日期", "date", required=True),
        Column("end_on", "结束日期", "date"),
        Column("primary", "主责督导", "bool"),
    ],
    ("supervisor", "station_code", "start_on"),
)


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) else ("" if value is None else str(value))


class SupervisorsKind(Kind):
    spec = SUPERVISORS
    permission = Permission.SUPERVISORS_EDIT
    title = N_("Supervisors")
    note = N_(
        "One row per supervisor. With a number (shown on the supervisor's page) the row updates that profile; "
        "without one it adds a supervisor. The home region is its code, inside your region. Expertise tags are "
        "separated by commas or 、."
    )
    example = {
        "number": "",
        "name": "王敏",
        "affiliation_type": "university",
        "institution": "南京大学社会学院",
        "grade": "市级督导",
        "cert_level": "senior",
        "region_code": "320102",
        "expertise": "儿童保护、社区治理",
        "active": "yes",
        "bio": "",
    }

    async def validate(self, ctx: Context, rows: list) -> Plan:
        plan = Plan()
        codes = {_text(r.region_code) for r in rows if _text(r.region_code)}
        regions = {
            r.code: r for r in await fetch_by(lambda c: Region.filter(regions_q(ctx.scope), code__in=list(c)), codes)
        }
        numbers = {r.number for r in rows if r.number is not None}
        current = {
            s.id: s
            for s in await fetch_by(
                lambda c: (
                    readable_supervisors(ctx.scope)
                    .filter(id__in=list(c))
                    .select_related("region")
                    .prefetch_related("expertise")
                ),
                numbers,
            )
        }
        for row in rows:
            code = _text(row.region_code)
            region = regions.get(code) if code else None
            if code and region is None:
                ctx.problem(row.row, "region_code", code, _("No such region in your scope."))
                continue
            if not can_write_under(ctx.scope, region.path if region else ""):
                ctx.problem(row.row, "region_code", code, _("Choose a region inside your own."))
                continue
            tags = parse_tags(_text(row.expertise))
            values = {
                "name": _text(row.name),
                "affiliation_type": Affiliation(row.affiliation_type),
                "affiliation": _text(row.institution),
                "level": _text(row.grade),
                "cert_level": CertLevel(row.cert_level) if row.cert_level else None,
                "region_id": region.id if region else None,
                "active": row.active is not False,
                "bio": _text(row.bio),
            }
            if row.number is None:
                plan.creates.append((row, values, tags))
                continue
            supervisor = current.get(row.number)
            if supervisor is None:
                ctx.problem(row.row, "number", row.number, _("No such supervisor in your scope."))
                continue
            if not supervisor_editable(ctx.scope, supervisor):
                ctx.problem(row.row, "number", row.number, _("You may not change records outside your region."))
                continue
            before = {name: getattr(supervisor, name) for name in values}
            if before == values and [t.tag for t in supervisor.expertise] == tags:
                plan.unchanged += 1
            else:
                plan.updates.append((row, values, tags, supervisor))
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        entries = []
        for _row, values, tags in plan.creates:
            supervisor = await Supervisor.create(**values)
            await insert_rows(SupervisorExpertise, [{"supervisor_id": supervisor.id, "tag": t} for t in tags])
            entries.append(
                SUPERVISOR.entry(ctx.actor, Action.CREATE, supervisor.id, supervisor.name, after=_json(values))
            )
        for _row, values, tags, supervisor in plan.updates:
            before = {name: getattr(supervisor, name) for name in values}
            await Supervisor.filter(id=supervisor.id).update(**values)
            await SupervisorExpertise.filter(supervisor_id=supervisor.id).delete()
            await insert_rows(SupervisorExpertise, [{"supervisor_id": supervisor.id, "tag": t} for t in tags])
            entries.append(
                SUPERVISOR.entry(
                    ctx.actor, Action.UPDATE, supervisor.id, supervisor.name, before=_json(before), after=_json(values)
                )
            )
        await audit_record_many(entries)
        return plan.counts()


def _json(values: dict) -> dict:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


class AssignmentsKind(Kind):
    spec = ASSIGNMENTS
    permission = Permission.SUPERVISION_COVERAGE
    title = N_("Supervisor assignments")
    note = N_(
        "One row per supervisor (their number), station and first day; the end is the last day, empty while it "
        "runs. A station has at most one primary supervisor on any day, counting the stored assignments and the "
        "file's rows together. A row for an existing assignment changes its end or role."
    )
    example = {
        "supervisor": "3",
        "station_code": "ST320102001-01",
        "start_on": "2026-01-01",
        "end_on": "",
        "primary": "yes",
    }

    async def validate(self, ctx: Context, rows: list) -> Plan:
        plan = Plan()
        if not may_assign(ctx.scope):
            ctx.problem(None, "supervisor", "", _("You may not change records outside your region."))
            return plan
        supervisors = {
            s.id: s
            for s in await fetch_by(
                lambda c: readable_supervisors(ctx.scope).filter(id__in=list(c)), {r.supervisor for r in rows}
            )
        }
        stations = {
            s["code"]: s
            for s in await fetch_by(
                lambda c: Station.filter(stations_q(ctx.scope), code__in=list(c)).values(
                    "id", "code", "region_path", "organisation_id"
                ),
                {_text(r.station_code) for r in rows},
            )
        }
        stored = await fetch_by(
            lambda c: Assignment.filter(station_id__in=list(c)).values(
                "id", "supervisor_id", "station_id", "start_on", "end_on", "is_primary"
            ),
            [s["id"] for s in stations.values()],
        )
        by_key = {(a["supervisor_id"], a["station_id"], a["start_on"]): a for a in stored}
        # The periods after the file is applied: stored ones (replaced by their row when the file names them), then new.
        periods: dict[int, list[dict]] = defaultdict(list)
        items = []
        for row in rows:
            supervisor = supervisors.get(row.supervisor)
            station = stations.get(_text(row.station_code))
            if supervisor is None:
                ctx.problem(row.row, "supervisor", row.supervisor, _("No such supervisor in your scope."))
            if station is None:
                ctx.problem(row.row, "station_code", row.station_code, _("No station with this code in your scope."))
            if supervisor is None or station is None:
                continue
            if row.end_on is not None and row.end_on < row.start_on:
                ctx.problem(row.row, "end_on", row.end_on, _("The end cannot be before the start."))
                continue
            existing = by_key.get((supervisor.id, station["id"], row.start_on))
            if existing is None and not supervisor.active:
                ctx.problem(row.row, "supervisor", row.supervisor, _("This supervisor is inactive."))
                continue
            item = {
                "row": row,
                "supervisor": supervisor,
                "station": station,
                "start_on": row.start_on,
                "end_on": row.end_on,
                "is_primary": row.primary is not False,
                "existing": existing,
            }
            items.append(item)
        named = {i["existing"]["id"] for i in items if i["existing"]}
        for a in stored:
            if a["id"] not in named:
                periods[a["station_id"]].append({**a, "row": None})
        for i in items:
            periods[i["station"]["id"]].append(
                {
                    "supervisor_id": i["supervisor"].id,
                    "start_on": i["start_on"],
                    "end_on": i["end_on"],
                    "is_primary": i["is_primary"],
                    "row": i["row"],
                }
            )
        clashes: set[int] = set()
        for spans in periods.values():
            for x, a in enumerate(spans):
                for b in spans[x + 1 :]:
                    if not overlaps(a["start_on"], a["end_on"], b["start_on"], b["end_on"]):
                        continue
                    if (a["is_primary"] and b["is_primary"]) or a["supervisor_id"] == b["supervisor_id"]:
                        for side in (a, b):
                            if side["row"] is not None:
                                clashes.add(side["row"].row)
        for i in items:
            row = i["row"]
            if row.row in clashes:
                ctx.problem(
                    row.row,
                    "start_on",
                    row.start_on,
                    _("Overlaps another primary assignment of this station, or the same supervisor's."),
                )
                continue
            existing = i["existing"]
            if existing is None:
                plan.creates.append(i)
            elif (existing["end_on"], existing["is_primary"]) == (i["end_on"], i["is_primary"]):
                plan.unchanged += 1
            else:
                plan.updates.append(i)
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        entries = []
        for i in plan.creates:
            a = await Assignment.create(
                supervisor_id=i["supervisor"].id,
                station_id=i["station"]["id"],
                start_on=i["start_on"],
                end_on=i["end_on"],
                is_primary=i["is_primary"],
            )
            entries.append(_entry(ctx, Action.CREATE, a.id, i))
        for i in plan.updates:
            await Assignment.filter(id=i["existing"]["id"]).update(end_on=i["end_on"], is_primary=i["is_primary"])
            entries.append(_entry(ctx, Action.UPDATE, i["existing"]["id"], i))
        await audit_record_many(entries)
        return plan.counts()


def _entry(ctx: Context, action: str, assignment_id: int, i: dict) -> dict:
    after = {
        "supervisor_id": i["supervisor"].id,
        "station_id": i["station"]["id"],
        "start_on": i["start_on"].isoformat(),
        "end_on": i["end_on"].isoformat() if i["end_on"] else None,
        "is_primary": i["is_primary"],
    }
    return ASSIGNMENT.entry(
        ctx.actor,
        action,
        assignment_id,
        f"{i['supervisor'].name} → {i['station']['code']}",
        after=after,
        region_path=i["station"]["region_path"],
        organisation_id=i["station"]["organisation_id"],
    )


register(SupervisorsKind())
register(AssignmentsKind())


async def supervisor_rows() -> AsyncIterator[list[Any]]:
    """Rows for `talent export supervisors`, in the import's column order."""
    async for s in batched(Supervisor.all().select_related("region").prefetch_related("expertise")):
        yield [
            s.id,
            s.name,
            s.affiliation_type,
            s.affiliation,
            s.level,
            s.cert_level or "",
            s.region.code if s.region else "",
            "、".join(t.tag for t in s.expertise),
            s.active,
            s.bio,
        ]


async def assignment_rows() -> AsyncIterator[list[Any]]:
    """Rows for `talent export assignments`."""
    async for a in batched(Assignment.all().select_related("station")):
        yield [a.supervisor_id, a.station.code, a.start_on, a.end_on, a.is_primary]
