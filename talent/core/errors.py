"""Errors the services raise. They carry a msgid and its parameters, not translated text: the edge that shows
one (a page, an API answer, a command's output) translates it in its reader's language, so a service never
needs the web layer or a request to say what went wrong."""

from enum import Enum
from typing import TypeVar

from talent.core.i18n import N_, Msgid

E = TypeVar("E", bound=Enum)


class ServiceError(Exception):
    """A rule a write would break; `field` names the form field to show it on ('' or '__all__' for the form).

    `ServiceError("start_on", N_("Starts after %(day)s."), day=…)`; `.code` is the msgid (stable, English),
    `.message` the text in the current language.
    """

    def __init__(self, field: str, message: str, **params) -> None:
        super().__init__(message)
        self.field = field
        self.code = str(message)
        self._message = message
        self.params = params

    @property
    def message(self) -> str:
        text = self._message.tr() if isinstance(self._message, Msgid) else self._message
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message


def chosen(codes: type[E], value, field: str) -> E:
    """`value` as one of `codes` (a choice a service takes as its code); ServiceError on `field` when it is none."""
    try:
        return codes(value)
    except ValueError:
        raise ServiceError(field, N_("Choose one of the options.")) from None
