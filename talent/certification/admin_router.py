"""The exam catalogue for admins under /admin/exams: levels (carry-over, registration and CE rules),
subjects and their paper structures, exam years, pass lines per subject × year × region, eligibility.
Every edit is audited; the audit log is the history."""

from dataclasses import replace

from fastapi import APIRouter, Request
from starlette.responses import Response

from talent.audit.models import Entity
from talent.certification import selectors, services
from talent.certification.forms import (
    ELIGIBILITY_FIELDS,
    LEVEL_FIELDS,
    PASS_LINE_FIELDS,
    SECTION_FIELDS,
    SUBJECT_FIELDS,
    YEAR_FIELDS,
)
from talent.core.access import Permission
from talent.core.i18n import gettext as _
from talent.web.auth import Allowed
from talent.web.forms import Form
from talent.web.labels import label
from talent.web.params import Id
from talent.web.templating import flash, render, see_other

router = APIRouter(prefix="/admin/exams", tags=["admin"])
HOME = "/admin/exams"
AdminViewer = Allowed(Permission.EXAM_CATALOGUE)


@router.get("")
async def catalogue(request: Request, viewer: AdminViewer) -> Response:
    subjects = await selectors.subjects()
    return render(
        request,
        "certification/admin/catalogue.html",
        {
            "levels": await selectors.levels(),
            "subjects": subjects,
            "papers": {s.id: await selectors.sections_of(subject_id=s.id) for s in subjects},
            "years": await selectors.exam_years(),
            "lines": await selectors.pass_lines(),
            "rules": await selectors.eligibility_rules(),
        },
    )


def _edit_page(request, *, form, title, action, entity, entity_id, status_code=200, delete_url=None):
    return render(
        request,
        "certification/admin/edit.html",
        {
            "form": form,
            "title": title,
            "action": action,
            "history": f"/audit?entity={entity}&entity_id={entity_id}" if entity_id else None,
            "delete_url": delete_url,
        },
        fragment="certification/admin/_edit_form.html",
        status_code=status_code,
    )


async def _apply(request, form: Form, call, **kwargs) -> Response | None:
    """Run the service on the valid form and go back to the catalogue; None when the form must be shown again."""
    if await form.run(lambda values: call(actor=request.state.viewer.user, **kwargs, **values)):
        return flash(see_other(request, HOME), _("Saved."))
    return None


# --- levels ---


@router.get("/levels/{level_id}")
async def level_edit(request: Request, viewer: AdminViewer, level_id: Id) -> Response:
    level = await selectors.level_get(level_id=level_id)
    form = Form.initial(LEVEL_FIELDS, {f.name: getattr(level, f.name) for f in LEVEL_FIELDS})
    return _edit_page(
        request,
        form=form,
        title=label(level.level),
        action=f"{HOME}/levels/{level.id}",
        entity=Entity.EXAM_LEVEL,
        entity_id=level.id,
    )


@router.post("/levels/{level_id}")
async def level_update(request: Request, viewer: AdminViewer, level_id: Id) -> Response:
    level = await selectors.level_get(level_id=level_id)
    form = await Form.posted(LEVEL_FIELDS, request)
    done = await _apply(request, form, services.level_update, level=level)
    return done or _edit_page(
        request,
        form=form,
        title=label(level.level),
        action=f"{HOME}/levels/{level.id}",
        entity=Entity.EXAM_LEVEL,
        entity_id=level.id,
        status_code=422,
    )


# --- subjects and paper sections ---


@router.get("/subjects/{subject_id}")
async def subject_edit(request: Request, viewer: AdminViewer, subject_id: Id) -> Response:
    subject = await selectors.subject_get(subject_id=subject_id)
    form = Form.initial(SUBJECT_FIELDS, {f.name: getattr(subject, f.name) for f in SUBJECT_FIELDS})
    return _edit_page(
        request,
        form=form,
        title=subject.code,
        action=f"{HOME}/subjects/{subject.id}",
        entity=Entity.EXAM_SUBJECT,
        entity_id=subject.id,
    )


@router.post("/subjects/{subject_id}")
async def subject_update(request: Request, viewer: AdminViewer, subject_id: Id) -> Response:
    subject = await selectors.subject_get(subject_id=subject_id)
    form = await Form.posted(SUBJECT_FIELDS, request)
    done = await _apply(request, form, services.subject_update, subject=subject)
    return done or _edit_page(
        request,
        form=form,
        title=subject.code,
        action=f"{HOME}/subjects/{subject.id}",
        entity=Entity.EXAM_SUBJECT,
        entity_id=subject.id,
        status_code=422,
    )


@router.get("/subjects/{subject_id}/sections/{section_id}")
async def section_edit(request: Request, viewer: AdminViewer, subject_id: Id, section_id: Id) -> Response:
    section = await selectors.section_get(subject_id=subject_id, section_id=section_id)
    form = Form.initial(SECTION_FIELDS, {"count": section.count, "points": section.points})
    return _edit_page(
        request,
        form=form,
        title=f"{section.subject.code} · {label(section.kind)}",
        action=f"{HOME}/subjects/{subject_id}/sections/{section.id}",
        entity=Entity.PAPER_SECTION,
        entity_id=section.id,
    )


@router.post("/subjects/{subject_id}/sections/{section_id}")
async def section_update(request: Request, viewer: AdminViewer, subject_id: Id, section_id: Id) -> Response:
    section = await selectors.section_get(subject_id=subject_id, section_id=section_id)
    form = await Form.posted(SECTION_FIELDS, request)
    done = await _apply(request, form, services.section_update, section=section)
    return done or _edit_page(
        request,
        form=form,
        title=f"{section.subject.code} · {label(section.kind)}",
        action=f"{HOME}/subjects/{subject_id}/sections/{section.id}",
        entity=Entity.PAPER_SECTION,
        entity_id=section.id,
        status_code=422,
    )


# --- exam years ---


@router.get("/years/new")
async def year_new(request: Request, viewer: AdminViewer) -> Response:
    return _edit_page(
        request,
        form=Form.initial(YEAR_FIELDS),
        title=_("New exam year"),
        action=f"{HOME}/years",
        entity=Entity.EXAM_YEAR,
        entity_id=None,
    )


@router.post("/years")
async def year_create(request: Request, viewer: AdminViewer) -> Response:
    form = await Form.posted(YEAR_FIELDS, request)
    done = await _apply(request, form, services.exam_year_create)
    return done or _edit_page(
        request,
        form=form,
        title=_("New exam year"),
        action=f"{HOME}/years",
        entity=Entity.EXAM_YEAR,
        entity_id=None,
        status_code=422,
    )


@router.get("/years/{year_id}")
async def year_edit(request: Request, viewer: AdminViewer, year_id: Id) -> Response:
    sitting = await selectors.exam_year_get(year_id=year_id)
    form = Form.initial(YEAR_FIELDS, {f.name: getattr(sitting, f.name) for f in YEAR_FIELDS})
    return _edit_page(
        request,
        form=form,
        title=str(sitting.year),
        action=f"{HOME}/years/{sitting.id}",
        entity=Entity.EXAM_YEAR,
        entity_id=sitting.id,
    )


@router.post("/years/{year_id}")
async def year_update(request: Request, viewer: AdminViewer, year_id: Id) -> Response:
    sitting = await selectors.exam_year_get(year_id=year_id)
    form = await Form.posted(YEAR_FIELDS, request)
    done = await _apply(request, form, services.exam_year_update, sitting=sitting)
    return done or _edit_page(
        request,
        form=form,
        title=str(sitting.year),
        action=f"{HOME}/years/{sitting.id}",
        entity=Entity.EXAM_YEAR,
        entity_id=sitting.id,
        status_code=422,
    )


# --- pass lines ---


async def _line_fields():
    options = [(s.code, f"{s.code} {s.name}") for s in await selectors.subjects()]
    return [replace(f, choices=options) if f.name == "subject" else f for f in PASS_LINE_FIELDS]


@router.get("/pass-lines/new")
async def pass_line_new(request: Request, viewer: AdminViewer) -> Response:
    return _edit_page(
        request,
        form=Form.initial(await _line_fields()),
        title=_("New pass line"),
        action=f"{HOME}/pass-lines",
        entity=Entity.PASS_LINE,
        entity_id=None,
    )


@router.post("/pass-lines")
async def pass_line_create(request: Request, viewer: AdminViewer) -> Response:
    form = await Form.posted(await _line_fields(), request)
    done = await _apply(request, form, services.pass_line_create)
    return done or _edit_page(
        request,
        form=form,
        title=_("New pass line"),
        action=f"{HOME}/pass-lines",
        entity=Entity.PASS_LINE,
        entity_id=None,
        status_code=422,
    )


def _line_initial(line) -> dict:
    return {
        "subject": line.subject.code,
        "year": line.year,
        "region_code": line.region.code if line.region_id else "",
        "pass_mark": line.pass_mark,
        "note": line.note,
    }


@router.get("/pass-lines/{line_id}")
async def pass_line_edit(request: Request, viewer: AdminViewer, line_id: Id) -> Response:
    line = await selectors.pass_line_get(line_id=line_id)
    return _edit_page(
        request,
        form=Form.initial(await _line_fields(), _line_initial(line)),
        title=_("Pass line"),
        action=f"{HOME}/pass-lines/{line.id}",
        entity=Entity.PASS_LINE,
        entity_id=line.id,
        delete_url=f"{HOME}/pass-lines/{line.id}/delete",
    )


@router.post("/pass-lines/{line_id}")
async def pass_line_update(request: Request, viewer: AdminViewer, line_id: Id) -> Response:
    line = await selectors.pass_line_get(line_id=line_id)
    form = await Form.posted(await _line_fields(), request)
    done = await _apply(request, form, services.pass_line_update, line=line)
    return done or _edit_page(
        request,
        form=form,
        title=_("Pass line"),
        action=f"{HOME}/pass-lines/{line.id}",
        entity=Entity.PASS_LINE,
        entity_id=line.id,
        status_code=422,
        delete_url=f"{HOME}/pass-lines/{line.id}/delete",
    )


@router.post("/pass-lines/{line_id}/delete")
async def pass_line_delete(request: Request, viewer: AdminViewer, line_id: Id) -> Response:
    line = await selectors.pass_line_get(line_id=line_id)
    await services.pass_line_delete(actor=viewer.user, line=line)
    return flash(see_other(request, HOME), _("Pass line deleted."))


# --- eligibility ---


@router.get("/eligibility/{rule_id}")
async def rule_edit(request: Request, viewer: AdminViewer, rule_id: Id) -> Response:
    rule = await selectors.eligibility_rule_get(rule_id=rule_id)
    form = Form.initial(ELIGIBILITY_FIELDS, {"min_years": rule.min_years, "note": rule.note})
    return _edit_page(
        request,
        form=form,
        title=label(rule.level),
        action=f"{HOME}/eligibility/{rule.id}",
        entity=Entity.ELIGIBILITY_RULE,
        entity_id=rule.id,
    )


@router.post("/eligibility/{rule_id}")
async def rule_update(request: Request, viewer: AdminViewer, rule_id: Id) -> Response:
    rule = await selectors.eligibility_rule_get(rule_id=rule_id)
    form = await Form.posted(ELIGIBILITY_FIELDS, request)
    done = await _apply(request, form, services.eligibility_rule_update, rule=rule)
    return done or _edit_page(
        request,
        form=form,
        title=label(rule.level),
        action=f"{HOME}/eligibility/{rule.id}",
        entity=Entity.ELIGIBILITY_RULE,
        entity_id=rule.id,
        status_code=422,
    )
