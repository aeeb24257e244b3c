"""Materials: add (upload or link), new versions, history (staff), and downloads as attachments."""

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from courses.catalog.access import can_author
from courses.materials import selectors, services
from courses.materials.forms import MATERIAL_FIELDS, VERSION_FIELDS
from courses.pages import Author, CourseReader, Staff, authored_course, course_of
from talent.core.errors import ServiceError
from talent.core.i18n import gettext as _
from talent.core.storage import UPLOADS
from talent.web import uploads
from talent.web.forms import Form
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, render, see_other

router = Router(prefix="/courses", tags=["courses"])
# Upload refusals name the file input (or the link), which are no fields of the form: so these posts map a
# ServiceError themselves rather than through Form.run (which would move it to the form-wide message).
UPLOAD_FIELDS = ("file", "url")


def _material_form_page(request, form, course, status_code=200) -> Response:
    return render(
        request,
        "courses/material_form.html",
        {"form": form, "course": course, "action": f"/courses/{course.id}/materials", "max_mb": uploads.max_mb()},
        fragment="courses/_material_form.html",
        status_code=status_code,
    )


@router.get("/{course_id}/materials/new")
async def material_new(request: Request, viewer: Author, course_id: Id) -> Response:
    course = await authored_course(viewer, course_id)
    return _material_form_page(request, Form.initial(MATERIAL_FIELDS), course)


@router.post("/{course_id}/materials")
async def material_create(request: Request, viewer: Author, course_id: Id) -> Response:
    course = await authored_course(viewer, course_id)
    if uploads.body_too_big(request):
        form = Form.initial(MATERIAL_FIELDS)
        form.errors["file"] = uploads.too_big_message()
        return _material_form_page(request, form, course, status_code=422)
    data = await request.form()
    form = Form.bind(MATERIAL_FIELDS, data)
    if form.validate():
        try:
            material = await services.material_create(
                actor=viewer.user,
                scope=viewer.scope,
                course=course,
                title=form.cleaned["title"],
                upload=uploads.upload_field(data),
                url=form.cleaned.get("url"),
                change_note=form.cleaned.get("change_note") or "",
            )
        except ServiceError as exc:
            form.errors[exc.field if exc.field in UPLOAD_FIELDS else "__all__"] = exc.message
        else:
            return flash(see_other(request, f"/courses/{course.id}/materials/{material.id}"), _("Material added."))
    return _material_form_page(request, form, course, status_code=422)


def _material_page(request, viewer, course, material, history, form, status_code=200) -> Response:
    return render(
        request,
        "courses/material.html",
        {
            "course": course,
            "material": material,
            "history": history,
            "form": form,
            "can_author": can_author(viewer.scope, course),
            "action": f"/courses/{course.id}/materials/{material.id}/versions",
            "max_mb": uploads.max_mb(),
        },
        fragment="courses/_version_form.html" if status_code != 200 else None,
        status_code=status_code,
    )


@router.get("/{course_id}/materials/{material_id}")
async def material_detail(request: Request, viewer: Staff, course_id: Id, material_id: Id) -> Response:
    course = await course_of(viewer, course_id)
    material = await selectors.material_get(course=course, material_id=material_id)
    history = await selectors.material_history(material=material)
    return _material_page(request, viewer, course, material, history, Form.initial(VERSION_FIELDS))


@router.post("/{course_id}/materials/{material_id}/versions")
async def version_create(request: Request, viewer: Author, course_id: Id, material_id: Id) -> Response:
    course = await authored_course(viewer, course_id)
    material = await selectors.material_get(course=course, material_id=material_id)
    if uploads.body_too_big(request):
        form = Form.initial(VERSION_FIELDS)
        form.errors["file"] = uploads.too_big_message()
    else:
        data = await request.form()
        form = Form.bind(VERSION_FIELDS, data)
        if form.validate():
            try:
                await services.material_add_version(
                    actor=viewer.user,
                    scope=viewer.scope,
                    course=course,
                    material=material,
                    upload=uploads.upload_field(data),
                    url=form.cleaned.get("url"),
                    change_note=form.cleaned["change_note"],
                )
            except ServiceError as exc:
                form.errors[exc.field if exc.field in UPLOAD_FIELDS else "__all__"] = exc.message
            else:
                url = f"/courses/{course.id}/materials/{material.id}"
                return flash(see_other(request, url), _("New version saved."))
    history = await selectors.material_history(material=material)
    return _material_page(request, viewer, course, material, history, form, status_code=422)


def _serve(version) -> Response:
    if version.url:
        return RedirectResponse(version.url, status_code=303)
    return uploads.attachment(
        UPLOADS.path(version.sha256), content_type=version.content_type, file_name=version.file_name
    )


@router.get("/{course_id}/materials/{material_id}/download")
async def material_download(request: Request, viewer: CourseReader, course_id: Id, material_id: Id) -> Response:
    course = await course_of(viewer, course_id)
    material = await selectors.material_get(course=course, material_id=material_id)
    return _serve(await selectors.version_get(material=material))


@router.get("/{course_id}/materials/{material_id}/versions/{version_id}/download")
async def version_download(request: Request, viewer: Staff, course_id: Id, material_id: Id, version_id: Id) -> Response:
    course = await course_of(viewer, course_id)
    material = await selectors.material_get(course=course, material_id=material_id)
    return _serve(await selectors.version_get(material=material, version_id=version_id))
