"""What counts toward CE and how much, per region: /certificates/ce-rules lists the caps per kind of credit in force
for the viewer's region and every rule the viewer reads, and the yearly rule of the professional-technical staff; an
admin adds national rules, a bureau rules of its region. A rule is never edited: a region adds one from a later
day, and withdraws one that has not yet taken effect."""

from functools import partial

from fastapi import Request
from starlette.responses import Response

from talent.certification import selectors, services
from talent.certification.forms import CE_CREDIT_RULE_FIELDS, CE_YEARLY_RULE_FIELDS
from talent.core.access import Permission
from talent.core.clock import local_today
from talent.core.i18n import gettext as _
from talent.places.access import can_write_under, is_writer
from talent.places.pages import record_posted, rule_values, rule_withdrawn
from talent.web.auth import Allowed
from talent.web.errors import Forbidden
from talent.web.forms import Form
from talent.web.pages import list_page
from talent.web.pagination import Listing
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import form_page

RULES = "/certificates/ce-rules"
router = Router(prefix=RULES, tags=["certification"])
Keeper = Allowed(Permission.CE_RULES)


def rules_crumb() -> tuple[str, str]:
    return (RULES, _("What counts toward CE"))


def _writer(viewer) -> None:
    if not is_writer(viewer.scope):
        raise Forbidden()


@router.get("")
async def ce_rule_list(request: Request, viewer: Keeper, params: Listing) -> Response:
    today = local_today()
    region_path = viewer.scope.region_path or ""
    page = await selectors.ce_credit_rule_list(scope=viewer.scope, params=params)
    yearly = await selectors.ce_yearly_rule_list(scope=viewer.scope)

    def withdrawable(rules) -> set[int]:
        """A rule not yet in force may be withdrawn by whoever may add it; one in force is kept."""
        return {r.id for r in rules if r.effective_from > today and can_write_under(viewer.scope, r.region_path)}

    context = {
        "page": page,
        "yearly": yearly,
        "in_force": await selectors.ce_caps_in_force(region_path=region_path, on=today),
        "yearly_in_force": await selectors.yearly_rule(region_path=region_path, on=today),
        "region": await selectors.region_of_path(path=region_path),
        "may_add": is_writer(viewer.scope),
        "withdrawable": withdrawable(page.items),
        "yearly_withdrawable": withdrawable(yearly),
    }
    return list_page(request, "certification/ce_rules.html", context)


async def _initial_region(viewer) -> dict:
    region = await selectors.region_of_path(path=viewer.scope.region_path or "")
    return {"region_code": region.code} if region else {}


def _form_page(request: Request, form: Form, title: str, action: str, status_code: int = 200) -> Response:
    """A new rule's form posting to `action`, below the rules page (where Back leads)."""
    context = {"form": form, "title": title, "action": action, "back": RULES, "crumbs": [rules_crumb()]}
    return form_page(request, "places/form.html", context, status_code)


def _credit_page(request: Request, form: Form, status_code: int = 200) -> Response:
    return _form_page(request, form, _("New rule for a kind of CE credit"), RULES, status_code)


def _yearly_page(request: Request, form: Form, status_code: int = 200) -> Response:
    return _form_page(request, form, _("New yearly CE rule"), f"{RULES}/yearly", status_code)


async def _created(request: Request, viewer, fields: list, create, page) -> Response:
    """A new rule's post: the service `create` on the posted `fields`, back to the rules; else its form `page`
    again (422)."""
    _writer(viewer)
    again = partial(page, request, status_code=422)
    return await record_posted(request, viewer, fields, rule_values, create, done=RULES, again=again)


@router.get("/new")
async def ce_credit_rule_new(request: Request, viewer: Keeper) -> Response:
    _writer(viewer)
    return _credit_page(
        request, Form.initial(CE_CREDIT_RULE_FIELDS, {"kind": "course", **await _initial_region(viewer)})
    )


@router.post("")
async def ce_credit_rule_create(request: Request, viewer: Keeper) -> Response:
    return await _created(request, viewer, CE_CREDIT_RULE_FIELDS, services.ce_credit_rule_create, _credit_page)


@router.get("/yearly/new")
async def ce_yearly_rule_new(request: Request, viewer: Keeper) -> Response:
    _writer(viewer)
    initial = {"applies": True, "yearly_hours": "90", "professional_hours": "60", **await _initial_region(viewer)}
    return _yearly_page(request, Form.initial(CE_YEARLY_RULE_FIELDS, initial))


@router.post("/yearly")
async def ce_yearly_rule_create(request: Request, viewer: Keeper) -> Response:
    return await _created(request, viewer, CE_YEARLY_RULE_FIELDS, services.ce_yearly_rule_create, _yearly_page)


async def _withdraw(request: Request, viewer, rule) -> Response:
    return await rule_withdrawn(request, viewer, services.ce_rule_withdraw, rule, RULES)


@router.post("/{rule_id}/delete")
async def ce_credit_rule_delete(request: Request, viewer: Keeper, rule_id: Id) -> Response:
    _writer(viewer)
    return await _withdraw(request, viewer, await selectors.ce_credit_rule_get(scope=viewer.scope, rule_id=rule_id))


@router.post("/yearly/{rule_id}/delete")
async def ce_yearly_rule_delete(request: Request, viewer: Keeper, rule_id: Id) -> Response:
    _writer(viewer)
    return await _withdraw(request, viewer, await selectors.ce_yearly_rule_get(scope=viewer.scope, rule_id=rule_id))
