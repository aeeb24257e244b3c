"""Exam prep pages. Workers: /exam-prep (home, practice, review, notebook, readiness, mock exams) — each sees
only their own. Admins and bureaus: /exam-prep/bank (question authoring).

Pages read; only posts write. An attempt whose time ran out while nobody had it open is shown as run out, and
scored as expired by the worker's next post (handing it in, or starting another mock)."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request
from starlette.responses import Response

from courses.examprep import selectors, services
from courses.examprep.access import can_edit, worker_reach
from courses.examprep.forms import question_fields, service_arguments
from courses.examprep.imports import QUESTIONS, question_row
from courses.examprep.models import AttemptStatus, Kind
from courses.examprep.rules import OPTION_KEYS
from courses.pages import ForWorker
from talent.certification import selectors as certification
from talent.certification.for_examprep import exam_paper, exam_papers, exam_subject
from talent.core.access import Permission
from talent.core.clock import local_time, local_today
from talent.core.codes import choices
from talent.core.concurrency import gather_panels
from talent.core.errors import ServiceError
from talent.core.i18n import get_locale
from talent.core.i18n import gettext as _
from talent.core.pagination import ListParams
from talent.settings import get_settings
from talent.web.auth import Allowed, Viewer
from talent.web.exports import export_response
from talent.web.forms import Form
from talent.web.pages import form_options, list_page
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, form_page, is_htmx, render, see_other

router = Router(prefix="/exam-prep", tags=["examprep"])
bank_router = Router(prefix="/exam-prep/bank", tags=["examprep"])

ShortText = Annotated[str, Query(max_length=100)]
BankViewer = Allowed(Permission.QUESTION_BANK)


WorkerViewer = ForWorker(Permission.EXAM_PREP)


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    """An instant as ISO 8601 in UTC with milliseconds ('2026-03-02T11:00:00.000Z'), which every browser parses."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _today(now: datetime):
    """The day on the platform's clock (at 07:00 in Nanjing, UTC is still on the day before)."""
    return local_time(now).date()


async def _reach(viewer: Viewer, now: datetime) -> list[str]:
    """The region paths of the questions this worker draws, read once per request."""
    return await worker_reach(worker_id=viewer.user.worker_id, today=_today(now))


def _printable(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable()).strip()


async def _subject_or_none(code: str):
    """The catalogue's subject with its paper (talent.certification), or None."""
    return await exam_paper(_printable(code)) if code else None


async def _subjects_in_bank(counts: dict[str, int]) -> list:
    return [s for s in await exam_papers() if counts.get(s.code)]


# ── home ───────────────────────────────────────────────────────────────────────────────────────────────────


@router.get("")
async def home(request: Request, viewer: WorkerViewer) -> Response:
    worker_id, now = viewer.user.worker_id, _now()
    today, reach = _today(now), await _reach(viewer, now)
    counts = await selectors.bank_subject_counts(reach=reach)
    subjects = await _subjects_in_bank(counts)
    # Independent panels (core.concurrency.gather_panels).
    panels = {
        "readiness": lambda: selectors.readiness_for(worker_id=worker_id, subjects=subjects, now=now, reach=reach),
        "due": lambda: selectors.notebook_due_count(worker_id=worker_id, today=today, reach=reach),
        "running": lambda: selectors.attempt_in_progress(worker_id=worker_id, now=now),
        "recent": lambda: selectors.attempts_recent(worker_id=worker_id, now=now),
        "eligibility": lambda: certification.worker_eligibility(scope=viewer.scope, worker_id=worker_id, today=today),
    }
    return render(
        request, "examprep/home.html", {"subjects": subjects, "counts": counts, **await gather_panels(panels)}
    )


@router.get("/readiness/{subject}")
async def readiness(request: Request, viewer: WorkerViewer, subject: Annotated[str, Path(max_length=16)]) -> Response:
    spec = await _subject_or_none(subject)
    if spec is None:
        raise HTTPException(404)
    now = _now()
    result = await selectors.readiness_for(
        worker_id=viewer.user.worker_id, subjects=[spec], now=now, reach=await _reach(viewer, now)
    )
    return render(request, "examprep/readiness.html", {"subject": spec, "r": result[spec.code]})


# ── practice, review, notebook ─────────────────────────────────────────────────────────────────────────────


def _practice_page(request, ctx: dict, status_code: int = 200) -> Response:
    return render(request, "examprep/practice.html", ctx, fragment="examprep/_practice.html", status_code=status_code)


@router.get("/practice")
async def practice(
    request: Request,
    viewer: WorkerViewer,
    subject: ShortText = "",
    topic: ShortText = "",
    after: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
) -> Response:
    spec = await _subject_or_none(subject)
    topic = _printable(topic)
    reach = await _reach(viewer, _now())
    if spec is None:
        counts = await selectors.bank_subject_counts(reach=reach)
        subjects = await _subjects_in_bank(counts)
        return render(request, "examprep/practice_start.html", {"subjects": subjects, "counts": counts})
    version = await selectors.practice_pick(subject=spec.code, reach=reach, topic=topic, exclude=after or None)
    topics = await selectors.bank_topics(subject=spec.code, reach=reach)
    return _practice_page(
        request, {"subject": spec, "topic": topic, "topics": topics, "version": version, "review": False}
    )


@router.get("/review")
async def review(request: Request, viewer: WorkerViewer, topic: ShortText = "") -> Response:
    """The next notebook question due today (of one topic when `topic` is given)."""
    now = _now()
    today, reach, topic = _today(now), await _reach(viewer, now), _printable(topic)
    worker_id = viewer.user.worker_id
    entry = await selectors.notebook_next_due(worker_id=worker_id, today=today, reach=reach, topic=topic)
    version = await selectors.current_version(question=entry.question) if entry else None
    if version is not None:
        version.question = entry.question
    due = await selectors.notebook_due_count(worker_id=worker_id, today=today, reach=reach, topic=topic)
    return _practice_page(request, {"version": version, "review": True, "entry": entry, "due": due, "topic": topic})


@router.post("/practice/{question_id}")
async def practice_answer(request: Request, viewer: WorkerViewer, question_id: Id) -> Response:
    form = await request.form()
    review_mode = form.get("review") == "1"
    version_id = str(form.get("version", ""))
    now = _now()
    reach = await _reach(viewer, now)
    version = await selectors.practice_version(
        question_id=question_id,
        version_id=int(version_id) if str(version_id).isdigit() and len(version_id) < 10 else 0,
        reach=reach,
    )
    ctx = {"version": version, "review": review_mode, "topic": _printable(str(form.get("topic", "")))[:100]}
    if not review_mode:
        ctx["subject"] = await exam_subject(version.question.subject)
    try:
        answer = await services.practice_answer(
            worker_id=viewer.user.worker_id,
            question_id=question_id,
            version_id=version.id,
            choices=[str(c) for c in form.getlist("choice")][:8],
            text=str(form.get("text", "")),
            review=review_mode,
            now=now,
            reach=reach,
        )
    except ServiceError as exc:
        ctx.update(error=exc.message, typed=str(form.get("text", ""))[:20000])
        return _practice_page(request, ctx, status_code=422)
    ctx["answer"] = answer
    return _practice_page(request, ctx)


@router.post("/practice/answers/{answer_id}/mark")
async def practice_mark(request: Request, viewer: WorkerViewer, answer_id: Id) -> Response:
    form = await request.form()
    answer = await selectors.answer_get(worker_id=viewer.user.worker_id, answer_id=answer_id)
    ctx = {"version": answer.version, "answer": answer, "review": answer.source.value == "review", "topic": ""}
    answer.version.question = answer.question
    ctx["subject"] = await exam_subject(answer.question.subject)
    if form.get("correct") not in ("0", "1"):
        ctx["error"] = _("Choose whether your answer matched.")
        return _practice_page(request, ctx, status_code=422)
    try:
        ctx["answer"] = await services.practice_self_mark(
            worker_id=viewer.user.worker_id, answer_id=answer.id, correct=form.get("correct") == "1", now=_now()
        )
        ctx["answer"].version = answer.version
    except ServiceError as exc:
        ctx["error"] = exc.message
        return _practice_page(request, ctx, status_code=422)
    return _practice_page(request, ctx)


@router.get("/notebook")
async def notebook(request: Request, viewer: WorkerViewer, params: Listing, subject: ShortText = "") -> Response:
    params.q = _printable(params.q)
    spec = await _subject_or_none(subject)
    params.extra = {"subject": spec.code if spec else ""}
    now = _now()
    today, reach, worker_id = _today(now), await _reach(viewer, now), viewer.user.worker_id
    page = await selectors.notebook_list(
        worker_id=worker_id, params=params, subject=spec.code if spec else "", today=today, reach=reach
    )
    return list_page(
        request,
        "examprep/notebook.html",
        {
            "page": page,
            "subject": spec.code if spec else "",
            "subjects": await exam_papers(),
            "today": today,
            "due": await selectors.notebook_due_count(worker_id=worker_id, today=today, reach=reach),
            "due_topics": await selectors.notebook_due_topics(worker_id=worker_id, today=today, reach=reach),
        },
    )


@router.get("/notebook/{entry_id}")
async def notebook_entry(request: Request, viewer: WorkerViewer, entry_id: Id) -> Response:
    """One notebook question: the question, my last wrong answer, the right one and the explanation."""
    now = _now()
    entry = await selectors.notebook_entry(
        worker_id=viewer.user.worker_id, entry_id=entry_id, reach=await _reach(viewer, now)
    )
    return render(request, "examprep/notebook_entry.html", {"entry": entry, "today": _today(now)})


# ── mock exams ─────────────────────────────────────────────────────────────────────────────────────────────


@router.get("/mock")
async def mock_list(request: Request, viewer: WorkerViewer, params: Listing) -> Response:
    now = _now()
    page = await selectors.attempt_list(worker_id=viewer.user.worker_id, params=params, now=now)
    counts = await selectors.bank_subject_counts(reach=await _reach(viewer, now))
    subjects = await _subjects_in_bank(counts)
    return list_page(request, "examprep/mocks.html", {"page": page, "subjects": subjects, "error": ""})


@router.post("/mock")
async def mock_start(request: Request, viewer: WorkerViewer) -> Response:
    form = await request.form()
    subject = _printable(str(form.get("subject", "")))[:16]
    now = _now()
    reach = await _reach(viewer, now)
    try:
        attempt = await services.mock_start(worker_id=viewer.user.worker_id, subject=subject, now=now, reach=reach)
    except ServiceError as exc:
        counts = await selectors.bank_subject_counts(reach=reach)
        subjects = await _subjects_in_bank(counts)
        page = await selectors.attempt_list(
            worker_id=viewer.user.worker_id, params=ListParams(per_page=get_settings().page_size), now=now
        )
        return render(
            request,
            "examprep/mocks.html",
            {"page": page, "subjects": subjects, "error": exc.message},
            fragment="examprep/_mocks.html",
            status_code=422,
        )
    return see_other(request, f"/exam-prep/mock/{attempt.id}")


@router.get("/mock/{attempt_id}")
async def mock_detail(request: Request, viewer: WorkerViewer, attempt_id: Id, show: ShortText = "") -> Response:
    worker_id, now = viewer.user.worker_id, _now()
    attempt = await selectors.attempt_get(worker_id=worker_id, attempt_id=attempt_id)
    subject = await exam_subject(attempt.subject)
    if attempt.status == AttemptStatus.IN_PROGRESS and attempt.deadline_at <= now:
        # Time ran out with the page closed. Shown as such; scored (as expired, with the answers saved in time)
        # when the worker hands it in from here or starts another mock: a page read never writes.
        return render(request, "examprep/mock_expired.html", {"attempt": attempt, "subject": subject, "now": now})
    if attempt.status == AttemptStatus.IN_PROGRESS:
        items = await selectors.attempt_paper(attempt=attempt)
        return render(
            request,
            "examprep/mock_take.html",
            {
                "attempt": attempt,
                "items": items,
                "subject": subject,
                "answered": sum(1 for i in items if i.response),
                "minutes_left": max(0, int((attempt.deadline_at - now).total_seconds() // 60)),
                "seconds_left": max(0, int((attempt.deadline_at - now).total_seconds())),
                # The countdown runs on the server's clock: the page carries both instants.
                "deadline_iso": _iso(attempt.deadline_at),
                "server_now_iso": _iso(now),
            },
        )
    items = await selectors.attempt_items(attempt=attempt)
    ctx = await _result_context(attempt, items, subject, wrong_only=show == "wrong")
    return render(request, "examprep/mock_result.html", ctx)


async def _result_context(attempt, items, subject, **extra) -> dict:
    return {
        "attempt": attempt,
        "items": items,
        "subject": subject,
        "sections": await selectors.attempt_breakdown(attempt=attempt, by="section"),
        "topics": await selectors.attempt_breakdown(attempt=attempt, by="topic"),
        "marking": await selectors.attempt_marking(attempt=attempt),
        "passed": attempt.score is not None and attempt.score >= attempt.pass_mark,
        "mark_errors": {},
        "typed": {},
        "wrong_only": False,
        **extra,
    }


@router.post("/mock/{attempt_id}/items/{question_id}/mark")
async def mock_self_mark(request: Request, viewer: WorkerViewer, attempt_id: Id, question_id: Id) -> Response:
    """Save the worker's own mark of a case answer after hand-in. htmx gets the item's mark form back with the
    score and breakdowns swapped out of band; a plain post goes back to the result page."""
    worker_id = viewer.user.worker_id
    attempt = await selectors.attempt_get(worker_id=worker_id, attempt_id=attempt_id)
    raw = _printable(str((await request.form()).get("score", "")))[:16]
    error, page_error = "", ""
    try:
        await services.mock_item_self_mark(
            worker_id=worker_id, attempt_id=attempt.id, question_id=question_id, score=raw
        )
    except ServiceError as exc:
        error = exc.message
        # Not about the number typed (before hand-in, a choice item, no answer): said at the top of the page.
        page_error = exc.message if exc.field == "__all__" else ""
    if not error and not is_htmx(request):
        return flash(see_other(request, f"/exam-prep/mock/{attempt.id}#mark-{question_id}"), _("Mark saved."))
    if attempt.status == AttemptStatus.IN_PROGRESS:
        # Refused; and the result page (model answers included) is not shown before hand-in.
        ctx = {"message": error, "level": "danger", "attempt_id": attempt.id, "saved_at": _now()}
        return render(request, "examprep/save_status.html", ctx, fragment="examprep/_save_status.html", status_code=422)
    attempt = await selectors.attempt_get(worker_id=worker_id, attempt_id=attempt.id)
    items = await selectors.attempt_items(attempt=attempt)
    item = next((i for i in items if i.question_id == question_id), None)
    if item is None:
        raise HTTPException(404)
    ctx = await _result_context(
        attempt,
        items,
        await exam_subject(attempt.subject),
        item=item,
        oob=True,
        saved=not error,
        page_error=page_error,
        mark_errors={question_id: error} if error else {},
        typed={question_id: raw} if error else {},
    )
    return render(
        request,
        "examprep/mock_result.html",
        ctx,
        fragment="examprep/_self_mark.html",
        status_code=422 if error else 200,
    )


@router.post("/mock/{attempt_id}/answers/{question_id}")
async def mock_answer(request: Request, viewer: WorkerViewer, attempt_id: Id, question_id: Id) -> Response:
    """Autosave one answer (htmx on change; a plain post from the Save button works too)."""
    form = await request.form()
    choices = [str(c) for c in form.getlist("choice")][:8]
    text = form.get("text")
    status, message, level = 200, "", "success"
    try:
        await services.mock_save_answer(
            worker_id=viewer.user.worker_id,
            attempt_id=attempt_id,
            question_id=question_id,
            choices=choices,
            text=str(text) if text is not None else None,
            now=_now(),
        )
    except services.AttemptClosed as exc:
        status, message, level = 409, exc.message, "danger"
    except ServiceError as exc:
        status, message, level = 422, exc.message, "danger"
    if status == 200 and not is_htmx(request):
        return see_other(request, f"/exam-prep/mock/{attempt_id}#q-{question_id}")
    ctx = {"message": message, "level": level, "attempt_id": attempt_id, "saved_at": _now()}
    return render(request, "examprep/save_status.html", ctx, fragment="examprep/_save_status.html", status_code=status)


@router.post("/mock/{attempt_id}/submit")
async def mock_submit(request: Request, viewer: WorkerViewer, attempt_id: Id) -> Response:
    try:
        await services.mock_submit(worker_id=viewer.user.worker_id, attempt_id=attempt_id, now=_now())
    except services.AttemptClosed as exc:
        return flash(see_other(request, f"/exam-prep/mock/{attempt_id}"), exc.message, "warning")
    return flash(see_other(request, f"/exam-prep/mock/{attempt_id}"), _("Handed in and scored."))


# ── the question bank (admin, bureau) ──────────────────────────────────────────────────────────────────────


async def _bank_filters(subject: ShortText = "", kind: ShortText = "") -> tuple[str, str]:
    """The bank's filters, for its list and its export: the code of a subject of the catalogue, and a kind of
    question (else none)."""
    spec = await _subject_or_none(subject)
    return (spec.code if spec else ""), (kind if kind in {k.value for k in Kind} else "")


BankFilters = Annotated[tuple[str, str], Depends(_bank_filters)]


@bank_router.get("")
async def bank_list(request: Request, viewer: BankViewer, filters: BankFilters, params: Listing) -> Response:
    params.q = _printable(params.q)
    subject, kind = filters
    params.extra = {"subject": subject, "kind": kind}
    page = await selectors.bank_list(scope=viewer.scope, params=params, subject=subject, kind=kind)
    context = {"page": page, "subject": subject, "kind": kind, "kinds": choices(Kind)}
    return list_page(request, "examprep/bank.html", {**context, **await form_options(request, subjects=exam_papers)})


@bank_router.get("/export")
async def bank_export(
    request: Request,
    viewer: BankViewer,
    filters: BankFilters,
    q: ShortText = "",
    fmt: Annotated[str, Query(alias="format", max_length=8)] = "xlsx",
) -> Response:
    """The questions of the list's current search as a `questions` spreadsheet (headers in the user's
    language), which imports back unchanged."""
    subject, kind = filters
    versions = selectors.bank_export_versions(scope=viewer.scope, q=_printable(q), subject=subject, kind=kind)

    async def rows():
        async for version in versions:
            yield question_row(version)

    headers = [c.header(get_locale()) for c in QUESTIONS.columns]
    return export_response("csv" if fmt == "csv" else "xlsx", f"questions-{local_today().isoformat()}", headers, rows())


def _bank_form(request, form: Form, *, title: str, action: str, question=None, status_code: int = 200) -> Response:
    context = {"form": form, "title": title, "action": action, "question": question, "option_keys": OPTION_KEYS}
    return form_page(request, "examprep/bank_form.html", context, status_code)


@bank_router.get("/new")
async def bank_new(request: Request, viewer: BankViewer) -> Response:
    form = Form.initial(question_fields(), {"kind": "single", "difficulty": "2", "is_active": True})
    return _bank_form(request, form, title=_("New question"), action="/exam-prep/bank")


@bank_router.post("")
async def bank_create(request: Request, viewer: BankViewer) -> Response:
    form = await Form.posted(question_fields(), request)
    question = await form.run(
        lambda c: services.question_create(actor=viewer.user, scope=viewer.scope, **service_arguments(c))
    )
    if question is not None:
        return flash(see_other(request, f"/exam-prep/bank/{question.id}"), _("Question created."))
    return _bank_form(request, form, title=_("New question"), action="/exam-prep/bank", status_code=422)


@bank_router.get("/{question_id}")
async def bank_detail(request: Request, viewer: BankViewer, question_id: Id) -> Response:
    question = await selectors.question_get(scope=viewer.scope, question_id=question_id)
    versions = await selectors.question_versions(question=question)
    return render(
        request,
        "examprep/bank_detail.html",
        {"question": question, "versions": versions, "can_edit": can_edit(viewer.scope, question)},
    )


@bank_router.get("/{question_id}/edit")
async def bank_edit(request: Request, viewer: BankViewer, question_id: Id) -> Response:
    question = await selectors.question_get(scope=viewer.scope, question_id=question_id, for_edit=True)
    current = await selectors.current_version(question=question)
    values = {
        "subject": question.subject,
        "topic": question.topic,
        "kind": question.kind,
        "difficulty": str(question.difficulty),
        "stem": current.stem,
        "answer": current.answer,
        "model_answer": current.model_answer,
        "rubric": current.rubric,
        "explanation": current.explanation,
        "is_active": question.is_active,
    }
    values.update({key: text for key, text in zip(OPTION_KEYS, current.options, strict=False)})
    form = Form.initial(question_fields(editing=True), values)
    return _bank_form(
        request, form, title=_("Edit question"), action=f"/exam-prep/bank/{question.id}", question=question
    )


@bank_router.post("/{question_id}")
async def bank_update(request: Request, viewer: BankViewer, question_id: Id) -> Response:
    question = await selectors.question_get(scope=viewer.scope, question_id=question_id, for_edit=True)
    form = await Form.posted(question_fields(editing=True), request)
    saved = await form.run(
        lambda c: services.question_update(
            actor=viewer.user, scope=viewer.scope, question=question, **service_arguments(c)
        )
    )
    if saved is not None:
        return flash(see_other(request, f"/exam-prep/bank/{question.id}"), _("Saved."))
    return _bank_form(
        request,
        form,
        title=_("Edit question"),
        action=f"/exam-prep/bank/{question.id}",
        question=question,
        status_code=422,
    )
