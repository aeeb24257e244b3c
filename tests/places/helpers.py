from talent.accounts.models import User
from talent.accounts.selectors import scope_for
from talent.core.access import Scope
from talent.core.clock import local_today


async def scope_of(user: User) -> Scope:
    user = await User.get(id=user.id).select_related("region")
    return await scope_for(user, today=local_today())
