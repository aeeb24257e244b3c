"""What counts toward CE is data: per kind of credit a cap per registration period, national defaults from
《社会工作者继续教育办法》（民发〔2009〕123号）seeded with their wording, a region's row overriding the national one
for its kind from its first day. A period is counted by the rules in force on its first day for the worker's region,
in the status SQL, in the renewal check and on the worker page alike. The professional-technical staff's yearly CE
(90 学时, 60 of them professional) is a second rule a region may switch on.

world(): W1 works at S1 in 玄武区 (320102, 南京市, 江苏省 320000), W3 at S3 in 秦淮区 (320104), both since 2022. The
bureau account is 玄武区's."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from talent.audit.models import AuditEntry, Entity
from talent.certification import selectors, services
from talent.certification.models import CeCredit, CeCreditRule, Certificate, CeYearlyRule
from talent.certification.rules import CE_CREDIT_DEFAULTS, YearlyRule, period_ce_hours, yearly_ce
from talent.core.access import Role, Scope
from talent.core.errors import ServiceError
from tests.conftest import login, post, text_of
from tests.factories import world
from tests.querycount import count_queries

ADMIN = Scope(user_id=0, role=Role.ADMIN)
JIANGSU = "江苏省民政厅社会工作者继续教育实施办法（示例）：培训每登记有效期最多计60学时"


def _on(day: date):
    return time_machine.travel(day.isoformat() + "T09:00+08:00", tick=False)


async def _setup(w) -> None:
    await services.catalogue_seed()  # assistant 72 h, intermediate 90 h a period
    await services.ce_rules_seed()


async def _cap(w, region_key: str | None, kind: str, day: date, cap, source: str = JIANGSU) -> CeCreditRule:
    region = w["regions"][region_key] if region_key else None
    return await services.ce_credit_rule_create(
        actor=w["users"]["admin"],
        scope=ADMIN,
        region=region,
        kind=kind,
        effective_from=day,
        max_hours=None if cap is None else Decimal(cap),
        source=source,
    )


async def _yearly(w, region_key: str, day: date, applies: bool, source: str) -> CeYearlyRule:
    """The yearly rule of a region from `day`: 90 h a year, 60 professional, on or off."""
    return await services.ce_yearly_rule_create(
        actor=None,
        scope=ADMIN,
        region=w["regions"][region_key],
        effective_from=day,
        applies=applies,
        yearly_hours=Decimal(90) if applies else None,
        professional_hours=Decimal(60) if applies else None,
        source=source,
    )


async def _certified(worker, level: str, registered_on: date, credits: list[tuple[str, str]]) -> Certificate:
    """A certificate registered on `registered_on` (3 years) with `credits` (kind, hours) earned on its first day."""
    cert = await Certificate.create(
        worker=worker,
        level=level,
        number=f"{worker.worker_no}-{level}",
        obtained_on=date(2024, 6, 1),
        registered_on=registered_on,
    )
    for kind, hours in credits:
        await CeCredit.create(worker=worker, hours=Decimal(hours), source=kind, earned_on=registered_on)
    return cert


async def _counted(worker, today: date) -> Certificate:
    [cert] = await selectors.worker_certificates(scope=ADMIN, worker_id=worker.id, today=today)
    return cert


def test_a_cap_counts_each_kind_up_to_its_hours_in_the_period():
    # The brief's worked example: 100 h of training capped at 60 + 20 h of supervision = 80 h ≥ 72.
    day = date(2025, 3, 1)
    credits = [(day, Decimal(100), "course"), (day, Decimal(20), "supervision")]
    assert period_ce_hours(credits, day, date(2028, 2, 29), {"course": Decimal(60)}) == Decimal(80)
    # National defaults: a degree counts 90 once however it was entered (95 → 90), a publication not at all.
    national = {kind: cap for kind, (cap, _source) in CE_CREDIT_DEFAULTS.items()}
    credits += [(day, Decimal(95), "degree"), (day, Decimal(10), "publication")]
    assert period_ce_hours(credits, day, date(2028, 2, 29), national) == Decimal(100 + 20 + 90 + 0)
    # A credit outside the period counts nothing, whatever the caps.
    assert period_ce_hours([(date(2028, 3, 1), Decimal(5), "course")], day, date(2028, 2, 29), national) == 0


async def test_the_national_defaults_are_seeded_once_each_naming_the_measures(db):
    await world()
    await services.ce_rules_seed()  # the migration has seeded them on PostgreSQL already: adds nothing there
    assert await services.ce_rules_seed() == 0
    rows = {r.kind.value: r for r in await CeCreditRule.filter(region_path="")}
    assert set(rows) == set(CE_CREDIT_DEFAULTS)
    assert rows["degree"].max_hours == Decimal(90) and "一次性记90小时" in rows["degree"].source
    assert rows["course"].max_hours is None and "按实际培训时间计算" in rows["course"].source
    assert rows["publication"].max_hours == 0 and rows["public"].max_hours == 0
    assert all("民发〔2009〕123号" in r.source for r in rows.values())
    assert all(r.effective_from == date(2009, 9, 7) for r in rows.values())
    yearly = await CeYearlyRule.get(region_path="")
    assert (yearly.applies, yearly.yearly_hours, yearly.professional_hours) == (False, Decimal(90), Decimal(60))
    assert "人力资源社会保障部令第25号" in yearly.source


async def test_a_province_cap_counts_periods_beginning_on_its_first_day_and_not_the_day_before(db):
    w = await world()
    await _setup(w)
    await _cap(w, "province", "course", date(2025, 3, 1), 60)
    w1, w2 = w["workers"][0], w["workers"][1]
    # W1's period began 2025-02-28, the day before Jiangsu's cap: national, no cap: 100 + 20 = 120.
    # W2's began 2025-03-01: 60 + 20 = 80, still ≥ an assistant's 72.
    await _certified(w1, "assistant", date(2025, 2, 28), [("course", "100"), ("supervision", "20")])
    await _certified(w2, "assistant", date(2025, 3, 1), [("course", "100"), ("supervision", "20")])
    today = date(2027, 12, 15)  # both in their renewal windows (expiry 2028-02-27 / -29)
    before, first_day = await _counted(w1, today), await _counted(w2, today)
    assert before.ce_hours == Decimal(120) and first_day.ce_hours == Decimal(80)
    assert before.status == first_day.status == "renewal_open"
    assert [(k.kind.value, k.recorded, k.cap, k.counted) for k in first_day.ce_kinds] == [
        ("course", Decimal(100), Decimal(60), Decimal(60)),
        ("supervision", Decimal(20), None, Decimal(20)),
    ]


async def test_an_intermediate_worker_with_80_counted_hours_is_short_of_90(db):
    w = await world()
    await _setup(w)
    await _cap(w, "province", "course", date(2025, 3, 1), 60)
    # 60 (capped from 100) + 20 = 80 < 90: short in the renewal window, where an assistant's 72 were met.
    await _certified(w["workers"][0], "intermediate", date(2025, 3, 1), [("course", "100"), ("supervision", "20")])
    cert = await _counted(w["workers"][0], date(2027, 12, 15))
    assert (cert.ce_hours, cert.status) == (Decimal(80), "ce_shortfall")


async def test_a_region_overrides_the_national_default_for_its_kind_only(db):
    w = await world()
    await _setup(w)
    # 玄武区 counts publications up to 12 h a period from 2025-01-01; nationally they count nothing. Courses keep the
    # national rule (no cap) in both counties.
    await _cap(w, "county_a", "publication", date(2025, 1, 1), 12, "玄武区民政局通知（示例）：论著每期最多计12学时")
    credits = [("course", "50"), ("publication", "30")]
    await _certified(w["workers"][0], "assistant", date(2025, 6, 1), credits)  # 玄武区: 50 + min(30, 12) = 62
    await _certified(w["workers"][2], "assistant", date(2025, 6, 1), credits)  # 秦淮区: 50 + 0 = 50
    today = date(2026, 1, 10)
    assert (await _counted(w["workers"][0], today)).ce_hours == Decimal(62)
    assert (await _counted(w["workers"][2], today)).ce_hours == Decimal(50)
    # The most specific region wins even when its rule is older: Jiangsu caps publications at 5 from 2025-03-01.
    await _cap(w, "province", "publication", date(2025, 3, 1), 5)
    assert (await _counted(w["workers"][0], today)).ce_hours == Decimal(62)
    assert (await _counted(w["workers"][2], today)).ce_hours == Decimal(55)


async def test_renewal_counts_the_capped_hours_and_refuses_when_short(db):
    w = await world()
    await _setup(w)
    await _cap(w, "province", "course", date(2025, 3, 1), 30)
    cert = await _certified(w["workers"][0], "assistant", date(2025, 3, 1), [("course", "100"), ("supervision", "20")])
    # 30 + 20 = 50 < 72 (the ledger holds 120): refused, naming the counted 50.
    with pytest.raises(ServiceError) as refused:
        await services.certificate_register(actor=None, certificate=cert, on=date(2027, 12, 15))
    assert "50" in str(refused.value.message) and "72" in str(refused.value.message)
    await CeCredit.create(worker=w["workers"][0], hours=Decimal(22), source="external", earned_on=date(2026, 5, 1))
    # 50 + 22 = 72: accepted, the registration history keeps the counted hours.
    registration = await services.certificate_register(actor=None, certificate=cert, on=date(2027, 12, 15))
    assert registration.ce_hours == Decimal(72)


def test_the_yearly_rule_is_met_with_90_hours_and_60_professional():
    on = YearlyRule(applies=True)
    # 70 course + 25 public = 95 ≥ 90 and 70 ≥ 60 professional: met. 40 course + 55 public = 95 but 40 < 60: not.
    met = yearly_ce([(date(2026, 2, 1), 70, "course"), (date(2026, 3, 1), 25, "public")], 2026, on)
    assert (met.hours, met.professional, met.met) == (Decimal(95), Decimal(70), True)
    short = yearly_ce([(date(2026, 2, 1), 40, "course"), (date(2026, 3, 1), 55, "public")], 2026, on)
    assert (short.hours, short.professional, short.met) == (Decimal(95), Decimal(40), False)
    # 31 December of the year before does not count.
    assert yearly_ce([(date(2025, 12, 31), 90, "course")], 2026, on).hours == 0


async def test_the_worker_page_shows_the_yearly_figure_only_where_a_region_switched_it_on(client, db):
    w = await world()
    await _setup(w)
    await _yearly(w, "province", date(2026, 1, 1), True, "江苏省专业技术人员继续教育实施细则（示例）")
    worker = w["workers"][0]
    await _certified(worker, "assistant", date(2025, 6, 1), [("course", "10")])
    for day, hours, kind in [(date(2025, 12, 31), "40", "course"), (date(2026, 1, 2), "70", "course")]:
        await CeCredit.create(worker=worker, hours=Decimal(hours), source=kind, earned_on=day)
    await CeCredit.create(worker=worker, hours=Decimal(25), source="public", earned_on=date(2026, 3, 1))
    await login(client, "admin")
    url = f"/certificates/workers/{worker.id}"
    with _on(date(2025, 12, 31)):  # the day before Jiangsu switches it on: no yearly figure
        assert 'id="yearly-ce"' not in (await client.get(url)).text
    with _on(date(2026, 1, 1)):
        page = (await client.get(url)).text
    section = text_of(page.split('id="yearly-ce"', 1)[1].split("</section>", 1)[0])
    # 2026: 70 + 25 = 95 of 90, 70 professional of 60 (the 40 h of 2025-12-31 are last year's): met.
    assert "95.0 / 90.0" in section and "70.0 / 60.0" in section and "江苏省专业技术人员继续教育实施细则" in section
    assert "Met" in section and "Not met" not in section
    # 玄武区 switches it off again from 2026-02-01: its own rule wins over Jiangsu's.
    await _yearly(w, "county_a", date(2026, 2, 1), False, "玄武区暂缓执行（示例）")
    with _on(date(2026, 2, 1)):
        assert 'id="yearly-ce"' not in (await client.get(url)).text


async def test_a_bureau_reads_and_adds_rules_only_inside_its_region(client, db):
    w = await world()
    await _setup(w)
    await _cap(w, "province", "course", date(2025, 3, 1), 60)
    elsewhere = await _cap(w, "county_b", "course", date(2025, 3, 1), 40, "秦淮区哨兵规则")
    with _on(date(2026, 6, 1)):
        await login(client, "bureau")  # 玄武区
        page = text_of((await client.get("/certificates/ce-rules")).text)
        assert "民发〔2009〕123号" in page and "江苏省民政厅" in page and "秦淮区哨兵规则" not in page
        # In force today for 玄武区: Jiangsu's 60 on courses, the national 90 on a degree.
        in_force = text_of((await client.get("/certificates/ce-rules")).text.split('id="in-force"', 1)[1])
        assert "60.0" in in_force and "90.0" in in_force and "Regional rule" in in_force
        form = {"kind": "course", "effective_from": "2026-07-01", "max_hours": "50", "source": "玄武区试行（示例）"}
        outside = await post(
            client, "/certificates/ce-rules", form | {"region_code": "320104"}, headers={"HX-Request": "true"}
        )
        assert outside.status_code == 422 and "No such region in your scope" in outside.text
        national = await post(
            client, "/certificates/ce-rules", form | {"region_code": ""}, headers={"HX-Request": "true"}
        )
        assert national.status_code == 422 and "inside your own" in national.text
        added = await post(client, "/certificates/ce-rules", form | {"region_code": "320102"})
        assert added.status_code == 303, added.text[:2000]
        assert (await post(client, f"/certificates/ce-rules/{elsewhere.id}/delete", {})).status_code == 404
        yearly = await post(
            client,
            "/certificates/ce-rules/yearly",
            {
                "region_code": "320102",
                "effective_from": "2026-07-01",
                "applies": "1",
                "yearly_hours": "90",
                "professional_hours": "60",
                "source": "玄武区专技继续教育（示例）",
            },
        )
        assert yearly.status_code == 303, yearly.text[:2000]
    rule = await CeCreditRule.get(source="玄武区试行（示例）")
    assert (rule.region_path, rule.max_hours) == (w["regions"]["county_a"].path, Decimal(50))
    entry = await AuditEntry.get(entity=Entity.CE_CREDIT_RULE, entity_id=rule.id)
    assert entry.region_path == w["regions"]["county_a"].path and "320102" in entry.summary
    assert await AuditEntry.filter(entity=Entity.CE_YEARLY_RULE, action="create").exists()


async def test_a_rule_in_force_is_kept_and_one_not_yet_in_force_may_be_withdrawn(client, db):
    w = await world()
    await _setup(w)
    province = await _cap(w, "province", "course", date(2026, 3, 1), 60)
    later = await _cap(w, "county_a", "course", date(2026, 9, 1), 30, "玄武区待生效规则")
    with _on(date(2026, 6, 1)):
        await login(client, "bureau")
        page = (await client.get("/certificates/ce-rules")).text
        assert f"/certificates/ce-rules/{later.id}/delete" in page
        assert f"/certificates/ce-rules/{province.id}/delete" not in page
        await post(client, f"/certificates/ce-rules/{later.id}/delete", {})
        client.cookies.clear()
        await login(client, "admin")
        await post(client, f"/certificates/ce-rules/{province.id}/delete", {})
    assert not await CeCreditRule.filter(id=later.id).exists()
    assert await CeCreditRule.filter(id=province.id).exists()
    assert await AuditEntry.filter(entity=Entity.CE_CREDIT_RULE, entity_id=later.id, action="delete").exists()


async def test_other_roles_do_not_reach_the_rules_page(client, db):
    await world()
    for username in ("hr", "worker", "supervisor"):
        client.cookies.clear()
        await login(client, username)
        assert (await client.get("/certificates/ce-rules")).status_code == 403


async def test_the_rules_page_sends_the_same_number_of_queries_for_3_and_30_rules(client, db):
    w = await world()
    await _setup(w)
    await login(client, "admin")

    async def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            await _cap(w, "county_a", "external", date(2000 + i, 1, 1), 10, f"规则{i}")

    await add(3, 0)
    async with count_queries() as few:
        assert "规则2" in (await client.get("/certificates/ce-rules")).text
    await add(27, 3)
    async with count_queries() as many:
        assert "规则29" in (await client.get("/certificates/ce-rules", params={"per_page": "50"})).text
    assert many.count == few.count
