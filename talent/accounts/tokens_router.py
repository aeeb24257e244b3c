"""/me's personal API tokens: create (the secret shown once, on the page that answers the form), revoke."""

from fastapi import Request
from starlette.responses import Response

from talent.accounts import tokens
from talent.accounts.forms import TOKEN_FIELDS
from talent.accounts.router import me_page
from talent.core.access import Permission
from talent.core.i18n import gettext as _
from talent.web.auth import Allowed
from talent.web.forms import Form as BoundForm
from talent.web.params import Id
from talent.web.routing import Router
from talent.web.templating import flash, see_other

router = Router(tags=["accounts"])


@router.post("/me/tokens")
async def token_create(request: Request, viewer: Allowed(Permission.API_TOKENS)) -> Response:
    form = await BoundForm.posted(TOKEN_FIELDS, request)
    created = await form.run(lambda cleaned: tokens.api_token_create(user=viewer.user, name=cleaned["name"] or ""))
    if created is None:
        return await me_page(request, viewer, token_form=form, status_code=422)
    _token, secret = created
    # Shown on this answer only: never stored, never redirected through a URL or a flash message.
    return await me_page(request, viewer, new_token=secret, status_code=201)


@router.post("/me/tokens/{token_id}/revoke")
async def token_revoke(request: Request, token_id: Id, viewer: Allowed(Permission.API_TOKENS)) -> Response:
    await tokens.api_token_revoke(user=viewer.user, token_id=token_id)
    return flash(see_other(request, "/me"), _("The token was revoked; it no longer answers."))
