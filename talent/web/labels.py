"""What a coded value is called, in the reader's language: every code carries its own label msgid (talent.core.codes
.Coded, and Role), so one filter serves them all. Data is never translated: a plain value is shown as it is."""

from enum import Enum
from functools import lru_cache

from talent.audit.models import Action, Entity
from talent.core.access import Role
from talent.core.i18n import Msgid, get_locale


def label(value) -> str:
    """`{{ value | label }}`: the label of a coded value (None → ""); anything else as it is."""
    if value is None or value == "":
        return ""
    msgid = getattr(value, "label", None)
    if isinstance(msgid, Msgid):
        return msgid.tr()
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


# An audit export labels the action and kind of hundreds of thousands of entries: each code's label is translated
# once per locale (the enums and the catalogs are fixed while the app runs).
@lru_cache(maxsize=1024)
def _code_label(enum: type[Enum], value: str, _locale: str) -> str:
    member = enum._value2member_map_.get(value)
    return label(member) if member is not None else value


def entity_label(value: str) -> str:
    return _code_label(Entity, value, get_locale())


def action_label(value: str) -> str:
    return _code_label(Action, value, get_locale())


def account_scope(account) -> str:
    """What an account reaches, in words (the accounts list and its export; `account` a dict or namespace of
    accounts.selectors.USER_EXPORT_FIELDS): its region, else its organisation, else its worker record, else what
    its role reaches without one (Role.unbound_reach: every region, a supervisor's assigned stations), where those
    read as blank."""
    if isinstance(account, dict):
        named = account.get("region__name") or account.get("organisation__name") or account.get("worker__name")
        role = account.get("role")
    else:
        named = (
            getattr(account, "region__name", None)
            or getattr(account, "organisation__name", None)
            or getattr(account, "worker__name", None)
        )
        role = getattr(account, "role", None)
    return named or (_unbound_reach(role, get_locale()) if role else "")


@lru_cache(maxsize=64)
def _unbound_reach(role: str, _locale: str) -> str:
    """What a role reaches without a region, an organisation or a worker, in the locale: translated once per role
    and locale, not once per account of an export."""
    reach = Role(role).unbound_reach
    return reach.tr() if reach is not None else ""
