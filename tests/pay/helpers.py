"""Builders for pay tests: standards through the services (as an admin), salary records, certificates."""

from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine

from talent.certification.models import Certificate
from talent.core.access import Role, Scope
from talent.pay import services
from talent.pay.models import SalaryRecord, SalaryStandard
from talent.pay.rules import Band
from talent.people.models import EmploymentSpell, Worker

ADMIN = Scope(user_id=0, role=Role.ADMIN)


def band(level: str, years_from: int, years_to: int | None, low, high, mid=None) -> Band:
    return services.band_in(level, years_from, years_to, Decimal(low), Decimal(high), mid)


def bands_all(low, high, levels=("none", "assistant", "intermediate", "senior")) -> list[Band]:
    """One open band from 0 years per level, each level 200 yuan above the one below."""
    return [band(lv, 0, None, Decimal(low) + 200 * i, Decimal(high) + 200 * i) for i, lv in enumerate(levels)]


async def standard(
    region, effective_from: date, floor, bands=None, *, publish=True, published_on: date | None = None, **more
) -> SalaryStandard:
    s = await services.standard_create(
        actor=None,
        scope=ADMIN,
        region=region,
        title=more.pop("title", f"{region.name} {effective_from.year}"),
        effective_from=effective_from,
        floor=Decimal(floor),
        bands=bands if bands is not None else bands_all(floor, Decimal(floor) + 1000),
        allowances=more.pop("allowances", []),
        **more,
    )
    if publish:
        when = published_on or effective_from
        with time_machine.travel(datetime(when.year, when.month, when.day, 4, tzinfo=UTC), tick=False):
            await services.standard_publish(actor=None, scope=ADMIN, standard=s)
    return s


async def salary(worker: Worker, effective_from: date, base, allowances=0) -> SalaryRecord:
    return await SalaryRecord.create(
        worker=worker, effective_from=effective_from, monthly_base=Decimal(base), monthly_allowances=Decimal(allowances)
    )


async def certificate(worker: Worker, level: str, obtained_on: date) -> Certificate:
    return await Certificate.create(
        worker=worker, level=level, number=f"{worker.worker_no}-{level}", obtained_on=obtained_on
    )


async def hire(worker_no: str, station, start_on: date, full_time: bool = True) -> Worker:
    w = await Worker.create(worker_no=worker_no, name=f"工作者{worker_no}")
    await EmploymentSpell.create(worker=w, station=station, start_on=start_on, full_time=full_time)
    return w
