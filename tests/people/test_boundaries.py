"""The dated rules of employment spells and the national ID number, pinned on their boundaries.

DESIGN §1: a spell's `end_on` is the last working day, inclusive; a worker is active at a station on day d iff
start_on ≤ d ≤ end_on (or no end_on). So a spell may last one day (start_on == end_on), and two spells of a
worker overlap when one starts on or before the day the other ends: a new spell may start the day after the
last working day, not on it. A national ID number has exactly 18 characters: 17 digits, then a digit or X.

Each rule is checked through the service, the HTTP form and the import where it has one. "Today" comes from a
clock the test sets (time_machine, tick=False), never from the day the suite runs.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from talent.core.access import Scope
from talent.core.errors import ServiceError
from talent.imports import framework
from talent.people import services
from talent.people.models import EmploymentSpell, Worker
from tests.conftest import login, post
from tests.factories import world
from tests.imports.conftest import ADMIN, csv_bytes, write

NANJING = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=NANJING)


def hr_scope(w) -> Scope:
    return Scope(user_id=w["users"]["hr"].id, role=w["users"]["hr"].role, organisation_id=w["orgs"][0].id)


async def _ended(w, end_on: date) -> EmploymentSpell:
    """W1's spell at S1 (from 2022-01-01) ended on `end_on`."""
    spell = await EmploymentSpell.get(worker=w["workers"][0])
    return await services.spell_exit(
        actor=w["users"]["hr"], scope=hr_scope(w), spell=spell, end_on=end_on, exit_type="voluntary", exit_reason="pay"
    )


async def _hire(w, start_on: date, end_on: date | None = None, station: str = "S2") -> EmploymentSpell:
    exit_values = {"exit_type": "voluntary", "exit_reason": "career"} if end_on else {}
    return await services.spell_hire(
        actor=w["users"]["hr"],
        scope=hr_scope(w),
        worker=w["workers"][0],
        station_code=station,
        start_on=start_on,
        end_on=end_on,
        **exit_values,
    )


# --- a spell lasts at least one day: end_on ≥ start_on -----------------------------------------------------


async def test_a_one_day_spell_is_accepted_and_one_ending_the_day_before_it_starts_is_refused(db):
    w = await world()
    await _ended(w, date(2024, 6, 30))
    # Worked at S2 on 2024-08-01 only: start_on == end_on, one working day.
    spell = await _hire(w, date(2024, 8, 1), date(2024, 8, 1))
    assert (spell.start_on, spell.end_on) == (date(2024, 8, 1), date(2024, 8, 1))
    # Ending 2024-09-01 after starting 2024-09-02: no working day at all.
    with pytest.raises(ServiceError) as exc:
        await _hire(w, date(2024, 9, 2), date(2024, 9, 1))
    assert exc.value.field == "end_on"
    assert await EmploymentSpell.filter(worker=w["workers"][0]).count() == 2


async def test_an_exit_on_the_first_working_day_is_accepted(db):
    w = await world()
    await _ended(w, date(2024, 6, 30))
    spell = await _hire(w, date(2024, 8, 1))
    # Left on the day they started: a one-day spell.
    ended = await services.spell_exit(
        actor=w["users"]["hr"],
        scope=hr_scope(w),
        spell=spell,
        end_on=date(2024, 8, 1),
        exit_type="voluntary",
        exit_reason="career",
    )
    assert ended.end_on == date(2024, 8, 1)
    # An exit the day before the start is refused.
    other = await _hire(w, date(2024, 9, 1))
    with pytest.raises(ServiceError):
        await services.spell_exit(
            actor=w["users"]["hr"],
            scope=hr_scope(w),
            spell=other,
            end_on=date(2024, 8, 31),
            exit_type="voluntary",
            exit_reason="career",
        )


async def test_hr_records_a_one_day_spell_through_the_form(client, db):
    w = await world()
    await _ended(w, date(2024, 6, 30))
    await login(client, "hr")
    url = f"/workers/{w['workers'][0].id}/spells/new"
    values = {"station_code": "S2", "exit_type": "voluntary", "exit_reason": "career"}
    one_day = await post(client, url, {**values, "start_on": "2024-08-01", "end_on": "2024-08-01"})
    assert one_day.status_code == 303, one_day.text[:800]
    backwards = await post(client, url, {**values, "start_on": "2024-09-02", "end_on": "2024-09-01"})
    assert backwards.status_code == 422
    assert await EmploymentSpell.filter(worker=w["workers"][0]).count() == 2


# --- no overlap: end_on is inclusive, so the next spell starts the day after at the earliest ---------------


@pytest.mark.parametrize(
    ("start_on", "accepted"),
    [
        (date(2024, 6, 29), False),  # the day before the last working day
        (date(2024, 6, 30), False),  # the last working day itself: both spells hold that day
        (date(2024, 7, 1), True),  # the day after
    ],
)
async def test_a_spell_may_start_the_day_after_another_ends_and_not_on_that_day(db, start_on, accepted):
    w = await world()
    await _ended(w, date(2024, 6, 30))
    if accepted:
        spell = await _hire(w, start_on)
        assert spell.start_on == start_on
    else:
        with pytest.raises(ServiceError, match="overlaps"):
            await _hire(w, start_on)
        assert await EmploymentSpell.filter(worker=w["workers"][0]).count() == 1


@pytest.mark.parametrize(
    ("end_on", "accepted"),
    [
        (date(2021, 12, 31), True),  # ends the day before the S1 spell starts (2022-01-01)
        (date(2022, 1, 1), False),  # ends on its first day: both spells hold 2022-01-01
    ],
)
async def test_an_earlier_spell_must_end_before_the_day_the_next_one_starts(db, end_on, accepted):
    w = await world()
    if accepted:
        assert (await _hire(w, date(2021, 1, 1), end_on)).end_on == end_on
    else:
        with pytest.raises(ServiceError, match="overlaps"):
            await _hire(w, date(2021, 1, 1), end_on)


async def test_a_transfer_ends_the_old_spell_on_its_last_day_and_starts_the_new_one_the_next_day(db):
    w = await world()
    new = await services.spell_transfer(
        actor=w["users"]["hr"],
        scope=hr_scope(w),
        worker=w["workers"][0],
        end_on=date(2024, 6, 30),
        exit_reason="career",
        station_code="S2",
    )
    old = await EmploymentSpell.get(worker=w["workers"][0], station=w["stations"][0])
    assert (old.end_on, new.start_on) == (date(2024, 6, 30), date(2024, 7, 1))


async def test_hr_sees_the_overlap_refused_in_the_form_on_the_last_working_day(client, db):
    w = await world()
    await _ended(w, date(2024, 6, 30))
    await login(client, "hr")
    url = f"/workers/{w['workers'][0].id}/spells/new"
    same_day = await post(client, url, {"station_code": "S2", "start_on": "2024-06-30"})
    assert same_day.status_code == 422 and "overlaps" in same_day.text
    next_day = await post(client, url, {"station_code": "S2", "start_on": "2024-07-01"})
    assert next_day.status_code == 303, next_day.text[:800]


SPELL_HEADER = ["worker_no", "station_code", "start_on", "end_on", "full_time", "exit_type", "exit_reason"]


async def _import_spells(tmp_path, rows, name="spells.csv"):
    path = write(tmp_path, name, csv_bytes([SPELL_HEADER, *rows]))
    return await framework.run(framework.get_kind("employment"), path, scope=ADMIN, actor=None, dry_run=False)


async def test_the_employment_import_accepts_a_one_day_spell_and_a_spell_starting_the_day_after(db, tmp_path):
    w = await world()
    await _ended(w, date(2024, 6, 30))
    outcome = await _import_spells(
        tmp_path,
        [
            ["W1", "S2", "2024-07-01", "2024-07-01", "yes", "voluntary", "career"],  # the day after; one day
            ["W1", "S3", "2024-07-02", "", "yes", "", ""],  # the day after that one-day spell
        ],
    )
    assert outcome.ok, [(p.row, p.column, p.reason) for p in outcome.problems]
    spells = await EmploymentSpell.filter(worker=w["workers"][0]).order_by("start_on").values_list("start_on", "end_on")
    assert spells == [
        (date(2022, 1, 1), date(2024, 6, 30)),
        (date(2024, 7, 1), date(2024, 7, 1)),
        (date(2024, 7, 2), None),
    ]


@pytest.mark.parametrize(
    "rows",
    [
        # Starts on S1's last working day (2024-06-30).
        [["W1", "S2", "2024-06-30", "", "yes", "", ""]],
        # Two rows of the file: the second starts on the first's last day.
        [
            ["W1", "S2", "2024-07-01", "2024-07-05", "yes", "voluntary", "career"],
            ["W1", "S3", "2024-07-05", "", "yes", "", ""],
        ],
    ],
    ids=["on-the-stored-spells-last-day", "on-an-earlier-rows-last-day"],
)
async def test_the_employment_import_refuses_a_spell_starting_on_another_spells_last_day(db, tmp_path, rows):
    w = await world()
    await _ended(w, date(2024, 6, 30))
    outcome = await _import_spells(tmp_path, rows)
    assert not outcome.ok
    assert any("overlaps" in p.reason for p in outcome.problems), outcome.problems
    assert await EmploymentSpell.filter(worker=w["workers"][0]).count() == 1


# --- active on day d: start_on ≤ d ≤ end_on ---------------------------------------------------------------


def _listed(page: str, worker: Worker) -> bool:
    return f'href="/workers/{worker.id}"' in page


@pytest.mark.parametrize(
    ("today", "active"),
    [
        (date(2021, 12, 31), False),  # the day before the first working day
        (date(2022, 1, 1), True),  # the first working day
        (date(2026, 3, 31), True),  # the last working day
        (date(2026, 4, 1), False),  # the day after
    ],
)
async def test_the_workers_list_counts_a_worker_active_from_the_first_to_the_last_working_day(
    client, db, today, active
):
    w = await world()
    w1 = w["workers"][0]
    await _ended(w, date(2026, 3, 31))  # S1 from 2022-01-01 to 2026-03-31
    with time_machine.travel(at(today), tick=False):
        await login(client, "hr")
        current = await client.get("/workers", params={"status": "active"})
        left = await client.get("/workers", params={"status": "left"})
    assert current.status_code == left.status_code == 200
    assert _listed(current.text, w1) is active
    assert _listed(left.text, w1) is not active


# --- the national ID number: 18 characters, 17 digits then a digit or X ------------------------------------

ID_NUMBERS = [
    ("32010219900101123", False),  # 17 characters
    ("3201021990010112345", False),  # 19 characters
    ("32010219900101123X", True),  # 18, ending in X
    ("32010219900101123x", True),  # 18, a lower-case x (stored as X)
    ("320102199001011234", True),  # 18 digits
    ("32010219900101123Y", False),  # 18, but Y is not a check character
    ("3201021990010112X4", False),  # X only in the last place
]


@pytest.mark.parametrize(("value", "accepted"), ID_NUMBERS)
def test_an_id_number_has_exactly_eighteen_characters(value, accepted):
    if accepted:
        assert services.clean_id_number(value) == value.upper()
    else:
        with pytest.raises(ServiceError) as exc:
            services.clean_id_number(value)
        assert exc.value.field == "id_number"


@pytest.mark.parametrize(("value", "accepted"), ID_NUMBERS)
async def test_creating_a_worker_checks_the_id_number(db, value, accepted):
    w = await world()
    create = services.worker_create(
        actor=w["users"]["hr"],
        scope=hr_scope(w),
        worker_no="N1",
        name="新人",
        id_number=value,
        station_code="S1",
        start_on=date(2024, 1, 1),
    )
    if accepted:
        assert (await create).id_number == value.upper()
    else:
        with pytest.raises(ServiceError):
            await create
        assert not await Worker.filter(worker_no="N1").exists()


@pytest.mark.parametrize(("value", "accepted"), ID_NUMBERS)
async def test_the_workers_import_checks_the_id_number(db, tmp_path, value, accepted):
    path = write(tmp_path, "w.csv", csv_bytes([["worker_no", "name", "id_number"], ["N1", "新人", value]]))
    outcome = await framework.run(framework.get_kind("workers"), path, scope=ADMIN, actor=None, dry_run=False)
    assert outcome.ok is accepted, outcome.problems
    if accepted:
        assert (await Worker.get(worker_no="N1")).id_number == value.upper()
    else:
        assert [p.column for p in outcome.problems] in (["id_number"], ["身份证号"])
        assert not await Worker.filter(worker_no="N1").exists()


async def test_the_worker_form_refuses_a_seventeen_character_id_number(client, db):
    w = await world()
    await login(client, "hr")
    url = f"/workers/{w['workers'][0].id}"
    values = {"worker_no": "W1", "name": "工作者1", "source": "other", "phone": "13812345678"}
    short = await post(client, url, {**values, "id_number": "32010219900101123"})
    assert short.status_code == 422
    assert (await Worker.get(id=w["workers"][0].id)).id_number == "320102199001011234"
    ok = await post(client, url, {**values, "id_number": "32010219900101123x"})
    assert ok.status_code == 303, ok.text[:800]
    assert (await Worker.get(id=w["workers"][0].id)).id_number == "32010219900101123X"
