"""The CE rule of supervision sessions is data: rows per region and effective day, each naming its source, with a
national default seeded by the migration. A session uses the rule of the most specific region enclosing its station
in force on the day it was held (as a pay standard is chosen). Admins and bureaus list and add rules (a bureau only
inside its region); a rule in force is never changed, one not yet in force may be withdrawn; both are audited.

world(): 督导甲 (account "supervisor") is assigned to S1 since 2020-01-01; W1 works at S1 (梅园新村街道, 玄武区, 南京市,
江苏省 320000), since 2022. The bureau account is 玄武区's (320102), citybureau 南京市's (320100)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from talent.audit.models import AuditEntry, Entity
from talent.certification.models import CeCredit
from talent.cohorts import services as cohort_services
from talent.core.access import Role, Scope
from talent.core.errors import ServiceError
from talent.supervision import selectors, services
from talent.supervision.models import SessionCeRule
from talent.supervision.rules import CE_SOURCE, ce_ceiling
from tests.conftest import login, post, text_of
from tests.factories import world
from tests.querycount import count_queries

PROVINCE_SOURCE = "江苏省民政厅关于社会工作者继续教育学时认定的通知（示例）第五条：督导按实际时长的50%计入"
ADMIN = Scope(user_id=0, role=Role.ADMIN)


def _on(day: date):
    return time_machine.travel(day.isoformat() + "T09:00+08:00", tick=False)


async def _province_half(w) -> SessionCeRule:
    """Jiangsu credits half a session's hours from 2026-03-01 on."""
    await services.session_ce_rules_seed()
    return await services.session_ce_rule_create(
        actor=w["users"]["admin"],
        scope=ADMIN,
        region=w["regions"]["province"],
        effective_from=date(2026, 3, 1),
        counts=True,
        max_share=Decimal("0.5"),
        source=PROVINCE_SOURCE,
    )


async def _log(w, held_on: date, ce_hours: str, hours: str = "3"):
    user = w["users"]["supervisor"]
    return await cohort_services.session_log(
        actor=user,
        scope=Scope(user_id=user.id, role=Role.SUPERVISOR, station_ids=frozenset({w["stations"][0].id})),
        station_code="S1",
        held_on=held_on,
        hours=Decimal(hours),
        format="group",
        attendee_ids=[w["workers"][0].id],
        ce_hours=Decimal(ce_hours),
        today=date(2026, 6, 1),
    )


def test_the_ceiling_is_the_share_of_the_sessions_hours_rounded_down_to_a_tenth():
    # 3 h × 0.5 = 1.5; 2.5 h × 0.5 = 1.25 → 1.2 (the ledger keeps tenths, and never credits more than the share);
    # a rule where supervision does not count credits nothing.
    assert ce_ceiling(Decimal("3"), True, Decimal("0.5")) == Decimal("1.5")
    assert ce_ceiling(Decimal("2.5"), True, Decimal("0.5")) == Decimal("1.2")
    assert ce_ceiling(Decimal("3"), True, Decimal("1")) == Decimal("3.0")
    assert ce_ceiling(Decimal("3"), False, Decimal("1")) == Decimal("0")


async def test_the_national_default_is_seeded_once_and_names_its_source(db):
    w = await world()
    await services.session_ce_rules_seed()  # the migration has seeded it on PostgreSQL already: adds nothing there
    assert await services.session_ce_rules_seed() == 0
    national = await SessionCeRule.get(region_path="")
    assert (national.counts, national.max_share, national.source) == (True, Decimal("1.000"), CE_SOURCE)
    assert "民发〔2009〕123号" in national.source
    rule = await selectors.session_ce_rule(region_path=w["stations"][0].region_path, on=date(2026, 5, 20))
    assert rule.id == national.id


async def test_a_province_rule_applies_from_its_first_day_and_not_the_day_before(db):
    w = await world()
    await _province_half(w)
    # 2026-02-28, the day before: the national rule (1 × the session's hours), so a 3-hour session credits 3.
    before = await _log(w, date(2026, 2, 28), "3")
    assert (await CeCredit.get(source_ref=f"supervision:{before.id}")).hours == Decimal("3.0")
    # 2026-03-01, the first day of Jiangsu's rule: at most 3 × 0.5 = 1.5; 3 is refused and nothing is written.
    with pytest.raises(ServiceError) as refused:
        await _log(w, date(2026, 3, 1), "3")
    assert (
        refused.value.field == "ce_hours"
        and "1.5" in refused.value.message
        and PROVINCE_SOURCE in str(refused.value.message)
    )
    assert await CeCredit.filter(earned_on=date(2026, 3, 1)).count() == 0
    on_day = await _log(w, date(2026, 3, 1), "1.5")
    assert (await CeCredit.get(source_ref=f"supervision:{on_day.id}")).hours == Decimal("1.5")


async def test_the_most_specific_regions_rule_wins_even_when_older(db):
    w = await world()
    await _province_half(w)
    # 玄武区 (county A) stopped counting supervision from 2026-01-01, before the province's rule of 2026-03-01: at S1
    # (in 玄武区) the county's rule still applies on 2026-04-01; at S3 (秦淮区) the province's.
    await services.session_ce_rule_create(
        actor=w["users"]["admin"],
        scope=ADMIN,
        region=w["regions"]["county_a"],
        effective_from=date(2026, 1, 1),
        counts=False,
        max_share=None,
        source="玄武区民政局通知（示例）",
    )
    s1 = await selectors.session_ce_rule(region_path=w["stations"][0].region_path, on=date(2026, 4, 1))
    s3 = await selectors.session_ce_rule(region_path=w["stations"][2].region_path, on=date(2026, 4, 1))
    assert (s1.counts, s1.source) == (False, "玄武区民政局通知（示例）")
    assert (s3.max_share, s3.source) == (Decimal("0.500"), PROVINCE_SOURCE)
    with pytest.raises(ServiceError) as refused:
        await _log(w, date(2026, 4, 1), "0.5")
    assert "no CE hours" in refused.value.message
    session = await _log(w, date(2026, 4, 1), "0")
    assert not await CeCredit.filter(source_ref=f"supervision:{session.id}").exists()


async def test_a_province_crediting_half_a_session_through_the_session_form(client, db):
    w = await world()
    await _province_half(w)
    form = {
        "station_code": "S1",
        "held_on": "2026-03-01",
        "hours": "3",
        "format": "on_site",
        "topics": "半数认定",
        "attendees": str(w["workers"][0].id),
    }
    with _on(date(2026, 6, 1)):
        await login(client, "supervisor")
        # The form tells which rule applies at the station on the chosen day: the national one the day before,
        # Jiangsu's on its first day.
        day_before = await client.get(
            "/supervision/sessions/new", params={"station_code": "S1", "held_on": "2026-02-28"}
        )
        hint = text_of(day_before.text.split('id="ce-rule"', 1)[1].split("</p>", 1)[0])
        assert "100.0%" in hint and "民发〔2009〕123号" in hint
        first_day = await client.get(
            "/supervision/sessions/new", params={"station_code": "S1", "held_on": "2026-03-01"}
        )
        hint = text_of(first_day.text.split('id="ce-rule"', 1)[1].split("</p>", 1)[0])
        assert "50.0%" in hint and "江苏省民政厅" in hint
        refused = await post(client, "/supervision/sessions", form | {"ce_hours": "2"}, headers={"HX-Request": "true"})
        assert refused.status_code == 422
        assert "1.5" in text_of(refused.text) and "江苏省民政厅" in text_of(refused.text)
        done = await post(client, "/supervision/sessions", form | {"ce_hours": "1.5"})
        assert done.status_code == 303, done.text[:2000]
    # Worked example: a 3-hour session under Jiangsu's half-share rule credits W1 3 × 0.5 = 1.5 CE hours.
    credits = await CeCredit.filter(worker_id=w["workers"][0].id).values_list("hours", flat=True)
    assert credits == [Decimal("1.5")]


async def test_a_bureau_lists_and_adds_rules_only_inside_its_region(client, db):
    w = await world()
    await _province_half(w)
    other = await services.session_ce_rule_create(
        actor=None,
        scope=ADMIN,
        region=w["regions"]["county_b"],
        effective_from=date(2026, 2, 1),
        counts=True,
        max_share=Decimal("0.8"),
        source="秦淮区哨兵规则",
    )
    with _on(date(2026, 6, 1)):
        await login(client, "bureau")  # 玄武区
        page = text_of((await client.get("/supervision/ce-rules")).text)
        # The national default and Jiangsu's rule apply here and are shown; 秦淮区's is another county's.
        # Jiangsu's row shows its share as a percentage (0.5 → 50.0%), the national default's 1 as 100.0%.
        assert "民发〔2009〕123号" in page and "江苏省民政厅" in page and "50.0%" in page and "100.0%" in page
        assert "秦淮区哨兵规则" not in page
        outside = await post(
            client,
            "/supervision/ce-rules",
            {"region_code": "320104", "effective_from": "2026-07-01", "counts": "1", "max_share": "0.5", "source": "x"},
            headers={"HX-Request": "true"},
        )
        assert outside.status_code == 422 and "No such region in your scope" in outside.text
        national = await post(
            client,
            "/supervision/ce-rules",
            {"region_code": "", "effective_from": "2026-07-01", "counts": "1", "max_share": "0.5", "source": "x"},
            headers={"HX-Request": "true"},
        )
        assert national.status_code == 422 and "inside your own" in national.text
        too_much = await post(
            client,
            "/supervision/ce-rules",
            {"region_code": "320102", "effective_from": "2026-07-01", "counts": "1", "max_share": "1.5", "source": "x"},
            headers={"HX-Request": "true"},
        )
        assert too_much.status_code == 422 and "at most 1" in too_much.text
        added = await post(
            client,
            "/supervision/ce-rules",
            {
                "region_code": "320102",
                "effective_from": "2026-07-01",
                "counts": "1",
                "max_share": "0.25",
                "source": "玄武区试行办法（示例）",
            },
        )
        assert added.status_code == 303, added.text[:2000]
        assert (await client.get(f"/supervision/ce-rules/{other.id}/delete")).status_code in (404, 405)
        assert (await post(client, f"/supervision/ce-rules/{other.id}/delete", {})).status_code == 404
    rule = await SessionCeRule.get(source="玄武区试行办法（示例）")
    assert (rule.region_path, rule.max_share) == (w["regions"]["county_a"].path, Decimal("0.250"))
    entry = await AuditEntry.get(entity=Entity.SESSION_CE_RULE, entity_id=rule.id)
    assert entry.region_path == w["regions"]["county_a"].path and "320102" in entry.summary
    assert await SessionCeRule.filter(source="x").count() == 0


async def test_a_rule_in_force_is_kept_and_one_not_yet_in_force_may_be_withdrawn(client, db):
    w = await world()
    province = await _province_half(w)
    later = await services.session_ce_rule_create(
        actor=None,
        scope=ADMIN,
        region=w["regions"]["county_a"],
        effective_from=date(2026, 9, 1),
        counts=True,
        max_share=Decimal("0.25"),
        source="玄武区待生效规则",
    )
    with _on(date(2026, 6, 1)):
        await login(client, "bureau")
        page = (await client.get("/supervision/ce-rules")).text
        assert f"/supervision/ce-rules/{later.id}/delete" in page
        assert f"/supervision/ce-rules/{province.id}/delete" not in page
        await post(client, f"/supervision/ce-rules/{later.id}/delete", {})
        # The province's rule is outside the bureau's region: not its to withdraw.
        await post(client, f"/supervision/ce-rules/{province.id}/delete", {})
        client.cookies.clear()
        await login(client, "admin")
        kept = await post(client, f"/supervision/ce-rules/{province.id}/delete", {})
        assert kept.status_code == 303
    assert not await SessionCeRule.filter(id=later.id).exists()
    assert await SessionCeRule.filter(id=province.id).exists()
    assert await AuditEntry.filter(entity=Entity.SESSION_CE_RULE, entity_id=later.id, action="delete").exists()
    with pytest.raises(ServiceError):
        await services.session_ce_rule_delete(actor=None, scope=ADMIN, rule=province, today=date(2026, 6, 1))


async def test_the_rules_page_sends_the_same_number_of_queries_for_3_and_30_rules(client, db):
    w = await world()
    await services.session_ce_rules_seed()
    await login(client, "admin")

    async def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            await services.session_ce_rule_create(
                actor=None,
                scope=ADMIN,
                region=w["regions"]["county_a"],
                effective_from=date(2020, 1, 1).replace(year=2000 + i),
                counts=True,
                max_share=Decimal("0.5"),
                source=f"规则{i}",
            )

    await add(2, 0)
    async with count_queries() as few:
        assert "规则1" in (await client.get("/supervision/ce-rules")).text
    await add(27, 2)
    async with count_queries() as many:
        assert "规则28" in (await client.get("/supervision/ce-rules", params={"per_page": "50"})).text
    assert many.count == few.count
