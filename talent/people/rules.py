"""The rules of employment spells and worker records, each written once: as a SQL expression (a Q on
EmploymentSpell) with its Python mirror, which the imports use on rows not yet stored and the tests hold
against the SQL.

A spell runs from start_on to end_on, its last working day; an open spell (no end_on) runs on forever. A worker
is active on day d iff a spell has start_on ≤ d ≤ end_on (or no end_on) — DESIGN §1. A spell is a period of
talent.core.periods, whose rules (overlapping, active_on and their mirrors) are the spells' rules.
"""

import re

from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.core.periods import active_on as active_on
from talent.core.periods import active_on_sql as active_on_sql
from talent.core.periods import is_active_on as is_active_on
from talent.core.periods import overlapping as overlapping
from talent.core.periods import overlapping_sql as overlapping_sql
from talent.core.periods import overlaps as overlaps

ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,32}$")


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


def check_worker_request(station_code: str, numbers: list[str], most: int) -> None:
    """A write taking every worker at a station and/or a list of worker numbers needs one of them, and at most
    `most` numbers."""
    if not station_code and not numbers:
        raise ServiceError("worker_nos", N_("Give a station or at least one worker number."))
    if len(numbers) > most:
        raise ServiceError("worker_nos", N_("At most %(n)s worker numbers at a time."), n=most)
