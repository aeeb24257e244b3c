"""Supervision pages under /supervision: the expert pool (list, search by expertise and region, profile, form),
assignments of supervisors to stations, coverage per region with the uncovered stations, and a supervisor's own
page. Sessions and mentees are talent.cohorts' (its router adds /supervision/sessions and the mentees here)."""

from functools import partial
from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from talent.cohorts import selectors as cohort_selectors
from talent.core.access import Permission
from talent.core.clock import local_today
from talent.core.codes import choices
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.places.access import can_write_under
from talent.places.pages import RecordPages, new_page, record_posted, region_from_form, rule_values, rule_withdrawn
from talent.places.selectors import region_for_code
from talent.supervision import selectors, services
from talent.supervision.access import may_assign, supervisor_editable
from talent.supervision.forms import ASSIGNMENT_FIELDS, CE_RULE_FIELDS, END_FIELDS, SUPERVISOR_FIELDS
from talent.supervision.models import Affiliation, Supervisor
from talent.web.auth import Allowed, Viewer
from talent.web.crud import outcome, page_with_form, post_form
from talent.web.errors import Forbidden
from talent.web.forms import Form
from talent.web.pages import list_page, option_reads
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, render, see_other

router = Router(tags=["supervision"])

# Who keeps the expert pool's profiles and CE rules (_may_keep_pool: and a region of their own, or the country).
PoolKeeper = Allowed(Permission.SUPERVISORS_EDIT)

Code = Annotated[str, Query(max_length=32)]
RegionCode = Annotated[str, Query(max_length=12)]


SUPERVISORS = RecordPages(
    "/supervision",
    N_("Supervisors"),
    N_("New supervisor"),
    selectors.supervisor_get,
    supervisor_editable,
    "/supervision/supervisors",
)


@router.get("/supervision")
async def supervisor_list(
    request: Request,
    viewer: Allowed(Permission.SUPERVISORS_VIEW),
    params: Listing,
    expertise: Code = "",
    kind: Code = "",
    region: RegionCode = "",
) -> Response:
    kind = kind if kind in {a.value for a in Affiliation} else ""
    place = await region_for_code(scope=viewer.scope, code=region.strip())
    params.extra = {"expertise": expertise, "kind": kind, "region": place.code if place else ""}
    # The form's options read beside the list's total, where after its page they waited for it.
    reads = option_reads(request, facets=lambda: selectors.expertise_facets(scope=viewer.scope))
    page = await selectors.supervisor_list(
        scope=viewer.scope,
        params=params,
        today=local_today(),
        expertise=expertise,
        region=place,
        kind=kind,
        beside=reads,
    )
    context = {
        "page": page,
        **page.beside,
        "expertise": expertise,
        "kind": kind,
        "region": place,
        "region_typed": region.strip(),
        "affiliations": choices(Affiliation),
    }
    return list_page(request, "supervision/supervisors.html", context)


# ── profiles ─────────────────────────────────────────────────────────────────────────────────────

PROFILE_VALUES = [f.name for f in SUPERVISOR_FIELDS if f.name != "region_code"]


def _may_keep_pool(viewer: Viewer) -> None:
    if not may_assign(viewer.scope):
        raise Forbidden()


async def _profile_values(viewer: Viewer, form: Form, cleaned: dict) -> dict | None:
    region = await region_from_form(viewer.scope, form)
    if form.errors:
        return None
    return {name: cleaned[name] for name in PROFILE_VALUES} | {"region": region}


@router.get("/supervision/supervisors/new")
async def supervisor_new(request: Request, viewer: PoolKeeper) -> Response:
    _may_keep_pool(viewer)
    initial = {"active": True, "affiliation_type": Affiliation.UNIVERSITY.value}
    if viewer.scope.region_path:
        place = await selectors.coverage_region(scope=viewer.scope)
        initial["region_code"] = place.code if place else ""
    return SUPERVISORS.new(request, Form.initial(SUPERVISOR_FIELDS, initial))


@router.post("/supervision/supervisors")
async def supervisor_create(request: Request, viewer: PoolKeeper) -> Response:
    _may_keep_pool(viewer)
    create = services.supervisor_create
    return await SUPERVISORS.create(request, viewer, SUPERVISOR_FIELDS, _profile_values, create)


@router.get("/supervision/supervisors/{supervisor_id}")
async def supervisor_detail(
    request: Request, viewer: Allowed(Permission.SUPERVISORS_VIEW), supervisor_id: Id
) -> Response:
    supervisor = await selectors.supervisor_get(scope=viewer.scope, supervisor_id=supervisor_id)
    return await _detail(request, viewer, supervisor, Form.initial(ASSIGNMENT_FIELDS, {"is_primary": True}))


async def _detail(request: Request, viewer: Viewer, supervisor: Supervisor, form: Form, status_code: int = 200):
    today = local_today()
    assignments = await selectors.supervisor_assignments(scope=viewer.scope, supervisor=supervisor)
    mentees = await cohort_selectors.mentee_count(scope=viewer.scope, supervisor_id=supervisor.id, today=today)
    sessions = await cohort_selectors.session_summary(scope=viewer.scope, supervisor_id=supervisor.id)
    context = {
        "supervisor": supervisor,
        "assignments": assignments,
        "active": [a for a in assignments if a.start_on <= today and (a.end_on is None or a.end_on >= today)],
        "mentees": mentees,
        "sessions": sessions,
        "today": today,
        "editable": supervisor_editable(viewer.scope, supervisor),
        "may_assign": may_assign(viewer.scope) and viewer.can(Permission.SUPERVISION_COVERAGE),
        "form": form,
        "action": f"/supervision/supervisors/{supervisor.id}/assignments",
    }
    return page_with_form(
        request, "supervision/supervisor_detail.html", context, "supervision/_assign_form.html", status_code
    )


@router.get("/supervision/supervisors/{supervisor_id}/edit")
async def supervisor_edit(request: Request, viewer: PoolKeeper, supervisor_id: Id) -> Response:
    supervisor = await SUPERVISORS.to_edit(viewer, supervisor_id=supervisor_id)
    initial = {name: getattr(supervisor, name) for name in PROFILE_VALUES if name != "expertise"}
    initial["expertise"] = "、".join(t.tag for t in supervisor.expertise)
    initial["region_code"] = supervisor.region.code if supervisor.region else ""
    return SUPERVISORS.edit(request, Form.initial(SUPERVISOR_FIELDS, initial), supervisor)


@router.post("/supervision/supervisors/{supervisor_id}")
async def supervisor_update(request: Request, viewer: PoolKeeper, supervisor_id: Id) -> Response:
    supervisor = await SUPERVISORS.to_edit(viewer, supervisor_id=supervisor_id)
    update = services.supervisor_update
    return await SUPERVISORS.update(request, viewer, SUPERVISOR_FIELDS, _profile_values, update, supervisor=supervisor)


# ── assignments ──────────────────────────────────────────────────────────────────────────────────


@router.post("/supervision/supervisors/{supervisor_id}/assignments")
async def assignment_create(
    request: Request, viewer: Allowed(Permission.SUPERVISION_COVERAGE), supervisor_id: Id
) -> Response:
    supervisor = await selectors.supervisor_get(scope=viewer.scope, supervisor_id=supervisor_id)
    if not may_assign(viewer.scope):
        raise Forbidden()
    create = services.assignment_create
    form, assigned = await post_form(request, viewer, ASSIGNMENT_FIELDS, create, supervisor_id=supervisor.id)
    again = partial(_detail, request, viewer, supervisor, status_code=422)
    url = SUPERVISORS.record_url(supervisor)
    return await outcome(request, form, assigned, done=url, again=again, message=_("Assigned."))


@router.post("/supervision/assignments/{assignment_id}/end")
async def assignment_end(
    request: Request, viewer: Allowed(Permission.SUPERVISION_COVERAGE), assignment_id: Id
) -> Response:
    assignment = await selectors.assignment_get(scope=viewer.scope, assignment_id=assignment_id)
    form, ended = await post_form(request, viewer, END_FIELDS, services.assignment_end, assignment=assignment)
    url = f"/supervision/supervisors/{assignment.supervisor_id}"
    if ended:
        return flash(see_other(request, url), _("Assignment ended."))
    return flash(see_other(request, url), next(iter(form.errors.values())), "danger")


# ── coverage ─────────────────────────────────────────────────────────────────────────────────────


@router.get("/supervision/coverage")
async def coverage(
    request: Request, viewer: Allowed(Permission.SUPERVISION_COVERAGE), region: RegionCode = ""
) -> Response:
    place = await selectors.coverage_region(scope=viewer.scope, code=region.strip())
    today = local_today()
    figures = await selectors.coverage(scope=viewer.scope, region=place, today=today)
    loads = await selectors.region_loads(scope=viewer.scope, region=place, today=today)
    mentees = await cohort_selectors.mentee_loads(supervisor_ids=[r["supervisor_id"] for r in loads], today=today)
    context = {
        "region": place,
        "figures": figures,
        "today": today,
        "loads": loads,
        "mentees": mentees,
        # Drilled down below the viewer's own view (a bureau's region, or the country for an admin).
        "below_top": place is not None and place.path != (viewer.scope.region_path or ""),
    }
    return render(request, "supervision/coverage.html", context)


@router.get("/supervision/coverage/uncovered")
async def uncovered(
    request: Request, viewer: Allowed(Permission.SUPERVISION_COVERAGE), params: Listing, region: RegionCode = ""
) -> Response:
    place = await selectors.coverage_region(scope=viewer.scope, code=region.strip())
    params.extra = {"region": place.code if place else ""}
    page = await selectors.uncovered_stations(scope=viewer.scope, region=place, today=local_today(), params=params)
    context = {"page": page, "region": place}
    return list_page(request, "supervision/uncovered.html", context)


# ── the CE rule of sessions ──────────────────────────────────────────────────────────────────────

CE_RULES = "/supervision/ce-rules"


def ce_rules_crumb() -> tuple[str, str]:
    return (CE_RULES, _("CE rules of supervision"))


@router.get(CE_RULES)
async def ce_rule_list(request: Request, viewer: PoolKeeper, params: Listing) -> Response:
    page = await selectors.ce_rule_list(scope=viewer.scope, params=params)
    today = local_today()
    # A rule not yet in force may be withdrawn by whoever may add it; one in force is kept.
    withdrawable = {
        r.id for r in page.items if r.effective_from > today and can_write_under(viewer.scope, r.region_path)
    }
    context = {"page": page, "may_add": may_assign(viewer.scope), "withdrawable": withdrawable}
    return list_page(request, "supervision/ce_rules.html", context)


def _new_rule_page(request: Request, form: Form, status_code: int = 200) -> Response:
    return new_page(request, form, ce_rules_crumb(), _("New CE rule of supervision"), status_code=status_code)


@router.get(f"{CE_RULES}/new")
async def ce_rule_new(request: Request, viewer: PoolKeeper) -> Response:
    _may_keep_pool(viewer)
    initial = {"counts": True, "max_share": "1"}
    if viewer.scope.region_path:
        place = await selectors.coverage_region(scope=viewer.scope)
        initial["region_code"] = place.code if place else ""
    return _new_rule_page(request, Form.initial(CE_RULE_FIELDS, initial))


@router.post(CE_RULES)
async def ce_rule_create(request: Request, viewer: PoolKeeper) -> Response:
    _may_keep_pool(viewer)
    again = partial(_new_rule_page, request, status_code=422)
    return await record_posted(
        request, viewer, CE_RULE_FIELDS, rule_values, services.session_ce_rule_create, done=CE_RULES, again=again
    )


@router.post(CE_RULES + "/{rule_id}/delete")
async def ce_rule_delete(request: Request, viewer: PoolKeeper, rule_id: Id) -> Response:
    _may_keep_pool(viewer)
    rule = await selectors.ce_rule_get(scope=viewer.scope, rule_id=rule_id)
    return await rule_withdrawn(request, viewer, services.session_ce_rule_delete, rule, CE_RULES)


# ── a supervisor's own page ──────────────────────────────────────────────────────────────────────


@router.get("/supervision/mine")
async def mine(request: Request, viewer: Allowed(Permission.SUPERVISION_MINE)) -> Response:
    today = local_today()
    profile = await selectors.supervisor_of_user(user_id=viewer.user.id)
    assignments = await selectors.my_assignments(user_id=viewer.user.id, today=today)
    mentees = await cohort_selectors.my_mentees(user_id=viewer.user.id, today=today)
    sessions = await cohort_selectors.recent_sessions(scope=viewer.scope, user_id=viewer.user.id)
    context = {"profile": profile, "assignments": assignments, "mentees": mentees, "sessions": sessions}
    return render(request, "supervision/mine.html", context)
