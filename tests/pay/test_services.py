"""Standards and salary records through the services: bad input is refused with a clear error and nothing
written; publishing is final; a new version is a copy, optionally uplifted; every change is audited."""

from datetime import date
from decimal import Decimal

import pytest

from talent.audit.models import AuditEntry
from talent.core.access import Role, Scope
from talent.core.errors import ServiceError
from talent.pay import selectors, services
from talent.pay.models import SalaryBand, SalaryRecord, SalaryStandard
from tests.factories import world
from tests.pay.helpers import ADMIN, band, bands_all, standard


async def _refused(message_part: str, **kwargs):
    with pytest.raises(ServiceError) as exc:
        await services.standard_create(actor=None, scope=ADMIN, **kwargs)
    assert message_part in exc.value.message
    assert await SalaryStandard.all().count() == 0


def _fields(region, **more):
    return {
        "region": region,
        "title": "标准",
        "effective_from": date(2026, 1, 1),
        "floor": Decimal(3000),
        "allowances": [],
        **more,
    }


async def test_bands_that_overlap_leave_a_gap_or_have_min_above_max_are_refused(db):
    w = await world()
    county = w["regions"]["county_a"]
    await _refused(
        "overlap", **_fields(county, bands=[band("none", 0, 3, 3000, 4000), band("none", 2, None, 3500, 4500)])
    )
    await _refused(
        "no band covers 3 to 4",
        **_fields(county, bands=[band("none", 0, 3, 3000, 4000), band("none", 4, None, 3500, 4500)]),
    )
    with pytest.raises(ServiceError) as exc:
        services.band_in("none", 0, None, Decimal(5000), Decimal(4000))
        await services.standard_create(
            actor=None, scope=ADMIN, **_fields(county, bands=[services.band_in("none", 0, None, 5000, 4000)])
        )
    assert "above the maximum" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        services.band_in("none", 0, None, Decimal(-1), Decimal(4000))
    assert "negative" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        await services.standard_create(actor=None, scope=ADMIN, **_fields(county, bands=[], floor=Decimal("-5")))
    assert exc.value.field == "floor"
    assert await SalaryStandard.all().count() == 0


async def test_publishing_refuses_a_floor_below_the_enclosing_floor_in_force(db):
    w = await world()
    r = w["regions"]
    await standard(r["city"], date(2025, 1, 1), 3200)
    low = await standard(r["county_a"], date(2025, 7, 1), 3100, publish=False)
    with pytest.raises(ServiceError) as exc:
        await services.standard_publish(actor=None, scope=ADMIN, standard=low)
    assert exc.value.field == "floor" and "3200" in exc.value.message
    assert (await SalaryStandard.get(id=low.id)).status == "draft"
    # Before the city's standard took effect only the (absent) province floor binds: allowed.
    early = await standard(r["county_a"], date(2024, 6, 1), 3100, publish=False)
    await services.standard_publish(actor=None, scope=ADMIN, standard=early)
    assert (await SalaryStandard.get(id=early.id)).status == "published"


async def test_publishing_needs_every_banded_level_covered_from_zero_years_open_ended(db):
    w = await world()
    s = await standard(
        w["regions"]["county_a"], date(2026, 1, 1), 3000, [band("none", 0, 5, 3000, 4000)], publish=False
    )
    with pytest.raises(ServiceError) as exc:
        await services.standard_publish(actor=None, scope=ADMIN, standard=s)
    assert "open-ended" in exc.value.message


async def test_a_published_standard_cannot_be_edited_or_deleted(db):
    w = await world()
    s = await standard(w["regions"]["county_a"], date(2026, 1, 1), 3000)
    with pytest.raises(ServiceError) as exc:
        await services.standard_update(
            actor=None, scope=ADMIN, standard=s, **_fields(w["regions"]["county_a"], bands=bands_all(3000, 4000))
        )
    assert "new version" in exc.value.message
    with pytest.raises(ServiceError):
        await services.standard_delete(actor=None, scope=ADMIN, standard=s)
    assert (await SalaryStandard.get(id=s.id)).floor == Decimal("3000.00")


async def test_a_new_version_copies_the_standard_with_a_five_percent_uplift_and_shows_the_diff(db):
    w = await world()
    s = await standard(w["regions"]["county_a"], date(2025, 1, 1), 3000, [band("none", 0, None, 3000, 4000)])
    copy = await services.standard_new_version(
        actor=None, scope=ADMIN, source=s, effective_from=date(2026, 1, 1), uplift_pct=Decimal(5)
    )
    assert copy.status == "draft" and copy.previous_id == s.id
    assert copy.floor == Decimal("3150.00")  # 3000 × 1.05
    b = await SalaryBand.get(standard_id=copy.id)
    assert (b.min_pay, b.mid_pay, b.max_pay) == (Decimal("3150.00"), Decimal("3675.00"), Decimal("4200.00"))
    chain = await selectors.standard_chain(scope=ADMIN, standard=copy)
    assert [c.id for c in chain] == [s.id, copy.id]
    diff = await selectors.standard_diff(old=s, new=copy)
    whats = {(d.what, d.before, d.after) for d in diff if d.what in ("floor", "effective_from")}
    assert ("floor", Decimal("3000.00"), Decimal("3150.00")) in whats
    assert any(
        d.what == "band" and d.after == (Decimal("3150.00"), Decimal("3675.00"), Decimal("4200.00")) for d in diff
    )
    assert await AuditEntry.filter(entity="salary_standard", action="new_version", entity_id=str(copy.id)).exists()


async def test_a_bureau_issues_standards_for_its_region_and_below_only(db):
    w = await world()
    bureau = Scope(user_id=1, role=Role.BUREAU, region_path=w["regions"]["county_a"].path)
    s = await services.standard_create(actor=None, scope=bureau, **_fields(w["regions"]["street_a"], bands=[]))
    assert s.region_path == w["regions"]["street_a"].path
    with pytest.raises(ServiceError):
        await services.standard_create(actor=None, scope=bureau, **_fields(w["regions"]["city"], bands=[]))


async def test_a_salary_dated_before_the_hire_is_refused_and_a_good_one_audited(db):
    w = await world()
    worker = w["workers"][0]  # hired 2022-01-01
    with pytest.raises(ServiceError) as exc:
        await services.salary_record_create(
            actor=None, scope=ADMIN, worker=worker, effective_from=date(2021, 12, 31), monthly_base=Decimal(4000)
        )
    assert exc.value.field == "effective_from" and "2022-01-01" in exc.value.message
    assert await SalaryRecord.all().count() == 0
    record = await services.salary_record_create(
        actor=None,
        scope=ADMIN,
        worker=worker,
        effective_from=date(2022, 1, 1),
        monthly_base=Decimal(4000),
        monthly_allowances=Decimal(300),
    )
    entry = await AuditEntry.get(entity="salary_record", entity_id=str(record.id))
    assert entry.after["monthly_base"] == "4000.00" and entry.region_path == w["stations"][0].region_path
    with pytest.raises(ServiceError):
        await services.salary_record_create(
            actor=None, scope=ADMIN, worker=worker, effective_from=date(2022, 1, 1), monthly_base=Decimal(4100)
        )
    await services.salary_record_update(
        actor=None,
        scope=ADMIN,
        record=record,
        effective_from=date(2022, 1, 1),
        monthly_base=Decimal(4200),
        monthly_allowances=Decimal(300),
    )
    entry = await AuditEntry.filter(entity="salary_record", action="update").first()
    assert entry.before == {"monthly_base": "4000.00"} and entry.after == {"monthly_base": "4200.00"}


async def test_hr_cannot_record_pay_for_a_worker_of_another_organisation(db):
    w = await world()
    hr = Scope(user_id=1, role=Role.HR, organisation_id=w["orgs"][0].id)
    with pytest.raises(ServiceError):
        await services.salary_record_create(
            actor=None, scope=hr, worker=w["workers"][2], effective_from=date(2023, 1, 1), monthly_base=Decimal(4000)
        )
    assert await SalaryRecord.all().count() == 0
