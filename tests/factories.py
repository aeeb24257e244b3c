"""Small builders for test data; they go through the services where a rule applies."""

from datetime import date

from talent.accounts import services as account_services
from talent.cohorts.models import Cohort
from talent.core.access import Role
from talent.people.models import EmploymentSpell, Worker
from talent.places.models import Organisation, Region, RegionLevel, Station, StationTier

PASSWORD = "correct-horse-42"


async def region(code: str, name: str, level: RegionLevel, parent: Region | None = None) -> Region:
    path = (parent.path if parent else "") + code + "/"
    return await Region.create(
        code=code, name=name, level=level, parent=parent, path=path, depth=(parent.depth + 1) if parent else 0
    )


async def world() -> dict:
    """Two counties in one city, one organisation each, two stations each, a worker at each station.

    city 320100 ─┬─ county 320102 ── street 320102001 ── stations S1 (org A), S2 (org A)
                 └─ county 320104 ── street 320104001 ── stations S3 (org B), S4 (org B)
    """
    province = await region("320000", "江苏省", RegionLevel.PROVINCE)
    city = await region("320100", "南京市", RegionLevel.CITY, province)
    county_a = await region("320102", "玄武区", RegionLevel.COUNTY, city)
    county_b = await region("320104", "秦淮区", RegionLevel.COUNTY, city)
    street_a = await region("320102001", "梅园新村街道", RegionLevel.TOWNSHIP, county_a)
    street_b = await region("320104001", "秦虹街道", RegionLevel.TOWNSHIP, county_b)
    org_a = await Organisation.create(name="玄武社工服务中心", region=county_a)
    org_b = await Organisation.create(name="秦淮社工服务中心", region=county_b)
    tier = await StationTier.create(name="2.0", min_fulltime=2, min_certified=1)
    stations = []
    for i, (street, org) in enumerate([(street_a, org_a), (street_a, org_a), (street_b, org_b), (street_b, org_b)], 1):
        stations.append(
            await Station.create(
                code=f"S{i}", name=f"社工站{i}", region=street, region_path=street.path, organisation=org, tier=tier
            )
        )
    workers = []
    for i, station in enumerate(stations, 1):
        w = await Worker.create(
            worker_no=f"W{i}", name=f"工作者{i}", phone="13812345678", id_number="320102199001011234"
        )
        await EmploymentSpell.create(worker=w, station=station, start_on=date(2022, 1, 1), full_time=True)
        workers.append(w)
    users = {
        "admin": await account_services.user_create(actor=None, username="admin", password=PASSWORD, role=Role.ADMIN),
        "bureau": await account_services.user_create(
            actor=None, username="bureau", password=PASSWORD, role=Role.BUREAU, region_id=county_a.id
        ),
        "citybureau": await account_services.user_create(
            actor=None, username="citybureau", password=PASSWORD, role=Role.BUREAU, region_id=city.id
        ),
        "hr": await account_services.user_create(
            actor=None, username="hr", password=PASSWORD, role=Role.HR, organisation_id=org_a.id
        ),
        "worker": await account_services.user_create(
            actor=None, username="worker", password=PASSWORD, role=Role.WORKER, worker_id=workers[0].id
        ),
    }
    from talent.supervision.models import Assignment, Supervisor

    users["supervisor"] = await account_services.user_create(
        actor=None, username="supervisor", password=PASSWORD, role=Role.SUPERVISOR
    )
    sup = await Supervisor.create(user=users["supervisor"], name="督导甲")
    await Assignment.create(supervisor=sup, station=stations[0], start_on=date(2020, 1, 1))
    return {
        "regions": {
            "province": province,
            "city": city,
            "county_a": county_a,
            "county_b": county_b,
            "street_a": street_a,
            "street_b": street_b,
        },
        "orgs": [org_a, org_b],
        "tier": tier,
        "stations": stations,
        "workers": workers,
        "users": users,
    }


async def cohort(region: Region, name: str, kind: str, start_on: date, end_on: date) -> Cohort:
    """A cohort of `kind` run by `region` from `start_on` to `end_on`."""
    return await Cohort.create(
        name=name, kind=kind, region=region, region_path=region.path, start_on=start_on, end_on=end_on
    )
