"""The `exam_results` and `certificates` spreadsheet kinds (DESIGN §3) on the import framework.

Validation is in bulk (workers, scope, subjects, existing certificate numbers fetched with chunked `__in`
queries); nothing is written unless every row is valid. Writing goes row by row through the same services
as the forms (results → carry-over → certificates, once; certificates idempotent on their number), inside
the framework's single transaction, so the rules and the audit entries are exactly those of the forms.
"""

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

from talent.certification import services
from talent.certification.models import Certificate, ExamResult, ExamSubject
from talent.certification.rules import first_registration_allowed
from talent.certification.selectors import level_rules_map
from talent.core.access import Permission
from talent.core.bulk import fetch_by
from talent.core.export import batched
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.imports.columns import Column, KindSpec
from talent.imports.framework import Context, Counts, Kind, Plan, register
from talent.people.access import workers_q
from talent.people.models import Worker
from talent.places.models import CertLevel

# The certificate levels' Chinese names, accepted besides the codes (DESIGN §3).
CERT_LEVEL_WORDS = {"助理社会工作师": "assistant", "社会工作师": "intermediate", "高级社会工作师": "senior"}

EXAM_RESULTS = KindSpec(
    "exam_results",
    [
        Column("worker_no", "工号", required=True, max_length=32),
        Column("year", "考试年度", "int", required=True),
        Column("subject", "科目", required=True, max_length=16),
        Column("score", "成绩", "decimal", required=True),
    ],
    ("worker_no", "year", "subject"),
)
CERTIFICATES = KindSpec(
    "certificates",
    [
        Column("worker_no", "工号", required=True, max_length=32),
        Column("level", "证书等级", "enum", required=True, enum=CertLevel, words=CERT_LEVEL_WORDS),
        Column("number", "证书编号", required=True, max_length=64),
        Column("obtained_on", "取得日期", "date", required=True),
        Column("registered_on", "登记日期", "date"),
    ],
    ("number",),
)


async def _workers_in_scope(ctx: Context, rows: list) -> dict[str, Worker]:
    """The rows' workers, looked up inside the importer's scope only: a number that exists outside it gets the
    answer an unknown number gets (DESIGN §4), so a file cannot tell where a worker is, nor touch them."""
    found = await fetch_by(
        lambda chunk: Worker.filter(workers_q(ctx.scope), worker_no__in=list(chunk)), [r.worker_no for r in rows]
    )
    by_no = {w.worker_no: w for w in found}
    result = {}
    for row in rows:
        worker = by_no.get(row.worker_no)
        if worker is None:
            ctx.problem(row.row, "worker_no", row.worker_no, _("No worker with this number in your scope."))
        else:
            result[row.worker_no] = worker
    return result


class ExamResultsKind(Kind):
    spec = EXAM_RESULTS
    permission = Permission.CERTIFICATES_EDIT
    title = N_("National exam results")
    note = N_(
        "One row per worker, exam year and subject (A-ZH, A-SW, I-ZH, I-FG, I-SW, S-SW). A score lies between 0 and "
        "the subject's full marks. When every subject of a level is passed within its carry-over window, the "
        "certificate of that level is created once; importing the same file again changes nothing."
    )
    example = {"worker_no": "W2024001", "year": "2025", "subject": "A-ZH", "score": "68.5"}

    async def validate(self, ctx: Context, rows: list) -> Plan:
        plan = Plan()
        workers = await _workers_in_scope(ctx, rows)
        subjects = {s.code: s for s in await ExamSubject.all()}
        existing = {
            (r["worker_id"], r["year"], r["subject__code"]): Decimal(str(r["score"]))
            for r in await fetch_by(
                lambda chunk: ExamResult.filter(worker_id__in=list(chunk)).values(
                    "worker_id", "year", "subject__code", "score"
                ),
                [w.id for w in workers.values()],
            )
        }
        for row in rows:
            ok = row.worker_no in workers
            code = (row.subject or "").strip().upper()
            subject = subjects.get(code)
            if subject is None:
                ctx.problem(row.row, "subject", row.subject, _("Unknown subject code."))
                ok = False
            if not 1990 <= row.year <= 2100:
                ctx.problem(row.row, "year", row.year, _("Enter an exam year between 1990 and 2100."))
                ok = False
            if subject is not None and not Decimal(0) <= row.score <= Decimal(subject.full_marks):
                ctx.problem(
                    row.row,
                    "score",
                    row.score,
                    _("A score lies between 0 and %(full)s.") % {"full": format(subject.full_marks, "f")},
                )
                ok = False
            if not ok:
                continue
            worker = workers[row.worker_no]
            before = existing.get((worker.id, row.year, code))
            item = (row, worker, code)
            if before is None:
                plan.creates.append(item)
            elif before == Decimal(row.score).quantize(Decimal("0.1")):
                plan.unchanged += 1
            else:
                plan.updates.append(item)
            plan.rows.append(item)
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        certificates = 0
        for row, worker, code in plan.rows:
            _result, certificate = await services.result_record(
                actor=ctx.actor, worker=worker, year=row.year, subject=code, score=row.score
            )
            certificates += certificate is not None
        counts = plan.counts()
        counts.extra["certificates"] = certificates
        return counts


class CertificatesKind(Kind):
    spec = CERTIFICATES
    permission = Permission.CERTIFICATES_EDIT
    title = N_("Certificates")
    note = N_(
        "One row per certificate, identified by its number; importing the same number again updates it. A worker "
        "holds at most one certificate per level. A registration date must lie within the first-registration "
        "window (12 months by default) after the certificate was obtained."
    )
    example = {
        "worker_no": "W2024001",
        "level": "assistant",
        "number": "2024030000123",
        "obtained_on": "2024-06-15",
        "registered_on": "2024-09-01",
    }

    async def validate(self, ctx: Context, rows: list) -> Plan:
        plan = Plan()
        workers = await _workers_in_scope(ctx, rows)
        rules = await level_rules_map()
        by_number = {
            c["number"]: c
            for c in await fetch_by(
                lambda chunk: Certificate.filter(number__in=list(chunk)).values(
                    "id", "number", "worker_id", "level", "obtained_on", "registered_on"
                ),
                [r.number for r in rows],
            )
        }
        # Holders of the file's existing numbers whom the importer sees (the others' numbers are just taken).
        seen = set(
            await fetch_by(
                lambda chunk: Worker.filter(workers_q(ctx.scope), id__in=list(chunk)).values_list("id", flat=True),
                [c["worker_id"] for c in by_number.values()],
            )
        )
        held = {
            (c["worker_id"], c["level"]): c["number"]
            for c in await fetch_by(
                lambda chunk: Certificate.filter(worker_id__in=list(chunk)).values("worker_id", "level", "number"),
                [w.id for w in workers.values()],
            )
        }
        in_file: dict[tuple, int] = {}
        for row in rows:
            ok = row.worker_no in workers
            level = CertLevel(row.level)
            current = by_number.get(row.number)
            worker = workers.get(row.worker_no)
            if worker is not None:
                if current is not None and current["worker_id"] != worker.id:
                    ctx.problem(row.row, "number", row.number, services.number_clash(current["worker_id"], seen))
                    ok = False
                other = held.get((worker.id, level.value))
                if other is not None and other != row.number:
                    ctx.problem(
                        row.row,
                        "level",
                        row.level,
                        _("This worker already holds a certificate of this level (number %(number)s).")
                        % {"number": other},
                    )
                    ok = False
                earlier = in_file.get((worker.id, level.value))
                if earlier is not None:
                    ctx.problem(
                        row.row,
                        "level",
                        row.level,
                        _("Row %(row)s gives this worker a certificate of the same level.") % {"row": earlier},
                    )
                    ok = False
                in_file.setdefault((worker.id, level.value), row.row)
            if row.registered_on is not None and not first_registration_allowed(
                row.registered_on, row.obtained_on, rules[level.value].first_registration_months
            ):
                ctx.problem(
                    row.row,
                    "registered_on",
                    row.registered_on,
                    _("The first registration must be within %(months)s months of the certificate.")
                    % {"months": rules[level.value].first_registration_months},
                )
                ok = False
            if not ok:
                continue
            item = (row, worker, level)
            if current is None:
                plan.creates.append(item)
            elif (current["level"], current["obtained_on"]) == (level.value, row.obtained_on) and (
                row.registered_on is None or current["registered_on"] is not None
            ):
                plan.unchanged += 1
            else:
                plan.updates.append(item)
            plan.rows.append(item)
        return plan

    async def write(self, ctx: Context, plan: Plan) -> Counts:
        for row, worker, level in plan.rows:
            await services.certificate_record(
                actor=ctx.actor,
                worker=worker,
                level=level.value,
                number=row.number,
                obtained_on=row.obtained_on,
                registered_on=row.registered_on,
                scope=ctx.scope,
            )
        return plan.counts()


register(ExamResultsKind())
register(CertificatesKind())


async def exam_result_rows() -> AsyncIterator[list[Any]]:
    """Rows for `talent export exam_results`, in the import's column order (keyset batches)."""
    async for result in batched(ExamResult.all().select_related("worker", "subject")):
        yield [result.worker.worker_no, result.year, result.subject.code, result.score]


async def certificate_rows() -> AsyncIterator[list[Any]]:
    """Rows for `talent export certificates`: the certificate and its first registration date."""
    async for cert in batched(Certificate.all().select_related("worker")):
        yield [cert.worker.worker_no, cert.level, cert.number, cert.obtained_on, cert.registered_on]
