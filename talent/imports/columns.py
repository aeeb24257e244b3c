"""The spreadsheet columns of an import kind (DESIGN §3), shared by import, export and templates.

A column has an English header (what `talent export` writes) and a Chinese one; either is accepted on import,
in any column order. Coded values are written as English codes and read as the English code or one of the
Chinese words the column lists (`words`). Each domain declares its kinds' columns next to the kinds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class Column:
    key: str  # the English header and the field name
    zh: str  # the Chinese header
    type: str = "str"  # str | date | bool | int | decimal | enum
    required: bool = False
    enum: type[Enum] | None = None
    max_length: int | None = None
    sensitive: bool = False  # masked in exports unless the viewer may see it
    # For an enum column: Chinese word → code, accepted besides the English codes (DESIGN §3).
    words: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def en(self) -> str:
        return self.key

    def header(self, locale: str) -> str:
        return self.zh if locale == "zh_CN" else self.en


YES_WORDS = {"yes", "y", "true", "1", "是", "对", "√"}
NO_WORDS = {"no", "n", "false", "0", "否", "不", "×"}


@dataclass(frozen=True)
class KindSpec:
    name: str
    columns: list[Column] = field(default_factory=list)
    natural_key: tuple[str, ...] = ()
