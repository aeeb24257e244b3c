"""Writes of pay: salary standards (draft › published; a published one is never changed, a new version is copied
from it) and salary records. Each function is one transaction with its audit entry; a broken rule raises
ServiceError(field, msgid) and writes nothing."""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from tortoise.models import Model
from tortoise.transactions import in_transaction

from talent.audit.models import Action, Entity
from talent.audit.services import Audited
from talent.core.access import Scope
from talent.core.clock import local_today, now_utc
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.pay.access import salary_records_q, standard_region_allowed, standard_writer
from talent.pay.models import (
    Assessment,
    ChangeDecision,
    ChangeReason,
    Grade,
    Outcome,
    PayLevel,
    PerformanceStep,
    SalaryAllowance,
    SalaryBand,
    SalaryRecord,
    SalaryStandard,
    StandardStatus,
)
from talent.pay.rules import CENT, Band, check_bands, default_mid, money
from talent.pay.selectors import proposal_for
from talent.people.access import reached_rows_q, reached_worker_q
from talent.people.models import EmploymentSpell, Worker
from talent.people.selectors import worker_jurisdictions
from talent.places.models import Region
from talent.places.rules import ancestor_paths

Actor = Model | None

STANDARD_FIELDS = [
    "region_id",
    "title",
    "document_no",
    "effective_from",
    "status",
    "floor",
    "benchmark",
    "benchmark_label",
    "previous_id",
    "uplift_pct",
    "notes",
]
RECORD_FIELDS = ["worker_id", "effective_from", "monthly_base", "monthly_allowances", "note"]
STANDARD = Audited(Entity.SALARY_STANDARD, STANDARD_FIELDS)
RECORD = Audited(Entity.SALARY_RECORD, RECORD_FIELDS)


@dataclass(frozen=True)
class AllowanceIn:
    name: str
    level: str | None
    amount: Decimal


def band_in(level: str, years_from: int, years_to: int | None, min_pay, max_pay, mid_pay=None) -> Band:
    """A band as typed: amounts checked, the midpoint the average of min and max when not given."""
    low, high = money(min_pay, "bands"), money(max_pay, "bands")
    mid = money(mid_pay, "bands") if mid_pay not in (None, "") else default_mid(low, high)
    return Band(PayLevel(level).value, int(years_from), years_to, low, mid, high)


def _forbidden() -> ServiceError:
    return ServiceError("__all__", N_("You may not change records outside your region."))


def _snapshot_lines(bands: list[Band], allowances: list[AllowanceIn], steps: dict[str, Decimal]) -> dict:
    return {
        "bands": [[b.level, b.years_from, b.years_to, str(b.min_pay), str(b.mid_pay), str(b.max_pay)] for b in bands],
        "allowances": [[a.name, a.level, str(a.amount)] for a in allowances],
        "steps": {g: str(steps[g]) for g in (grade.value for grade in Grade) if g in steps},
    }


def _values(
    *,
    region: Region,
    title: str,
    effective_from: date,
    floor,
    document_no: str = "",
    benchmark=None,
    benchmark_label: str = "",
    notes: str = "",
) -> dict:
    if not (title or "").strip():
        raise ServiceError("title", N_("This field is required."))
    return {
        "region": region,
        "region_path": region.path,
        "title": title.strip(),
        "document_no": (document_no or "").strip(),
        "effective_from": effective_from,
        "floor": money(floor, "floor"),
        "benchmark": money(benchmark, "benchmark") if benchmark not in (None, "") else None,
        "benchmark_label": (benchmark_label or "").strip(),
        "notes": notes or "",
    }


def _allowances(allowances: list[AllowanceIn]) -> list[AllowanceIn]:
    out = []
    for a in allowances:
        if not a.name.strip():
            raise ServiceError("allowances", N_("An allowance needs a name."))
        out.append(
            AllowanceIn(
                a.name.strip()[:100], PayLevel(a.level).value if a.level else None, money(a.amount, "allowances")
            )
        )
    return out


async def _write_lines(standard: SalaryStandard, bands: list[Band], allowances: list[AllowanceIn]) -> None:
    await SalaryBand.filter(standard_id=standard.id).delete()
    await SalaryAllowance.filter(standard_id=standard.id).delete()
    await SalaryBand.bulk_create([SalaryBand(standard_id=standard.id, **asdict(b)) for b in bands])
    await SalaryAllowance.bulk_create(
        [SalaryAllowance(standard_id=standard.id, name=a.name, level=a.level, amount=a.amount) for a in allowances]
    )


async def standard_create(
    *,
    actor: Actor,
    scope: Scope,
    bands: list[Band],
    allowances: list[AllowanceIn],
    steps: dict | None = None,
    **fields,
) -> SalaryStandard:
    """A new draft standard for `region` (the bureau's own region or one below it), with its performance steps by
    assessment grade (`steps`, monthly yuan)."""
    values = _values(**fields)
    if not standard_writer(scope) or not standard_region_allowed(scope, values["region_path"]):
        raise ServiceError("region_code", N_("Choose a region inside your own."))
    bands = check_bands(bands)
    allowances = _allowances(allowances)
    steps = steps_in(steps)
    async with in_transaction():
        standard = await SalaryStandard.create(**values, status=StandardStatus.DRAFT)
        await _write_lines(standard, bands, allowances)
        await _write_steps(standard, steps)
        await STANDARD.created(
            actor,
            standard,
            standard.title,
            region_path=standard.region_path,
        )
    return standard


def _editable(scope: Scope, standard: SalaryStandard) -> None:
    if not standard_writer(scope) or not standard_region_allowed(scope, standard.region_path):
        raise _forbidden()
    if standard.status != StandardStatus.DRAFT:
        raise ServiceError("__all__", N_("A published standard cannot be changed: make a new version of it instead."))


async def standard_update(
    *,
    actor: Actor,
    scope: Scope,
    standard: SalaryStandard,
    bands: list[Band],
    allowances: list[AllowanceIn],
    steps: dict | None = None,
    **fields,
) -> SalaryStandard:
    """Change a draft (a published standard is immutable)."""
    _editable(scope, standard)
    values = _values(**fields)
    if not standard_region_allowed(scope, values["region_path"]):
        raise ServiceError("region_code", N_("Choose a region inside your own."))
    bands = check_bands(bands)
    allowances = _allowances(allowances)
    steps = steps_in(steps)
    async with in_transaction():
        fresh = await SalaryStandard.select_for_update().get(id=standard.id)
        if fresh.status != StandardStatus.DRAFT:
            raise ServiceError(
                "__all__", N_("A published standard cannot be changed: make a new version of it instead.")
            )
        before_lines = await _lines_of(standard)
        await STANDARD.update(actor, standard, values, standard.title, region_path=standard.region_path)
        await _write_lines(standard, bands, allowances)
        await _write_steps(standard, steps)
        after_lines = _snapshot_lines(bands, allowances, steps)
        if before_lines != after_lines:
            await STANDARD.record(
                actor,
                Action.UPDATE,
                standard,
                standard.title,
                before=before_lines,
                after=after_lines,
                region_path=standard.region_path,
            )
    return standard


async def _lines_of(standard: SalaryStandard) -> dict:
    bands = [
        Band(b.level.value, b.years_from, b.years_to, b.min_pay, b.mid_pay, b.max_pay)
        for b in await SalaryBand.filter(standard_id=standard.id).order_by("level", "years_from")
    ]
    bands = sorted(bands, key=lambda b: (list(PayLevel).index(PayLevel(b.level)), b.years_from))
    allowances = [
        AllowanceIn(a.name, a.level.value if a.level else None, a.amount)
        for a in await SalaryAllowance.filter(standard_id=standard.id).order_by("id")
    ]
    return _snapshot_lines(bands, allowances, await _steps_of(standard.id))


async def enclosing_floor(*, region_path: str, on: date) -> tuple[Decimal, SalaryStandard] | None:
    """The highest floor among the standards in force on `on` of the regions strictly enclosing `region_path`
    (for each such region, its latest published standard effective on or before `on`), with its standard."""
    above = [p for p in ancestor_paths(region_path) if p != region_path]
    if not above:
        return None
    rows = await SalaryStandard.filter(
        region_path__in=above, status=StandardStatus.PUBLISHED, effective_from__lte=on
    ).order_by("region_path", "-effective_from", "-published_at", "-id")
    in_force: dict[str, SalaryStandard] = {}
    for s in rows:
        in_force.setdefault(s.region_path, s)
    if not in_force:
        return None
    best = max(in_force.values(), key=lambda s: s.floor)
    return best.floor, best


async def standard_publish(*, actor: Actor, scope: Scope, standard: SalaryStandard) -> SalaryStandard:
    """Publish a draft: its bands must be complete, and its floor not below the floor in force (on its effective
    date) of any enclosing region's standard. Publishing cannot be undone."""
    _editable(scope, standard)
    async with in_transaction():
        fresh = await SalaryStandard.select_for_update().get(id=standard.id)
        if fresh.status != StandardStatus.DRAFT:
            raise ServiceError("__all__", N_("This standard is already published."))
        bands = [
            Band(b.level.value, b.years_from, b.years_to, b.min_pay, b.mid_pay, b.max_pay)
            for b in await SalaryBand.filter(standard_id=standard.id)
        ]
        if not bands:
            raise ServiceError("bands", N_("A standard needs at least one band before it is published."))
        check_bands(bands, complete=True)
        enclosing = await enclosing_floor(region_path=standard.region_path, on=standard.effective_from)
        if enclosing is not None and standard.floor < enclosing[0]:
            raise ServiceError(
                "floor",
                N_("The floor is below %(floor)s yuan, the floor of %(title)s in force for an enclosing region."),
                floor=str(enclosing[0]),
                title=enclosing[1].title,
            )
        await STANDARD.update(
            actor,
            standard,
            {"status": StandardStatus.PUBLISHED, "published_at": now_utc()},
            standard.title,
            action=Action.PUBLISH,
            region_path=standard.region_path,
        )
    return standard


def _uplifted(amount: Decimal, pct: Decimal) -> Decimal:
    return (amount * (Decimal(100) + pct) / Decimal(100)).quantize(CENT)


async def standard_new_version(
    *,
    actor: Actor,
    scope: Scope,
    source: SalaryStandard,
    effective_from: date,
    uplift_pct: Decimal | None = None,
    title: str = "",
    document_no: str = "",
) -> SalaryStandard:
    """A draft copied from `source` (a correction, or a yearly uplift: every amount × (1 + uplift_pct ÷ 100),
    to the fen), linked to it as its previous version."""
    if not standard_writer(scope) or not standard_region_allowed(scope, source.region_path):
        raise _forbidden()
    pct = Decimal(uplift_pct) if uplift_pct not in (None, "") else Decimal(0)
    if not pct.is_finite() or pct <= -100 or pct > 1000:
        raise ServiceError("uplift_pct", N_("Enter a percentage between -99 and 1000."))
    async with in_transaction():
        region = await Region.get(id=source.region_id)
        copy = await SalaryStandard.create(
            region=region,
            region_path=source.region_path,
            title=(title or source.title).strip()[:200],
            document_no=(document_no or "").strip()[:100],
            effective_from=effective_from,
            status=StandardStatus.DRAFT,
            floor=_uplifted(source.floor, pct),
            benchmark=source.benchmark,
            benchmark_label=source.benchmark_label,
            previous_id=source.id,
            uplift_pct=pct if pct else None,
            notes=source.notes,
        )
        bands = [
            Band(
                b.level.value,
                b.years_from,
                b.years_to,
                _uplifted(b.min_pay, pct),
                _uplifted(b.mid_pay, pct),
                _uplifted(b.max_pay, pct),
            )
            for b in await SalaryBand.filter(standard_id=source.id)
        ]
        allowances = [
            AllowanceIn(a.name, a.level.value if a.level else None, _uplifted(a.amount, pct))
            for a in await SalaryAllowance.filter(standard_id=source.id).order_by("id")
        ]
        await _write_lines(copy, bands, allowances)
        await _write_steps(copy, {g: _uplifted(a, pct) for g, a in (await _steps_of(source.id)).items()})
        await STANDARD.created(actor, copy, copy.title, action=Action.NEW_VERSION, region_path=copy.region_path)
    return copy


async def standard_delete(*, actor: Actor, scope: Scope, standard: SalaryStandard) -> None:
    """Delete a draft (a published standard stays for ever)."""
    _editable(scope, standard)
    async with in_transaction():
        await STANDARD.delete(actor, standard, standard.title, region_path=standard.region_path)


# ── salary records ──────────────────────────────────────────────────────────────────────────────────


async def _where(worker_id: int) -> dict:
    places = (await worker_jurisdictions([worker_id])).get(worker_id) or [("", None)]
    (path, org), *rest = places
    return {"region_path": path, "organisation_id": org, "also": rest}


async def check_hired(worker_id: int, effective_from: date) -> None:
    first = await EmploymentSpell.filter(worker_id=worker_id).order_by("start_on").first().values("start_on")
    if first is None:
        raise ServiceError("effective_from", N_("This worker has no employment yet: record the hire first."))
    if effective_from < first["start_on"]:
        raise ServiceError(
            "effective_from",
            N_("A salary cannot start before the worker was hired (%(day)s)."),
            day=first["start_on"].isoformat(),
        )


def _record_values(effective_from: date, monthly_base, monthly_allowances, note: str) -> dict:
    return {
        "effective_from": effective_from,
        "monthly_base": money(monthly_base, "monthly_base"),
        "monthly_allowances": money(monthly_allowances or 0, "monthly_allowances"),
        "note": (note or "").strip()[:255],
    }


async def salary_record_create(
    *, actor: Actor, scope: Scope, worker: Worker, effective_from: date, monthly_base, monthly_allowances=0, note=""
) -> SalaryRecord:
    values = _record_values(effective_from, monthly_base, monthly_allowances, note)
    async with in_transaction():
        if not await Worker.filter(reached_worker_q(scope, id=worker.id)).exists():
            raise ServiceError("__all__", N_("No worker with this number in your scope."))
        await check_hired(worker.id, effective_from)
        if await SalaryRecord.filter(worker_id=worker.id, effective_from=effective_from).exists():
            raise ServiceError("effective_from", N_("This worker already has a salary record from this date."))
        record = await SalaryRecord.create(worker_id=worker.id, **values)
        await RECORD.created(
            actor, record, f"{worker.worker_no} {effective_from.isoformat()}", **await _where(worker.id)
        )
    return record


async def salary_record_update(
    *,
    actor: Actor,
    scope: Scope,
    record: SalaryRecord,
    effective_from: date,
    monthly_base,
    monthly_allowances=0,
    note="",
) -> SalaryRecord:
    values = _record_values(effective_from, monthly_base, monthly_allowances, note)
    async with in_transaction():
        if not await SalaryRecord.filter(salary_records_q(scope, id=record.id)).exists():
            raise ServiceError("__all__", N_("You may not change records outside your region."))
        await check_hired(record.worker_id, effective_from)
        clash = SalaryRecord.filter(worker_id=record.worker_id, effective_from=effective_from).exclude(id=record.id)
        if await clash.exists():
            raise ServiceError("effective_from", N_("This worker already has a salary record from this date."))
        await RECORD.update(
            actor, record, values, f"{effective_from.isoformat()}", only_changed=True, **await _where(record.worker_id)
        )
    return record


async def salary_record_delete(*, actor: Actor, scope: Scope, record: SalaryRecord) -> None:
    async with in_transaction():
        if not await SalaryRecord.filter(salary_records_q(scope, id=record.id)).exists():
            raise ServiceError("__all__", N_("You may not change records outside your region."))
        await RECORD.delete(actor, record, record.effective_from.isoformat(), **await _where(record.worker_id))


# ── performance steps of a standard ─────────────────────────────────────────────────────────────────


def steps_in(steps: dict | None) -> dict[str, Decimal]:
    """A standard's performance steps by grade as typed: amounts checked; an empty or zero step is none."""
    out = {}
    for grade, amount in (steps or {}).items():
        if amount in (None, ""):
            continue
        value = money(amount, f"step_{Grade(grade).value}")
        if value > 0:
            out[Grade(grade).value] = value
    return out


async def _write_steps(standard: SalaryStandard, steps: dict[str, Decimal]) -> None:
    await PerformanceStep.filter(standard_id=standard.id).delete()
    await PerformanceStep.bulk_create(
        [PerformanceStep(standard_id=standard.id, grade=g, amount=a) for g, a in steps.items()]
    )


async def _steps_of(standard_id: int) -> dict[str, Decimal]:
    return {s.grade.value: s.amount for s in await PerformanceStep.filter(standard_id=standard_id).order_by("id")}


# ── yearly assessments ──────────────────────────────────────────────────────────────────────────────

ASSESSMENT = Audited(Entity.PAY_ASSESSMENT, ["worker_id", "year", "grade", "note"])
DECISION = Audited(Entity.PAY_CHANGE, ["worker_id", "reason", "key", "outcome", "salary_record_id", "decided_on"])
FIRST_YEAR = 1990


def check_year(year: int, today: date) -> int:
    """An assessment year: from 1990 to the current year (a year is assessed at its end or later)."""
    if not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        raise ServiceError("year", N_("Enter a year from 1990 to this year."))
    return year


async def assessment_save(
    *, actor: Actor, scope: Scope, worker: Worker, year: int, grade: str, note: str = ""
) -> Assessment:
    """Record a worker's assessment of `year` (one per worker per year: a second one for the year changes it)."""
    year = check_year(year, local_today())
    try:
        grade = Grade(grade)
    except ValueError:
        raise ServiceError("grade", N_("Choose one of the options.")) from None
    values = {"grade": grade, "note": (note or "").strip()[:255]}
    async with in_transaction():
        if not await Worker.filter(reached_worker_q(scope, id=worker.id)).exists():
            raise ServiceError("worker_no", N_("No worker with this number in your scope."))
        where = await _where(worker.id)
        summary = f"{worker.worker_no} {year}"
        current = await Assessment.select_for_update().filter(worker_id=worker.id, year=year).first()
        if current is None:
            current = await Assessment.create(worker_id=worker.id, year=year, **values)
            await ASSESSMENT.created(actor, current, summary, **where)
        else:
            await ASSESSMENT.update(actor, current, values, summary, only_changed=True, **where)
    return current


async def assessment_delete(*, actor: Actor, scope: Scope, assessment: Assessment) -> None:
    async with in_transaction():
        if not await Assessment.filter(reached_rows_q(scope, Assessment, id=assessment.id)).exists():
            raise _forbidden()
        worker = await Worker.get(id=assessment.worker_id)
        await ASSESSMENT.delete(
            actor, assessment, f"{worker.worker_no} {assessment.year}", **await _where(assessment.worker_id)
        )


# ── proposed pay changes ────────────────────────────────────────────────────────────────────────────


def _decision_keys(proposal: dict) -> list[tuple[ChangeReason, str]]:
    keys = []
    if proposal["by_cert"]:
        keys.append((ChangeReason.CERTIFICATE, proposal["level"].value))
    if proposal["by_assess"]:
        keys.append((ChangeReason.ASSESSMENT, str(proposal["on"].year - 1)))
    if proposal["by_uplift"]:
        keys.append((ChangeReason.UPLIFT, str(proposal["standard_id"])))
    return keys


async def _pending(scope: Scope, worker_id: int, on: date) -> dict:
    proposal = await proposal_for(scope=scope, worker_id=worker_id, on=on)
    if proposal is None:
        raise ServiceError("__all__", N_("No pay change is proposed for this worker any more."))
    proposal["on"] = on
    return proposal


async def _decide(
    actor: Actor, proposal: dict, outcome: Outcome, on: date, record: SalaryRecord | None, where: dict
) -> None:
    for reason, key in _decision_keys(proposal):
        decision = await ChangeDecision.create(
            worker_id=proposal["worker_id"],
            reason=reason,
            key=key,
            outcome=outcome,
            salary_record_id=record.id if record else None,
            decided_on=on,
        )
        await DECISION.created(
            actor, decision, f"{proposal['worker_no']} {reason.value} {key}", action=outcome.value, **where
        )


async def pay_change_accept(*, actor: Actor, scope: Scope, worker_id: int, on: date) -> SalaryRecord:
    """Accept the pay change proposed on `on` for a worker in scope: a salary record from `on` with the proposed
    base and allowances (through salary_record_create), and each of its reasons marked accepted."""
    async with in_transaction():
        proposal = await _pending(scope, worker_id, on)
        worker = await Worker.get(id=worker_id)
        note = "; ".join(reason.label.tr() for reason in proposal["reasons"])
        record = await salary_record_create(
            actor=actor,
            scope=scope,
            worker=worker,
            effective_from=on,
            monthly_base=proposal["new_base"],
            monthly_allowances=proposal["new_allow"],
            note=note,
        )
        await _decide(actor, proposal, Outcome.ACCEPTED, on, record, await _where(worker_id))
    return record


async def pay_change_dismiss(*, actor: Actor, scope: Scope, worker_id: int, on: date) -> None:
    """Dismiss the pay change proposed on `on` for a worker in scope: its reasons are not proposed again."""
    async with in_transaction():
        proposal = await _pending(scope, worker_id, on)
        await _decide(actor, proposal, Outcome.DISMISSED, on, None, await _where(worker_id))
