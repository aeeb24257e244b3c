"""A notification's words in the current language: shared by the web pages and the e-mails, so both say the same."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from talent.certification.labels import clabel
from talent.web import i18n
from talent.web.i18n import N_, format_date
from talent.web.i18n import gettext as _

# E-mail subjects by notification kind; an unknown kind gets the generic one.
SUBJECTS = {
    "registration_expiry": N_("Certificate registration expiring"),
    "ce_shortfall": N_("Continuing education hours short"),
    "course_session": N_("Course session coming up"),
}
GENERIC_SUBJECT = N_("New notification")


def message(notification) -> str:
    """The notification's text in the current language, its parameters formatted."""
    params = dict(notification.params or {})
    if "level" in params:
        params["level"] = clabel("level", params["level"])
    if "date" in params:
        try:
            params["date"] = format_date(date.fromisoformat(params["date"]))
        except (TypeError, ValueError):
            pass
    try:
        return _(notification.text) % params
    except (KeyError, TypeError, ValueError):
        return _(notification.text)


def subject(notification) -> str:
    return f"{_(SUBJECTS.get(notification.kind, GENERIC_SUBJECT))} · {_('Talent')}"


@contextmanager
def in_locale(locale: str) -> Iterator[None]:
    """Translate in `locale` for the duration of the block (outside a request), then restore what was there."""
    token = i18n._current.set(locale if locale in i18n.LOCALES else None)
    try:
        yield
    finally:
        i18n._current.reset(token)
