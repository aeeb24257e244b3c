from datetime import date

import pytest

from talent.accounts.selectors import scope_for
from talent.audit.models import AuditEntry
from talent.core.clock import local_today
from talent.core.errors import ServiceError
from talent.people import services
from talent.people.models import EmploymentSpell, ExitReason, ExitType, Worker
from tests.factories import world

pytestmark = pytest.mark.usefixtures("db")


async def _scope(user):
    await user.fetch_related("region")
    return await scope_for(user, today=local_today())


async def test_a_new_spell_overlapping_an_open_spell_is_refused_and_nothing_is_written():
    w = await world()
    admin = w["users"]["admin"]
    worker = w["workers"][0]  # open spell at S1 since 2022-01-01: it runs forever
    before = await EmploymentSpell.all().count()
    with pytest.raises(ServiceError) as exc:
        await services.spell_hire(
            actor=admin, scope=await _scope(admin), worker=worker, station_code="S2", start_on=date(2030, 1, 1)
        )
    assert exc.value.field == "start_on" and "overlap" in exc.value.message
    assert await EmploymentSpell.all().count() == before
    assert not await AuditEntry.filter(entity="spell").exists()


async def test_a_closed_spell_overlapping_a_past_spell_is_refused_but_an_adjacent_one_is_accepted():
    w = await world()
    admin = w["users"]["admin"]
    scope = await _scope(admin)
    worker = await Worker.create(worker_no="W9", name="新人")
    await services.spell_hire(
        actor=admin,
        scope=scope,
        worker=worker,
        station_code="S1",
        start_on=date(2020, 1, 1),
        end_on=date(2020, 12, 31),
        exit_type="voluntary",
        exit_reason="pay",
    )
    with pytest.raises(ServiceError):
        # 2020-06-01..2021-03-01 overlaps 2020-01-01..2020-12-31.
        await services.spell_hire(
            actor=admin,
            scope=scope,
            worker=worker,
            station_code="S2",
            start_on=date(2019, 6, 1),
            end_on=date(2020, 1, 1),
            exit_type="voluntary",
            exit_reason="pay",
        )
    # The day after the last working day does not overlap.
    await services.spell_hire(actor=admin, scope=scope, worker=worker, station_code="S2", start_on=date(2021, 1, 1))
    assert await EmploymentSpell.filter(worker=worker).count() == 2


async def test_a_spell_ending_before_it_starts_is_refused():
    w = await world()
    admin = w["users"]["admin"]
    worker = await Worker.create(worker_no="W9", name="新人")
    with pytest.raises(ServiceError) as exc:
        await services.spell_hire(
            actor=admin,
            scope=await _scope(admin),
            worker=worker,
            station_code="S1",
            start_on=date(2024, 5, 1),
            end_on=date(2024, 4, 30),
            exit_type="voluntary",
            exit_reason="pay",
        )
    assert exc.value.field == "end_on"
    with pytest.raises(ServiceError) as exc:
        spell = await EmploymentSpell.get(worker=w["workers"][0])
        await services.spell_exit(
            actor=admin,
            scope=await _scope(admin),
            spell=spell,
            end_on=date(2021, 12, 31),
            exit_type="voluntary",
            exit_reason="pay",
        )
    assert exc.value.field == "end_on"
    assert (await EmploymentSpell.get(worker=w["workers"][0])).end_on is None


async def test_recording_an_exit_sets_the_fields_and_writes_a_scoped_audit_entry():
    w = await world()
    hr = w["users"]["hr"]
    spell = await EmploymentSpell.get(worker=w["workers"][0])
    await services.spell_exit(
        actor=hr,
        scope=await _scope(hr),
        spell=spell,
        end_on=date(2024, 6, 30),
        exit_type="voluntary",
        exit_reason="pay",
        exit_note="moved city",
    )
    spell = await EmploymentSpell.get(id=spell.id)
    assert (spell.end_on, spell.exit_type, spell.exit_reason, spell.exit_note) == (
        date(2024, 6, 30),
        ExitType.VOLUNTARY,
        ExitReason.PAY,
        "moved city",
    )
    entry = await AuditEntry.get(entity="spell", action="exit")
    assert entry.entity_id == str(spell.id)
    assert entry.after == {
        "end_on": "2024-06-30",
        "exit_type": "voluntary",
        "exit_reason": "pay",
        "exit_note": "moved city",
    }
    assert entry.region_path == w["stations"][0].region_path
    assert entry.organisation_id == w["orgs"][0].id


async def test_an_exit_needs_a_type_and_a_reason():
    w = await world()
    admin = w["users"]["admin"]
    spell = await EmploymentSpell.get(worker=w["workers"][0])
    for kwargs, field in (
        ({"exit_type": None, "exit_reason": "pay"}, "exit_type"),
        ({"exit_type": "other", "exit_reason": None}, "exit_reason"),
    ):
        with pytest.raises(ServiceError) as exc:
            await services.spell_exit(
                actor=admin, scope=await _scope(admin), spell=spell, end_on=date(2024, 1, 1), **kwargs
            )
        assert exc.value.field == field
    assert (await EmploymentSpell.get(id=spell.id)).end_on is None


async def test_hr_cannot_hire_at_another_organisations_station():
    w = await world()
    hr = w["users"]["hr"]  # organisation A: stations S1, S2
    worker = w["workers"][0]
    with pytest.raises(ServiceError) as exc:
        await services.spell_hire(
            actor=hr, scope=await _scope(hr), worker=worker, station_code="S3", start_on=date(2030, 1, 1)
        )
    assert exc.value.field == "station_code"


async def test_a_transfer_ends_the_old_spell_and_starts_the_new_one_the_next_day():
    w = await world()
    hr = w["users"]["hr"]
    worker = w["workers"][0]
    new = await services.spell_transfer(
        actor=hr,
        scope=await _scope(hr),
        worker=worker,
        end_on=date(2024, 3, 31),
        exit_reason="career",
        station_code="S2",
    )
    old = await EmploymentSpell.get(worker=worker, station=w["stations"][0])
    assert (old.end_on, old.exit_type, old.exit_reason) == (date(2024, 3, 31), ExitType.TRANSFER, ExitReason.CAREER)
    assert new.start_on == date(2024, 4, 1) and new.end_on is None and new.station_id == w["stations"][1].id
    assert await AuditEntry.filter(entity="spell", action="transfer").count() == 2


async def test_a_transfer_to_the_current_station_is_refused():
    w = await world()
    hr = w["users"]["hr"]
    with pytest.raises(ServiceError) as exc:
        await services.spell_transfer(
            actor=hr,
            scope=await _scope(hr),
            worker=w["workers"][0],
            end_on=date(2024, 3, 31),
            exit_reason="career",
            station_code="S1",
        )
    assert exc.value.field == "station_code"


async def test_a_transfer_is_atomic_when_the_new_spell_is_refused_the_old_one_stays_open():
    w = await world()
    admin = w["users"]["admin"]
    worker = w["workers"][0]
    # A stray spell from a bad import (written directly, past the rules) starts 2024-05-01 at S3.
    # Closing S1 on 2024-03-31 is fine, but the new S2 spell from 2024-04-01 (open) overlaps it,
    # so the whole transfer must roll back.
    await EmploymentSpell.create(
        worker=worker, station=w["stations"][2], start_on=date(2024, 5, 1), end_on=date(2024, 6, 1)
    )
    with pytest.raises(ServiceError):
        await services.spell_transfer(
            actor=admin,
            scope=await _scope(admin),
            worker=worker,
            end_on=date(2024, 3, 31),
            exit_reason="career",
            station_code="S2",
        )
    old = await EmploymentSpell.get(worker=worker, station=w["stations"][0])
    assert old.end_on is None and old.exit_type is None
    assert not await EmploymentSpell.filter(worker=worker, station=w["stations"][1]).exists()
    assert not await AuditEntry.filter(entity="spell").exists()


async def test_creating_a_worker_with_a_hire_audits_both_and_a_duplicate_number_writes_nothing():
    w = await world()
    hr = w["users"]["hr"]
    scope = await _scope(hr)
    worker = await services.worker_create(
        actor=hr,
        scope=scope,
        worker_no="W100",
        name="李四",
        gender="female",
        source="incubated",
        id_number="32010219900101123x",
        station_code="S2",
        start_on=date(2025, 1, 1),
    )
    assert worker.id_number == "32010219900101123X"
    entries = await AuditEntry.filter(entity__in=["worker", "spell"]).order_by("id")
    assert [(e.entity, e.action) for e in entries] == [("worker", "create"), ("spell", "hire")]
    assert all(e.organisation_id == w["orgs"][0].id and e.region_path == w["stations"][1].region_path for e in entries)
    with pytest.raises(ServiceError) as exc:
        await services.worker_create(
            actor=hr, scope=scope, worker_no="W100", name="重复", station_code="S2", start_on=date(2025, 1, 1)
        )
    assert exc.value.field == "worker_no"
    assert await Worker.filter(worker_no="W100").count() == 1
    assert await AuditEntry.filter(entity__in=["worker", "spell"]).count() == 2


async def test_hr_must_give_a_hire_but_an_admin_need_not():
    w = await world()
    hr, admin = w["users"]["hr"], w["users"]["admin"]
    with pytest.raises(ServiceError) as exc:
        await services.worker_create(actor=hr, scope=await _scope(hr), worker_no="W100", name="李四")
    assert exc.value.field == "station_code"
    assert not await Worker.filter(worker_no="W100").exists()
    worker = await services.worker_create(actor=admin, scope=await _scope(admin), worker_no="W100", name="李四")
    assert not await EmploymentSpell.filter(worker=worker).exists()


@pytest.mark.parametrize("bad", ["12345", "32010219900101123Y", "3201021990010112345", "X20102199001011234"])
async def test_a_malformed_id_number_is_refused(db, bad):
    with pytest.raises(ServiceError) as exc:
        services.clean_id_number(bad)
    assert exc.value.field == "id_number"


async def test_updating_a_worker_audits_only_what_changed():
    w = await world()
    hr = w["users"]["hr"]
    worker = w["workers"][0]
    await services.worker_update(
        actor=hr,
        scope=await _scope(hr),
        worker=worker,
        worker_no="W1",
        name="新名字",
        source="other",
        phone="13812345678",
        id_number="320102199001011234",
    )
    entry = await AuditEntry.get(entity="worker", action="update")
    assert entry.before == {"name": "工作者1"} and entry.after == {"name": "新名字"}
    assert entry.organisation_id == w["orgs"][0].id
