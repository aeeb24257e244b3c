"""The small fixed data set of the measure tests (on top of tests.factories.world()).

city 320100 ─┬─ county A 320102 ── street 320102001 ── S1, S2 (org A)
             └─ county B 320104 ── street 320104001 ── S3, S4 (org B)

W1  S1  2022-01-01 →                      (stays)
W2  S2  2022-01-01 → 2024-03-31 transfer  then S3 2024-04-10 →  (10 days: a transfer inside the city)
W3  S3  2022-01-01 → 2024-06-30 voluntary (pay, the last day of June)  then S4 2024-09-01 → (came back)
W4  S4  2022-01-01 → 2024-05-31 transfer  then S1 2024-07-15 →  (45 days: a separation even for the city)
W5  S1  2024-02-01 → 2024-10-15 involuntary (dismissal)
W6  S1  2023-01-01 →  part-time (never counted)
"""

from datetime import date

from talent.accounts.selectors import scope_for
from talent.analytics.area import Area, area_for
from talent.people.models import EmploymentSpell, Worker
from tests.factories import world


async def build() -> dict:
    w = await world()
    s1, s2, s3, s4 = w["stations"]
    w1, w2, w3, w4 = w["workers"]
    await EmploymentSpell.filter(worker=w2).update(end_on=date(2024, 3, 31), exit_type="transfer", exit_reason="career")
    await EmploymentSpell.create(worker=w2, station=s3, start_on=date(2024, 4, 10))
    await EmploymentSpell.filter(worker=w3).update(end_on=date(2024, 6, 30), exit_type="voluntary", exit_reason="pay")
    await EmploymentSpell.create(worker=w3, station=s4, start_on=date(2024, 9, 1))
    await EmploymentSpell.filter(worker=w4).update(end_on=date(2024, 5, 31), exit_type="transfer", exit_reason="career")
    await EmploymentSpell.create(worker=w4, station=s1, start_on=date(2024, 7, 15))
    w5 = await Worker.create(worker_no="W5", name="工作者5")
    await EmploymentSpell.create(
        worker=w5,
        station=s1,
        start_on=date(2024, 2, 1),
        end_on=date(2024, 10, 15),
        exit_type="involuntary",
        exit_reason="dismissal",
    )
    w6 = await Worker.create(worker_no="W6", name="工作者6")
    await EmploymentSpell.create(worker=w6, station=s1, start_on=date(2023, 1, 1), full_time=False)
    w["workers"] += [w5, w6]
    return w


async def area_of(w: dict, username: str, code: str = "") -> Area:
    user = w["users"][username]
    await user.fetch_related("region", "organisation")
    area = await area_for(await scope_for(user, today=date(2024, 12, 31)), code)
    assert area is not None
    return area
