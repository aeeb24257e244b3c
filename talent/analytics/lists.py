"""The rows behind a figure: the workers a headcount or certified count counts, the spells a separations count
counts. A dashboard card or a report figure links here, and the list's total is the figure (the same querysets,
never a second definition)."""

from datetime import date
from math import ceil

from talent.analytics.area import Area
from talent.analytics.measures import active_qs, certified_on_qs, separations_qs
from talent.analytics.workforce import registration_list
from talent.core.pagination import ListParams, Page, paginate
from talent.core.sql import Unordered, icontains
from talent.people.models import Worker
from talent.places.models import CertLevel

WORKER_MEASURES = ("headcount", "certified")
WORKER_SORTS = {"worker_no": "worker_no", "name": "name"}
SPELL_SORTS = {"end_on": "end_on", "worker_no": "worker__worker_no"}


def measure_workers_qs(area: Area, measure: str, on: date):
    spells = certified_on_qs(area, on) if measure == "certified" else active_qs(area, on)
    return Worker.filter(id__in=Unordered(spells.values("worker_id")))


async def measure_workers(*, area: Area, measure: str, on: date, params: ListParams) -> Page:
    qs = measure_workers_qs(area, measure, on)
    if params.q:
        qs = qs.filter(icontains("worker_no" if params.q.isascii() else "name", params.q))
    return await paginate(qs, params, WORKER_SORTS, "worker_no", values=("id", "worker_no", "name", "source"))


async def separation_spells(*, area: Area, start: date, end: date, params: ListParams) -> Page:
    qs = separations_qs(area, start, end)
    return await paginate(
        qs,
        params,
        SPELL_SORTS,
        "-end_on",
        values=(
            "id",
            "worker_id",
            "worker__worker_no",
            "worker__name",
            "station__code",
            "station__name",
            "start_on",
            "end_on",
            "exit_type",
            "exit_reason",
        ),
    )


ATTENTION = ("renewal_open", "ce_short", "expired", "unregistered")


async def attention_certificates(*, area: Area, key: str, on: date, params: ListParams) -> Page:
    """The certificates of one registration heading (renewal open, CE short, expired, awaiting first
    registration), as the report counts them."""
    per_page = params.per_page
    rows, total = await registration_list(area, on, key, offset=(params.page - 1) * per_page, limit=per_page)
    if not rows and total and params.page > 1:
        params.page = max(1, ceil(total / per_page))
        rows, total = await registration_list(area, on, key, offset=(params.page - 1) * per_page, limit=per_page)
    for row in rows:
        row["level"] = CertLevel(row["level"])
        for name in ("obtained_on", "registered_on"):
            if isinstance(row[name], str):  # SQLite gives dates back as text from a raw statement
                row[name] = date.fromisoformat(row[name])
    return Page(items=rows, total=total, params=params)
