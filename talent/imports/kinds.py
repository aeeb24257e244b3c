"""The places & people import kinds: regions, stations, workers and employment (DESIGN §3).

Each validates the parsed rows in bulk (every lookup is a chunked `__in` query), returns a plan of what to
create, update and leave alone, and writes it with bulk inserts/updates plus bulk-inserted audit entries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from talent.audit.services import audit_record_many, jsonable
from talent.core.access import Role
from talent.core.bulk import WRITE_BATCH, chunks, fetch_by, ids_by, insert_rows, values_in
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.imports.columns import KINDS
from talent.imports.framework import Context, Counts, Kind, register
from talent.people.access import spells_q, workers_q
from talent.people.models import EmploymentSpell, Source, Worker
from talent.people.selectors import worker_jurisdictions
from talent.people.services import ID_NUMBER_RE, PHONE_RE, WORKER_AUDIT_FIELDS, registered_by
from talent.places.access import can_write_under, organisations_q, stations_q, tiers_q
from talent.places.models import Organisation, Region, RegionLevel, Station, StationTier
from talent.places.services import CODE_LENGTHS, LEVELS, STATION_FIELDS
from talent.web.labels import label_of

EDITORS = (Role.ADMIN, Role.BUREAU, Role.HR)
REGION_EDITORS = (Role.ADMIN, Role.BUREAU)


# Every reference in a row is resolved inside the importer's scope (DESIGN §1, §4): a code or number that
# exists only outside it gets exactly the answer an unknown one gets, never "outside your jurisdiction".
# A row whose own natural key (the region, station or worker number it would create) belongs to a record the
# importer cannot see cannot be written either way: it is refused as "taken", the answer the forms give for a
# duplicate number, which says neither whose the record is nor where it lives.
def _no_region() -> str:
    return _("No region with this code in your scope.")


def _no_station() -> str:
    return _("No station with this code in your scope.")


def _no_worker() -> str:
    return _("No worker with this number in your scope.")


def _not_allowed() -> str:
    return _("You may not do this.")


@dataclass
class Plan:
    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)  # (id, before, after, row)
    unchanged: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> Counts:
        return Counts(created=len(self.creates), updated=len(self.updates), unchanged=self.unchanged)


def _actor_audit_scope(ctx: Context) -> dict:
    """Where a record without a station of its own is filed in the audit log: the importer's own scope."""
    return {"region_path": ctx.scope.region_path or "", "organisation_id": ctx.scope.organisation_id}


async def _ids_by(model, key: str, values: list) -> dict:
    return await ids_by(model, key, values)


# ── regions ──────────────────────────────────────────────────────────────────────────────────────


class RegionsKind(Kind):
    spec = KINDS["regions"]
    roles = REGION_EDITORS
    title = N_("Regions")
    note = N_("A parent region must exist in your jurisdiction or appear in an earlier row of the same file.")
    example = {"code": "320102001", "name": "梅园新村街道", "level": "township", "parent_code": "320102"}

    def counts(self, plan: Plan) -> Counts:
        return plan.counts()

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
            lengths = CODE_LENGTHS[level]
            if not row.code.isascii() or not row.code.isdigit() or len(row.code) not in lengths:
                ctx.problem(
                    row.row,
                    "code",
                    row.code,
                    _("A %(level)s code has %(digits)s digits.")
                    % {"level": label_of(RegionLevel, level.value), "digits": " / ".join(str(n) for n in lengths)},
                )
                continue
            parent_code = row.parent_code or None
            current = existing.get(row.code)
            if current is not None:
                path = current["path"]
                # Checked before anything about the stored region is said (its level, parent or name).
                if not (scope.is_admin or (scope.region_path and path.startswith(scope.region_path))):
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
                    editable = scope.is_admin or (
                        scope.role == Role.BUREAU
                        and bool(scope.region_path)
                        and path.startswith(scope.region_path)
                        and path != scope.region_path
                    )
                    if not editable:  # the bureau's own region: visible, renamed only from above
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
                if LEVELS.index(parent_level) != LEVELS.index(level) - 1:
                    ctx.problem(row.row, "level", row.level, _("A region must be exactly one level below its parent."))
                    continue
            path = parent_path + row.code + "/"
            in_file[row.code] = (level, path)
            plan.creates.append((row, path))
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        parent_codes = [row.parent_code for row, _p in plan.creates if row.parent_code]
        ids: dict[str, int] = await _ids_by(Region, "code", parent_codes)
        done = 0
        for level in LEVELS:
            batch = [(row, path) for row, path in plan.creates if RegionLevel(row.level) == level]
            for chunk in chunks(batch, WRITE_BATCH):
                await insert_rows(
                    Region,
                    [
                        {
                            "code": row.code,
                            "name": row.name,
                            "level": level,
                            "parent_id": ids.get(row.parent_code) if row.parent_code else None,
                            "path": path,
                            "depth": path.count("/") - 1,
                        }
                        for row, path in chunk
                    ],
                )
                created = await _ids_by(Region, "code", [row.code for row, _p in chunk])
                ids.update(created)
                await audit_record_many(
                    [
                        ctx.audit(
                            action="create",
                            entity="region",
                            entity_id=created[row.code],
                            summary=f"{row.code} {row.name}",
                            after={
                                "code": row.code,
                                "name": row.name,
                                "level": level.value,
                                "parent_id": ids.get(row.parent_code) if row.parent_code else None,
                                "path": path,
                            },
                            region_path=path,
                        )
                        for row, path in chunk
                    ],
                )
                done += len(chunk)
                await ctx.report("writing", done, len(plan.creates) + len(plan.updates))
        for chunk in chunks(plan.updates, WRITE_BATCH):
            await Region.bulk_update([Region(id=rid, name=after["name"]) for rid, _b, after, _row in chunk], ["name"])
            await audit_record_many(
                [
                    ctx.audit(
                        action="update",
                        entity="region",
                        entity_id=rid,
                        summary=f"{row.code} {after['name']}",
                        before=before,
                        after=after,
                        region_path=path,
                    )
                    for rid, before, after, (row, path) in chunk
                ],
            )
            done += len(chunk)
            await ctx.report("writing", done, len(plan.creates) + len(plan.updates))
        return plan.counts()


# ── stations ─────────────────────────────────────────────────────────────────────────────────────


class StationsKind(Kind):
    spec = KINDS["stations"]
    roles = REGION_EDITORS
    title = N_("Stations")
    note = N_(
        "The region is a township or street in your jurisdiction. An organisation that does not exist yet is "
        "created; the tier may be left empty."
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
        orgs = await _ids_by(Organisation, "name", names)
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
        tiers: dict[str, list[tuple[int, str]]] = defaultdict(list)
        tier_names = list({r.tier for r in rows if r.tier})
        if tier_names:
            for t in await fetch_by(
                lambda chunk: StationTier.filter(tiers_q(scope), name__in=list(chunk)).values(
                    "id", "name", "region__path"
                ),
                tier_names,
            ):
                tiers[t["name"]].append((t["id"], t["region__path"] or ""))
        existing = {
            s["code"]: s
            for s in await fetch_by(
                lambda chunk: Station.filter(code__in=list(chunk)).values(
                    "id", "code", "name", "region_id", "region_path", "organisation_id", "tier_id", "opened_on"
                ),
                [r.code for r in rows],
            )
        }
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
            if region["level"] != RegionLevel.TOWNSHIP:
                ctx.problem(row.row, "region_code", row.region_code, _("A station belongs to a township or street."))
                continue
            tier_id = None
            if row.tier:
                candidates = [
                    (len(path), tid) for tid, path in tiers.get(row.tier, []) if region["path"].startswith(path)
                ] or [(0, tid) for tid, _path in tiers.get(row.tier, [])]
                if not candidates:
                    ctx.problem(row.row, "tier", row.tier, _("No station tier with this name that you may use."))
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
            }
            current = existing.get(row.code)
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
            if before == after and not (row.organisation and org_id is None and "organisation" in ctx.present):
                plan.unchanged += 1
                continue
            plan.updates.append((current["id"], before, after, row))
        plan.extra["new_orgs"] = list(new_orgs)
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        new_orgs = plan.extra["new_orgs"]
        org_ids: dict[str, int] = {}
        if new_orgs:
            home = await Region.filter(path=ctx.scope.region_path).first() if ctx.scope.region_path else None
            await insert_rows(
                Organisation, [{"name": name, "region_id": home.id if home else None} for name in new_orgs]
            )
            org_ids = await _ids_by(Organisation, "name", new_orgs)
            await audit_record_many(
                [
                    ctx.audit(
                        action="create",
                        entity="organisation",
                        entity_id=org_ids[name],
                        summary=name,
                        after={
                            "name": name,
                            "credit_code": "",
                            "contact": "",
                            "phone": "",
                            "region_id": home.id if home else None,
                        },
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
        done = 0
        total = len(plan.creates) + len(plan.updates)
        for chunk in chunks(plan.creates, WRITE_BATCH):
            await insert_rows(Station, [{**after, "address": ""} for _row, after in chunk])
            ids = await _ids_by(Station, "code", [after["code"] for _row, after in chunk])
            await audit_record_many(
                [
                    ctx.audit(
                        action="create",
                        entity="station",
                        entity_id=ids[after["code"]],
                        summary=f"{after['code']} {after['name']}",
                        after=jsonable({**{k: None for k in STATION_FIELDS}, **after, "address": ""}),
                        region_path=after["region_path"],
                        organisation_id=after["organisation_id"],
                    )
                    for _row, after in chunk
                ],
            )
            done += len(chunk)
            await ctx.report("writing", done, total)
        fields = ["name", "region_id", "region_path", "organisation_id", "tier_id", "opened_on"]
        for chunk in chunks(plan.updates, WRITE_BATCH):
            await Station.bulk_update(
                [Station(id=sid, code=after["code"], **{k: after[k] for k in fields}) for sid, _b, after, _r in chunk],
                fields,
            )
            await audit_record_many(
                [
                    ctx.audit(
                        action="update",
                        entity="station",
                        entity_id=sid,
                        summary=f"{after['code']} {after['name']}",
                        before=jsonable(before),
                        after=jsonable(after),
                        region_path=after["region_path"],
                        organisation_id=after["organisation_id"],
                        # A station moved to another region or organisation: the old jurisdiction sees it leave.
                        also=[before],
                    )
                    for sid, before, after, _r in chunk
                ],
            )
            done += len(chunk)
            await ctx.report("writing", done, total)
        return self.counts(plan)


# ── workers ──────────────────────────────────────────────────────────────────────────────────────

WORKER_FIELDS = [f for f in WORKER_AUDIT_FIELDS if f != "worker_no"]


class WorkersKind(Kind):
    spec = KINDS["workers"]
    roles = EDITORS
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

    def counts(self, plan: Plan) -> Counts:
        return plan.counts()

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
            phone = row.phone or ""
            if phone and not PHONE_RE.match(phone):
                ctx.problem(row.row, "phone", phone, _("Enter a phone number (digits, spaces, + - and brackets)."))
                ok = False
            id_number = (row.id_number or "").upper()
            if id_number and not ID_NUMBER_RE.match(id_number):
                ctx.problem(
                    row.row,
                    "id_number",
                    row.id_number,
                    _("An ID number has 18 characters: 17 digits, then a digit or X."),
                )
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
        total = len(plan.creates) + len(plan.updates)
        done = 0
        home = _actor_audit_scope(ctx)
        # New workers stay in the importer's view until their employment file places them (workers_q).
        registration = registered_by(ctx.scope)
        for chunk in chunks(plan.creates, WRITE_BATCH):
            await insert_rows(Worker, [{**after, **registration} for after in chunk])
            ids = await _ids_by(Worker, "worker_no", [after["worker_no"] for after in chunk])
            await audit_record_many(
                [
                    ctx.audit(
                        action="create",
                        entity="worker",
                        entity_id=ids[after["worker_no"]],
                        summary=f"{after['worker_no']} {after['name']}",
                        after=jsonable(after),
                        **home,
                    )
                    for after in chunk
                ],
            )
            done += len(chunk)
            await ctx.report("writing", done, total)
        for chunk in chunks(plan.updates, WRITE_BATCH):
            await Worker.bulk_update(
                [Worker(id=wid, **after) for wid, _b, after, _r in chunk], ["worker_no", *WORKER_FIELDS]
            )
            # Filed under every jurisdiction that sees the worker, the latest spell's station first.
            where = await worker_jurisdictions([wid for wid, _b, _a, _r in chunk])
            await audit_record_many(
                [
                    ctx.audit(
                        action="update",
                        entity="worker",
                        entity_id=wid,
                        summary=f"{after['worker_no']} {after['name']}",
                        before=before,
                        after=jsonable(after),
                        **_filed_under(where.get(wid), home),
                    )
                    for wid, before, after, _r in chunk
                ],
            )
            done += len(chunk)
            await ctx.report("writing", done, total)
        return plan.counts()


def _filed_under(places: list | None, home: dict) -> dict:
    """Context.audit's region_path, organisation_id and also for a list of jurisdictions (first = primary)."""
    if not places:
        return home
    (path, org), *rest = places
    return {"region_path": path, "organisation_id": org, "also": rest}


# ── employment ───────────────────────────────────────────────────────────────────────────────────


class EmploymentKind(Kind):
    spec = KINDS["employment"]
    roles = EDITORS
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

    def counts(self, plan: Plan) -> Counts:
        return plan.counts()

    async def validate(self, ctx: Context, rows: list) -> Plan:
        scope = ctx.scope
        plan = Plan()
        # Worker and station are both looked up inside the importer's scope: a worker employed (or registered)
        # elsewhere is as unknown here as a number nobody has, so a row cannot pull them into this jurisdiction.
        numbers = [r.worker_no for r in rows]
        if scope.is_admin:
            workers = await _ids_by(Worker, "worker_no", numbers)
        else:
            workers = {
                no: wid
                for no, wid in await fetch_by(
                    lambda chunk: Worker.filter(workers_q(scope), worker_no__in=list(chunk)).values_list(
                        "worker_no", "id"
                    ),
                    numbers,
                )
            }
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
        far = date.max
        for worker_id, items in periods.items():
            items = items + [
                (s["start_on"], s["end_on"], None, s) for s in spells.get(worker_id, ()) if s["id"] not in matched
            ]
            items.sort(key=lambda p: (p[0], p[1] or far))
            holder = None
            for item in items:
                if holder is not None and item[0] <= (holder[1] or far):
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
        total = len(plan.creates) + len(plan.updates)
        done = 0
        for chunk in chunks(plan.creates, WRITE_BATCH):
            await insert_rows(EmploymentSpell, [{**after, "position": "", "exit_note": ""} for _r, after, _s in chunk])
            worker_ids = list({after["worker_id"] for _r, after, _s in chunk})
            ids = {
                (s["worker_id"], s["station_id"], s["start_on"]): s["id"]
                for s in await values_in(
                    EmploymentSpell, "worker_id", worker_ids, ["id", "worker_id", "station_id", "start_on"]
                )
            }
            await audit_record_many(
                [
                    ctx.audit(
                        action="create",
                        entity="spell",
                        entity_id=ids[(after["worker_id"], after["station_id"], after["start_on"])],
                        summary=f"{row.worker_no} → {row.station_code}",
                        after=jsonable({**after, "position": "", "exit_note": ""}),
                        region_path=station["region_path"],
                        organisation_id=station["organisation_id"],
                    )
                    for row, after, station in chunk
                ],
            )
            done += len(chunk)
            await ctx.report("writing", done, total)
        fields = ["end_on", "full_time", "exit_type", "exit_reason"]
        for chunk in chunks(plan.updates, WRITE_BATCH):
            await EmploymentSpell.bulk_update(
                [EmploymentSpell(id=sid, **{k: after[k] for k in fields}) for sid, _b, after, _x in chunk], fields
            )
            await audit_record_many(
                [
                    ctx.audit(
                        action="update",
                        entity="spell",
                        entity_id=sid,
                        summary=f"{row.worker_no} → {row.station_code}",
                        before=before,
                        after=jsonable(after),
                        region_path=station["region_path"],
                        organisation_id=station["organisation_id"],
                    )
                    for sid, before, after, (row, station) in chunk
                ],
            )
            done += len(chunk)
            await ctx.report("writing", done, total)
        return plan.counts()


register(RegionsKind())
register(StationsKind())
register(WorkersKind())
register(EmploymentKind())
