"""Scope filters return each visible record once, whatever the number of joins behind it."""

from datetime import date

from talent.accounts.selectors import scope_for
from talent.core.clock import local_today
from talent.people.access import workers_q
from talent.people.models import EmploymentSpell, Worker
from talent.places.access import organisations_q
from talent.places.models import Organisation
from tests.factories import world


async def test_a_worker_with_several_spells_in_scope_is_listed_once(db):
    w = await world()
    # W1 (station S1) also worked at S2 earlier: both stations belong to organisation A.
    await EmploymentSpell.filter(worker=w["workers"][0]).update(start_on=date(2023, 1, 1))
    await EmploymentSpell.create(
        worker=w["workers"][0], station=w["stations"][1], start_on=date(2020, 1, 1), end_on=date(2022, 12, 31)
    )
    user = w["users"]["hr"]
    await user.fetch_related("region")
    scope = await scope_for(user, today=local_today())
    visible = await Worker.filter(workers_q(scope)).values_list("worker_no", flat=True)
    # Organisation A operates S1 and S2: workers W1 and W2, each once.
    assert sorted(visible) == ["W1", "W2"]


async def test_a_bureau_sees_organisations_of_its_region_or_operating_in_it_once(db):
    w = await world()
    user = w["users"]["bureau"]
    await user.fetch_related("region")
    scope = await scope_for(user, today=local_today())
    names = await Organisation.filter(organisations_q(scope)).values_list("name", flat=True)
    # County A: organisation A (its region, and it operates S1 and S2); organisation B is in county B.
    assert names == [w["orgs"][0].name]
