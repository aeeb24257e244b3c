"""Translations and formatting: the active locale lives in a ContextVar, so concurrent requests never mix languages.

Catalogs are the .po files under locale/, read once with Babel (no compile step to forget).
"""

from contextvars import ContextVar
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import format_time as _babel_time
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, parse_pattern
from markupsafe import escape

from talent.core.clock import local_time
from talent.settings import get_settings

LOCALES = ("zh_CN", "en")
LOCALE_NAMES = {"zh_CN": "中文", "en": "English"}
LOCALE_DIR = Path(__file__).resolve().parent.parent.parent / "locale"

_current: ContextVar[str | None] = ContextVar("talent_locale", default=None)


def set_locale(locale: str) -> None:
    _current.set(locale if locale in LOCALES else "zh_CN")


def get_locale() -> str:
    """The request's locale; outside a request (CLI, services in tests) the configured default."""
    locale = _current.get()
    if locale is None:
        locale = get_settings().default_locale
    return locale


@lru_cache
def _catalog(locale: str) -> dict[str, str | tuple[str, ...]]:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    out: dict[str, str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        out[key] = tuple(message.string) if isinstance(message.string, tuple) else message.string
    return out


def gettext(message: str, **variables) -> str:
    text = _catalog(get_locale()).get(message, message)
    if isinstance(text, tuple):
        text = text[0]
    text = str(text)  # a plain str: an untranslated Msgid must not come back as one
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables) -> str:
    text = _catalog(get_locale()).get(singular)
    if isinstance(text, tuple):
        index = _babel_locale(get_locale()).plural_form(n)
        chosen = text[{"one": 0}.get(index, len(text) - 1)] if len(text) > 1 else text[0]
    else:
        chosen = singular if n == 1 else plural
    variables.setdefault("num", n)
    return chosen % variables


class Msgid(str):
    """An English msgid declared in code with N_("…"): the only kind of text that is ever translated.

    Data (names, titles, anything stored or typed) is a plain str and can only be escaped: gettext's output
    is trusted HTML in Jinja, so a stored name passed through `_()` would reach the page unescaped. A Msgid
    shows its translation, escaped, when a template prints it (`{{ field.label }}`), and `.tr()` translates
    it in Python; a plain str has no `.tr()`, so data cannot be translated by mistake.
    """

    __slots__ = ()

    def tr(self, **variables) -> str:
        return gettext(self, **variables)

    def __html__(self) -> str:
        return str(escape(gettext(self)))


def lazy(message: str) -> Msgid:
    """Marks a literal for extraction; it is translated where it is shown (see Msgid)."""
    return Msgid(message)


_ = gettext


def negotiate(accept_language: str | None, fallback: str) -> str:
    """Pick zh_CN or en from an Accept-Language header; anything unrecognised falls back."""
    if not accept_language:
        return fallback
    choices = []
    for part in accept_language.split(","):
        lang, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        choices.append((q, lang.strip().lower()))
    for _q, lang in sorted(choices, key=lambda c: -c[0]):
        if lang.startswith("zh"):
            return "zh_CN"
        if lang.startswith("en"):
            return "en"
    return fallback


def format_local(value: datetime | None) -> str:
    """2026-03-02 09:30, on the local clock: for lists where the locale's long forms are too wide."""
    return local_time(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def format_date(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = local_time(value)
        if format != "medium":
            return _babel_datetime(local, format=format, locale=_babel_locale(get_locale()))
        # The day as every date on the page shows it (medium), then the time without seconds, joined the
        # locale's way: "Mar 1, 2026, 8:00 AM", "2026年3月1日 08:00". Each part is formatted once per value, as the
        # dates below: an audit page's 25 times took Babel about half a millisecond.
        code = get_locale()
        day = _day_text(local.date(), "medium", code)
        return _datetime_pattern(code).replace("{1}", day).replace("{0}", _minute_text(local.hour, local.minute, code))
    return _day_text(value, format, get_locale())


@lru_cache(maxsize=8)
def _datetime_pattern(locale: str) -> str:
    return str(_babel_locale(locale).datetime_formats["medium"])


@lru_cache(maxsize=4096)
def _minute_text(hour: int, minute: int, locale: str) -> str:
    """A time of day in the locale's short form, which shows hours and minutes only."""
    return _babel_time(time(hour, minute), format="short", locale=_babel_locale(locale))


# A list shows the same few days and counts on row after row and page after page; Babel builds each text anew
# (tens of microseconds: a page of workers spent a millisecond there). Dates and numbers are immutable values and
# the text depends on nothing else, so each (value, format, locale) is formatted once.
@lru_cache(maxsize=8192)
def _day_text(value: date, format: str, locale: str) -> str:
    return _babel_date(value, format=format, locale=_babel_locale(locale))


@lru_cache(maxsize=8192)
def _number_text(value: int | float | Decimal, digits: int, locale: str) -> str:
    return _babel_number(value, "#,##0" + ("." + "0" * digits if digits else ""), locale)


@lru_cache(maxsize=8192)
def _percent_text(value: float | Decimal, digits: int, locale: str) -> str:
    return _babel_number(value, "#,##0." + "0" * digits + "%", locale)


def _babel_number(value: int | float | Decimal, pattern: str, locale: str) -> str:
    """Babel's format_decimal and format_percent with `pattern` (they apply it with these defaults), the pattern
    parsed and the locale read once, not for each value: a country's /pay page spent a seventh of its time there,
    a few dozen ratios each parsing both again."""
    return _number_pattern(pattern).apply(value, _babel_locale(locale))


@lru_cache(maxsize=64)
def _number_pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


@lru_cache(maxsize=8)
def _babel_locale(locale: str) -> Locale:
    return Locale.parse(locale)


def colon() -> str:
    """The colon after a label: full-width "：" in Chinese, ": " in English."""
    return "：" if get_locale().startswith("zh") else ": "


def localised(name: str, name_en: str | None) -> str:
    """A reference record's name in the reader's language: its English name on English pages where it has one,
    else its (Chinese) name, the one every record has."""
    if name_en and not get_locale().startswith("zh"):
        return name_en
    return name


def format_number(value: int | float | Decimal | None, digits: int = 0) -> str:
    if value is None:
        return ""
    return _number_text(value, digits, get_locale())


def format_money(value: int | float | Decimal | None) -> str:
    """An amount of yuan to the fen, or a dash where there is none (a worker without a salary record)."""
    if value is None:
        return "—"
    return _number_text(value, 2, get_locale())


def format_percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return _percent_text(value, digits, get_locale())


N_ = lazy
