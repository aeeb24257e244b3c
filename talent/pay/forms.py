"""The pay forms: a standard (its fields, then a grid of bands and one of allowances), a new version, a salary
record, and the simulator's numbers."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from talent.core.codes import choices
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.core.i18n import gettext as _
from talent.pay.models import Grade, PayLevel
from talent.pay.rules import Band
from talent.pay.services import AllowanceIn, band_in
from talent.places.forms import region_lookup
from talent.web.forms import Field

STANDARD_FIELDS = [
    Field("title", N_("Title"), required=True, max_length=200),
    region_lookup(required=True, help=N_("The region the standard is issued for: yours or one below it.")),
    Field("document_no", N_("Document number"), max_length=100, help=N_("For example 宁民发〔2026〕12号.")),
    Field("effective_from", N_("Effective from"), kind="date", required=True),
    Field(
        "floor",
        N_("Floor (yuan per month)"),
        kind="decimal",
        required=True,
        help=N_("The minimum monthly pay of a full-time station worker."),
    ),
    Field("benchmark", N_("Benchmark wage (yuan per month)"), kind="decimal"),
    Field(
        "benchmark_label",
        N_("Benchmark name"),
        max_length=100,
        help=N_("For example the region's average wage of 2025."),
    ),
    Field("notes", N_("Notes"), kind="textarea", max_length=4000),
    # Performance steps (rules: proposed pay change): the monthly raise of base pay for last year's grade.
    Field(
        "step_excellent",
        N_("Performance step for Excellent (yuan per month)"),
        kind="decimal",
        help=N_("Proposed as a raise of base pay from January after a yearly assessment of this grade."),
    ),
    Field("step_competent", N_("Performance step for Competent (yuan per month)"), kind="decimal"),
    Field("step_basically_competent", N_("Performance step for Basically competent (yuan per month)"), kind="decimal"),
    Field("step_incompetent", N_("Performance step for Incompetent (yuan per month)"), kind="decimal"),
]
STEP_FIELDS = {g.value: f"step_{g.value}" for g in Grade}

NEW_VERSION_FIELDS = [
    Field("effective_from", N_("Effective from"), kind="date", required=True),
    Field(
        "uplift_pct",
        N_("Uplift (%)"),
        kind="decimal",
        help=N_("Every amount is raised by this share; 0 for a correction."),
    ),
    Field("title", N_("Title"), max_length=200),
    Field("document_no", N_("Document number"), max_length=100),
]

RECORD_FIELDS = [
    Field("effective_from", N_("Effective from"), kind="date", required=True),
    Field("monthly_base", N_("Monthly base (yuan)"), kind="decimal", required=True),
    Field("monthly_allowances", N_("Monthly allowances (yuan)"), kind="decimal"),
    Field("note", N_("Note"), max_length=255),
]

LEVEL_CHOICES = choices(PayLevel)
EXTRA_ROWS = 3  # empty rows offered below the filled ones


@dataclass
class BandRow:
    level: str = ""
    years_from: str = ""
    years_to: str = ""
    min_pay: str = ""
    mid_pay: str = ""
    max_pay: str = ""


@dataclass
class AllowanceRow:
    name: str = ""
    level: str = ""
    amount: str = ""


BAND_KEYS = ("level", "years_from", "years_to", "min_pay", "mid_pay", "max_pay")
ALLOWANCE_KEYS = ("name", "level", "amount")
MAX_ROWS = 60


def band_rows_of(standard) -> list[BandRow]:
    rows = [
        BandRow(
            b.level.value,
            str(b.years_from),
            "" if b.years_to is None else str(b.years_to),
            str(b.min_pay),
            str(b.mid_pay),
            str(b.max_pay),
        )
        for b in getattr(standard, "sorted_bands", [])
    ]
    return rows + [BandRow() for _i in range(EXTRA_ROWS)]


def allowance_rows_of(standard) -> list[AllowanceRow]:
    rows = [
        AllowanceRow(a.name, a.level.value if a.level else "", str(a.amount))
        for a in getattr(standard, "allowances", [])
    ]
    return rows + [AllowanceRow() for _i in range(EXTRA_ROWS)]


def posted_rows(data, prefix: str, keys: tuple[str, ...], cls):
    """The rows of a grid as posted (`band-3-min_pay` …), blank rows left out, at most MAX_ROWS."""
    rows = []
    for i in range(MAX_ROWS):
        values = {k: str(data.get(f"{prefix}-{i}-{k}", "") or "").strip()[:100] for k in keys}
        if any(values.values()):
            rows.append(cls(**values))
    return rows


def _int(value: str, *, optional: bool = False) -> int | None:
    if value == "" and optional:
        return None
    if not value.isdigit() or len(value) > 3:
        raise ServiceError("bands", N_("Years of service are whole numbers from 0 to 999."))
    return int(value)


def _amount(value: str, field: str) -> Decimal:
    try:
        return Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise ServiceError(field, N_("Enter an amount in yuan.")) from None


def parse_bands(rows: list[BandRow]) -> list[Band]:
    """Bands from the grid; ServiceError("bands", …) on a row that is not one."""
    out = []
    for row in rows:
        if row.level not in {v for v, _l in LEVEL_CHOICES}:
            raise ServiceError("bands", N_("Choose a certificate level for every band."))
        if not row.min_pay or not row.max_pay:
            raise ServiceError("bands", N_("Every band needs a minimum and a maximum."))
        out.append(
            band_in(
                row.level,
                _int(row.years_from or "0"),
                _int(row.years_to, optional=True),
                _amount(row.min_pay, "bands"),
                _amount(row.max_pay, "bands"),
                _amount(row.mid_pay, "bands") if row.mid_pay else None,
            )
        )
    return out


def parse_allowances(rows: list[AllowanceRow]) -> list[AllowanceIn]:
    out = []
    for row in rows:
        if row.level and row.level not in {v for v, _l in LEVEL_CHOICES}:
            raise ServiceError("allowances", N_("Choose one of the options."))
        name = row.name or (PayLevel(row.level).label.tr() if row.level else "")
        out.append(AllowanceIn(name, row.level or None, _amount(row.amount or "", "allowances")))
    return out


def grid_error(exc: ServiceError) -> str:
    return exc.message or _("Some of what was sent is not valid.")


def steps_of(standard) -> dict[str, str]:
    """A standard's performance steps as the form's initial values."""
    return {STEP_FIELDS[s.grade.value]: str(s.amount) for s in getattr(standard, "steps", [])}


ASSESSMENT_FIELDS = [
    Field("worker_no", N_("Worker no."), required=True, max_length=32),
    Field("year", N_("Year"), kind="int", required=True),
    Field("grade", N_("Assessment grade"), kind="choice", choices=choices(Grade), required=True),
    Field("note", N_("Note"), max_length=255),
]
