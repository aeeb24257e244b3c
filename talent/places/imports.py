"""The places import kinds, regions and stations (DESIGN §3), and their export rows; the module registers its
kinds with the import framework when it is imported (talent.domains names it).

Each kind validates the parsed rows in bulk (every lookup is a chunked `__in` query), returns a plan of what to
create, update and leave alone, and writes it with bulk inserts/updates plus bulk-inserted audit entries.
"""

from collections import defaultdict
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

from talent.audit.models import Action
from talent.audit.services import audit_record_many, jsonable
from talent.core.access import Permission
from talent.core.bulk import fetch_by, ids_by, insert_rows
from talent.core.errors import ServiceError
from talent.core.export import list_rows
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.imports.columns import Column, KindSpec
from talent.imports.framework import Context, Counts, Kind, Plan, register
from talent.places.access import can_write_under, organisations_q, region_editable, stations_q, tiers_q
from talent.places.models import Organisation, Region, RegionLevel, Station, StationKind, StationTier
from talent.places.rules import (
    LEVELS,
    TIER_OF_ANOTHER_KIND,
    check_region_code,
    is_child_level,
    station_network_problem,
    tier_applies,
    within,
)
from talent.places.selectors import REGION_VALUES, STATION_VALUES
from talent.places.services import ORGANISATION, REGION, STATION, STATION_FIELDS

# Chinese words accepted for a region level besides the codes (DESIGN §3).
STATION_KIND_WORDS = {
    "县级社会工作指导中心": "county_centre",
    "社会工作指导中心": "county_centre",
    "指导中心": "county_centre",
    "乡镇（街道）社工站": "township_station",
    "乡镇(街道)社工站": "township_station",
    "社工站": "township_station",
    "村（社区）社工室": "village_room",
    "村(社区)社工室": "village_room",
    "社工室": "village_room",
}

REGION_LEVEL_WORDS = {
    "省": "province",
    "市": "city",
    "县": "county",
    "区": "county",
    "县区": "county",
    "乡镇": "township",
    "街道": "township",
    "乡镇街道": "township",
}
REGIONS = KindSpec(
    "regions",
    [
        Column("code", "代码", required=True, max_length=12),
        Column("name", "名称", required=True, max_length=100),
        Column("level", "级别", "enum", required=True, enum=RegionLevel, words=REGION_LEVEL_WORDS),
        Column("parent_code", "上级代码", max_length=12),
    ],
    ("code",),
)
STATIONS = KindSpec(
    "stations",
    [
        Column("code", "站点编码", required=True, max_length=32),
        Column("name", "站点名称", required=True, max_length=200),
        Column("region_code", "所在乡镇（街道）代码", required=True, max_length=12),
        Column("organisation", "运营机构", max_length=200),
        Column("tier", "站点等级", max_length=100),
        Column("opened_on", "建站日期", "date"),
        # Optional (issue 16): the station's kind in the county–township–village network, and for a village
        # (community) room the code of its township station. Empty kind: a township station.
        Column("kind", "站点类型", "enum", enum=StationKind, words=STATION_KIND_WORDS),
        Column("parent_code", "所属社工站编码", max_length=32),
    ],
    ("code",),
)


# Every reference in a row is resolved inside the importer's scope (DESIGN §1, §4): a code or number that
# exists only outside it gets exactly the answer an unknown one gets, never "outside your jurisdiction".
# A row whose own natural key (the region, station or worker number it would create) belongs to a record the
# importer cannot see cannot be written either way: it is refused as "taken", the answer the forms give for a
# duplicate number, which says neither whose the record is nor where it lives.
def _no_region() -> str:
    return _("No region with this code in your scope.")


def _not_allowed() -> str:
    return _("You may not do this.")


def actor_audit_scope(ctx: Context) -> dict:
    """Where a record without a station of its own is filed in the audit log: the importer's own scope."""
    return {"region_path": ctx.scope.region_path or "", "organisation_id": ctx.scope.organisation_id}


# ── regions ──────────────────────────────────────────────────────────────────────────────────────


class RegionsKind(Kind):
    spec = REGIONS
    permission = Permission.REGIONS_EDIT
    title = N_("Regions")
    note = N_("A parent region must exist in your jurisdiction or appear in an earlier row of the same file.")
    example = {"code": "320102001", "name": "梅园新村街道", "level": "township", "parent_code": "320102"}

    async def validate(self, ctx: Context, rows: list) -> Plan:
        scope = ctx.scope
        plan = Plan()
        codes = [r.code for r in rows] + [r.parent_code for r in rows if r.parent_code]
        existing = {
            r["code"]: r
            for r in await fetch_by(
                lambda chunk: Region.filter(code__in=list(chunk)).values(
                    "id", "code", "name", "level", "path", "parent__code"
                ),
                codes,
            )
        }
        in_file: dict[str, tuple[RegionLevel, str]] = {}  # code → (level, path), for new regions earlier in the file
        for row in rows:
            level = RegionLevel(row.level)
            try:
                check_region_code(row.code, level)
            except ServiceError as exc:
                ctx.problem(row.row, "code", row.code, exc.message)
                continue
            parent_code = row.parent_code or None
            current = existing.get(row.code)
            if current is not None:
                path = current["path"]
                # Checked before anything about the stored region is said (its level, parent or name).
                if not (scope.is_admin or within(path, scope.region_path)):
                    ctx.problem(row.row, "code", row.code, _("This region code is taken."))
                    continue
                moved = "parent_code" in ctx.present and (current["parent__code"] or None) != parent_code
                if RegionLevel(current["level"]) != level or moved:
                    ctx.problem(
                        row.row, "level", row.level, _("The level and parent of an existing region cannot be changed.")
                    )
                    continue
                if current["name"] == row.name:
                    plan.unchanged += 1
                else:
                    if not region_editable(scope, path):  # the bureau's own region: renamed only from above
                        ctx.problem(row.row, "code", row.code, _not_allowed())
                        continue
                    plan.updates.append((current["id"], {"name": current["name"]}, {"name": row.name}, (row, path)))
                continue
            # A new region.
            if level == RegionLevel.PROVINCE:
                if parent_code:
                    ctx.problem(row.row, "parent_code", parent_code, _("A province has no parent region."))
                    continue
                if not scope.is_admin:
                    ctx.problem(row.row, "code", row.code, _not_allowed())
                    continue
                parent_path = ""
            else:
                if not parent_code:
                    ctx.problem(row.row, "parent_code", "", _("This level needs a parent region."))
                    continue
                if parent_code in in_file:
                    parent_level, parent_path = in_file[parent_code]
                elif parent_code in existing and can_write_under(scope, existing[parent_code]["path"]):
                    parent = existing[parent_code]
                    parent_level, parent_path = RegionLevel(parent["level"]), parent["path"]
                else:
                    ctx.problem(
                        row.row,
                        "parent_code",
                        parent_code,
                        _("No region with this code in your jurisdiction or in an earlier row."),
                    )
                    continue
                if not is_child_level(parent_level, level):
                    ctx.problem(row.row, "level", row.level, _("A region must be exactly one level below its parent."))
                    continue
            path = parent_path + row.code + "/"
            in_file[row.code] = (level, path)
            plan.creates.append((row, path))
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        parent_codes = [row.parent_code for row, _p in plan.creates if row.parent_code]
        ids: dict[str, int] = await ids_by(Region, "code", parent_codes)

        async def create(level: RegionLevel, batch: list) -> list[dict]:
            values = [
                {
                    "code": row.code,
                    "name": row.name,
                    "level": level,
                    "parent_id": ids.get(row.parent_code) if row.parent_code else None,
                    "path": path,
                }
                for row, path in batch
            ]
            await insert_rows(Region, [{**v, "depth": v["path"].count("/") - 1} for v in values])
            ids.update(await ids_by(Region, "code", [v["code"] for v in values]))
            return _created_by_code(ctx, REGION, ids, [(v, {"region_path": v["path"]}) for v in values])

        async def update(batch: list) -> list[dict]:
            await Region.bulk_update([Region(id=rid, name=after["name"]) for rid, _b, after, _row in batch], ["name"])
            return [
                REGION.entry(
                    ctx.actor,
                    Action.UPDATE,
                    rid,
                    f"{row.code} {after['name']}",
                    before=before,
                    after=after,
                    region_path=path,
                )
                for rid, before, after, (row, path) in batch
            ]

        for level in LEVELS:
            batch = [(row, path) for row, path in plan.creates if RegionLevel(row.level) == level]
            await ctx.write_batches(plan, batch, partial(create, level))
        await ctx.write_batches(plan, plan.updates, update)
        return plan.counts()


# ── stations ─────────────────────────────────────────────────────────────────────────────────────


class StationsKind(Kind):
    spec = STATIONS
    permission = Permission.STATIONS_EDIT
    title = N_("Stations")
    note = N_(
        "The region is a township or street in your jurisdiction (a county guidance centre: its county or "
        "district). An organisation that does not exist yet is created; the tier may be left empty. Kind and "
        "parent station are optional: a village (community) room names the code of its township station, which "
        "may be in the same file."
    )
    example = {
        "code": "S-320102001-01",
        "name": "梅园新村街道社工站",
        "region_code": "320102001",
        "organisation": "玄武社工服务中心",
        "tier": "",
        "opened_on": "2024-03-01",
    }

    def counts(self, plan: Plan) -> Counts:
        counts = plan.counts()
        counts.extra["organisations_created"] = len(plan.extra.get("new_orgs", []))
        return counts

    async def validate(self, ctx: Context, rows: list) -> Plan:
        scope = ctx.scope
        plan = Plan()
        regions = {
            r["code"]: r
            for r in await fetch_by(
                lambda chunk: Region.filter(code__in=list(chunk)).values("id", "code", "level", "path"),
                [r.region_code for r in rows],
            )
        }
        names = [r.organisation for r in rows if r.organisation]
        orgs = await ids_by(Organisation, "name", names)
        # An organisation is named inside the importer's scope; a name taken by one outside it can neither be
        # attached nor created (names are unique).
        usable = (
            set(orgs)
            if scope.is_admin
            else set(
                await fetch_by(
                    lambda chunk: Organisation.filter(organisations_q(scope), name__in=list(chunk)).values_list(
                        "name", flat=True
                    ),
                    list(orgs),
                )
            )
        )
        tiers: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        tier_names = list({r.tier for r in rows if r.tier})
        if tier_names:
            for t in await fetch_by(
                lambda chunk: StationTier.filter(tiers_q(scope), name__in=list(chunk)).values(
                    "id", "name", "region__path", "station_kind"
                ),
                tier_names,
            ):
                tiers[t["name"]].append((t["id"], t["region__path"] or "", str(t["station_kind"])))
        existing = {
            s["code"]: s
            for s in await fetch_by(
                lambda chunk: Station.filter(code__in=list(chunk)).values("id", *STATION_FIELDS, "parent__code"),
                [r.code for r in rows],
            )
        }
        # Parent stations: in the importer's scope already, or township stations of this very file.
        parent_codes = list({r.parent_code for r in rows if getattr(r, "parent_code", None)})
        parents = {
            p["code"]: {"kind": p["kind"], "region_id": p["region_id"], "id": p["id"]}
            for p in await fetch_by(
                lambda chunk: Station.filter(stations_q(scope), code__in=list(chunk)).values(
                    "id", "code", "kind", "region_id"
                ),
                parent_codes,
            )
        }
        pending: dict[str, str] = {}  # a room's code → its parent's code, a station of this file
        for r in rows:
            region = regions.get(r.region_code)
            if region is not None and (getattr(r, "kind", None) or StationKind.TOWNSHIP_STATION) == "township_station":
                parents.setdefault(r.code, {"kind": "township_station", "region_id": region["id"]})
        visible = set()
        if not scope.is_admin and existing:
            visible = set(
                await fetch_by(
                    lambda chunk: Station.filter(stations_q(scope), code__in=list(chunk)).values_list(
                        "code", flat=True
                    ),
                    list(existing),
                )
            )
        new_orgs: dict[str, None] = {}
        for row in rows:
            region = regions.get(row.region_code)
            if region is None or not can_write_under(scope, region["path"]):
                ctx.problem(row.row, "region_code", row.region_code, _no_region())
                continue
            current = existing.get(row.code)
            kind = str(row.kind or "") if "kind" in ctx.present else ""
            kind = kind or (str(current["kind"]) if current else StationKind.TOWNSHIP_STATION.value)
            parent_code = (row.parent_code or "") if "parent_code" in ctx.present else ""
            if "parent_code" not in ctx.present and current is not None:
                parent_code = current["parent__code"] or ""
            if parent_code and parent_code not in parents:
                ctx.problem(row.row, "parent_code", parent_code, _("No station with this code in your scope."))
                continue
            problem = station_network_problem(
                kind=kind,
                region_level=region["level"],
                region_id=region["id"],
                parent=parents.get(parent_code) if parent_code else None,
            )
            if problem is not None or parent_code == row.code:
                field, msgid = problem or ("parent_code", N_("Choose a township station of the same township."))
                ctx.problem(row.row, field, getattr(row, field, "") or "", msgid.tr())
                continue
            tier_id = None
            if row.tier:
                named = tiers.get(row.tier, [])
                of_kind = [
                    (tid, path)
                    for tid, path, tier_kind in named
                    if tier_applies(station_kind=kind, tier_kind=tier_kind)
                ]
                candidates = [(len(path), tid) for tid, path in of_kind if region["path"].startswith(path)] or [
                    (0, tid) for tid, _path in of_kind
                ]
                if not candidates:
                    message = (
                        TIER_OF_ANOTHER_KIND.tr() if named else _("No station tier with this name that you may use.")
                    )
                    ctx.problem(row.row, "tier", row.tier, message)
                    continue
                tier_id = max(candidates)[1]
            org_id = None
            if row.organisation:
                org_id = orgs.get(row.organisation)
                if org_id is None:
                    new_orgs[row.organisation] = None
                elif row.organisation not in usable:
                    ctx.problem(row.row, "organisation", row.organisation, _("This organisation name is taken."))
                    continue
            after = {
                "code": row.code,
                "name": row.name,
                "region_id": region["id"],
                "region_path": region["path"],
                "organisation_id": org_id,
                "tier_id": tier_id,
                "opened_on": row.opened_on,
                "kind": kind,
                "parent_id": parents[parent_code].get("id") if parent_code else None,
            }
            if parent_code and after["parent_id"] is None:
                pending[row.code] = parent_code
            if current is None:
                plan.creates.append((row, after))
                continue
            if not (scope.is_admin or current["code"] in visible) or not can_write_under(scope, current["region_path"]):
                ctx.problem(row.row, "code", row.code, _("This station code is taken."))
                continue
            for key, column in (("organisation_id", "organisation"), ("tier_id", "tier"), ("opened_on", "opened_on")):
                if column not in ctx.present:
                    after[key] = current[key]
            before = {k: current[k] for k in after}
            before["kind"] = str(current["kind"])
            if before == after and not (row.organisation and org_id is None and "organisation" in ctx.present):
                plan.unchanged += 1
                continue
            plan.updates.append((current["id"], before, after, row))
        plan.extra["new_orgs"] = list(new_orgs)
        plan.extra["pending_parents"] = pending
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        new_orgs = plan.extra["new_orgs"]
        org_ids: dict[str, int] = {}
        if new_orgs:
            home = await Region.filter(path=ctx.scope.region_path).first() if ctx.scope.region_path else None
            await insert_rows(
                Organisation, [{"name": name, "region_id": home.id if home else None} for name in new_orgs]
            )
            org_ids = await ids_by(Organisation, "name", new_orgs)
            blank = {"credit_code": "", "contact": "", "phone": "", "region_id": home.id if home else None}
            await audit_record_many(
                [
                    ORGANISATION.entry(
                        ctx.actor,
                        Action.CREATE,
                        org_ids[name],
                        name,
                        after={"name": name, **blank},
                        region_path=home.path if home else "",
                        organisation_id=org_ids[name],
                    )
                    for name in new_orgs
                ],
            )
        for _row, after in plan.creates:
            if after["organisation_id"] is None and _row.organisation:
                after["organisation_id"] = org_ids[_row.organisation]
        for _id, _before, after, row in plan.updates:
            if after["organisation_id"] is None and row.organisation:
                after["organisation_id"] = org_ids[row.organisation]

        pending = plan.extra.get("pending_parents", {})

        async def with_parent_ids(afters: list[dict]) -> None:
            """The parent_id of a room whose township station comes in this same file (written before it)."""
            codes = [pending[a["code"]] for a in afters if a["code"] in pending]
            ids = await ids_by(Station, "code", codes) if codes else {}
            for a in afters:
                if a["code"] in pending:
                    a["parent_id"] = ids.get(pending[a["code"]])

        async def create(batch: list) -> list[dict]:
            await with_parent_ids([after for _row, after in batch])
            await insert_rows(Station, [{**after, "address": ""} for _row, after in batch])
            ids = await ids_by(Station, "code", [after["code"] for _row, after in batch])
            empty = dict.fromkeys(STATION_FIELDS)
            created = [({**empty, **after, "address": ""}, filed_at_station(after)) for _row, after in batch]
            return _created_by_code(ctx, STATION, ids, created)

        fields = ["name", "region_id", "region_path", "organisation_id", "tier_id", "opened_on", "kind", "parent_id"]

        async def update(batch: list) -> list[dict]:
            await with_parent_ids([after for _sid, _b, after, _r in batch])
            await Station.bulk_update(
                [Station(id=sid, code=after["code"], **{k: after[k] for k in fields}) for sid, _b, after, _r in batch],
                fields,
            )
            # A station moved to another region or organisation: the old jurisdiction sees it leave.
            return [
                STATION.entry(
                    ctx.actor,
                    Action.UPDATE,
                    sid,
                    f"{after['code']} {after['name']}",
                    before=jsonable(before),
                    after=jsonable(after),
                    **filed_at_station(after),
                    also=[before],
                )
                for sid, before, after, _r in batch
            ]

        # Rooms after the other stations, so a township station of the same file exists when its rooms are written.
        is_room = [pair[1]["kind"] == StationKind.VILLAGE_ROOM for pair in plan.creates]
        await ctx.write_batches(
            plan, [pair for pair, room in zip(plan.creates, is_room, strict=True) if not room], create
        )
        await ctx.write_batches(plan, [pair for pair, room in zip(plan.creates, is_room, strict=True) if room], create)
        await ctx.write_batches(plan, plan.updates, update)
        return self.counts(plan)


def _created_by_code(ctx: Context, audited, ids: dict[str, int], created: list[tuple[dict, dict]]) -> list[dict]:
    """The audit entries of the regions or stations a batch inserted, each (its values, where it is filed), named by
    code and name."""
    return [
        audited.entry(
            ctx.actor,
            Action.CREATE,
            ids[after["code"]],
            f"{after['code']} {after['name']}",
            after=jsonable(after),
            **filed,
        )
        for after, filed in created
    ]


def filed_at_station(station: dict) -> dict:
    """Where the entries about a station (or a spell at it) are filed: its township and the organisation that
    operates it."""
    return {"region_path": station["region_path"], "organisation_id": station["organisation_id"]}


# ── exports (`talent export regions|stations`): the kinds' own columns, so an export imports back unchanged ──


def region_row(r) -> list[Any]:
    """A region in the regions kind's columns, from its REGION_VALUES: also the row of the region list's export."""
    return [r.code, r.name, r.level, r.parent__code or ""]


def station_row(s) -> list[Any]:
    """A station in the stations kind's columns, from its STATION_VALUES: also the row of the station list's
    export."""
    return [
        s.code,
        s.name,
        s.region__code,
        s.organisation__name or "",
        s.tier__name or "",
        s.opened_on,
        s.kind.value if hasattr(s.kind, "value") else s.kind,
        s.parent__code or "",
    ]


async def region_rows() -> AsyncIterator[list[Any]]:
    # In path order, so a parent always comes before its children (the import needs that).
    async for r in list_rows(Region.all(), ["path"], REGION_VALUES):
        yield region_row(r)


async def station_rows() -> AsyncIterator[list[Any]]:
    async for s in list_rows(Station.all(), ["id"], STATION_VALUES):
        yield station_row(s)


register(RegionsKind())
register(StationsKind())
