"""A notification's words in the current language: shared by the web pages and the e-mails, so both say the same.

Notifications know no domain: each domain that sends some registers its kinds here (`register_kind`, from the
module that makes them, which the composition root talent.domains imports) with their sentences, their e-mail
subject and how their stored parameters read.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from talent.core import i18n
from talent.core.i18n import N_, Msgid, format_date
from talent.core.i18n import gettext as _


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification (its `kind` column) as the domain that sends it declares it."""

    name: str
    subject: Msgid  # the e-mail subject
    texts: tuple[Msgid, ...]  # the sentences a notification of this kind may store
    counted_as: str = ""  # how `talent remind` names what it created, e.g. "registration expiry"
    # Stored parameters → parameters to show (a code → its label, in the current language).
    readable: Callable[[dict], dict] | None = None


KINDS: dict[str, NotificationKind] = {}
# A notification stores the msgid of its sentence; only registered sentences are ever translated (anything else
# in the column is shown as it is), so stored text can never reach gettext.
TEXTS: dict[str, Msgid] = {}
GENERIC_SUBJECT = N_("New notification")


def register_kind(kind: NotificationKind) -> NotificationKind:
    KINDS[kind.name] = kind
    TEXTS.update({text: text for text in kind.texts})
    return kind


def message(notification) -> str:
    """The notification's text in the current language, its parameters formatted."""
    params = dict(notification.params or {})
    kind = KINDS.get(notification.kind)
    if kind is not None and kind.readable is not None:
        params = kind.readable(params)
    if "date" in params:
        try:
            params["date"] = format_date(date.fromisoformat(params["date"]))
        except (TypeError, ValueError):
            pass
    msgid = TEXTS.get(notification.text)
    if msgid is None:
        return notification.text
    try:
        return msgid.tr() % params
    except (KeyError, TypeError, ValueError):
        return msgid.tr()


def subject(notification) -> str:
    kind = KINDS.get(notification.kind)
    return f"{(kind.subject if kind is not None else GENERIC_SUBJECT).tr()} · {_('Talent')}"


@contextmanager
def in_locale(locale: str) -> Iterator[None]:
    """Translate in `locale` for the duration of the block (outside a request), then restore what was there."""
    token = i18n._current.set(locale if locale in i18n.LOCALES else None)
    try:
        yield
    finally:
        i18n._current.reset(token)
