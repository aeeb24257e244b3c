"""Edges of the places rules that mutation testing found untested."""

from talent.places.rules import next_level


def test_a_township_has_no_level_below_it():
    assert next_level("township") is None
    assert next_level("county") == "township"


def test_a_wrong_region_code_names_the_level_and_its_digits():
    import pytest

    from talent.core.errors import ServiceError
    from talent.places.rules import check_region_code

    with pytest.raises(ServiceError) as refused:
        check_region_code("3201", "township")
    assert refused.value.field == "code"
    assert refused.value.code == "A %(level)s code has %(digits)s digits."
    assert refused.value.params["digits"] == "9 / 12" and refused.value.params["level"]
    check_region_code("320102001", "township")  # nine digits: accepted


async def test_a_bureau_sees_tiers_of_its_region_below_it_and_organisations_operating_in_it(db):
    from talent.core.access import Role, Scope
    from talent.places.access import organisations_q, tiers_q
    from talent.places.models import Organisation, Station, StationTier
    from tests.factories import world

    w = await world()
    street_a, county_a = w["regions"]["street_a"], w["regions"]["county_a"]
    below = await StationTier.create(name="街道试点", region=street_a)
    # Organisation B (of county B) operates a station in county A's street.
    await Station.create(
        code="S9", name="社工站9", region=street_a, region_path=street_a.path, organisation=w["orgs"][1]
    )
    bureau = Scope(user_id=1, role=Role.BUREAU, region_path=county_a.path)
    assert below.id in await StationTier.filter(tiers_q(bureau)).values_list("id", flat=True)
    assert w["orgs"][1].id in await Organisation.filter(organisations_q(bureau)).values_list("id", flat=True)
    hr = Scope(user_id=1, role=Role.HR, region_path=county_a.path, organisation_id=w["orgs"][0].id)
    assert await StationTier.filter(tiers_q(hr)).count() == 0


def test_a_related_major_meets_the_major_condition_only_where_the_tier_says_it_does():
    from talent.places.rules import recruitment_qualifies

    needs_major = {"certificate": False, "major_required": True, "certificate_required": False}
    assert recruitment_qualifies(major="related", **needs_major) is False  # not accepted unless the tier says so
    assert recruitment_qualifies(major="related", related_major_accepted=True, **needs_major) is True


def test_each_misplaced_station_is_refused_on_its_field_with_its_own_message():
    from talent.places.rules import station_network_problem

    def problem(kind, level, parent=None):
        return station_network_problem(kind=kind, region_level=level, region_id=7, parent=parent)

    township_station = {"kind": "township_station", "region_id": 7}
    assert problem("county_centre", "township") == (
        "region_code",
        "A county guidance centre belongs to a county or district.",
    )
    assert problem("township_station", "county") == ("region_code", "A station belongs to a township or street.")
    assert problem("township_station", "township", township_station) == (
        "parent_code",
        "Only a village (community) room sits under a station.",
    )
    assert problem("village_room", "township") == (
        "parent_code",
        "A village (community) room needs the township station it belongs to.",
    )
    another_township = {"kind": "township_station", "region_id": 8}
    assert problem("village_room", "township", another_township) == (
        "parent_code",
        "Choose a township station of the same township.",
    )


def test_a_report_counts_the_kind_asked_for_all_kinds_or_else_township_stations():
    from talent.places.rules import counted_kind

    assert counted_kind(" all ") == "all"
    assert counted_kind("village_room") == "village_room" and counted_kind("county_centre") == "county_centre"
    # Nothing, an empty value or an unknown kind: township (street) stations, as a province counts its 社工站.
    assert counted_kind(None) == counted_kind("") == counted_kind("bogus") == "township_station"
