"""The exam catalogue for admins under /admin/exams: levels (carry-over, registration and CE rules),
subjects and their paper structures, exam years, pass lines per subject × year × region, eligibility.
Every edit is audited; the audit log is the history."""

from dataclasses import dataclass, replace

from fastapi import Request
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
from talent.web.routing import Router
from talent.web.templating import flash, form_page, render, see_other

router = Router(prefix="/admin/exams", tags=["admin"])
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


@dataclass(frozen=True)
class _Page:
    """What an edit page shows around its form: the title, where it posts, whose history it links to, and where
    the record may be deleted (pass lines)."""

    title: str
    action: str
    entity: Entity
    entity_id: int | None = None
    delete_url: str | None = None


def _edit_page(request, form: Form, page: _Page, status_code: int = 200) -> Response:
    history = f"/audit?entity={page.entity}&entity_id={page.entity_id}" if page.entity_id else None
    context = {
        "form": form,
        "title": page.title,
        "action": page.action,
        "history": history,
        "delete_url": page.delete_url,
    }
    return form_page(
        request, "certification/admin/edit.html", context, status_code, fragment="certification/admin/_edit_form.html"
    )


def _initial(fields, record) -> Form:
    """The form filled with the record's values of its fields."""
    return Form.initial(fields, {f.name: getattr(record, f.name) for f in fields})


async def _save(request, fields, page: _Page, call, **kwargs) -> Response:
    """Run the service on the posted form and go back to the catalogue; the form again (422) when it has errors."""
    form = await Form.posted(fields, request)
    if await form.run(lambda values: call(actor=request.state.viewer.user, **kwargs, **values)):
        return flash(see_other(request, HOME), _("Saved."))
    return _edit_page(request, form, page, status_code=422)


# --- levels ---


def _level_page(level) -> _Page:
    return _Page(label(level.level), f"{HOME}/levels/{level.id}", Entity.EXAM_LEVEL, level.id)


@router.get("/levels/{level_id}")
async def level_edit(request: Request, viewer: AdminViewer, level_id: Id) -> Response:
    level = await selectors.level_get(level_id=level_id)
    return _edit_page(request, _initial(LEVEL_FIELDS, level), _level_page(level))


@router.post("/levels/{level_id}")
async def level_update(request: Request, viewer: AdminViewer, level_id: Id) -> Response:
    level = await selectors.level_get(level_id=level_id)
    return await _save(request, LEVEL_FIELDS, _level_page(level), services.level_update, level=level)


# --- subjects and paper sections ---


def _subject_page(subject) -> _Page:
    return _Page(subject.code, f"{HOME}/subjects/{subject.id}", Entity.EXAM_SUBJECT, subject.id)


@router.get("/subjects/{subject_id}")
async def subject_edit(request: Request, viewer: AdminViewer, subject_id: Id) -> Response:
    subject = await selectors.subject_get(subject_id=subject_id)
    return _edit_page(request, _initial(SUBJECT_FIELDS, subject), _subject_page(subject))


@router.post("/subjects/{subject_id}")
async def subject_update(request: Request, viewer: AdminViewer, subject_id: Id) -> Response:
    subject = await selectors.subject_get(subject_id=subject_id)
    return await _save(request, SUBJECT_FIELDS, _subject_page(subject), services.subject_update, subject=subject)


def _section_page(section) -> _Page:
    title = f"{section.subject.code} · {label(section.kind)}"
    action = f"{HOME}/subjects/{section.subject_id}/sections/{section.id}"
    return _Page(title, action, Entity.PAPER_SECTION, section.id)


@router.get("/subjects/{subject_id}/sections/{section_id}")
async def section_edit(request: Request, viewer: AdminViewer, subject_id: Id, section_id: Id) -> Response:
    section = await selectors.section_get(subject_id=subject_id, section_id=section_id)
    return _edit_page(request, _initial(SECTION_FIELDS, section), _section_page(section))


@router.post("/subjects/{subject_id}/sections/{section_id}")
async def section_update(request: Request, viewer: AdminViewer, subject_id: Id, section_id: Id) -> Response:
    section = await selectors.section_get(subject_id=subject_id, section_id=section_id)
    return await _save(request, SECTION_FIELDS, _section_page(section), services.section_update, section=section)


# --- exam years ---


def _new_year_page() -> _Page:
    return _Page(_("New exam year"), f"{HOME}/years", Entity.EXAM_YEAR)


def _year_page(sitting) -> _Page:
    return _Page(str(sitting.year), f"{HOME}/years/{sitting.id}", Entity.EXAM_YEAR, sitting.id)


@router.get("/years/new")
async def year_new(request: Request, viewer: AdminViewer) -> Response:
    return _edit_page(request, Form.initial(YEAR_FIELDS), _new_year_page())


@router.post("/years")
async def year_create(request: Request, viewer: AdminViewer) -> Response:
    return await _save(request, YEAR_FIELDS, _new_year_page(), services.exam_year_create)


@router.get("/years/{year_id}")
async def year_edit(request: Request, viewer: AdminViewer, year_id: Id) -> Response:
    sitting = await selectors.exam_year_get(year_id=year_id)
    return _edit_page(request, _initial(YEAR_FIELDS, sitting), _year_page(sitting))


@router.post("/years/{year_id}")
async def year_update(request: Request, viewer: AdminViewer, year_id: Id) -> Response:
    sitting = await selectors.exam_year_get(year_id=year_id)
    return await _save(request, YEAR_FIELDS, _year_page(sitting), services.exam_year_update, sitting=sitting)


# --- pass lines ---


async def _line_fields():
    options = [(s.code, f"{s.code} {s.title}") for s in await selectors.subjects()]
    return [replace(f, choices=options) if f.name == "subject" else f for f in PASS_LINE_FIELDS]


def _line_initial(line) -> dict:
    return {
        "subject": line.subject.code,
        "year": line.year,
        "region_code": line.region.code if line.region_id else "",
        "pass_mark": line.pass_mark,
        "note": line.note,
    }


def _new_line_page() -> _Page:
    return _Page(_("New pass line"), f"{HOME}/pass-lines", Entity.PASS_LINE)


def _line_page(line) -> _Page:
    url = f"{HOME}/pass-lines/{line.id}"
    return _Page(_("Pass line"), url, Entity.PASS_LINE, line.id, delete_url=f"{url}/delete")


@router.get("/pass-lines/new")
async def pass_line_new(request: Request, viewer: AdminViewer) -> Response:
    return _edit_page(request, Form.initial(await _line_fields()), _new_line_page())


@router.post("/pass-lines")
async def pass_line_create(request: Request, viewer: AdminViewer) -> Response:
    return await _save(request, await _line_fields(), _new_line_page(), services.pass_line_create)


@router.get("/pass-lines/{line_id}")
async def pass_line_edit(request: Request, viewer: AdminViewer, line_id: Id) -> Response:
    line = await selectors.pass_line_get(line_id=line_id)
    return _edit_page(request, Form.initial(await _line_fields(), _line_initial(line)), _line_page(line))


@router.post("/pass-lines/{line_id}")
async def pass_line_update(request: Request, viewer: AdminViewer, line_id: Id) -> Response:
    line = await selectors.pass_line_get(line_id=line_id)
    return await _save(request, await _line_fields(), _line_page(line), services.pass_line_update, line=line)


@router.post("/pass-lines/{line_id}/delete")
async def pass_line_delete(request: Request, viewer: AdminViewer, line_id: Id) -> Response:
    line = await selectors.pass_line_get(line_id=line_id)
    await services.pass_line_delete(actor=viewer.user, line=line)
    return flash(see_other(request, HOME), _("Pass line deleted."))


# --- eligibility ---


def _rule_page(rule) -> _Page:
    return _Page(label(rule.level), f"{HOME}/eligibility/{rule.id}", Entity.ELIGIBILITY_RULE, rule.id)


@router.get("/eligibility/{rule_id}")
async def rule_edit(request: Request, viewer: AdminViewer, rule_id: Id) -> Response:
    rule = await selectors.eligibility_rule_get(rule_id=rule_id)
    return _edit_page(request, _initial(ELIGIBILITY_FIELDS, rule), _rule_page(rule))


@router.post("/eligibility/{rule_id}")
async def rule_update(request: Request, viewer: AdminViewer, rule_id: Id) -> Response:
    rule = await selectors.eligibility_rule_get(rule_id=rule_id)
    return await _save(request, ELIGIBILITY_FIELDS, _rule_page(rule), services.eligibility_rule_update, rule=rule)
