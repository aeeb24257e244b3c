"""The certificate list's filters combine (expiring within N days, renewal window open, CE short, expired), blanks
sort last in both directions on either database, the current station is a column of the list and of the export, and
the status words read 已登记 (registered), never 注册日期 (a registration date)."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from talent.accounts.selectors import scope_for
from talent.certification import selectors, services
from talent.certification.models import CeCredit, Certificate
from talent.core.pagination import ListParams
from talent.people.models import EmploymentSpell
from talent.places.models import Station
from tests.conftest import login
from tests.factories import world

TODAY = date(2026, 10, 1)
NOON = datetime(2026, 10, 1, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
ZH = {"accept-language": "zh-CN,zh;q=0.9"}


@pytest.fixture
async def w(db):
    """On 2026-10-01 (intermediate: 90 CE hours a period, renewal opens 3 months before the expiry):
    W1 intermediate, registered 2024-01-01, expires 2026-12-15 = today + 75 days, 40 h: in the renewal window
       (2026-12-15 ≤ 2027-01-01) and 40 < 90 h short → status ce_shortfall;
    W2 intermediate, registered 2024-01-01, expires 2026-12-15 too, 95 h ≥ 90 → status renewal_open, not short;
    W3 assistant, registered 2023-10-01, expired 2026-09-30 (yesterday) → lapsed, expired;
    W4 no certificate: no expiry, no level, none of the flags."""
    data = await world()
    await services.catalogue_seed()
    w1, w2, w3, _w4 = data["workers"]
    for worker, hours in ((w1, 40), (w2, 95)):
        await Certificate.create(
            worker=worker,
            level="intermediate",
            number=f"I-{worker.worker_no}",
            obtained_on=date(2023, 6, 1),
            registered_on=date(2024, 1, 1),
            registration_expires_on=TODAY + timedelta(days=75),
        )
        await CeCredit.create(worker=worker, hours=Decimal(hours), source="course", earned_on=date(2025, 3, 1))
    await Certificate.create(
        worker=w3,
        level="assistant",
        number="A-W3",
        obtained_on=date(2023, 6, 1),
        registered_on=date(2023, 10, 1),
        registration_expires_on=TODAY - timedelta(days=1),
    )
    return data


async def _numbers(w, **filters) -> list[str]:
    user = w["users"]["admin"]
    scope = await scope_for(user, today=TODAY)
    page = await selectors.certificate_list(
        scope=scope, params=ListParams(per_page=50), today=TODAY, filters=selectors.ListFilters(**filters)
    )
    return sorted(row["worker_no"] for row in page.items)


async def test_a_registration_expiring_in_75_days_with_ce_short_is_found_under_renewal_open_and_ce_short(w):
    assert await _numbers(w, renewal_open=True) == ["W1", "W2"]
    assert await _numbers(w, ce_short=True) == ["W1"]
    # Combined, they narrow: only W1 is both in the window and short.
    assert await _numbers(w, renewal_open=True, ce_short=True) == ["W1"]
    # The exclusive status alone would have hidden W1 from "renewal window open".
    assert await _numbers(w, status="renewal_open") == ["W2"]
    assert await _numbers(w, status="ce_shortfall") == ["W1"]


async def test_expiring_within_n_days_counts_the_75th_day_and_not_an_expired_registration(w):
    # Expiry 2026-12-15 is today + 75: inside 75 days, outside 74. W3 expired yesterday: not "expiring".
    assert await _numbers(w, expiring_days=75) == ["W1", "W2"]
    assert await _numbers(w, expiring_days=74) == []
    assert await _numbers(w, expiring_days=75, ce_short=True) == ["W1"]


async def test_expired_finds_the_lapsed_registration_alone(w):
    assert await _numbers(w, expired=True) == ["W3"]
    assert await _numbers(w, expired=True, renewal_open=True) == []


async def test_blanks_sort_last_by_expiry_and_by_level_in_both_directions(w, client):
    await login(client, "admin")
    with time_machine.travel(NOON, tick=False):
        pages = {
            sort: (await client.get("/certificates", params={"sort": sort})).text
            for sort in ("expires", "-expires", "level", "-level")
        }
    order = {sort: re.findall(r'<a href="/certificates/workers/\d+">(W\d)</a>', text) for sort, text in pages.items()}
    # Expiries: W3 2026-09-30 < W1 = W2 2026-12-15 (ties by id); W4 has none → last either way.
    assert order["expires"] == ["W3", "W1", "W2", "W4"]
    assert order["-expires"] == ["W2", "W1", "W3", "W4"]
    # Levels: assistant (W3) < intermediate (W1, W2); W4 has no certificate → last either way.
    assert order["level"] == ["W3", "W1", "W2", "W4"]
    assert order["-level"] == ["W2", "W1", "W3", "W4"]


async def test_the_filters_combine_over_http_and_the_list_shows_each_workers_station(w, client):
    await login(client, "admin")
    with time_machine.travel(NOON, tick=False):
        both = await client.get("/certificates", params={"renewal_open": "1", "ce_short": "1"})
        window = await client.get("/certificates", params={"renewal_open": "1", "expiring": "80"})
    assert re.findall(r">(W\d)</a>", both.text) == ["W1"]
    assert "社工站1" in both.text and "S1" in both.text  # W1 works at S1 (社工站1)
    assert re.findall(r">(W\d)</a>", window.text) == ["W1", "W2"]
    # The pager and export links keep the filters.
    assert "renewal_open=1" in both.text and "ce_short=1" in both.text


async def test_the_export_has_the_station_code_and_name_and_keeps_the_filters(w, client):
    await login(client, "hr")
    with time_machine.travel(NOON, tick=False):
        response = await client.get("/certificates/export", params={"format": "csv", "ce_short": "1"})
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["Worker no.", "Full name", "Station code", "Station"]
    assert [row[:4] for row in rows[1:]] == [["W1", "工作者1", "S1", "社工站1"]]


async def test_each_row_shows_the_workers_own_current_station_and_highest_certificate(w, client):
    """Ids that are not the worker's: W1 left S1 on 2026-08-31 for a new station S9 (the fifth station, where W1 is
    the first worker), W2 passed the senior exam (the fourth certificate, where W2 is the second worker). The list and
    the export show S9 for W1 and W2's senior certificate: a row joined by the worker's id would show S1 and I-W2."""
    w1, w2 = w["workers"][:2]
    s1 = w["stations"][0]
    s9 = await Station.create(
        code="S9",
        name="社工站9",
        region_id=s1.region_id,
        region_path=s1.region_path,
        organisation_id=s1.organisation_id,
    )
    await EmploymentSpell.filter(worker=w1).update(end_on=date(2026, 8, 31))
    await EmploymentSpell.create(worker=w1, station=s9, start_on=date(2026, 9, 1), full_time=True)
    senior = await Certificate.create(worker=w2, level="senior", number="S-W2", obtained_on=date(2026, 6, 1))
    assert (s9.id, senior.id) != (w1.id, w2.id)
    await login(client, "admin")
    with time_machine.travel(NOON, tick=False):
        page = await client.get("/certificates", params={"sort": "worker_no"})
        export = await client.get("/certificates/export", params={"format": "csv", "sort": "worker_no"})
    rows = {row[0]: row for row in csv.reader(io.StringIO(export.text.lstrip("\ufeff")))}
    assert rows["W1"][2:4] == ["S9", "社工站9"]
    assert rows["W2"][2:4] == ["S2", "社工站2"] and "S-W2" in rows["W2"]
    assert "社工站9" in page.text and "S-W2" in page.text and "I-W2" not in page.text


async def test_the_registered_badge_and_filter_read_registered_not_registration_date(w, client):
    await Certificate.filter(number="I-W2").update(registration_expires_on=date(2028, 12, 31))
    await login(client, "admin")
    with time_machine.travel(NOON, tick=False):
        page = await client.get("/certificates", headers=ZH)
    assert '<option value="registered" >已登记</option>' in page.text
    assert re.search(r'<span class="badge [^"]+">已登记</span>', page.text)
    assert "注册" not in page.text


async def test_the_level_status_and_flags_read_the_workers_highest_certificate_only(w):
    """W3 also passes the intermediate exam (2026-06-01, not registered: within the 12 months of a first
    registration → unregistered). Their highest certificate is now the intermediate one: the lapsed assistant
    registration below it no longer puts them under "lapsed", "expired" or the level "assistant"."""
    await Certificate.create(worker=w["workers"][2], level="intermediate", number="I-W3", obtained_on=date(2026, 6, 1))
    assert await _numbers(w, status="lapsed") == []
    assert await _numbers(w, expired=True) == []
    assert await _numbers(w, level="assistant") == []
    assert await _numbers(w, level="intermediate") == ["W1", "W2", "W3"]
    assert await _numbers(w, status="unregistered") == ["W3"]
