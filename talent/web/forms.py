"""A small declarative form layer: parse posted strings, validate, keep what the user typed.

Domain forms declare their fields; one template macro renders any field, so create and edit pages
share markup and every error is shown next to its field.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from talent.core.errors import ServiceError
from talent.core.i18n import gettext as _
from talent.core.text import INVISIBLE

T = TypeVar("T")


@dataclass
class Field:
    name: str
    label: str  # an English msgid, translated when rendered
    kind: str = "text"  # text | textarea | int | decimal | date | bool | choice | lookup | password
    required: bool = False
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    choices: Sequence[tuple[str, str]] = ()  # (value, English label) for kind=choice
    help: str = ""
    lookup_url: str = ""  # for kind=lookup: suggestions endpoint returning <option>s
    autocomplete: str = "off"


@dataclass
class Form:
    fields: list[Field]
    data: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    cleaned: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def bind(cls, fields: list[Field], data: Mapping[str, Any]) -> "Form":
        raw: dict[str, str] = {}
        for f in fields:
            value = data.get(f.name)
            if f.kind == "bool":
                raw[f.name] = "1" if value in ("1", "on", "true", "yes", True) else ""
            else:
                raw[f.name] = value.strip() if isinstance(value, str) else ""
        return cls(fields=fields, data=raw)

    @classmethod
    def initial(cls, fields: list[Field], values: Mapping[str, Any] | None = None) -> "Form":
        values = values or {}
        raw = {}
        for f in fields:
            v = values.get(f.name)
            if v is None:
                raw[f.name] = ""
            elif f.kind == "bool":
                raw[f.name] = "1" if v else ""
            elif hasattr(v, "value"):
                raw[f.name] = str(v.value)
            else:
                raw[f.name] = str(v)
        return cls(fields=fields, data=raw)

    @classmethod
    async def posted(cls, fields: list[Field], request) -> "Form":
        """The form bound to the request's posted fields."""
        return cls.bind(fields, await request.form())

    async def run(self, action: Callable[[dict[str, Any]], Awaitable[T]]) -> T | None:
        """Validate, then call `action(cleaned)`; a ServiceError it raises goes onto its field. Returns what the
        action returned, or None when the form has errors (the caller shows it again, with 422)."""
        if not self.validate():
            return None
        try:
            return await action(self.cleaned)
        except ServiceError as exc:
            self.add_error(exc.field, exc.message)
            return None

    def __getitem__(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def add_error(self, name: str, message: str) -> None:
        """Attach a message to a field; one the form does not show goes to the form-wide message."""
        if name not in {f.name for f in self.fields}:
            name = "__all__"
        self.errors.setdefault(name, message)

    def validate(self) -> bool:
        for f in self.fields:
            raw = self.data.get(f.name, "")
            try:
                self.cleaned[f.name] = _clean(f, raw)
            except ValueError as exc:
                self.errors[f.name] = str(exc)
        return not self.errors


def _clean(f: Field, raw: str) -> Any:
    if f.kind == "bool":
        return raw == "1"
    if raw == "":
        if f.required:
            raise ValueError(_("This field is required."))
        return None
    if f.max_length and len(raw) > f.max_length:
        raise ValueError(_("At most %(n)s characters.") % {"n": f.max_length})
    if any(ord(ch) < 32 and ch not in "\r\n\t" for ch in raw):
        raise ValueError(_("Contains control characters."))
    if f.kind != "password" and INVISIBLE.search(raw):
        raise ValueError(
            _("Contains invisible characters that reverse or hide text (copied from another program?). Type it again.")
        )
    if f.kind == "int":
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(_("Enter a whole number.")) from None
        if f.min_value is not None and value < f.min_value:
            raise ValueError(_("Must be at least %(n)s.") % {"n": f.min_value})
        if f.max_value is not None and value > f.max_value:
            raise ValueError(_("Must be at most %(n)s.") % {"n": f.max_value})
        return value
    if f.kind == "decimal":
        try:
            return Decimal(raw.replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
    if f.kind == "date":
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
        if not date(1900, 1, 1) <= value <= date(2200, 12, 31):
            raise ValueError(_("Enter a date as YYYY-MM-DD."))
        return value
    if f.kind == "choice":
        if raw not in {value for value, _label in f.choices}:
            raise ValueError(_("Choose one of the options."))
        return raw
    return raw
