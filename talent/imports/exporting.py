"""`talent export KIND FILE`: the import kinds' own columns with English headers, read in keyset batches,
so that an export imports back unchanged."""

import importlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from talent.core.export import batched, csv_chunks, write_xlsx
from talent.imports import framework
from talent.people.models import EmploymentSpell, Worker
from talent.places.models import Region, Station

# Kinds of other packages export through their own row generators ("module:function"), loaded when asked for.
ELSEWHERE = {
    "exam_results": "talent.certification.imports:exam_result_rows",
    "certificates": "talent.certification.imports:certificate_rows",
    "questions": "courses.examprep.imports:question_rows",
}
EXPORTABLE = ("regions", "stations", "workers", "employment", *ELSEWHERE)
BATCH = 2000


async def _regions() -> AsyncIterator[list[Any]]:
    # In path order, so a parent always comes before its children (the import needs that).
    last = ""
    while True:
        batch = await Region.filter(path__gt=last).order_by("path").limit(BATCH).select_related("parent")
        if not batch:
            return
        for r in batch:
            yield [r.code, r.name, r.level, r.parent.code if r.parent else ""]
        last = batch[-1].path


async def _stations() -> AsyncIterator[list[Any]]:
    async for s in batched(Station.all().select_related("region", "organisation", "tier"), BATCH):
        yield [
            s.code,
            s.name,
            s.region.code,
            s.organisation.name if s.organisation else "",
            s.tier.name if s.tier else "",
            s.opened_on,
        ]


async def _workers() -> AsyncIterator[list[Any]]:
    async for w in batched(Worker.all(), BATCH):
        yield [
            w.worker_no,
            w.name,
            w.gender,
            w.birth_date,
            w.education,
            w.social_work_major,
            w.source,
            w.phone,
            w.id_number,
        ]


async def _employment() -> AsyncIterator[list[Any]]:
    async for s in batched(EmploymentSpell.all().select_related("worker", "station"), BATCH):
        yield [s.worker.worker_no, s.station.code, s.start_on, s.end_on, s.full_time, s.exit_type, s.exit_reason]


ROWS = {"regions": _regions, "stations": _stations, "workers": _workers, "employment": _employment}


async def _counting(rows: AsyncIterator[list[Any]], counter: list[int], progress=None) -> AsyncIterator[list[Any]]:
    async for row in rows:
        counter[0] += 1
        if progress is not None and counter[0] % 1000 == 0:
            progress(counter[0])
        yield row


def _rows_of(kind: str) -> Callable[[], AsyncIterator[list[Any]]]:
    if kind in ROWS:
        return ROWS[kind]
    module, _, name = ELSEWHERE[kind].partition(":")
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
