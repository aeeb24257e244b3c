"""The county–township–village station network (issue 16): a county social work guidance centre in its county,
township (street) stations, village (community) rooms under the station of their township; the form, the
import's optional columns, the list filter, and township stations counted alone."""

import pytest

from talent.audit.models import AuditEntry
from talent.core.access import Role, Scope
from talent.places.models import Station, StationKind
from talent.places.rules import station_network_problem
from talent.places.selectors import township_stations_q
from tests.conftest import login, post, text_of
from tests.factories import world
from tests.imports.conftest import csv_bytes, write
from tests.imports.test_kinds import bureau_scope, problems, run

# ── the rule ────────────────────────────────────────────────────────────────────────────────────────────────


def test_each_kind_sits_at_its_level_and_only_a_room_has_a_parent():
    station = {"kind": "township_station", "region_id": 7}
    assert station_network_problem(kind="township_station", region_level="township", region_id=7, parent=None) is None
    assert station_network_problem(kind="county_centre", region_level="county", region_id=3, parent=None) is None
    assert station_network_problem(kind="village_room", region_level="township", region_id=7, parent=station) is None
    # A centre in a township, a station in a county: wrong level.
    assert station_network_problem(kind="county_centre", region_level="township", region_id=7, parent=None)[0] == (
        "region_code"
    )
    assert station_network_problem(kind="township_station", region_level="county", region_id=3, parent=None)[0] == (
        "region_code"
    )
    # A room without a station, under a station of another township, or under another room: refused.
    for parent in (None, {"kind": "township_station", "region_id": 8}, {"kind": "village_room", "region_id": 7}):
        problem = station_network_problem(kind="village_room", region_level="township", region_id=7, parent=parent)
        assert problem is not None and problem[0] == "parent_code"
    # A township station under another station: refused.
    assert station_network_problem(kind="township_station", region_level="township", region_id=7, parent=station)


# ── the form ────────────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
async def w(db):
    return await world()


async def test_a_bureau_opens_a_county_centre_and_a_village_room_under_a_station(client, w):
    await login(client, "bureau")
    centre = await post(
        client,
        "/stations",
        {"code": "C1", "name": "玄武区社会工作指导中心", "region_code": "320102", "kind": "county_centre"},
    )
    assert centre.status_code == 303, text_of(centre.text)[-400:]
    room = await post(
        client,
        "/stations",
        {
            "code": "R1",
            "name": "梅园社区社工室",
            "region_code": "320102001",
            "kind": "village_room",
            "parent_code": "S1",
        },
    )
    assert room.status_code == 303, text_of(room.text)[-400:]
    r1 = await Station.get(code="R1").prefetch_related("parent")
    assert r1.kind == StationKind.VILLAGE_ROOM and r1.parent.code == "S1"
    entry = await AuditEntry.get(entity="station", entity_id=str(r1.id), action="create")
    assert entry.after["kind"] == "village_room" and entry.after["parent_id"] == w["stations"][0].id
    # The list shows the kind and the station a room sits under; the kind filter keeps one kind.
    listing = text_of((await client.get("/stations")).text)
    assert "Village (community) room · 社工站1" in listing
    only = text_of((await client.get("/stations", params={"kind": "township_station"})).text)
    assert "社工站1" in only and "梅园社区社工室" not in only and "玄武区社会工作指导中心" not in only


async def test_a_room_needs_a_station_of_its_own_township_and_out_of_scope_codes_are_unknown(client, w):
    await login(client, "bureau")
    base = {"code": "R2", "name": "某社工室", "region_code": "320102001", "kind": "village_room"}
    missing = await post(client, "/stations", base)
    assert missing.status_code == 422
    assert "A village (community) room needs the township station it belongs to." in text_of(missing.text)
    # S3 is county B's: the bureau of county A cannot name it (as if it did not exist).
    other = await post(client, "/stations", {**base, "parent_code": "S3"})
    assert other.status_code == 422 and "No station with this code in your scope." in text_of(other.text)
    assert not await Station.filter(code="R2").exists()
    # A guidance centre typed with a township code is refused.
    wrong = await post(
        client, "/stations", {"code": "C2", "name": "中心", "region_code": "320102001", "kind": "county_centre"}
    )
    assert wrong.status_code == 422
    assert "A county guidance centre belongs to a county or district." in text_of(wrong.text)


async def test_township_stations_are_counted_alone(w):
    county = w["regions"]["county_a"]
    street = w["regions"]["street_a"]
    await Station.create(code="C1", name="中心", region=county, region_path=county.path, kind="county_centre")
    await Station.create(
        code="R1", name="社工室", region=street, region_path=street.path, kind="village_room", parent=w["stations"][0]
    )
    bureau = Scope(user_id=1, role=Role.BUREAU, region_path=county.path)
    # County A: S1 and S2 are township stations; the centre and the room are not counted.
    assert await Station.filter(township_stations_q(bureau)).count() == 2
    assert await Station.filter(township_stations_q(Scope(user_id=0, role=Role.ADMIN))).count() == 4


# ── the import's optional columns ─────────────────────────────────────────────────────────────────────────────


async def test_a_stations_file_may_name_kinds_and_a_room_before_its_station(w, tmp_path):
    header = ["code", "name", "region_code", "organisation", "tier", "opened_on", "kind", "parent_code"]
    rows = [
        header,
        ["R9", "某社区社工室", "320102001", "", "", "", "村（社区）社工室", "S9"],  # its station comes below
        ["S9", "新社工站", "320102001", "", "", "", "社工站", ""],
        ["C9", "玄武区社会工作指导中心", "320102", "", "", "", "县级社会工作指导中心", ""],
    ]
    outcome = await run("stations", write(tmp_path, "s.csv", csv_bytes(rows)), scope=bureau_scope(w), actor=None)
    assert outcome.ok, problems(outcome)
    r9 = await Station.get(code="R9").prefetch_related("parent")
    assert r9.kind == StationKind.VILLAGE_ROOM and r9.parent.code == "S9"
    assert (await Station.get(code="C9")).kind == StationKind.COUNTY_CENTRE
    # Without the kind columns a file imports as before (township stations).
    plain = [header[:6], ["S10", "又一站", "320102001", "", "", ""]]
    assert (await run("stations", write(tmp_path, "p.csv", csv_bytes(plain)), scope=bureau_scope(w))).ok
    assert (await Station.get(code="S10")).kind == StationKind.TOWNSHIP_STATION


async def test_a_room_whose_station_is_elsewhere_or_unknown_is_reported_and_nothing_is_written(w, tmp_path):
    header = ["code", "name", "region_code", "kind", "parent_code"]
    rows = [
        header,
        ["R7", "社工室甲", "320102001", "village_room", "S3"],  # county B's station: unknown to this bureau
        ["R8", "社工室乙", "320102001", "village_room", ""],  # no station
        ["S8", "站", "320102001", "township_station", ""],
    ]
    outcome = await run("stations", write(tmp_path, "bad.csv", csv_bytes(rows)), scope=bureau_scope(w))
    assert not outcome.ok
    assert [(p[0], p[1]) for p in problems(outcome)] == [(2, "parent_code"), (3, "parent_code")]
    assert not await Station.filter(code__in=["R7", "R8", "S8"]).exists()


# ── a tier's recruitment conditions: "social work OR a related major OR a certificate" ───────────────────────


@pytest.mark.parametrize(
    ("major", "certificate", "qualifies"),
    [
        ("social_work", False, True),
        ("related", False, True),  # sociology or psychology: accepted by this tier
        ("other", True, True),  # another major with the assistant certificate
        ("other", False, False),
    ],
)
def test_a_double_hundred_tier_takes_social_work_or_a_related_major_or_a_certificate(major, certificate, qualifies):
    from talent.places.rules import recruitment_qualifies

    # Guangdong 双百: 大专 or above in social work, sociology, psychology or a related major, or the certificate.
    tier = {"major_required": True, "certificate_required": True, "related_major_accepted": True}
    assert recruitment_qualifies(major=major, certificate=certificate, major_or_certificate=True, **tier) is qualifies
    # Without "either one suffices" both are needed, as before.
    assert recruitment_qualifies(major="social_work", certificate=False, **tier) is False
    assert recruitment_qualifies(major="related", certificate=True, **tier) is True
    assert (
        recruitment_qualifies(major="related", certificate=True, **{**tier, "related_major_accepted": False}) is False
    )


async def test_a_bureau_sets_the_either_or_condition_on_a_tier(client, w):
    from talent.places.models import StationTier

    await login(client, "bureau")
    response = await post(
        client,
        "/stations/tiers",
        {
            "name": "双百示例",
            "region_code": "320102",
            "min_fulltime": "3",
            "min_certified": "0",
            "major_required": "1",
            "certificate_required": "1",
            "related_major_accepted": "1",
            "major_or_certificate": "1",
            "max_age": "40",
            "min_education": "associate",
        },
    )
    assert response.status_code == 303, text_of(response.text)[-300:]
    tier = await StationTier.get(name="双百示例")
    assert tier.related_major_accepted and tier.major_or_certificate
    page = text_of((await client.get(f"/stations/tiers/{tier.id}")).text)
    assert "Major or certificate: either one suffices Yes" in page
