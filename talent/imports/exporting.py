"""`talent export KIND FILE`: the import kinds' own columns with English headers, read in keyset batches,
so that an export imports back unchanged."""

import importlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from talent.core.export import csv_chunks, write_xlsx
from talent.imports import framework

# Each kind's rows come from a generator next to the kind, in its owning domain ("module:function"), loaded when
# asked for: the framework imports no domain.
ROWS = {
    "regions": "talent.places.imports:region_rows",
    "stations": "talent.places.imports:station_rows",
    "workers": "talent.people.imports:worker_rows",
    "employment": "talent.people.imports:employment_rows",
    "exam_results": "talent.certification.imports:exam_result_rows",
    "certificates": "talent.certification.imports:certificate_rows",
    "questions": "courses.examprep.imports:question_rows",
    "salaries": "talent.pay.imports:salary_rows",
    "assessments": "talent.pay.imports:assessment_rows",
    "cohort_members": "talent.cohorts.imports:cohort_member_rows",
    "supervisors": "talent.supervision.imports:supervisor_rows",
    "assignments": "talent.supervision.imports:assignment_rows",
}
EXPORTABLE = tuple(ROWS)


async def _counting(rows: AsyncIterator[list[Any]], counter: list[int], progress=None) -> AsyncIterator[list[Any]]:
    async for row in rows:
        counter[0] += 1
        if progress is not None and counter[0] % 1000 == 0:
            progress(counter[0])
        yield row


def _rows_of(kind: str) -> Callable[[], AsyncIterator[list[Any]]]:
    module, _, name = ROWS[kind].partition(":")
    return getattr(importlib.import_module(module), name)


async def export_kind(kind: str, target: Path, progress=None) -> int:
    """Write every record of `kind` to `target` (.xlsx, or .csv in UTF-8 with BOM); returns the row count."""
    headers = [c.en for c in framework.get_kind(kind).spec.columns]
    counter = [0]
    rows = _counting(_rows_of(kind)(), counter, progress)
    if target.suffix.lower() == ".csv":
        with target.open("wb") as out:
            async for chunk in csv_chunks(headers, rows):
                out.write(chunk)
    else:
        await write_xlsx(target, headers, rows, title=kind)
    return counter[0]
