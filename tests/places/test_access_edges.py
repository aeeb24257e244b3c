"""Edges of the places and people row filters that mutation testing found untested: the readable querysets
each domain keeps in its access.py, read as the viewer of each role."""

from talent.core.access import Role, Scope
from talent.people.access import readable_spells
from talent.places.access import readable_stations, readable_tiers
from talent.places.models import StationTier
from tests.factories import world


async def test_an_hr_account_reads_the_stations_of_its_organisation_only(db):
    w = await world()
    hr = Scope(user_id=1, role=Role.HR, organisation_id=w["orgs"][0].id)
    # Organisation A runs S1 and S2; S3 and S4 are organisation B's.
    assert sorted(await readable_stations(hr).values_list("code", flat=True)) == ["S1", "S2"]


async def test_a_bureau_reads_national_tiers_and_its_own_but_not_another_countys(db):
    w = await world()
    own = await StationTier.create(name="玄武标准", region=w["regions"]["county_a"])
    await StationTier.create(name="秦淮标准", region=w["regions"]["county_b"])
    bureau = Scope(user_id=1, role=Role.BUREAU, region_path=w["regions"]["county_a"].path)
    # The world's tier "2.0" has no region (national); county B's tier is outside county A.
    assert sorted(await readable_tiers(bureau).values_list("id", flat=True)) == sorted([w["tier"].id, own.id])


async def test_a_worker_reads_their_own_spells_only(db):
    w = await world()
    me = w["workers"][0]
    worker = Scope(user_id=1, role=Role.WORKER, worker_id=me.id)
    # Each of the four workers has one spell; the worker's own is the one at S1.
    assert await readable_spells(worker).values_list("worker_id", flat=True) == [me.id]


async def test_an_organisation_without_a_region_is_changed_by_an_admin_only(db):
    from talent.places.access import organisation_editable
    from talent.places.models import Organisation

    w = await world()
    national = await Organisation.create(name="全国性社会组织", region=None)
    assert organisation_editable(Scope(user_id=1, role=Role.ADMIN), national) is True
    bureau = Scope(user_id=1, role=Role.BUREAU, region_path=w["regions"]["county_a"].path)
    assert organisation_editable(bureau, national) is False


def test_only_admins_and_bureaus_with_a_region_write_places_and_a_bureau_only_under_its_region():
    from talent.places.access import can_write_under, is_writer, region_editable

    admin = Scope(user_id=1, role=Role.ADMIN)
    bureau = Scope(user_id=1, role=Role.BUREAU, region_path="32/3201/")
    no_region = Scope(user_id=1, role=Role.BUREAU, region_path=None)
    hr = Scope(user_id=1, role=Role.HR, region_path="32/3201/", organisation_id=1)  # a region, yet not a writer
    assert [is_writer(s) for s in (admin, bureau, no_region, hr)] == [True, True, False, False]
    assert can_write_under(admin, "") and can_write_under(bureau, "32/3201/320102/")
    assert not can_write_under(bureau, "32/3202/") and not can_write_under(bureau, "")
    assert not can_write_under(hr, "32/3201/320102/")
    # A bureau renames the regions below its own, not its own.
    assert region_editable(bureau, "32/3201/320102/") and not region_editable(bureau, "32/3201/")
    assert not region_editable(hr, "32/3201/320102/") and region_editable(admin, "32/")


def test_no_region_has_no_enclosing_regions():
    from talent.places.rules import ancestor_paths

    assert ancestor_paths(None) == [] and ancestor_paths("") == []
    assert ancestor_paths("32/3201/320102/") == ["32/", "32/3201/", "32/3201/320102/"]


async def test_a_report_of_one_kind_counts_those_stations_and_of_all_kinds_every_station(db):
    from talent.places.access import station_kind_q
    from talent.places.models import Station

    w = await world()  # four township stations
    street_a = w["regions"]["street_a"]
    room = {"kind": "village_room", "parent": w["stations"][0]}
    await Station.create(code="R1", name="社工室1", region=street_a, region_path=street_a.path, **room)
    assert await Station.filter(station_kind_q("village_room")).values_list("code", flat=True) == ["R1"]
    assert await Station.filter(station_kind_q("all")).count() == 5
