"""Pages of incubation cohorts (/cohorts) and of supervision sessions (/supervision/sessions)."""

import calendar
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from talent.certification.selectors import subjects
from talent.cohorts import outcomes as cohort_outcomes
from talent.cohorts import selectors, services
from talent.cohorts.access import may_run
from talent.cohorts.forms import COHORT_FIELDS, member_fields, mentor_fields, milestone_fields, session_fields
from talent.cohorts.learning import learning
from talent.cohorts.models import Cohort, CohortKind, MilestoneKind
from talent.cohorts.rules import RETENTION_DAYS
from talent.core.access import Permission
from talent.core.clock import local_today
from talent.core.codes import choices
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.places.pages import RecordPages, region_from_form, saved
from talent.supervision import selectors as supervision_selectors
from talent.web.auth import Allowed, Viewer
from talent.web.errors import Forbidden
from talent.web.forms import Form
from talent.web.pages import list_page
from talent.web.pagination import Listing, code_filter
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, form_page, render, see_other

router = Router(tags=["cohorts"])

# Who runs cohorts: their members, milestones and marks (_runner and cohorts.access.may_run say which cohorts).
Runner = Allowed(Permission.COHORTS_EDIT)

Code = Annotated[str, Query(max_length=32)]

# ── supervision sessions ─────────────────────────────────────────────────────────────────────────


@router.get("/supervision/sessions")
async def session_list(
    request: Request,
    viewer: Allowed(Permission.SESSIONS_VIEW),
    params: Listing,
    supervisor: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    params.extra = {"supervisor": str(supervisor) if supervisor else ""}
    page = await selectors.session_list(scope=viewer.scope, params=params, supervisor_id=supervisor)
    return list_page(request, "supervision/sessions.html", {"page": page})


async def _my_station_choices(viewer: Viewer) -> list[tuple[str, str]]:
    assignments = await supervision_selectors.my_assignments(user_id=viewer.user.id, today=local_today())
    return [(a.station.code, f"{a.station.name} ({a.station.code})") for a in assignments]


async def _session_page(
    request: Request, viewer: Viewer, form: Form, checked: set[int], status_code: int = 200
) -> Response:
    code = form.data.get("station_code", "")
    station = next(
        (
            a.station
            for a in await supervision_selectors.my_assignments(user_id=viewer.user.id, today=local_today())
            if a.station.code == code
        ),
        None,
    )
    day = form.cleaned.get("held_on") if isinstance(form.cleaned.get("held_on"), date) else local_today()
    workers = await selectors.station_workers(station_id=station.id, day=day) if station else []
    ce_rule = await supervision_selectors.session_ce_rule(region_path=station.region_path, on=day) if station else None
    context = {
        "form": form,
        "workers": workers,
        "ce_rule": ce_rule,
        "checked": checked,
        "station": station,
        "page_title": _("Log a supervision session"),
        "crumbs": [("/supervision/mine", _("My stations and mentees"))],
        "fragment": "supervision/_session_form.html",
    }
    return form_page(request, "layouts/form_page.html", context, status_code, fragment="supervision/_session_form.html")


@router.get("/supervision/sessions/new")
async def session_new(
    request: Request,
    viewer: Allowed(Permission.SUPERVISION_MINE),
    station_code: Code = "",
    held_on: Annotated[date | None, Query()] = None,
) -> Response:
    """The form; choosing a station (htmx sends the form's values here) shows its workers on the chosen day."""
    stations = await _my_station_choices(viewer)
    codes = {c for c, _label in stations}
    code = station_code if station_code in codes else (stations[0][0] if len(stations) == 1 else "")
    day = held_on if held_on and held_on <= local_today() else local_today()
    initial = {"station_code": code, "held_on": day, "format": "on_site", "hours": "2"}
    form = Form.initial(session_fields(stations), initial)
    form.cleaned["held_on"] = day
    return await _session_page(request, viewer, form, set())


@router.post("/supervision/sessions")
async def session_create(request: Request, viewer: Allowed(Permission.SUPERVISION_MINE)) -> Response:
    stations = await _my_station_choices(viewer)
    posted = await request.form()
    form = Form.bind(session_fields(stations), posted)
    attendees = {int(v) for v in posted.getlist("attendees") if str(v).isdigit() and len(str(v)) < 10}
    if posted.get("refresh"):
        # "Show the station's workers" without JavaScript: the same form again, for the chosen station and day.
        form.validate()
        form.errors.clear()
        return await _session_page(request, viewer, form, attendees)

    async def create(cleaned: dict):
        return await services.session_log(
            actor=viewer.user,
            scope=viewer.scope,
            station_code=cleaned["station_code"],
            held_on=cleaned["held_on"],
            hours=cleaned["hours"],
            format=cleaned["format"],
            topics=cleaned["topics"] or "",
            attendee_ids=sorted(attendees),
            ce_hours=cleaned["ce_hours"] or Decimal(0),
            today=local_today(),
        )

    if session := await form.run(create):
        return flash(see_other(request, f"/supervision/sessions/{session.id}"), _("Session logged."))
    return await _session_page(request, viewer, form, attendees, status_code=422)


@router.get("/supervision/sessions/calendar")
async def session_calendar(
    request: Request, viewer: Allowed(Permission.SUPERVISION_MINE), month: Annotated[str, Query(max_length=7)] = ""
) -> Response:
    today = local_today()
    try:
        first = date.fromisoformat(month + "-01") if month else today.replace(day=1)
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    rows = await selectors.session_calendar(scope=viewer.scope, user_id=viewer.user.id, first=first, last=last)
    by_day: dict[date, list] = {}
    for row in rows:
        by_day.setdefault(row["held_on"], []).append(row)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    previous = (first - date.resolution).replace(day=1)
    following = (last + date.resolution).replace(day=1)
    context = {
        "weeks": weeks,
        "by_day": by_day,
        "first": first,
        "previous": previous.isoformat()[:7],
        "following": following.isoformat()[:7],
        "today": today,
    }
    return render(request, "supervision/calendar.html", context)


@router.get("/supervision/sessions/{session_id}")
async def session_detail(request: Request, viewer: Allowed(Permission.SESSIONS_VIEW), session_id: Id) -> Response:
    session = await selectors.session_get(scope=viewer.scope, session_id=session_id)
    return render(request, "supervision/session_detail.html", {"session": session})


# ── cohorts ──────────────────────────────────────────────────────────────────────────────────────


COHORTS = RecordPages("/cohorts", N_("Cohorts"), N_("New cohort"), selectors.cohort_get, may_run)


@router.get("/cohorts")
async def cohort_list(
    request: Request, viewer: Allowed(Permission.COHORTS_VIEW), params: Listing, kind: Code = ""
) -> Response:
    kind = code_filter(params, "kind", kind, CohortKind)
    page = await selectors.cohort_list(scope=viewer.scope, params=params, kind=kind)
    context = {"page": page, "kind": kind, "kinds": choices(CohortKind)}
    return list_page(request, "cohorts/cohorts.html", context)


COHORT_VALUES = [f.name for f in COHORT_FIELDS if f.name != "region_code"]


async def _cohort_values(viewer: Viewer, form: Form, cleaned: dict) -> dict | None:
    region = await region_from_form(viewer.scope, form)
    if form.errors:
        return None
    values = {name: cleaned[name] for name in COHORT_VALUES}
    values["organisation"] = values["organisation"] or ""
    values["description"] = values["description"] or ""
    return values | {"region": region}


def _runner(viewer: Viewer) -> None:
    """Admins, and bureaus with a region, run cohorts (which ones: cohorts.access.may_run)."""
    if not (viewer.scope.is_admin or may_run(viewer.scope, region_path=viewer.scope.region_path)):
        raise Forbidden()


@router.get("/cohorts/new")
async def cohort_new(request: Request, viewer: Runner) -> Response:
    _runner(viewer)
    region = await supervision_selectors.coverage_region(scope=viewer.scope)
    initial = {
        "kind": CohortKind.INTERNAL.value,
        "start_on": local_today(),
        "region_code": region.code if region else "",
    }
    return COHORTS.new(request, Form.initial(COHORT_FIELDS, initial))


@router.post("/cohorts")
async def cohort_create(request: Request, viewer: Runner) -> Response:
    _runner(viewer)
    return await COHORTS.create(request, viewer, COHORT_FIELDS, _cohort_values, services.cohort_create)


@router.get("/cohorts/mine")
async def my_cohort(request: Request, viewer: Allowed(Permission.MY_COHORT)) -> Response:
    today = local_today()
    memberships = await selectors.my_memberships(worker_id=viewer.scope.worker_id or 0)
    rows = []
    for member in memberships:
        milestones = await selectors.milestones_of(cohort=member.cohort)
        cells = await selectors.progress(cohort=member.cohort, milestones=milestones, members=[member], today=today)
        rows.append({"member": member, "milestones": [(m, cells[(m.id, member.id)]) for m in milestones]})
    return render(request, "cohorts/mine.html", {"rows": rows, "today": today})


async def _grid_context(viewer: Viewer, cohort: Cohort, params) -> dict:
    today = local_today()
    milestones = await selectors.milestones_of(cohort=cohort)
    page = await selectors.member_page(scope=viewer.scope, cohort=cohort, params=params)
    cells = await selectors.progress(cohort=cohort, milestones=milestones, members=page.items, today=today)
    return {
        "cohort": cohort,
        "milestones": milestones,
        "page": page,
        "cells": cells,
        "today": today,
        "runner": may_run(viewer.scope, cohort) and viewer.can(Permission.COHORTS_EDIT),
    }


@router.get("/cohorts/{cohort_id}")
async def cohort_detail(
    request: Request, viewer: Allowed(Permission.COHORTS_VIEW), cohort_id: Id, params: Listing
) -> Response:
    cohort = await selectors.cohort_get(scope=viewer.scope, cohort_id=cohort_id)
    params.per_page = min(params.per_page, 50)
    context = await _grid_context(viewer, cohort, params)
    context["counts"] = await selectors.milestone_counts(
        scope=viewer.scope, cohort=cohort, milestones=context["milestones"], today=context["today"]
    )
    context["member_count"] = context["page"].total
    context["course_titles"] = await _course_titles(viewer, context["milestones"])
    return render(request, "cohorts/cohort_detail.html", context, fragment="cohorts/_grid.html")


async def _course_titles(viewer: Viewer, milestones) -> dict[int, str]:
    side = learning()
    ids = [m.course_id for m in milestones if m.kind == MilestoneKind.COURSE]
    if side is None or not ids:
        return {}
    rows = await (await side.courses(viewer.scope, local_today())).filter(id__in=ids).values("id", "title")
    return {r["id"]: r["title"] for r in rows}


@router.get("/cohorts/{cohort_id}/edit")
async def cohort_edit(request: Request, viewer: Runner, cohort_id: Id) -> Response:
    cohort = await COHORTS.to_edit(viewer, cohort_id=cohort_id)
    initial = {name: getattr(cohort, name) for name in COHORT_VALUES if name != "organisation"}
    initial["organisation"] = cohort.organisation.name if cohort.organisation else ""
    initial["region_code"] = cohort.region.code
    return COHORTS.edit(request, Form.initial(COHORT_FIELDS, initial), cohort)


@router.post("/cohorts/{cohort_id}")
async def cohort_update(request: Request, viewer: Runner, cohort_id: Id) -> Response:
    cohort = await COHORTS.to_edit(viewer, cohort_id=cohort_id)
    return await COHORTS.update(request, viewer, COHORT_FIELDS, _cohort_values, services.cohort_update, cohort=cohort)


# ── members ──────────────────────────────────────────────────────────────────────────────────────


async def _mentor_choices(viewer: Viewer, cohort: Cohort, keep: int | None = None) -> list[tuple[str, str]]:
    """The mentors offered for the cohort's members: its region's pool, and the member's mentor (`keep`)."""
    return await supervision_selectors.supervisor_choices(scope=viewer.scope, region_path=cohort.region_path, keep=keep)


def _below_cohort(
    request: Request, cohort: Cohort, form: Form, status_code: int, part: str, fragment: str, context: dict
) -> Response:
    """A form page below a cohort's (where Back leads), its form the `fragment` posting to the cohort's `part`;
    `context`: the page's title and heading, and more."""
    url = COHORTS.record_url(cohort)
    context |= {"form": form, "action": f"{url}/{part}", "back": url, "fragment": fragment}
    context["crumbs"] = [COHORTS.crumb(), (url, cohort.name)]
    return form_page(request, "layouts/form_page.html", context, status_code, fragment=fragment)


def _members_page(request: Request, cohort: Cohort, form: Form, status_code: int = 200) -> Response:
    context = {"page_title": _("Add members"), "heading": _("Add members to %(name)s") % {"name": cohort.name}}
    return _below_cohort(request, cohort, form, status_code, "members", "cohorts/_member_form.html", context)


@router.get("/cohorts/{cohort_id}/members/new")
async def member_new(request: Request, viewer: Runner, cohort_id: Id) -> Response:
    cohort = await COHORTS.to_edit(viewer, cohort_id=cohort_id)
    return _members_page(request, cohort, Form.initial(member_fields(await _mentor_choices(viewer, cohort))))


def _numbers(text: str | None) -> list[str]:
    return [n for n in (text or "").replace(",", " ").replace("，", " ").replace("、", " ").split() if n]


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


@router.post("/cohorts/{cohort_id}/members")
async def member_add(request: Request, viewer: Runner, cohort_id: Id) -> Response:
    cohort = await COHORTS.to_edit(viewer, cohort_id=cohort_id)
    form = await Form.posted(member_fields(await _mentor_choices(viewer, cohort)), request)

    async def add(cleaned: dict):
        return await services.members_add(
            actor=viewer.user,
            scope=viewer.scope,
            cohort=cohort,
            worker_nos=_numbers(cleaned["worker_nos"]),
            station_code=cleaned["station_code"] or "",
            mentor_id=_int(cleaned["mentor"]),
            joined_on=cleaned["joined_on"],
            today=local_today(),
        )

    if result := await form.run(add):
        message = _("%(n)s members added.") % {"n": result["added"]}
        if result["skipped"]:
            message += " " + _("Already members: %(list)s.") % {"list": ", ".join(result["skipped"][:20])}
        return flash(see_other(request, f"/cohorts/{cohort.id}"), message)
    return _members_page(request, cohort, form, status_code=422)


@router.get("/cohorts/{cohort_id}/members/{member_id}")
async def member_detail(
    request: Request, viewer: Allowed(Permission.COHORTS_VIEW), cohort_id: Id, member_id: Id
) -> Response:
    cohort = await selectors.cohort_get(scope=viewer.scope, cohort_id=cohort_id)
    member = await selectors.member_get(scope=viewer.scope, cohort=cohort, member_id=member_id)
    return await _member_page(request, viewer, cohort, member, None)


async def _member_page(request, viewer, cohort, member, form: Form | None, status_code: int = 200) -> Response:
    runner = may_run(viewer.scope, cohort) and viewer.can(Permission.COHORTS_EDIT)
    if form is None and runner:
        choices = await _mentor_choices(viewer, cohort, keep=member.mentor_id)
        form = Form.initial(mentor_fields(choices), {"mentor": member.mentor_id})
    milestones = await selectors.milestones_of(cohort=cohort)
    cells = await selectors.progress(cohort=cohort, milestones=milestones, members=[member], today=local_today())
    context = {
        "cohort": cohort,
        "member": member,
        "form": form,
        "runner": runner,
        "milestones": [(m, cells[(m.id, member.id)]) for m in milestones],
    }
    return render(request, "cohorts/member_detail.html", context, status_code=status_code)


@router.post("/cohorts/{cohort_id}/members/{member_id}/mentor")
async def member_mentor(request: Request, viewer: Runner, cohort_id: Id, member_id: Id) -> Response:
    cohort = await COHORTS.to_edit(viewer, cohort_id=cohort_id)
    member = await selectors.member_get(scope=viewer.scope, cohort=cohort, member_id=member_id)
    form = await Form.posted(mentor_fields(await _mentor_choices(viewer, cohort, keep=member.mentor_id)), request)

    async def set_mentor(cleaned: dict):
        return await services.member_set_mentor(
            actor=viewer.user, scope=viewer.scope, member=member, mentor_id=_int(cleaned["mentor"]), today=local_today()
        )

    if await form.run(set_mentor):
        return saved(request, f"/cohorts/{cohort.id}/members/{member.id}")
    return await _member_page(request, viewer, cohort, member, form, status_code=422)


@router.post("/cohorts/{cohort_id}/members/{member_id}/remove")
async def member_remove(request: Request, viewer: Runner, cohort_id: Id, member_id: Id) -> Response:
    cohort = await COHORTS.to_edit(viewer, cohort_id=cohort_id)
    member = await selectors.member_get(scope=viewer.scope, cohort=cohort, member_id=member_id)
    await services.member_remove(actor=viewer.user, scope=viewer.scope, member=member)
    return flash(see_other(request, f"/cohorts/{cohort.id}"), _("Member removed."))


# ── milestones ───────────────────────────────────────────────────────────────────────────────────


async def _course_choices(viewer: Viewer) -> list[tuple[str, str]]:
    side = learning()
    if side is None:
        return []
    rows = (
        await (await side.courses(viewer.scope, local_today())).order_by("title", "id").limit(500).values("id", "title")
    )
    return [(str(r["id"]), r["title"]) for r in rows]


async def _milestone_fields(viewer: Viewer):
    return milestone_fields(await _course_choices(viewer), [(s.code, f"{s.code} {s.title}") for s in await subjects()])


def _milestone_page(request: Request, cohort: Cohort, form: Form, status_code: int = 200) -> Response:
    heading = _("New milestone of %(name)s") % {"name": cohort.name}
    context = {"page_title": _("New milestone"), "heading": heading, "cohort": cohort}
    return _below_cohort(request, cohort, form, status_code, "milestones", "cohorts/_milestone_form.html", context)


@router.get("/cohorts/{cohort_id}/milestones/new")
async def milestone_new(request: Request, viewer: Runner, cohort_id: Id) -> Response:
    cohort = await COHORTS.to_edit(viewer, cohort_id=cohort_id)
    return _milestone_page(request, cohort, Form.initial(await _milestone_fields(viewer), {"due_on": cohort.end_on}))


@router.post("/cohorts/{cohort_id}/milestones")
async def milestone_create(request: Request, viewer: Runner, cohort_id: Id) -> Response:
    cohort = await COHORTS.to_edit(viewer, cohort_id=cohort_id)
    fields = await _milestone_fields(viewer)
    form = await Form.posted(fields, request)
    titles = dict(form["course"].choices)

    async def create(cleaned: dict):
        course_id = _int(cleaned["course"])
        return await services.milestone_create(
            actor=viewer.user,
            scope=viewer.scope,
            cohort=cohort,
            kind=cleaned["kind"],
            title=cleaned["title"] or "",
            due_on=cleaned["due_on"],
            course_id=course_id,
            course_title=str(titles.get(cleaned["course"] or "", "")),
            subject_code=cleaned["subject"] or "",
            hours=cleaned["hours"],
        )

    if await form.run(create):
        return saved(request, f"/cohorts/{cohort.id}")
    return _milestone_page(request, cohort, form, status_code=422)


@router.post("/cohorts/{cohort_id}/milestones/{milestone_id}/delete")
async def milestone_delete(request: Request, viewer: Runner, cohort_id: Id, milestone_id: Id) -> Response:
    cohort = await COHORTS.to_edit(viewer, cohort_id=cohort_id)
    milestone = await selectors.milestone_get(cohort=cohort, milestone_id=milestone_id)
    await services.milestone_delete(actor=viewer.user, scope=viewer.scope, cohort=cohort, milestone=milestone)
    return flash(see_other(request, f"/cohorts/{cohort.id}"), _("Milestone deleted."))


@router.post("/cohorts/{cohort_id}/milestones/{milestone_id}/members/{member_id}")
async def mark_set(request: Request, viewer: Runner, cohort_id: Id, milestone_id: Id, member_id: Id) -> Response:
    """Tick a custom milestone off for a member (or undo it); htmx swaps the grid's cell in place."""
    cohort = await COHORTS.to_edit(viewer, cohort_id=cohort_id)
    milestone = await selectors.milestone_get(cohort=cohort, milestone_id=milestone_id)
    member = await selectors.member_get(scope=viewer.scope, cohort=cohort, member_id=member_id)
    posted = await request.form()
    today = local_today()
    try:
        await services.mark_set(
            actor=viewer.user,
            scope=viewer.scope,
            cohort=cohort,
            milestone=milestone,
            member=member,
            done=posted.get("done") == "1",
            today=today,
        )
    except ServiceError as exc:
        return flash(see_other(request, f"/cohorts/{cohort.id}"), exc.message, "danger")
    cells = await selectors.progress(cohort=cohort, milestones=[milestone], members=[member], today=today)
    context = {
        "cohort": cohort,
        "m": milestone,
        "member": member,
        "cell": cells[(milestone.id, member.id)],
        "runner": True,
    }
    if request.headers.get("hx-request") == "true":
        return render(request, "cohorts/_cell.html", context)
    return see_other(request, f"/cohorts/{cohort.id}")


# ── bulk enrolment ───────────────────────────────────────────────────────────────────────────────


@router.get("/cohorts/{cohort_id}/enrol")
async def enrol_form(request: Request, viewer: Runner, cohort_id: Id) -> Response:
    cohort = await COHORTS.to_edit(viewer, cohort_id=cohort_id)
    return await _enrol_page(request, viewer, cohort, None)


async def _enrol_page(request, viewer, cohort, error: str | None, status_code: int = 200) -> Response:
    context = {
        "cohort": cohort,
        "courses": await _course_choices(viewer),
        "error": error,
        "members": await selectors.member_count(scope=viewer.scope, cohort=cohort),
    }
    return render(request, "cohorts/enrol.html", context, status_code=status_code)


@router.post("/cohorts/{cohort_id}/enrol")
async def enrol(request: Request, viewer: Runner, cohort_id: Id) -> Response:
    cohort = await COHORTS.to_edit(viewer, cohort_id=cohort_id)
    side = learning()
    posted = await request.form()
    course_id = _int(posted.get("course"))
    course = None
    if side is not None and course_id is not None:
        course = await (await side.courses(viewer.scope, local_today())).filter(id=course_id).first()
    if course is None:
        return await _enrol_page(request, viewer, cohort, _("Choose a course."), status_code=422)
    numbers = await selectors.member_numbers(scope=viewer.scope, cohort=cohort)
    try:
        result = await side.enrol(
            actor=viewer.user, scope=viewer.scope, course=course, today=local_today(), worker_nos=numbers
        )
    except ServiceError as exc:
        return await _enrol_page(request, viewer, cohort, exc.message, status_code=422)
    message = _("Enrolled %(enrolled)s, waitlisted %(waitlisted)s, already holding a place %(skipped)s.") % {
        "enrolled": result["enrolled"],
        "waitlisted": result["waitlisted"],
        "skipped": len(result["skipped"]),
    }
    return flash(see_other(request, f"/cohorts/{cohort.id}"), message)


# ── outcomes ─────────────────────────────────────────────────────────────────────────────────────


@router.get("/cohorts/{cohort_id}/outcomes")
async def outcomes(request: Request, viewer: Allowed(Permission.COHORTS_VIEW), cohort_id: Id) -> Response:
    """The comparison groups reach every worker of the cohort's region: for those who see the whole region (an admin,
    a bureau above it)."""
    cohort = await selectors.cohort_get(scope=viewer.scope, cohort_id=cohort_id)
    if not may_run(viewer.scope, cohort):
        raise Forbidden()
    today = local_today()
    figures = await cohort_outcomes.compare(cohort=cohort, on=today)
    formulas = {key: value.tr() for key, value in cohort_outcomes.FORMULAS.items() if key != "retention"}
    formulas["retention"] = {m: cohort_outcomes.FORMULAS["retention"].tr(days=d) for m, d in RETENTION_DAYS.items()}
    context = {
        "cohort": cohort,
        "figures": figures,
        "today": today,
        "formulas": formulas,
        "retention_days": list(RETENTION_DAYS.items()),
    }
    return render(request, "cohorts/outcomes.html", context)
