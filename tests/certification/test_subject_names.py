"""A subject is named in the reader's language: its English name on English pages (the catalogue keeps one beside
the Chinese), the Chinese name on Chinese pages. The English report and certificates pages printed
"社会工作综合能力（初级） A-ZH" (national demo screenshots)."""

import contextvars
from decimal import Decimal

import pytest

from talent.certification import services
from talent.certification.models import ExamSubject
from talent.core.i18n import localised, set_locale
from tests.conftest import login, text_of
from tests.factories import world

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


@pytest.fixture
async def w(db):
    w = await world()
    admin = w["users"]["admin"]
    # 1 passed of 2 sat: 50.0 % on both pages.
    await services.result_record(actor=admin, worker=w["workers"][0], year=2024, subject="A-ZH", score=Decimal(70))
    await services.result_record(actor=admin, worker=w["workers"][1], year=2024, subject="A-ZH", score=Decimal(50))
    return w


def in_locale(locale: str, fn, *args):
    def run():
        set_locale(locale)
        return fn(*args)

    return contextvars.copy_context().run(run)


def test_a_name_is_english_on_english_pages_where_there_is_one_and_chinese_otherwise():
    names = ("社会工作实务（初级）", "Social work practice (assistant)")
    assert in_locale("en", localised, *names) == "Social work practice (assistant)"
    assert in_locale("zh_CN", localised, *names) == "社会工作实务（初级）"
    assert in_locale("en", localised, names[0], "") == "社会工作实务（初级）"


async def test_the_pass_rates_page_and_the_report_name_the_subject_in_the_readers_language(w, client):
    subject = await ExamSubject.get(code="A-ZH")
    assert subject.name_en and subject.name_en != subject.name
    await login(client, "admin")
    for url in ("/certificates/pass-rates", "/reports?period_start=2024-01-01&period_end=2024-12-31"):
        english = text_of((await client.get(url, headers=EN)).text)
        chinese = text_of((await client.get(url, headers=ZH)).text)
        assert f"{subject.name_en} A-ZH" in english and subject.name not in english, url
        assert f"{subject.name} A-ZH" in chinese and subject.name_en not in chinese, url


async def test_a_workers_results_and_the_subject_picker_name_the_subject_in_the_readers_language(w, client):
    subject = await ExamSubject.get(code="A-ZH")
    await login(client, "admin")
    url = f"/certificates/workers/{w['workers'][0].id}"
    assert f"A-ZH {subject.name_en}" in text_of((await client.get(url, headers=EN)).text)
    assert f"A-ZH {subject.name}" in text_of((await client.get(url, headers=ZH)).text)
    # Found by its Chinese name on an English page too, and named in English there.
    english = (await client.get("/certificates/subjects/suggest", params={"q": "综合能力（初级）"}, headers=EN)).text
    assert f"{subject.name_en} (A-ZH)" in english and subject.name not in english
    chinese = (await client.get("/certificates/subjects/suggest", params={"q": "A-ZH"}, headers=ZH)).text
    assert f"{subject.name} (A-ZH)" in chinese
