"""Writes for the exam catalogue, national exam results, certificates, registrations and the CE ledger.

One transaction each, every change audited. The rules (DESIGN §1):
- a result passes when its score reaches the pass line for its subject, year and region;
- a level is passed when every subject of it is passed within `carry_over_years` consecutive exam years
  (assistant 1, intermediate 2); then a certificate of that level is created, once;
- first registration within `first_registration_months` of the certificate; a registration is valid
  `registration_valid_years`; renewal is accepted in the `renewal_window_months` before expiry and needs
  `ce_hours_per_period` hours credited in the period.
"""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from talent.audit.models import Action, Entity
from talent.audit.services import Audited
from talent.certification import defaults
from talent.certification.models import (
    CeCredit,
    CeCreditRule,
    Certificate,
    CertSource,
    CeSource,
    CeYearlyRule,
    EligibilityRule,
    ExamLevel,
    ExamResult,
    ExamSubject,
    ExamYear,
    PaperSection,
    PassLine,
    Registration,
    RegistrationKind,
)
from talent.certification.rules import (
    LevelRules,
    effective_expiry,
    first_registration_allowed,
    first_registration_deadline,
    level_passed_in,
    period_end,
    renewal_allowed,
    renewal_opens,
)
from talent.certification.selectors import pass_mark_for, period_ce, subject_by_code
from talent.core.access import Scope
from talent.core.errors import ServiceError, chosen
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.core.storage import UPLOADS
from talent.core.uploads import upload_check
from talent.people.access import reached_worker_q
from talent.people.models import EmploymentSpell, Worker
from talent.people.selectors import active_on, worker_audit_scope
from talent.places.access import can_write_under
from talent.places.models import CertLevel, Region
from talent.places.services import regional_rule_add, regional_rule_check

_MODELS = {
    "ExamLevel": ExamLevel,
    "ExamSubject": ExamSubject,
    "PaperSection": PaperSection,
    "ExamYear": ExamYear,
    "EligibilityRule": EligibilityRule,
}


async def catalogue_seed() -> int:
    """Add the default exam catalogue rows that are missing (idempotent); returns how many were added."""
    async with in_transaction():
        return await defaults.seed_catalogue(_MODELS.__getitem__)


# --- helpers -------------------------------------------------------------------------------------------


async def _level_rules(level) -> LevelRules:
    return LevelRules.of(await ExamLevel.get_or_none(level=level))


async def _latest_spell(worker_id: int, on: date | None = None) -> EmploymentSpell | None:
    """The spell active on `on` (else the latest one starting before it, else the latest), station loaded."""
    qs = EmploymentSpell.filter(worker_id=worker_id).select_related("station")
    if on is not None:
        spell = await qs.filter(active_on(on)).order_by("-start_on", "-id").first()
        if spell is None:
            spell = await qs.filter(start_on__lte=on).order_by("-start_on", "-id").first()
        if spell is not None:
            return spell
    return await qs.order_by("-start_on", "-id").first()


async def _audit_scope(worker_id: int) -> dict:
    """Where a change to a worker's records is filed: their latest spell's station, and every other
    jurisdiction that sees the worker (audit_record's `also`)."""
    return await worker_audit_scope(worker_id)


def number_clash(holder_id: int, visible_ids) -> str:
    """The refusal of a certificate number another worker holds. It says whose only when the caller sees that
    worker; otherwise the number is just "taken", which tells nothing of the holder or where they work."""
    if holder_id in visible_ids:
        return _("This certificate number belongs to another worker.")
    return _("This certificate number is taken.")


async def _exam_day(year: int) -> date:
    sitting = await ExamYear.get_or_none(year=year)
    return sitting.exam_on if sitting else date(year, 6, 30)


RESULT_FIELDS = ["worker_id", "year", "subject_id", "score", "pass_mark", "passed", "region_path"]
CERTIFICATE_FIELDS = [
    "worker_id",
    "level",
    "number",
    "obtained_on",
    "registered_on",
    "registration_expires_on",
    "source",
    "exam_year",
]
CE_FIELDS = ["worker_id", "hours", "source", "source_ref", "earned_on", "note"]
RESULT = Audited(Entity.EXAM_RESULT, RESULT_FIELDS)
CERTIFICATE = Audited(Entity.CERTIFICATE, CERTIFICATE_FIELDS)


# --- national exam results → carry-over → certificates --------------------------------------------------


async def _award_level(*, actor, worker: Worker, level, audit_scope: dict) -> Certificate | None:
    """Create the certificate of `level` when the carry-over rule says it is passed and none exists."""
    if await Certificate.filter(worker_id=worker.id, level=level).exists():
        return None
    rules = await _level_rules(level)
    if rules.review_required:
        return None  # e.g. senior: the certificate follows a provincial review, recorded directly
    codes = [s.code for s in await ExamSubject.filter(level=level)]
    rows = await ExamResult.filter(worker_id=worker.id, subject__level=level, passed=True).values(
        "year", "subject__code"
    )
    passes: dict[str, set[int]] = {}
    for row in rows:
        passes.setdefault(row["subject__code"], set()).add(row["year"])
    year = level_passed_in(codes, passes, rules.carry_over_years)
    if year is None:
        return None
    level_value = CertLevel(level)
    number = f"EX{year}-{level_value.value[0].upper()}-{worker.worker_no}"
    certificate = await Certificate.create(
        worker_id=worker.id,
        level=level_value,
        number=number,
        obtained_on=await _exam_day(year),
        source=CertSource.EXAM,
        exam_year=year,
    )
    await CERTIFICATE.created(actor, certificate, f"{worker.worker_no} {level_value.value} {number}", **audit_scope)
    return certificate


def _check_year(year: int | None) -> int:
    if year is None or not 1990 <= year <= 2100:
        raise ServiceError("year", _("Enter an exam year between 1990 and 2100."))
    return year


async def result_record(
    *, actor, worker: Worker, year: int, subject: str, score: Decimal
) -> tuple[ExamResult, Certificate | None]:
    """Record (or correct) a worker's score in one subject and year; a level passed by the carry-over rule
    creates its certificate, once. Returns the result and the certificate created now, if any."""
    year = _check_year(year)
    exam_subject = await subject_by_code(subject or "")
    if exam_subject is None:
        raise ServiceError("subject", _("Unknown subject code."))
    if score is None or not Decimal(0) <= Decimal(score) <= Decimal(exam_subject.full_marks):
        raise ServiceError(
            "score", _("A score lies between 0 and %(full)s.") % {"full": format(exam_subject.full_marks, "f")}
        )
    score = Decimal(score).quantize(Decimal("0.1"))
    spell = await _latest_spell(worker.id, await _exam_day(year))
    region_path = spell.station.region_path if spell else ""
    pass_mark = await pass_mark_for(subject=exam_subject, year=year, region_path=region_path)
    scope = await _audit_scope(worker.id)
    async with in_transaction():
        await Worker.filter(id=worker.id).select_for_update().first()
        result = await ExamResult.get_or_none(worker_id=worker.id, year=year, subject_id=exam_subject.id)
        summary = f"{worker.worker_no} {year} {exam_subject.code} {score}"
        if result is None:
            result = await ExamResult.create(
                worker_id=worker.id,
                year=year,
                subject_id=exam_subject.id,
                score=score,
                pass_mark=pass_mark,
                passed=score >= pass_mark,
                region_path=region_path,
            )
            await RESULT.created(actor, result, summary, **scope)
        else:
            values = {"score": score, "pass_mark": pass_mark, "passed": score >= pass_mark, "region_path": region_path}
            await RESULT.update(actor, result, values, summary, only_changed=True, **scope)
        certificate = await _award_level(actor=actor, worker=worker, level=exam_subject.level, audit_scope=scope)
    return result, certificate


# --- certificates and registration ----------------------------------------------------------------------


def _registration_dates_check(obtained_on: date, registered_on: date, rules: LevelRules) -> None:
    if registered_on < obtained_on:
        raise ServiceError("registered_on", _("A certificate cannot be registered before it was obtained."))
    if not first_registration_allowed(registered_on, obtained_on, rules.first_registration_months):
        deadline = first_registration_deadline(obtained_on, rules.first_registration_months)
        raise ServiceError(
            "registered_on",
            _("The first registration must be within %(months)s months of the certificate, by %(date)s.")
            % {"months": rules.first_registration_months, "date": deadline.isoformat()},
        )


async def certificate_record(
    *,
    actor,
    worker: Worker,
    level: str,
    number: str,
    obtained_on: date,
    registered_on: date | None = None,
    scope: Scope | None = None,
) -> Certificate:
    """Record a certificate directly (form or the `certificates` import), idempotent on its number: the
    same number again updates it. With `registered_on`, the first registration is recorded too. `scope`
    (the caller's) decides only how a number held by another worker is refused (number_clash)."""
    number = (number or "").strip()
    if not number:
        raise ServiceError("number", _("Enter the certificate number."))
    level_value = chosen(CertLevel, level, "level")
    if obtained_on is None:
        raise ServiceError("obtained_on", _("This field is required."))
    rules = await _level_rules(level_value)
    if registered_on is not None:
        _registration_dates_check(obtained_on, registered_on, rules)
    existing = await Certificate.get_or_none(number=number)
    if existing is not None and existing.worker_id != worker.id:
        visible = (
            await Worker.filter(reached_worker_q(scope, id=existing.worker_id)).values_list("id", flat=True)
            if scope
            else []
        )
        raise ServiceError("number", number_clash(existing.worker_id, visible))
    same_level = await Certificate.filter(worker_id=worker.id, level=level_value).first()
    if same_level is not None and (existing is None or same_level.id != existing.id):
        raise ServiceError(
            "level",
            _("This worker already holds a certificate of this level (number %(number)s).")
            % {"number": same_level.number},
        )
    scope = await _audit_scope(worker.id)
    summary = f"{worker.worker_no} {level_value.value} {number}"
    try:
        async with in_transaction():
            if existing is None:
                certificate = await Certificate.create(
                    worker_id=worker.id, level=level_value, number=number, obtained_on=obtained_on
                )
                await CERTIFICATE.created(actor, certificate, summary, **scope)
            else:
                certificate = existing
                values = {"level": level_value, "obtained_on": obtained_on}
                await CERTIFICATE.update(actor, certificate, values, summary, only_changed=True, **scope)
            if registered_on is not None and certificate.registered_on is None:
                await _register(actor=actor, certificate=certificate, worker=worker, on=registered_on, scope=scope)
    except IntegrityError:
        raise ServiceError("number", _("This certificate number is taken.")) from None
    return certificate


async def _register(*, actor, certificate: Certificate, worker: Worker, on: date, scope: dict) -> Registration:
    """First registration or renewal of `certificate` on day `on` (the caller checked the rules)."""
    rules = await _level_rules(certificate.level)
    expiry = effective_expiry(certificate.registered_on, certificate.registration_expires_on, rules)
    if certificate.registered_on is None:
        kind, start, hours = RegistrationKind.FIRST, on, Decimal(0)
    else:
        kind, start = RegistrationKind.RENEWAL, expiry + timedelta(days=1)
        hours, _recorded, _caps = await period_ce(worker_id=worker.id, start=certificate.registered_on, end=expiry)
    registration = await Registration.create(
        certificate_id=certificate.id,
        kind=kind,
        registered_on=start,
        expires_on=period_end(start, rules.registration_valid_years),
        ce_hours=hours,
    )
    values = {"registered_on": registration.registered_on, "registration_expires_on": registration.expires_on}
    summary = f"{worker.worker_no} {certificate.number} → {registration.expires_on.isoformat()}"
    action = Action.REGISTER if kind == RegistrationKind.FIRST else Action.RENEW
    await CERTIFICATE.update(actor, certificate, values, summary, action=action, update_fields=list(values), **scope)
    return registration


async def certificate_register(*, actor, certificate: Certificate, on: date) -> Registration:
    """Register a certificate on day `on`: the first registration within the allowed months of obtaining
    it, or a renewal inside the window before expiry with the period's CE hours credited. The new period
    of a renewal starts the day after the old one ends, so periods never overlap or leave a gap."""
    if on is None:
        raise ServiceError("registered_on", _("This field is required."))
    worker = await Worker.get(id=certificate.worker_id)
    rules = await _level_rules(certificate.level)
    scope = await _audit_scope(worker.id)
    if certificate.registered_on is None:
        _registration_dates_check(certificate.obtained_on, on, rules)
    else:
        expiry = effective_expiry(certificate.registered_on, certificate.registration_expires_on, rules)
        opens = renewal_opens(expiry, rules.renewal_window_months)
        if on > expiry:
            raise ServiceError(
                "registered_on",
                _("The registration lapsed on %(date)s; it can no longer be renewed.") % {"date": expiry.isoformat()},
            )
        if not renewal_allowed(on, expiry, rules.renewal_window_months):
            raise ServiceError(
                "registered_on",
                _("Renewal opens on %(date)s, %(months)s months before the registration expires.")
                % {"date": opens.isoformat(), "months": rules.renewal_window_months},
            )
        hours, _recorded, _caps = await period_ce(worker_id=worker.id, start=certificate.registered_on, end=expiry)
        if hours < rules.ce_hours_per_period:
            raise ServiceError(
                "registered_on",
                _("Renewal needs %(required)s continuing-education hours in the period; %(hours)s are credited.")
                % {"required": rules.ce_hours_per_period, "hours": format(hours, "f")},
            )
    async with in_transaction():
        await Certificate.filter(id=certificate.id).select_for_update().first()
        fresh = await Certificate.get(id=certificate.id)
        if fresh.registration_expires_on != certificate.registration_expires_on:
            raise ServiceError("__all__", _("This certificate was registered meanwhile. Reload the page."))
        return await _register(actor=actor, certificate=fresh, worker=worker, on=on, scope=scope)


# --- continuing education -------------------------------------------------------------------------------

# Evidence of outside training is a scanned or printed certificate: PDF or a photo.
EVIDENCE_KINDS = ("pdf", "jpeg", "png")
EVIDENCE_TYPES_TEXT = "PDF, JPEG, PNG"
EVIDENCE_FIELDS = ["evidence_name", "evidence_size", "evidence_sha256", "evidence_type"]
CE_CREDIT = Audited(Entity.CE_CREDIT, CE_FIELDS + EVIDENCE_FIELDS)


def _has_file(upload) -> bool:
    return upload is not None and bool(getattr(upload, "filename", None))


async def _evidence_spool(upload) -> tuple[Path, dict]:
    """Check an evidence upload (clean name, size limit, content PDF/JPEG/PNG agreeing with its name) and
    leave it in a temporary file. Returns the file and the row values; the caller keeps or drops it."""
    temp, checked = await upload_check(upload, kinds=EVIDENCE_KINDS, types_text=EVIDENCE_TYPES_TEXT)
    return temp, {
        "evidence_name": checked["file_name"],
        "evidence_size": checked["size"],
        "evidence_sha256": checked["sha256"],
        "evidence_type": checked["content_type"],
    }


async def ce_credit_add(
    *,
    actor,
    worker: Worker,
    hours: Decimal,
    source: str,
    earned_on: date,
    note: str = "",
    source_ref: str | None = None,
    evidence=None,
) -> CeCredit:
    """Credit CE hours to a worker. External training needs its evidence: an uploaded certificate
    (`evidence`, an UploadFile-like object) or a description in the note. A source_ref (e.g. "course:12")
    credits a worker at most once."""
    if hours is None or not Decimal("0") < Decimal(hours) <= Decimal("500"):
        raise ServiceError("hours", _("Enter between 0.1 and 500 hours."))
    source_value = chosen(CeSource, source, "source")
    if earned_on is None:
        raise ServiceError("earned_on", _("This field is required."))
    note = (note or "").strip()
    if source_value == CeSource.EXTERNAL and not note and not _has_file(evidence):
        raise ServiceError(
            "note", _("External training needs its evidence: attach the certificate or describe it in the note.")
        )
    if source_ref and await CeCredit.filter(worker_id=worker.id, source_ref=source_ref).exists():
        raise ServiceError("__all__", _("These hours are already credited."))
    scope = await _audit_scope(worker.id)
    temp, file_values = await _evidence_spool(evidence) if _has_file(evidence) else (None, {})
    try:
        async with in_transaction():
            credit = await CeCredit.create(
                worker_id=worker.id,
                hours=Decimal(hours).quantize(Decimal("0.1")),
                source=source_value,
                source_ref=source_ref or None,
                earned_on=earned_on,
                note=note[:255],
                **file_values,
            )
            summary = f"{worker.worker_no} {credit.hours} h {source_value.value}"
            if credit.evidence_name:
                summary += f" · {credit.evidence_name}"
            await CE_CREDIT.created(actor, credit, summary[:255], **scope)
            # Stored last, inside the transaction: a failed move rolls the row back. A rollback after the
            # move leaves an unreferenced blob, harmless in a checksum-addressed store.
            if temp is not None:
                UPLOADS.keep(temp, file_values["evidence_sha256"])
    except IntegrityError:
        raise ServiceError("__all__", _("These hours are already credited.")) from None
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
    return credit


# --- exam catalogue edits (admins); the audit log keeps the history -------------------------------------

LEVEL_FIELDS = list(defaults.LEVEL_FIELDS)
SUBJECT_FIELDS = list(defaults.SUBJECT_FIELDS)
SECTION_FIELDS = ["count", "points"]
YEAR_FIELDS = ["year", "exam_on", "cutoff_on", "note"]
PASS_LINE_FIELDS = ["subject_id", "year", "region_id", "pass_mark", "note"]
ELIGIBILITY_FIELDS = ["min_years", "note"]
LEVEL = Audited(Entity.EXAM_LEVEL, LEVEL_FIELDS)
SUBJECT = Audited(Entity.EXAM_SUBJECT, SUBJECT_FIELDS)
SECTION = Audited(Entity.PAPER_SECTION, SECTION_FIELDS)
YEAR = Audited(Entity.EXAM_YEAR, YEAR_FIELDS)
PASS_LINE = Audited(Entity.PASS_LINE, PASS_LINE_FIELDS)
ELIGIBILITY_RULE = Audited(Entity.ELIGIBILITY_RULE, ELIGIBILITY_FIELDS)


async def _save_audited(audited: Audited, actor, instance, values: dict, summary: str):
    """A catalogue edit: the audited fields among `values` are set; saved and recorded only when one changed."""
    async with in_transaction():
        values = {name: values[name] for name in audited.fields if name in values}
        await audited.update(actor, instance, values, summary, only_changed=True)
    return instance


def _points(value, field: str, *, positive: bool = True) -> Decimal:
    if value is None:
        raise ServiceError(field, _("This field is required."))
    value = Decimal(value)
    if not value.is_finite() or value < 0 or (positive and value == 0) or value > 1000:
        raise ServiceError(field, _("Enter a number between 0 and 1000."))
    if value != value.quantize(Decimal("0.1")):
        raise ServiceError(field, _("At most one decimal place."))
    return value.quantize(Decimal("0.1"))


async def level_update(*, actor, level: ExamLevel, **values) -> ExamLevel:
    values["review_valid_years"] = values.get("review_valid_years") or 0
    return await _save_audited(LEVEL, actor, level, values, level.level.value)


async def subject_update(*, actor, subject: ExamSubject, **values) -> ExamSubject:
    values["full_marks"] = _points(values.get("full_marks"), "full_marks")
    values["pass_mark"] = _points(values.get("pass_mark"), "pass_mark")
    if values["pass_mark"] > values["full_marks"]:
        raise ServiceError("pass_mark", _("The pass mark cannot exceed the full marks."))
    values["name_en"] = values.get("name_en") or ""
    return await _save_audited(SUBJECT, actor, subject, values, subject.code)


async def section_update(*, actor, section: PaperSection, count: int, points: Decimal) -> PaperSection:
    points = _points(points, "points")
    return await _save_audited(
        SECTION, actor, section, {"count": count, "points": points}, f"{section.subject.code} {section.kind.value}"
    )


def _check_year_dates(year: int, exam_on: date, cutoff_on: date) -> None:
    if exam_on is None or exam_on.year != year:
        raise ServiceError("exam_on", _("The exam date must fall in the exam year."))
    if cutoff_on is None:
        raise ServiceError("cutoff_on", _("This field is required."))


async def exam_year_create(*, actor, year: int, exam_on: date, cutoff_on: date, note: str = "") -> ExamYear:
    _check_year(year)
    _check_year_dates(year, exam_on, cutoff_on)
    if await ExamYear.filter(year=year).exists():
        raise ServiceError("year", _("This exam year exists already."))
    try:
        async with in_transaction():
            sitting = await ExamYear.create(year=year, exam_on=exam_on, cutoff_on=cutoff_on, note=note or "")
            await YEAR.created(actor, sitting, str(year))
    except IntegrityError:
        raise ServiceError("year", _("This exam year exists already.")) from None
    return sitting


async def exam_year_update(*, actor, sitting: ExamYear, year: int, exam_on: date, cutoff_on: date, note: str = ""):
    _check_year(year)
    _check_year_dates(year, exam_on, cutoff_on)
    if await ExamYear.filter(year=year).exclude(id=sitting.id).exists():
        raise ServiceError("year", _("This exam year exists already."))
    return await _save_audited(
        YEAR, actor, sitting, {"year": year, "exam_on": exam_on, "cutoff_on": cutoff_on, "note": note or ""}, str(year)
    )


async def _pass_line_values(subject: str, year: int | None, region_code: str | None, pass_mark) -> dict:
    exam_subject = await subject_by_code(subject or "")
    if exam_subject is None:
        raise ServiceError("subject", _("Unknown subject code."))
    if year is not None:
        _check_year(year)
    region = None
    if region_code:
        region = await Region.get_or_none(code=region_code.strip())
        if region is None:
            raise ServiceError("region_code", _("No region with this code."))
    mark = _points(pass_mark, "pass_mark")
    if mark > Decimal(exam_subject.full_marks):
        raise ServiceError("pass_mark", _("The pass mark cannot exceed the full marks."))
    return {"subject": exam_subject, "year": year, "region": region, "pass_mark": mark}


def _line_summary(values: dict, year: int | None, region_code: str | None) -> str:
    return f"{values['subject'].code} {year or '*'} {region_code or '*'} {values['pass_mark']}"


def _line_where(values: dict) -> dict:
    """A regional pass line's entries are filed under its region; a national one's under none."""
    return {"region_path": values["region"].path if values["region"] else ""}


async def _check_line_unique(values: dict, exclude_id: int | None = None) -> None:
    # NULL year or region never collide in a UNIQUE index, so the rule is checked here as well.
    clash = PassLine.filter(subject_id=values["subject"].id, year=values["year"], region=values["region"])
    if exclude_id is not None:
        clash = clash.exclude(id=exclude_id)
    if await clash.exists():
        raise ServiceError("__all__", _("A pass line for this subject, year and region exists already."))


async def pass_line_create(
    *, actor, subject: str, year: int | None, region_code: str | None, pass_mark, note: str = ""
) -> PassLine:
    values = await _pass_line_values(subject, year, region_code, pass_mark)
    await _check_line_unique(values)
    try:
        async with in_transaction():
            line = await PassLine.create(note=note or "", **values)
            await PASS_LINE.created(actor, line, _line_summary(values, year, region_code), **_line_where(values))
    except IntegrityError:
        raise ServiceError("__all__", _("A pass line for this subject, year and region exists already.")) from None
    return line


async def pass_line_update(
    *, actor, line: PassLine, subject: str, year: int | None, region_code: str | None, pass_mark, note: str = ""
) -> PassLine:
    values = await _pass_line_values(subject, year, region_code, pass_mark)
    await _check_line_unique(values, exclude_id=line.id)
    try:
        async with in_transaction():
            summary = _line_summary(values, year, region_code)
            await PASS_LINE.update(actor, line, {**values, "note": note or ""}, summary, **_line_where(values))
    except IntegrityError:
        raise ServiceError("__all__", _("A pass line for this subject, year and region exists already.")) from None
    return line


async def pass_line_delete(*, actor, line: PassLine) -> None:
    async with in_transaction():
        await PASS_LINE.delete(actor, line, str(line.id))


async def eligibility_rule_update(*, actor, rule: EligibilityRule, min_years: int, note: str = "") -> EligibilityRule:
    return await _save_audited(
        ELIGIBILITY_RULE,
        actor,
        rule,
        {"min_years": min_years, "note": note or ""},
        f"{rule.level.value} {rule.note}"[:255],
    )


# --- what counts toward CE (CeCreditRule) and the yearly rule (CeYearlyRule) ---------------------------------

CE_CREDIT_RULE = Audited(Entity.CE_CREDIT_RULE, ["region_path", "kind", "effective_from", "max_hours", "source"])
CE_YEARLY_RULE = Audited(
    Entity.CE_YEARLY_RULE, ["region_path", "effective_from", "applies", "yearly_hours", "professional_hours", "source"]
)
_CE_RULE_MODELS = {"CeCreditRule": CeCreditRule, "CeYearlyRule": CeYearlyRule}


async def ce_rules_seed() -> int:
    """Add the national CE rules that are missing (idempotent; migration 0013 seeds real databases)."""
    async with in_transaction():
        return await defaults.seed_ce_rules(_CE_RULE_MODELS.__getitem__)


def _ce_rule_summary(region: Region | None, effective_from: date, what: str) -> str:
    return f"{region.code if region else '—'} · {what} · {effective_from.isoformat()}"


async def ce_credit_rule_create(
    *,
    actor,
    scope: Scope,
    region: Region | None,
    kind: str,
    effective_from: date,
    max_hours: Decimal | None,
    source: str,
) -> CeCreditRule:
    """Add the rule of one kind of CE credit for `region` (None: national, admins only) from `effective_from` on: at
    most `max_hours` a registration period (None: no cap, 0: the kind does not count). A rule is never edited: a
    region changes it by adding one from a later day; one region has at most one rule of a kind taking effect on a
    day."""
    source = regional_rule_check(scope, region, effective_from, source)
    kind_value = chosen(CeSource, kind, "kind")
    if max_hours is not None:
        max_hours = _points(max_hours, "max_hours", positive=False)
    return await regional_rule_add(
        CeCreditRule,
        actor=actor,
        audited=CE_CREDIT_RULE,
        summary=_ce_rule_summary(region, effective_from, kind_value.value),
        region=region,
        effective_from=effective_from,
        key={"kind": kind_value},
        max_hours=max_hours,
        source=source,
    )


async def ce_yearly_rule_create(
    *,
    actor,
    scope: Scope,
    region: Region | None,
    effective_from: date,
    applies: bool,
    yearly_hours: Decimal | None,
    professional_hours: Decimal | None,
    source: str,
) -> CeYearlyRule:
    """Switch the professional-technical staff's yearly CE on (or off) for `region` from `effective_from` on, with
    its hours a year and the professional hours among them. Never edited; one per region and day."""
    source = regional_rule_check(scope, region, effective_from, source)
    yearly = _points(yearly_hours, "yearly_hours") if applies else Decimal(yearly_hours or 90)
    professional = (
        _points(professional_hours, "professional_hours", positive=False)
        if applies
        else Decimal(professional_hours or 60)
    )
    if professional > yearly:
        raise ServiceError("professional_hours", N_("The professional hours cannot exceed the hours a year."))
    return await regional_rule_add(
        CeYearlyRule,
        actor=actor,
        audited=CE_YEARLY_RULE,
        summary=_ce_rule_summary(region, effective_from, "on" if applies else "off"),
        region=region,
        effective_from=effective_from,
        applies=bool(applies),
        yearly_hours=yearly,
        professional_hours=professional,
        source=source,
    )


async def ce_rule_withdraw(*, actor, scope: Scope, rule: CeCreditRule | CeYearlyRule, today: date) -> None:
    """Withdraw a CE rule that has not yet taken effect (`rule.region` loaded); one in force is kept, since periods
    were counted under it."""
    if not can_write_under(scope, rule.region_path):
        raise ServiceError("__all__", N_("Choose a region inside your own."))
    if rule.effective_from <= today:
        raise ServiceError("__all__", N_("A rule in force is kept: add a rule from a later day instead."))
    audited = CE_CREDIT_RULE if isinstance(rule, CeCreditRule) else CE_YEARLY_RULE
    what = rule.kind.value if isinstance(rule, CeCreditRule) else ("on" if rule.applies else "off")
    async with in_transaction():
        await audited.delete(
            actor, rule, _ce_rule_summary(rule.region, rule.effective_from, what), region_path=rule.region_path
        )
