"""Copying a record's attributes into another shape (a rule, a schema, a presented line) under the same names."""

from typing import Any


def attrs_of(obj: Any, *names: str) -> dict[str, Any]:
    """`obj`'s attributes `names`, by name: the keyword arguments of a shape whose fields are named alike."""
    return {name: getattr(obj, name) for name in names}
