"""Reading spreadsheets for import: .xlsx (openpyxl read-only, streamed) and .csv (UTF-8 with or without BOM, or GBK).

The file type is decided by content, never by the name: an .xlsx is a zip holding xl/workbook.xml; anything
else must decode as text. Cells come back raw; `parse_cell` turns one into the column's type or raises
`CellError` with a reason in the user's language.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

from talent.core.i18n import gettext as _
from talent.core.text import CONTROL, INVISIBLE
from talent.imports.columns import NO_WORDS, YES_WORDS, Column
from talent.settings import get_settings

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A zip that inflates to more than this many times its size (or 1 GB) is refused: a zip bomb, not a workbook.
MAX_INFLATE_RATIO = 200
MAX_INFLATED = 1024 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = CONTROL
# Either kind of unwanted character; the general path says which one it found.
_SUSPECT = re.compile(f"{CONTROL.pattern}|{INVISIBLE.pattern}")
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class FileError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, too large, bad encoding, empty)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    pass


def max_bytes() -> int:
    return int(getattr(get_settings(), "import_max_bytes", DEFAULT_MAX_BYTES))


def format_size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def too_large_message(limit: int) -> str:
    return _("The file is larger than the limit of %(size)s.") % {"size": format_size(limit)}


# ── detecting and opening ────────────────────────────────────────────────────────────────────────


def detect(path: Path, limit: int | None = None) -> str:
    """'xlsx' or 'csv' by content; FileError for anything else."""
    limit = max_bytes() if limit is None else limit
    size = path.stat().st_size
    if size > limit:
        raise FileError(too_large_message(limit))
    if size == 0:
        raise FileError(_("The file is empty."))
    with path.open("rb") as fh:
        head = fh.read(8192)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                inflated = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise FileError(_("This is not a spreadsheet: use an .xlsx or .csv file.")) from None
        if "xl/workbook.xml" not in names:
            raise FileError(_("This is not a spreadsheet: use an .xlsx or .csv file."))
        if inflated > MAX_INFLATED or inflated > MAX_INFLATE_RATIO * max(size, 1):
            raise FileError(too_large_message(limit))
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(_("Old .xls workbooks are not accepted: save the file as .xlsx or .csv."))
    if b"\x00" in head or _CONTROL.search(head.decode("latin-1")):
        raise FileError(_("This is not a spreadsheet: use an .xlsx or .csv file."))
    return "csv"


def detect_encoding(path: Path) -> str:
    """utf-8-sig (with or without BOM), else GB18030 (a superset of GBK), decoded strictly to the end."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(256 * 1024):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileError(
        _("The text is neither UTF-8 nor GBK: it has bytes that are not valid characters. Save it as UTF-8.")
    )


@dataclass
class Sheet:
    """Headers and a stream of (row number, raw cells); row numbers are as the spreadsheet shows them."""

    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    total: int | None = None  # an estimate of the data rows, when the format tells
    format: str = "csv"
    _closers: list = field(default_factory=list)

    def close(self) -> None:
        for closer in self._closers:
            try:
                closer()
            except Exception:  # noqa: BLE001 — closing a reader must not hide the real outcome
                pass


def open_sheet(path: Path, limit: int | None = None) -> Sheet:
    kind = detect(path, limit)
    return _open_xlsx(path) if kind == "xlsx" else _open_csv(path)


def _open_csv(path: Path) -> Sheet:
    encoding = detect_encoding(path)
    fh = path.open("r", encoding=encoding, newline="")
    first = fh.readline()
    fh.seek(0)
    if encoding == "utf-8-sig":
        first = first.lstrip("\ufeff")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    # strict: a quote left open to the end of the file, or text after a closing quote, is an error instead of
    # a row quietly glued together from the rest of the file.
    reader = csv.reader(fh, delimiter=delimiter, strict=True)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from enumerate(reader, 2)
        except csv.Error as exc:
            raise FileError(_("The CSV file is malformed: %(reason)s") % {"reason": str(exc)}) from None

    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise FileError(_("The file is empty.")) from None
    except csv.Error as exc:
        fh.close()
        raise FileError(_("The CSV file is malformed: %(reason)s") % {"reason": str(exc)}) from None
    size = path.stat().st_size
    estimate = max(0, round(size / max(len(first.encode(encoding, "replace")), 1)) - 1) if first else None
    return Sheet(headers=[_text(h) for h in header], rows=rows(), total=estimate, format="csv", _closers=[fh.close])


def _open_xlsx(path: Path) -> Sheet:
    from openpyxl import load_workbook

    fh = path.open("rb")  # a file object: openpyxl would judge a path by its extension, and ours have none
    try:
        workbook = load_workbook(fh, read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header = next(iterator, None)
    except FileError:
        raise
    except Exception:  # noqa: BLE001 — any failure inside openpyxl means an unreadable workbook
        fh.close()
        raise FileError(_("The workbook could not be read; open it in Excel and save it again as .xlsx.")) from None
    if header is None:
        workbook.close()
        fh.close()
        raise FileError(_("The file is empty."))
    total = None
    try:
        if sheet.max_row:
            total = max(0, sheet.max_row - 1)
    except Exception:  # noqa: BLE001
        total = None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, cells in enumerate(iterator, 2):
                yield number, list(cells)
        except FileError:
            raise
        except Exception:  # noqa: BLE001
            raise FileError(_("The workbook could not be read; open it in Excel and save it again as .xlsx.")) from None

    return Sheet(
        headers=[_text(h) for h in header], rows=rows(), total=total, format="xlsx", _closers=[workbook.close, fh.close]
    )


# ── headers ──────────────────────────────────────────────────────────────────────────────────────


def normalise_header(text: str) -> str:
    """Header names compare trimmed, case-insensitively, ignoring spaces, underscores and bracket width."""
    text = text.replace("（", "(").replace("）", ")").casefold()
    return re.sub(r"[\s_\-]+", "", text)


def header_index(columns: list[Column]) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in columns:
        index[normalise_header(column.en)] = column
        index[normalise_header(column.zh)] = column
    return index


# ── cells ────────────────────────────────────────────────────────────────────────────────────────


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value).strip()


def display(value: Any) -> str:
    """A raw cell as the user would read it in an error report or preview."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()[:200]


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip().startswith("=") and len(value.strip()) > 1


def parse_cell(column: Column, raw: Any) -> Any:
    """The cell's value in the column's type; None for an empty cell. Raises CellError(reason)."""
    if is_formula(raw):
        raise CellError(_("Formulas are not accepted; paste the values instead."))
    if is_blank(raw):
        return None
    kind = column.type
    if kind == "date":
        return parse_date(raw)
    if kind == "bool":
        return parse_bool(raw)
    if kind == "int":
        return parse_int(raw)
    if kind == "decimal":
        return parse_decimal(raw)
    if kind == "enum":
        return parse_enum(column.enum, raw, column.words)
    return parse_text(raw, column.max_length)


def parse_text(raw: Any, max_length: int | None = None) -> str:
    if isinstance(raw, bool):
        raise CellError(_("Enter text, not TRUE/FALSE."))
    if isinstance(raw, float):
        if not raw.is_integer():
            text = repr(raw)
        elif abs(raw) >= 1e15:
            raise CellError(_("Excel stored this long number with lost digits; format the column as text."))
        else:
            text = str(int(raw))
    elif isinstance(raw, datetime):
        text = display(raw)
    else:
        text = _text(raw)
    # A cell an export neutralised ("'=…", "'+86…") is read back as the value it stood for.
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    if _CONTROL.search(text):
        raise CellError(_("Contains control characters."))
    if INVISIBLE.search(text):
        raise CellError(
            _("Contains invisible characters that reverse or hide text (copied from another program?). Type it again.")
        )
    if max_length and len(text) > max_length:
        raise CellError(_("At most %(n)s characters.") % {"n": max_length})
    return text


def parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        value = raw.date()
    elif isinstance(raw, date):
        value = raw
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        # A date cell that lost its date format still holds Excel's serial day number.
        from openpyxl.utils.datetime import from_excel

        if not 1 <= raw <= 2958465:
            raise CellError(_("Enter a date such as 2024-03-01."))
        value = from_excel(raw)
        value = value.date() if isinstance(value, datetime) else value
    else:
        text = _text(raw)
        match = _DATE.match(text) or _COMPACT_DATE.match(text)
        if not match:
            raise CellError(_("Enter a date such as 2024-03-01."))
        year, month, day = (int(part) for part in match.groups())
        try:
            value = date(year, month, day)
        except ValueError:
            raise CellError(_("There is no such date.")) from None
    if not date(1900, 1, 1) <= value <= date(2200, 12, 31):
        raise CellError(_("The date is out of range."))
    return value


def parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = _text(raw).casefold()
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise CellError(_("Enter yes or no (是 / 否)."))


def _number_text(raw: Any) -> str:
    text = _text(raw)
    for separator in (",", "，", " ", "\u00a0", "'", "_"):
        text = text.replace(separator, "")
    return text


def parse_decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(_("Enter a number."))
    if isinstance(raw, int | float):
        return Decimal(str(raw))
    try:
        value = Decimal(_number_text(raw))
    except InvalidOperation:
        raise CellError(_("Enter a number.")) from None
    if not value.is_finite():
        raise CellError(_("Enter a number."))
    return value


def parse_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise CellError(_("Enter a whole number."))
    if isinstance(raw, int):
        return raw
    try:
        value = Decimal(str(raw)) if isinstance(raw, float) else Decimal(_number_text(raw))
    except InvalidOperation:
        raise CellError(_("Enter a whole number.")) from None
    if not value.is_finite() or value != value.to_integral_value() or abs(value) > 2_000_000_000:
        raise CellError(_("Enter a whole number."))
    return int(value)


# (enum, id of its words) → (those words, casefolded text → code): built once per column's code list.
_ENUM_LOOKUP: dict[tuple[type[Enum], int], tuple[Mapping[str, str], dict[str, str]]] = {}


def _enum_lookup(enum: type[Enum], words: Mapping[str, str]) -> dict[str, str]:
    cached = _ENUM_LOOKUP.get((enum, id(words)))
    if cached is not None and cached[0] is words:
        return cached[1]
    lookup = {member.value.casefold(): member.value for member in enum}
    for word, code in words.items():
        lookup[word.casefold()] = code
    _ENUM_LOOKUP[(enum, id(words))] = (words, lookup)
    return lookup


def allowed_codes(enum: type[Enum], words: Mapping[str, str] | None = None) -> str:
    """The codes a column takes, each with its Chinese words: `province (省), city (市), …`."""
    words = words or {}
    parts = []
    for member in enum:
        zh = [w for w, code in words.items() if code == member.value]
        parts.append(member.value + (f" ({' / '.join(zh)})" if zh else ""))
    return ", ".join(parts)


def parse_enum(enum: type[Enum] | None, raw: Any, words: Mapping[str, str] | None = None) -> Enum:
    """The member whose code, or one of whose Chinese `words`, the cell holds (case and spaces aside)."""
    assert enum is not None
    words = words or {}
    text = re.sub(r"\s+", "", _text(raw)).casefold()
    code = _enum_lookup(enum, words).get(text)
    if code is None:
        raise CellError(_("Unknown code; use one of: %(codes)s.") % {"codes": allowed_codes(enum, words)})
    return enum(code)


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


# ── compiled per-column parsers (the import's hot path) ──────────────────────────────────────────

_MEMO_LIMIT = 4096  # distinct raw texts remembered per coded column (enum, yes/no)
_EARLIEST, _LATEST = date(1900, 1, 1), date(2200, 12, 31)


def cell_parser(column: Column):
    """A function raw → value that gives exactly what `parse_cell(column, raw)` gives (raising the same CellError),
    with fast paths for the common cells: a trimmed text, a known code, an Excel date. Anything unusual goes
    through `parse_cell` itself."""
    kind = column.type
    if kind == "str":
        max_length = column.max_length
        control = _SUSPECT.search

        def parse_str(raw: Any) -> Any:
            if raw.__class__ is not str:
                return None if raw is None else parse_cell(column, raw)
            text = raw.strip()
            if not text:
                return None
            first = text[0]
            if first == "=" or first == "'" or control(text) or (max_length and len(text) > max_length):
                return parse_cell(column, raw)  # a formula, a neutralised cell, or a problem: the general path
            return text

        return parse_str
    if kind == "date":

        def parse_date_cell(raw: Any) -> Any:
            if raw.__class__ is datetime:
                value = raw.date()
                if _EARLIEST <= value <= _LATEST:
                    return value
            elif raw is None:
                return None
            return parse_cell(column, raw)

        return parse_date_cell
    if kind in ("enum", "bool"):
        # Coded values repeat: remember what each raw text parsed to (successes only; a problem is always
        # reported by parse_cell itself, in the current language).
        memo: dict[str, Any] = {}

        def parse_coded(raw: Any) -> Any:
            if raw.__class__ is str:
                value = memo.get(raw, memo)
                if value is not memo:
                    return value
                value = parse_cell(column, raw)
                if len(memo) < _MEMO_LIMIT:
                    memo[raw] = value
                return value
            if raw is None:
                return None
            return parse_cell(column, raw)

        return parse_coded

    def parse_other(raw: Any) -> Any:
        return None if raw is None else parse_cell(column, raw)

    return parse_other
