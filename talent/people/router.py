"""Workers and employment spells: list, detail, create/edit, hire, exit (inline htmx), transfer."""

from typing import Annotated

from fastapi import Depends, Query, Request
from starlette.responses import Response

from talent.certification import selectors as certification_selectors
from talent.certification.for_people import certificates_of
from talent.core.access import Permission
from talent.core.clock import local_today
from talent.core.codes import choices
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.people import selectors, services
from talent.people.forms import (
    EXIT_FIELDS,
    PRIOR_FIELDS,
    SPELL_FIELDS,
    TRANSFER_FIELDS,
    WORKER_FIELDS,
    worker_create_fields,
)
from talent.people.models import Source
from talent.places import selectors as places
from talent.web import exports
from talent.web.auth import Allowed, CurrentViewer, Viewer
from talent.web.crud import post_form
from talent.web.forms import Form
from talent.web.pages import list_page
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, form_page, is_htmx, render, see_other

router = Router(prefix="/workers", tags=["people"])

Viewing = Allowed(Permission.WORKERS_VIEW)
Editing = Allowed(Permission.WORKERS_EDIT)

STATUS_CHOICES = [("active", N_("Active")), ("left", N_("Left")), ("all", N_("All"))]
WORKER_KEYS = [f.name for f in WORKER_FIELDS]


def _printable(value: str) -> str:
    """Drop control characters from a query value (PostgreSQL refuses NUL in text)."""
    return "".join(ch for ch in value if ch.isprintable()).strip()


async def _list_filters(
    params: Listing,
    status: Annotated[str, Query(max_length=10)] = "active",
    station: Annotated[str, Query(max_length=32)] = "",
    source: Annotated[str, Query(max_length=16)] = "",
) -> tuple[str, str, str]:
    """The list's filters (status, station code, source), cleaned the same way for the page and its export."""
    status = status if status in selectors.STATUSES else "active"
    params.q = _printable(params.q)
    station = _printable(station)
    source = source if source in {s.value for s in Source} else ""
    params.extra = {"status": "" if status == "active" else status, "station": station, "source": source}
    return status, station, source


# The list's `params` are the same object as the page's (FastAPI resolves a dependency once per request): the
# filters go into its query string.
ListFilters = Annotated[tuple[str, str, str], Depends(_list_filters)]


@router.get("")
async def worker_list(request: Request, viewer: Viewing, filters: ListFilters, params: Listing) -> Response:
    status, station, source = filters
    # The filter's station named beside the list's total, where it was read after the page.
    named = {"station_name": lambda: places.station_name_for_code(scope=viewer.scope, code=station)} if station else {}
    page = await selectors.worker_list(
        scope=viewer.scope,
        params=params,
        today=local_today(),
        status=status,
        station_code=station,
        source=source,
        beside=named,
    )
    return list_page(
        request,
        "people/workers.html",
        {
            "page": page,
            "status": status,
            "station": station,
            "station_name": page.beside.get("station_name", ""),
            "source": source,
            "statuses": STATUS_CHOICES,
            "sources": choices(Source),
            "can_edit": viewer.can(Permission.WORKERS_EDIT),
        },
    )


@router.get("/export")
async def worker_export(
    viewer: Viewing,
    filters: ListFilters,
    params: Listing,
    fmt: exports.ExportFormat = "xlsx",
) -> Response:
    """The filtered list (every page) as .xlsx or .csv, in the columns of the workers import."""
    status, station, source = filters
    workers = selectors.worker_export(
        scope=viewer.scope, params=params, today=local_today(), status=status, station_code=station, source=source
    )
    # Phone and ID numbers in full only for those who may see them (a supervisor gets them masked).
    rows = exports.worker_rows(workers, show_sensitive=viewer.can(Permission.WORKERS_SENSITIVE))
    return exports.respond(fmt, "workers", exports.kind_headers("workers"), rows)


@router.get("/suggest")
async def worker_suggest(
    request: Request,
    viewer: Allowed(Permission.PICKERS),
    q: Annotated[str, Query(max_length=100)] = "",
    worker_no: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """Options for a worker lookup; the typed text comes as `q`, or under the lookup input's own name."""
    rows = await selectors.worker_suggest(scope=viewer.scope, q=_printable(q or worker_no))
    return render(request, "people/_suggest.html", {"rows": rows})


def _create_fields(viewer: Viewer):
    # A worker without a hire is seen by nobody but an admin, so everyone else must hire at once.
    return worker_create_fields(hire_required=not viewer.can(Permission.WORKERS_CREATE_UNPLACED))


def _worker_form_page(request, form, *, title, action, worker=None, status_code=200) -> Response:
    context = {"form": form, "title": title, "action": action, "worker": worker}
    return form_page(request, "people/worker_form.html", context, status_code)


@router.get("/new")
async def worker_new(request: Request, viewer: Editing) -> Response:
    form = Form.initial(_create_fields(viewer), {"full_time": True, "source": "other"})
    return _worker_form_page(request, form, title=_("New worker"), action="/workers")


@router.post("")
async def worker_create(request: Request, viewer: Editing) -> Response:
    form, worker = await post_form(request, viewer, _create_fields(viewer), services.worker_create)
    if worker:
        return flash(see_other(request, f"/workers/{worker.id}"), _("Worker created."))
    return _worker_form_page(request, form, title=_("New worker"), action="/workers", status_code=422)


async def _detail_context(viewer: Viewer, worker) -> dict:
    spells = await selectors.worker_spells(scope=viewer.scope, worker_id=worker.id)
    return {
        "worker": worker,
        "spells": spells,
        "prior_experiences": await selectors.worker_prior_experiences(worker=worker),
        "has_active": any(s.end_on is None for s in spells),
        "can_edit": viewer.can(Permission.WORKERS_EDIT),
        # A worker sees their own numbers; staff who may see them, everyone's.
        "show_sensitive": viewer.can(Permission.WORKERS_SENSITIVE) or viewer.can(Permission.OWN_RECORD),
        "can_audit": viewer.can(Permission.AUDIT_VIEW),
    }


@router.get("/{worker_id}")
async def worker_detail(request: Request, viewer: CurrentViewer, worker_id: Id) -> Response:
    # Every role: staff reach the workers in their scope, a worker account its own record only (worker_get).
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    ctx = await _detail_context(viewer, worker)
    ctx["certificates"] = await certificates_of(scope=viewer.scope, worker_id=worker.id)
    ctx["eligibility"] = await certification_selectors.worker_eligibility(
        scope=viewer.scope, worker_id=worker.id, worker=worker, today=local_today()
    )
    return render(request, "people/worker_detail.html", ctx)


@router.get("/{worker_id}/edit")
async def worker_edit(request: Request, viewer: Editing, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    form = Form.initial(WORKER_FIELDS, {k: getattr(worker, k) for k in WORKER_KEYS})
    return _worker_form_page(request, form, title=worker.name, action=f"/workers/{worker.id}", worker=worker)


@router.post("/{worker_id}")
async def worker_update(request: Request, viewer: Editing, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    form, done = await post_form(request, viewer, WORKER_FIELDS, services.worker_update, worker=worker)
    if done:
        return flash(see_other(request, f"/workers/{worker.id}"), _("Saved."))
    return _worker_form_page(
        request, form, title=worker.name, action=f"/workers/{worker.id}", worker=worker, status_code=422
    )


def _exit_page(request, form, worker, spell, status_code=200) -> Response:
    context = {"form": form, "worker": worker, "spell": spell, "action": f"/workers/{worker.id}/spells/{spell.id}/exit"}
    return form_page(request, "people/spell_exit.html", context, status_code, fragment="people/_exit_form.html")


@router.get("/{worker_id}/spells/{spell_id}/exit")
async def spell_exit_form(request: Request, viewer: Editing, worker_id: Id, spell_id: Id) -> Response:
    spell = await selectors.spell_get(scope=viewer.scope, worker_id=worker_id, spell_id=spell_id)
    form = Form.initial(EXIT_FIELDS, {"end_on": local_today()})
    return _exit_page(request, form, spell.worker, spell)


@router.post("/{worker_id}/spells/{spell_id}/exit")
async def spell_exit(request: Request, viewer: Editing, worker_id: Id, spell_id: Id) -> Response:
    spell = await selectors.spell_get(scope=viewer.scope, worker_id=worker_id, spell_id=spell_id)
    worker = spell.worker
    form, done = await post_form(request, viewer, EXIT_FIELDS, services.spell_exit, spell=spell)
    if done:
        notice = _("Exit recorded.")
        if is_htmx(request):
            # The form sits inside the spells table: re-render the whole section in its place.
            ctx = await _detail_context(viewer, worker)
            ctx["notice"] = notice
            return render(
                request,
                "people/_spells.html",
                ctx,
                headers={"HX-Retarget": "#spells", "HX-Reswap": "outerHTML"},
            )
        return flash(see_other(request, f"/workers/{worker.id}"), notice)
    return _exit_page(request, form, worker, spell, status_code=422)


def _transfer_page(request, form, worker, current, status_code=200) -> Response:
    context = {"form": form, "worker": worker, "current": current, "action": f"/workers/{worker.id}/transfer"}
    return form_page(request, "people/transfer.html", context, status_code, fragment="people/_transfer_form.html")


@router.get("/{worker_id}/transfer")
async def transfer_form(request: Request, viewer: Editing, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    current = await selectors.active_spell(scope=viewer.scope, worker_id=worker.id)
    form = Form.initial(TRANSFER_FIELDS, {"full_time": current.full_time if current else True})
    return _transfer_page(request, form, worker, current)


@router.post("/{worker_id}/transfer")
async def transfer(request: Request, viewer: Editing, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    form, done = await post_form(request, viewer, TRANSFER_FIELDS, services.spell_transfer, worker=worker)
    if done:
        return flash(see_other(request, f"/workers/{worker.id}"), _("Transfer recorded."))
    current = await selectors.active_spell(scope=viewer.scope, worker_id=worker.id)
    return _transfer_page(request, form, worker, current, status_code=422)


def _spell_page(request, form, worker, status_code=200) -> Response:
    context = {"form": form, "worker": worker, "action": f"/workers/{worker.id}/spells/new"}
    return form_page(request, "people/spell_form.html", context, status_code)


@router.get("/{worker_id}/spells/new")
async def spell_new(request: Request, viewer: Editing, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    return _spell_page(request, Form.initial(SPELL_FIELDS, {"full_time": True}), worker)


@router.post("/{worker_id}/spells/new")
async def spell_create(request: Request, viewer: Editing, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    form, done = await post_form(request, viewer, SPELL_FIELDS, services.spell_hire, worker=worker)
    if done:
        return flash(see_other(request, f"/workers/{worker.id}"), _("Spell added."))
    return _spell_page(request, form, worker, status_code=422)


# --- prior experience (employer, from, to, kind): counted in the years of social work -------------------------

PRIOR_KEYS = [f.name for f in PRIOR_FIELDS]


def _prior_page(request, form, worker, action, experience=None, status_code=200) -> Response:
    context = {"form": form, "worker": worker, "action": action, "experience": experience}
    return form_page(request, "people/prior_form.html", context, status_code, fragment="people/_prior_form.html")


@router.get("/{worker_id}/experience/new")
async def prior_new(request: Request, viewer: Editing, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    form = Form.initial(PRIOR_FIELDS, {"kind": "social_work"})
    return _prior_page(request, form, worker, f"/workers/{worker.id}/experience/new")


@router.post("/{worker_id}/experience/new")
async def prior_create(request: Request, viewer: Editing, worker_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    form, done = await post_form(request, viewer, PRIOR_FIELDS, services.prior_experience_create, worker=worker)
    if done:
        return flash(see_other(request, f"/workers/{worker.id}#prior"), _("Prior experience added."))
    return _prior_page(request, form, worker, f"/workers/{worker.id}/experience/new", status_code=422)


@router.get("/{worker_id}/experience/{experience_id}")
async def prior_edit(request: Request, viewer: Editing, worker_id: Id, experience_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    experience = await selectors.prior_experience_get(
        scope=viewer.scope, worker_id=worker.id, experience_id=experience_id
    )
    form = Form.initial(PRIOR_FIELDS, {k: getattr(experience, k) for k in PRIOR_KEYS})
    return _prior_page(request, form, worker, f"/workers/{worker.id}/experience/{experience.id}", experience)


@router.post("/{worker_id}/experience/{experience_id}")
async def prior_update(request: Request, viewer: Editing, worker_id: Id, experience_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    experience = await selectors.prior_experience_get(
        scope=viewer.scope, worker_id=worker.id, experience_id=experience_id
    )
    form, done = await post_form(
        request, viewer, PRIOR_FIELDS, services.prior_experience_update, worker=worker, experience=experience
    )
    if done:
        return flash(see_other(request, f"/workers/{worker.id}#prior"), _("Saved."))
    action = f"/workers/{worker.id}/experience/{experience.id}"
    return _prior_page(request, form, worker, action, experience, status_code=422)


@router.post("/{worker_id}/experience/{experience_id}/delete")
async def prior_delete(request: Request, viewer: Editing, worker_id: Id, experience_id: Id) -> Response:
    worker = await selectors.worker_get(scope=viewer.scope, worker_id=worker_id)
    experience = await selectors.prior_experience_get(
        scope=viewer.scope, worker_id=worker.id, experience_id=experience_id
    )
    await services.prior_experience_delete(actor=viewer.user, scope=viewer.scope, worker=worker, experience=experience)
    return flash(see_other(request, f"/workers/{worker.id}#prior"), _("Prior experience deleted."))
