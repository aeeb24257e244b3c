"""Coded values that carry their own label: `GENDER_F = "female", N_("Female")`. The code is what the database,
files and URLs hold; `.label` is the msgid shown for it, translated where it is shown (one template filter,
`|label`, and `.label.tr()` in Python). One registry of labels instead of one dictionary per module."""

from enum import StrEnum

from talent.core.i18n import Msgid


class Coded(StrEnum):
    """A StrEnum whose members are declared as `CODE = "code", N_("Label")`; members equal their codes."""

    label: Msgid

    def __new__(cls, value: str, label: Msgid | None = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else Msgid(value)
        return member


def choices(enum: type[Coded]) -> list[tuple[str, Msgid]]:
    """(code, label) pairs for a form's choice field or a filter."""
    return [(member.value, member.label) for member in enum]
