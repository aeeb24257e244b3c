"""A notification's words in the current language: shared by the web pages and the e-mails, so both say the same."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from talent.certification.labels import clabel
from talent.core import i18n
from talent.core.i18n import N_, format_date
from talent.core.i18n import gettext as _

EXPIRY_TEXT = N_("The registration of certificate %(number)s (%(worker)s, %(level)s) expires on %(date)s.")
SHORTFALL_TEXT = N_(
    "Certificate %(number)s (%(worker)s, %(level)s) has %(hours)s of the %(required)s CE hours its "
    "registration period needs; the period ends on %(date)s."
)
# By (the session has a title, it has a place), so no sentence has an empty gap.
SESSION_TEXTS = {
    (True, True): N_("The session “%(session)s” of the course “%(course)s” starts at %(starts_at)s in %(place)s."),
    (True, False): N_("The session “%(session)s” of the course “%(course)s” starts at %(starts_at)s."),
    (False, True): N_("A session of the course “%(course)s” starts at %(starts_at)s in %(place)s."),
    (False, False): N_("A session of the course “%(course)s” starts at %(starts_at)s."),
}
# A notification stores the msgid of its sentence; only these are ever translated (anything else in the
# column is shown as it is), so stored text can never reach gettext.
TEXTS = {text: text for text in (EXPIRY_TEXT, SHORTFALL_TEXT, *SESSION_TEXTS.values())}

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
    msgid = TEXTS.get(notification.text)
    if msgid is None:
        return notification.text
    try:
        return msgid.tr() % params
    except (KeyError, TypeError, ValueError):
        return msgid.tr()


def subject(notification) -> str:
    return f"{SUBJECTS.get(notification.kind, GENERIC_SUBJECT).tr()} · {_('Talent')}"


@contextmanager
def in_locale(locale: str) -> Iterator[None]:
    """Translate in `locale` for the duration of the block (outside a request), then restore what was there."""
    token = i18n._current.set(locale if locale in i18n.LOCALES else None)
    try:
        yield
    finally:
        i18n._current.reset(token)
