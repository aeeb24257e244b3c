"""Which characters typed text may hold, for forms and spreadsheet cells alike."""

import re

# Control characters other than tab and line breaks (PostgreSQL refuses NUL outright).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Zero-width and direction-override characters: a name holding them shows differently from what is stored
# (U+202E turns "gpj.exe" around) and a search for what the eye reads finds nothing.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
