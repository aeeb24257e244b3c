"""Summaries that hold codes read in the reader's language: a CE credit's "W3201020013 2.0 h supervision" and a
certificate's "W… assistant EX2024-A-W…" showed their English codes on Chinese pages (national demo's /audit)."""

import html
from datetime import date
from decimal import Decimal

from talent.audit.models import AuditEntry, Entity
from talent.certification import services
from tests.conftest import login, text_of
from tests.exports.helpers import csv_rows
from tests.factories import world


async def test_a_ce_credits_and_a_certificates_summaries_read_in_the_readers_language_on_the_page_and_in_the_export(
    client,
):
    w = await world()
    worker, hr = w["workers"][0], w["users"]["hr"]
    await services.ce_credit_add(
        actor=hr, worker=worker, hours=Decimal("2.0"), source="supervision", earned_on=date(2026, 5, 20)
    )
    await services.certificate_record(
        actor=hr, worker=worker, level="assistant", number="ZS-2024-001", obtained_on=date(2024, 6, 1)
    )
    no = worker.worker_no
    await login(client, "hr")
    expected = {
        "en": (f"{no} 2.0 CE hours Supervision", f"{no} Assistant social worker ZS-2024-001"),
        "zh_CN": (f"{no} 2.0 继续教育学时 督导", f"{no} 助理社会工作师 ZS-2024-001"),
    }
    for locale, (credit, certificate) in expected.items():
        client.cookies.set("talent_lang", locale)
        page = html.unescape(text_of((await client.get("/audit")).text))
        assert credit in page and certificate in page, locale
        assert " h supervision" not in page and " assistant " not in page
    rows = csv_rows(await client.get("/audit/export", params={"format": "csv", "entity": Entity.CE_CREDIT.value}))
    assert [r[6] for r in rows[1:]] == [f"{no} 2.0 继续教育学时 督导"]


async def test_a_summary_of_another_shape_shows_as_it_was_written(client):
    # A summary written before its kind's words were declared, or by hand: its words are not guessed at.
    w = await world()
    await AuditEntry.create(
        actor_name="hr", action="create", entity=Entity.CE_CREDIT, entity_id="1", summary="W1 supervision",
        region_path=w["regions"]["county_a"].path,
    )  # fmt: skip
    await login(client, "admin")
    client.cookies.set("talent_lang", "zh_CN")
    assert "W1 supervision" in html.unescape(text_of((await client.get("/audit")).text))
