from fastapi import Request
from starlette.responses import Response

from talent.accounts import selectors as account_selectors
from talent.accounts import services as account_services
from talent.admin.forms import PASSWORD_RESET_FIELDS, USER_CREATE_FIELDS, USER_EDIT_FIELDS
from talent.admin.selectors import scope_ids
from talent.core.access import Permission, Role
from talent.core.codes import choices
from talent.core.i18n import N_, Msgid
from talent.core.i18n import gettext as _
from talent.web import exports
from talent.web.auth import Allowed, Viewer
from talent.web.forms import Form
from talent.web.pages import list_page
from talent.web.pagination import Listing, code_filter
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, form_page, render, see_other

router = Router(prefix="/admin", tags=["admin"])

ManagesAccounts = Allowed(Permission.ACCOUNTS)


# Every area an administrator looks after: (address, title, what it is for, the permission that opens it).
ADMIN_AREAS: list[tuple[str, Msgid, Msgid, Permission]] = [
    ("/admin/users", N_("Accounts"), N_("Users, roles and scopes; passwords and sign-in blocks."), Permission.ACCOUNTS),
    (
        "/admin/exams",
        N_("Exam catalogue"),
        N_("Levels, subjects, papers, exam dates, pass lines and eligibility rules."),
        Permission.EXAM_CATALOGUE,
    ),  # noqa: E501
    ("/regions", N_("Regions"), N_("The region tree and its administrative codes."), Permission.REGIONS_VIEW),
    (
        "/stations/organisations",
        N_("Organisations"),
        N_("Service organisations that operate stations."),
        Permission.ORGANISATIONS_VIEW,
    ),  # noqa: E501
    ("/stations/tiers", N_("Station tiers"), N_("Programme levels and their staffing norms."), Permission.TIERS_VIEW),
    (
        "/exam-prep/bank",
        N_("Question bank"),
        N_("National and regional exam-practice questions."),
        Permission.QUESTION_BANK,
    ),  # noqa: E501
    (
        "/imports",
        N_("Import"),
        N_("Spreadsheets of regions, stations, workers, certificates and more."),
        Permission.IMPORTS,
    ),  # noqa: E501
    ("/audit", N_("Audit log"), N_("Who changed what, when, before and after."), Permission.AUDIT_VIEW),
]


@router.get("")
async def admin_home(request: Request, viewer: ManagesAccounts) -> Response:
    areas = [(href, title, text) for href, title, text, permission in ADMIN_AREAS if viewer.can(permission)]
    return render(request, "admin/home.html", {"areas": areas})


@router.get("/users/export")
async def user_export(
    viewer: ManagesAccounts, params: Listing, fmt: exports.ExportFormat = "xlsx", role: str = ""
) -> Response:
    """The filtered account list (every page) as .xlsx or .csv."""
    users = account_selectors.user_export(params=params, role=code_filter(params, "role", role, Role))
    return exports.respond(fmt, "accounts", exports.headers(exports.USER_HEADERS), exports.user_rows(users))


@router.get("/users")
async def user_list(request: Request, viewer: ManagesAccounts, params: Listing, role: str = "") -> Response:
    role = code_filter(params, "role", role, Role)
    page = await account_selectors.user_list(params=params, role=role)
    return list_page(request, "admin/users.html", {"page": page, "role": role, "roles": choices(Role)})


def _form_page(request, form, *, title, action, user=None, status_code=200):
    context = {"form": form, "title": title, "action": action, "user": user}
    return form_page(request, "admin/user_form.html", context, status_code)


@router.get("/users/new")
async def user_new(request: Request, viewer: ManagesAccounts) -> Response:
    return _form_page(request, Form.initial(USER_CREATE_FIELDS), title=_("New account"), action="/admin/users")


async def _resolve_scope(viewer: Viewer, form: Form) -> dict | None:
    """The ids of the typed region, organisation and worker; None (with field errors) when one is unknown."""
    ids = await scope_ids(
        scope=viewer.scope,
        region_code=form.cleaned.get("region_code"),
        organisation=form.cleaned.get("organisation"),
        worker_no=form.cleaned.get("worker_no"),
    )
    for name in ids.pop("unknown"):
        form.add_error(name, _("No such record."))
    return None if form.errors else ids


async def _account_values(viewer, form: Form, cleaned: dict) -> dict | None:
    """What the new and edit account forms give the services alike: the email, name and role, and the scope's
    records (None when one typed is unknown: a field error)."""
    if (ids := await _resolve_scope(viewer, form)) is None:
        return None
    values = {"email": cleaned["email"] or "", "display_name": cleaned["display_name"] or ""}
    return {**values, "role": Role(cleaned["role"]), **ids}


@router.post("/users")
async def user_create(request: Request, viewer: ManagesAccounts) -> Response:
    form = await Form.posted(USER_CREATE_FIELDS, request)

    async def create(cleaned: dict):
        values = await _account_values(viewer, form, cleaned)
        return values and await account_services.user_create(
            actor=viewer.user, username=cleaned["username"], password=cleaned["password"], **values
        )

    if user := await form.run(create):
        return flash(see_other(request, f"/admin/users/{user.id}"), _("Account created."))
    return _form_page(request, form, title=_("New account"), action="/admin/users", status_code=422)


def _edit_initial(user) -> dict:
    return {
        "display_name": user.display_name,
        "email": user.email,
        "role": user.role,
        "region_code": user.region.code if user.region else None,
        "organisation": user.organisation.name if user.organisation else None,
        "worker_no": user.worker.worker_no if user.worker else None,
        "is_active": user.is_active,
    }


async def _edit_context(user, pw_form: Form) -> dict:
    return {
        "form": Form.initial(USER_EDIT_FIELDS, _edit_initial(user)),
        "user": user,
        "pw_form": pw_form,
        "action": f"/admin/users/{user.id}",
        "throttle": await account_selectors.login_throttle(username=user.username, now=account_services.now_utc()),
    }


@router.get("/users/{user_id}")
async def user_edit(request: Request, viewer: ManagesAccounts, user_id: Id) -> Response:
    user = await account_selectors.user_get(scope=viewer.scope, user_id=user_id)
    return render(request, "admin/user_edit.html", await _edit_context(user, Form.initial(PASSWORD_RESET_FIELDS)))


@router.post("/users/{user_id}")
async def user_update(request: Request, viewer: ManagesAccounts, user_id: Id) -> Response:
    user = await account_selectors.user_get(scope=viewer.scope, user_id=user_id)
    form = await Form.posted(USER_EDIT_FIELDS, request)

    async def update(cleaned: dict):
        values = await _account_values(viewer, form, cleaned)
        return values and await account_services.user_update(
            actor=viewer.user, user=user, is_active=cleaned["is_active"], **values
        )

    if await form.run(update):
        return flash(see_other(request, f"/admin/users/{user.id}"), _("Account saved."))
    return _form_page(request, form, title=user.username, action=f"/admin/users/{user.id}", user=user, status_code=422)


@router.post("/users/{user_id}/password")
async def user_password(request: Request, viewer: ManagesAccounts, user_id: Id) -> Response:
    user = await account_selectors.user_get(scope=viewer.scope, user_id=user_id)
    form = await Form.posted(PASSWORD_RESET_FIELDS, request)

    async def reset(cleaned: dict) -> bool:
        await account_services.user_reset_password(actor=viewer.user, user=user, password=cleaned["password"])
        return True  # form.run answers None when the form has errors

    if await form.run(reset):
        return flash(see_other(request, f"/admin/users/{user.id}"), _("Password reset; the user was signed out."))
    return render(
        request,
        "admin/user_edit.html",
        await _edit_context(user, form),
        fragment="admin/_password_reset.html",
        status_code=422,
    )


@router.post("/users/{user_id}/unlock")
async def user_unlock(request: Request, viewer: ManagesAccounts, user_id: Id) -> Response:
    user = await account_selectors.user_get(scope=viewer.scope, user_id=user_id)
    cleared = await account_services.user_unlock(actor=viewer.user, user=user)
    return flash(
        see_other(request, f"/admin/users/{user.id}"),
        _("Failed sign-ins cleared: %(n)s. The account can sign in again from every address.") % {"n": cleared},
    )
