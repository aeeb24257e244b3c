"""Read models of people: what the API and exports say about a worker. Phone and national ID number are masked
(talent.core.masking) unless the reader may see them (Permission.WORKERS_SENSITIVE), decided by the caller."""

from datetime import date

from pydantic import BaseModel

from talent.core.attrs import attrs_of
from talent.core.masking import mask_id, mask_phone
from talent.people.models import Worker


class WorkerOut(BaseModel):
    """A worker in the workers kind's columns, in their order (an export row is `tuple(model_dump().values())`)."""

    worker_no: str
    name: str
    gender: str | None
    birth_date: date | None
    education: str | None
    social_work_major: bool
    source: str
    phone: str
    id_number: str

    @classmethod
    def of(cls, worker: Worker, *, sensitive: bool) -> "WorkerOut":
        return cls(
            **attrs_of(worker, "worker_no", "name", "gender", "birth_date", "education", "source"),
            social_work_major=bool(worker.social_work_major),
            phone=worker.phone if sensitive else mask_phone(worker.phone),
            id_number=worker.id_number if sensitive else mask_id(worker.id_number),
        )


class WorkerListItem(WorkerOut):
    """A row of the workers list: the worker, the codes of the in-scope stations where they work on the list's
    day, and since when (the start of the latest active spell)."""

    stations: list[str]
    since: date | None

    @classmethod
    def of(cls, worker: Worker, *, sensitive: bool) -> "WorkerListItem":
        """`worker` as talent.people.selectors.worker_list gives it (`current` spells with stations, `since`)."""
        base = WorkerOut.of(worker, sensitive=sensitive).model_dump()
        stations = [spell.station.code for spell in getattr(worker, "current", [])]
        return cls(**base, stations=stations, since=getattr(worker, "since", None))
