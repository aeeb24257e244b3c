from datetime import date

import pytest

from talent.audit.models import AuditEntry
from talent.core.errors import ServiceError
from talent.places import services
from talent.places.models import Organisation, Region, RegionLevel, Station, StationTier
from tests.factories import world
from tests.places.helpers import scope_of


async def test_a_new_region_gets_its_materialised_path_and_depth_from_its_parent(db):
    w = await world()
    admin = w["users"]["admin"]
    street = await services.region_create(
        actor=admin,
        scope=await scope_of(admin),
        code="320102002",
        name="新街口街道",
        level=RegionLevel.TOWNSHIP,
        parent=w["regions"]["county_a"],
    )
    assert street.path == "320000/320100/320102/320102002/"
    assert street.depth == 3
    entry = await AuditEntry.get(entity="region", entity_id=str(street.id))
    assert entry.action == "create" and entry.region_path == street.path


async def test_a_province_is_created_without_a_parent_and_refused_with_one(db):
    w = await world()
    scope = await scope_of(w["users"]["admin"])
    province = await services.region_create(
        actor=None, scope=scope, code="110000", name="北京市", level=RegionLevel.PROVINCE, parent=None
    )
    assert province.path == "110000/" and province.depth == 0
    with pytest.raises(ServiceError) as exc:
        await services.region_create(
            actor=None, scope=scope, code="120000", name="天津市", level=RegionLevel.PROVINCE, parent=province
        )
    assert exc.value.field == "parent_code"


@pytest.mark.parametrize(
    ("level", "parent_key", "field"),
    [
        (RegionLevel.COUNTY, "province", "level"),  # skips the city level
        (RegionLevel.CITY, "city", "level"),  # same level as the parent
        (RegionLevel.TOWNSHIP, "city", "level"),
        (RegionLevel.CITY, None, "parent_code"),  # only a province may have no parent
    ],
)
async def test_a_child_must_be_exactly_one_level_below_its_parent(db, level, parent_key, field):
    w = await world()
    scope = await scope_of(w["users"]["admin"])
    code = "320199001" if level == RegionLevel.TOWNSHIP else "320199"
    parent = w["regions"][parent_key] if parent_key else None
    with pytest.raises(ServiceError) as exc:
        await services.region_create(actor=None, scope=scope, code=code, name="X", level=level, parent=parent)
    assert exc.value.field == field
    assert not await Region.filter(code=code).exists()


@pytest.mark.parametrize(
    ("code", "level", "ok"),
    [
        ("320105", RegionLevel.COUNTY, True),
        ("32010", RegionLevel.COUNTY, False),
        ("32010A", RegionLevel.COUNTY, False),
        ("320102009", RegionLevel.COUNTY, False),
        ("320102009", RegionLevel.TOWNSHIP, True),
        ("320102009001", RegionLevel.TOWNSHIP, True),
        ("320102", RegionLevel.TOWNSHIP, False),
        ("３２０１０２００９", RegionLevel.TOWNSHIP, False),  # full-width digits are not ASCII digits
    ],
)
async def test_region_codes_are_6_digits_or_9_or_12_for_a_township(db, code, level, ok):
    w = await world()
    scope = await scope_of(w["users"]["admin"])
    parent = w["regions"]["city"] if level == RegionLevel.COUNTY else w["regions"]["county_a"]
    if ok:
        region = await services.region_create(actor=None, scope=scope, code=code, name="X", level=level, parent=parent)
        assert region.code == code
    else:
        with pytest.raises(ServiceError) as exc:
            await services.region_create(actor=None, scope=scope, code=code, name="X", level=level, parent=parent)
        assert exc.value.field == "code"


async def test_a_duplicate_region_code_is_refused_and_nothing_is_written(db):
    w = await world()
    scope = await scope_of(w["users"]["admin"])
    regions, audits = await Region.all().count(), await AuditEntry.filter(entity="region").count()
    with pytest.raises(ServiceError) as exc:
        await services.region_create(
            actor=None,
            scope=scope,
            code="320102001",
            name="重复",
            level=RegionLevel.TOWNSHIP,
            parent=w["regions"]["county_a"],
        )
    assert (exc.value.field, exc.value.message) == ("code", "This code is already used.")
    assert await Region.all().count() == regions
    assert await AuditEntry.filter(entity="region").count() == audits


async def test_a_bureau_creates_and_edits_only_inside_its_subtree_and_not_its_own_root(db):
    w = await world()
    bureau = w["users"]["bureau"]  # county 320102
    scope = await scope_of(bureau)
    mine = await services.region_create(
        actor=bureau,
        scope=scope,
        code="320102002",
        name="新街口",
        level=RegionLevel.TOWNSHIP,
        parent=w["regions"]["county_a"],
    )
    assert mine.path.startswith(w["regions"]["county_a"].path)
    with pytest.raises(ServiceError):
        await services.region_create(
            actor=bureau,
            scope=scope,
            code="320104002",
            name="外",
            level=RegionLevel.TOWNSHIP,
            parent=w["regions"]["county_b"],
        )
    with pytest.raises(ServiceError):
        await services.region_create(
            actor=bureau, scope=scope, code="320106", name="外", level=RegionLevel.COUNTY, parent=w["regions"]["city"]
        )
    await services.region_update(actor=bureau, scope=scope, region=w["regions"]["street_a"], name="梅园街道")
    assert (await Region.get(id=w["regions"]["street_a"].id)).name == "梅园街道"
    for region in (w["regions"]["county_a"], w["regions"]["county_b"], w["regions"]["street_b"]):
        with pytest.raises(ServiceError):
            await services.region_update(actor=bureau, scope=scope, region=region, name="改名")
    assert (await Region.get(id=w["regions"]["county_a"].id)).name == "玄武区"


async def test_an_hr_account_cannot_write_regions_or_stations(db):
    w = await world()
    scope = await scope_of(w["users"]["hr"])
    with pytest.raises(ServiceError):
        await services.region_create(
            actor=None,
            scope=scope,
            code="320102002",
            name="X",
            level=RegionLevel.TOWNSHIP,
            parent=w["regions"]["county_a"],
        )
    with pytest.raises(ServiceError):
        await services.station_create(actor=None, scope=scope, code="S9", name="X", region=w["regions"]["street_a"])
    assert not await Station.filter(code="S9").exists()


async def test_a_station_takes_its_township_path_and_keeps_it_in_step_when_moved(db):
    w = await world()
    admin = w["users"]["admin"]
    scope = await scope_of(admin)
    station = await services.station_create(
        actor=admin,
        scope=scope,
        code="S9",
        name="新站",
        region=w["regions"]["street_a"],
        organisation=w["orgs"][0],
        tier=w["tier"],
        opened_on=date(2023, 3, 1),
    )
    assert station.region_path == "320000/320100/320102/320102001/"
    await services.station_update(
        actor=admin,
        scope=scope,
        station=station,
        code="S9",
        name="新站",
        region=w["regions"]["street_b"],
        organisation=w["orgs"][1],
        tier=None,
    )
    stored = await Station.get(id=station.id)
    assert stored.region_id == w["regions"]["street_b"].id
    assert stored.region_path == w["regions"]["street_b"].path
    update = await AuditEntry.get(entity="station", entity_id=str(station.id), action="update")
    assert update.region_path == w["regions"]["street_b"].path
    assert update.organisation_id == w["orgs"][1].id
    assert update.after["region_path"] == w["regions"]["street_b"].path


async def test_a_duplicate_station_code_is_refused_and_nothing_is_written(db):
    w = await world()
    scope = await scope_of(w["users"]["admin"])
    before = await Station.all().count()
    with pytest.raises(ServiceError) as exc:
        await services.station_create(actor=None, scope=scope, code="S1", name="重复", region=w["regions"]["street_a"])
    assert (exc.value.field, exc.value.message) == ("code", "A station with this code already exists.")
    assert await Station.all().count() == before
    assert not await AuditEntry.filter(entity="station").exists()


async def test_a_station_belongs_to_a_township_inside_the_bureaus_subtree(db):
    w = await world()
    scope = await scope_of(w["users"]["bureau"])
    with pytest.raises(ServiceError) as exc:
        await services.station_create(actor=None, scope=scope, code="S9", name="X", region=w["regions"]["county_a"])
    assert exc.value.field == "region_code"
    with pytest.raises(ServiceError):
        await services.station_create(actor=None, scope=scope, code="S9", name="X", region=w["regions"]["street_b"])
    station = await services.station_create(
        actor=None, scope=scope, code="S9", name="X", region=w["regions"]["street_a"]
    )
    assert station.region_path == w["regions"]["street_a"].path
    with pytest.raises(ServiceError):
        await services.station_update(
            actor=None, scope=scope, station=station, code="S9", name="X", region=w["regions"]["street_b"]
        )


def _tier(name: str, region, **overrides) -> dict:
    values = {
        "name": name,
        "region": region,
        "min_fulltime": 2,
        "min_certified": 1,
        "min_level": None,
        "max_age": None,
        "min_education": None,
        "major_required": False,
        "certificate_required": False,
        "notes": "",
    }
    values.update(overrides)
    return values


async def test_a_bureau_sets_tiers_only_for_regions_in_its_subtree(db):
    w = await world()
    bureau = w["users"]["bureau"]
    scope = await scope_of(bureau)
    tier = await services.tier_create(actor=bureau, scope=scope, **_tier("玄武2.0", w["regions"]["county_a"]))
    entry = await AuditEntry.get(entity="tier", entity_id=str(tier.id))
    assert entry.region_path == w["regions"]["county_a"].path
    for region in (None, w["regions"]["county_b"], w["regions"]["city"]):
        with pytest.raises(ServiceError):
            await services.tier_create(actor=bureau, scope=scope, **_tier("外", region))
    with pytest.raises(ServiceError):  # the national tier of world()
        await services.tier_update(actor=bureau, scope=scope, tier=w["tier"], **_tier("2.0", None))


async def test_tier_names_are_unique_per_region_and_norms_must_be_consistent(db):
    w = await world()
    scope = await scope_of(w["users"]["admin"])
    with pytest.raises(ServiceError) as exc:
        await services.tier_create(actor=None, scope=scope, **_tier("2.0", None))  # national "2.0" exists
    assert exc.value.field == "name"
    await services.tier_create(actor=None, scope=scope, **_tier("2.0", w["regions"]["county_a"]))
    with pytest.raises(ServiceError) as exc:
        await services.tier_create(actor=None, scope=scope, **_tier("3.0", None, min_fulltime=1, min_certified=2))
    assert exc.value.field == "min_certified"
    assert await StationTier.all().count() == 2


async def test_organisation_names_are_unique_and_a_bureau_registers_them_in_its_subtree(db):
    w = await world()
    bureau = w["users"]["bureau"]
    scope = await scope_of(bureau)
    with pytest.raises(ServiceError) as exc:
        await services.organisation_create(
            actor=bureau, scope=scope, name="玄武社工服务中心", region=w["regions"]["county_a"]
        )
    assert exc.value.field == "name"
    with pytest.raises(ServiceError) as exc:
        await services.organisation_create(actor=bureau, scope=scope, name="新机构", region=None)
    assert exc.value.field == "region_code"
    org = await services.organisation_create(actor=bureau, scope=scope, name="新机构", region=w["regions"]["street_a"])
    entry = await AuditEntry.get(entity="organisation", entity_id=str(org.id))
    assert entry.region_path == w["regions"]["street_a"].path and entry.organisation_id == org.id
    await org.fetch_related("region")
    await services.organisation_update(
        actor=bureau, scope=scope, organisation=org, name="新机构2", region=w["regions"]["county_a"], contact="王"
    )
    assert (await Organisation.get(id=org.id)).name == "新机构2"
    org_b = await Organisation.get(id=w["orgs"][1].id).select_related("region")
    with pytest.raises(ServiceError):
        await services.organisation_update(actor=bureau, scope=scope, organisation=org_b, name="改", region=None)
