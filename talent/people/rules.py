"""The rules of employment spells and worker records, each written once: as a SQL expression (a Q on
EmploymentSpell) with its Python mirror, which the imports use on rows not yet stored and the tests hold
against the SQL.

A spell runs from start_on to end_on, its last working day; an open spell (no end_on) runs on forever. A worker
is active on day d iff a spell has start_on ≤ d ≤ end_on (or no end_on) — DESIGN §1 — which is the spell
overlapping the one-day period [d, d].
"""

import re
from datetime import date

from tortoise.expressions import Q

from talent.core.errors import ServiceError
from talent.core.i18n import N_

ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,32}$")


def overlapping(start_on: date, end_on: date | None, prefix: str = "") -> Q:
    """Spells sharing at least one day with [start_on, end_on] (end_on None: open, forever). `prefix` filters
    through a relation to spells (e.g. "spells__" from Worker)."""
    q = Q(**{f"{prefix}end_on": None}) | Q(**{f"{prefix}end_on__gte": start_on})
    if end_on is not None:
        q &= Q(**{f"{prefix}start_on__lte": end_on})
    return q


def overlaps(start_on: date, end_on: date | None, other_start: date, other_end: date | None) -> bool:
    """The Python mirror of `overlapping`: do [start_on, end_on] and [other_start, other_end] share a day?"""
    return (other_end is None or other_end >= start_on) and (end_on is None or other_start <= end_on)


def active_on(day: date, prefix: str = "") -> Q:
    """Spells active on day d: start_on ≤ d ≤ end_on (or no end_on), i.e. overlapping [d, d]."""
    return overlapping(day, day, prefix)


def is_active_on(start_on: date, end_on: date | None, day: date) -> bool:
    """The Python mirror of `active_on`."""
    return overlaps(start_on, end_on, day, day)


def clean_id_number(value: str | None) -> str:
    """A national ID number: 18 characters, digits with an optional final X (empty is allowed)."""
    value = (value or "").strip().upper()
    if value and not ID_NUMBER_RE.match(value):
        raise ServiceError("id_number", N_("An ID number has 18 characters: 17 digits, then a digit or X."))
    return value


def clean_phone(value: str | None) -> str:
    value = (value or "").strip()
    if value and not PHONE_RE.match(value):
        raise ServiceError("phone", N_("Enter a phone number (digits, spaces, + - and brackets)."))
    return value
