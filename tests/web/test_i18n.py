"""The language of a page: the user's own setting, else the language cookie (the header switch), else
Accept-Language, else the configured default (zh_CN). Concurrent requests in different languages never mix.

The suite runs with TALENT_DEFAULT_LOCALE=en (tests/conftest.py), so every HTTP test below that depends on
the language sends an explicit Accept-Language header.
"""

import asyncio
import contextvars
import html
import re
import secrets
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent

from talent.accounts.models import User
from talent.core.clock import local_time
from talent.core.i18n import format_date, format_money, format_number, format_percent, gettext, negotiate, set_locale
from talent.settings import Settings
from tests.conftest import login, post
from tests.factories import world

ZH = {"accept-language": "zh-CN,zh;q=0.9"}
EN = {"accept-language": "en-US,en;q=0.9"}


def in_locale(locale: str, fn, *args, **kwargs):
    """Run fn with the given active locale in a separate context, leaving the caller's locale alone."""

    def run():
        set_locale(locale)
        return fn(*args, **kwargs)

    return contextvars.copy_context().run(run)


def html_lang(page: str) -> str:
    match = re.search(r"<html lang=\"([^\"]+)\"", page)
    assert match, page[:200]
    return match.group(1)


def pressed_locale(page: str) -> str:
    """The header language button marked as the current one."""
    match = re.search(r'<button[^>]*name="locale" value="([^"]+)"[^>]*aria-pressed="true"', page)
    assert match, "no language button is marked as pressed"
    return match.group(1)


# ---- negotiation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "zh_CN"),
        ("", "zh_CN"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
        ("zh-TW", "zh_CN"),
        ("en-US,en;q=0.9", "en"),
        ("EN-gb", "en"),
        # Quality values win over order.
        ("zh;q=0.2, en;q=0.8", "en"),
        ("en;q=0.3, zh-CN", "zh_CN"),
        # Unsupported languages are skipped; only unsupported ones fall back.
        ("fr-FR, en;q=0.5", "en"),
        ("fr-FR, de", "zh_CN"),
        # Malformed quality values do not raise.
        ("en;q=abc, zh;q=0.5", "zh_CN"),
        ("*", "zh_CN"),
    ],
)
def test_negotiate_picks_a_supported_language_by_quality_and_falls_back(header, expected):
    assert negotiate(header, "zh_CN") == expected


def test_negotiate_uses_the_given_fallback_when_nothing_matches():
    assert negotiate("fr", "en") == "en"
    assert negotiate(None, "en") == "en"


def test_the_configured_default_language_is_chinese():
    assert Settings.model_fields["default_locale"].default == "zh_CN"


def test_dates_and_numbers_follow_the_active_locale():
    d = date(2026, 3, 1)
    zh, en = in_locale("zh_CN", format_date, d), in_locale("en", format_date, d)
    # Babel's medium date: "2026年3月1日" in Chinese, "Mar 1, 2026" in English.
    assert zh == "2026年3月1日"
    assert en == "Mar 1, 2026"
    assert in_locale("en", format_number, 1234567) == "1,234,567"


def test_a_moment_reads_as_the_day_and_the_minute_babel_writes_in_the_readers_language():
    # Every 7 minutes and 13 seconds over two days (the seconds vary; the short time shows none): the day in
    # Babel's medium form and the time in its short form, joined by the locale's medium pattern, on the local clock.
    # "2026-03-01 00:00 UTC" is "Mar 1, 2026, 8:00 AM" in English and "2026年3月1日 08:00" in Chinese.
    start = datetime(2026, 3, 1, tzinfo=UTC)
    moments = [start + timedelta(seconds=433 * i) for i in range(400)]
    assert in_locale("en", format_date, start) == "Mar 1, 2026, 8:00\u202fAM"  # CLDR: a narrow no-break space
    assert in_locale("zh_CN", format_date, start) == "2026年3月1日 08:00"
    for code in ("en", "zh_CN"):
        locale = Locale.parse(code)
        for moment in moments:
            local = local_time(moment)
            day = babel_date(local.date(), format="medium", locale=locale)
            minute = babel_time(local.time(), format="short", locale=locale)
            expected = str(locale.datetime_formats["medium"]).replace("{1}", day).replace("{0}", minute)
            assert in_locale(code, format_date, moment) == expected


# Halves at the last digit shown (Babel rounds half to even on the decimal text), negatives, thousands, Decimals.
NUMBERS = [
    0,
    1,
    -1,
    0.5,
    1.5,
    2.5,
    0.125,
    0.135,
    0.0005,
    0.9995,
    1234567.891,
    -0.004,
    Decimal("0.115"),
    Decimal("2.675"),
]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_numbers_and_percentages_read_as_babel_writes_them(locale):
    """The platform keeps Babel's parsed patterns and locales between values (talent.core.i18n._babel_number): each
    text is still the one Babel's own functions write, in both languages, however it rounds."""
    for value in NUMBERS:
        for digits in (0, 1, 2):
            pattern = "#,##0" + ("." + "0" * digits if digits else "")
            assert in_locale(locale, format_number, value, digits) == format_decimal(value, pattern, locale=locale)
            percent = "#,##0." + "0" * digits + "%"
            assert in_locale(locale, format_percent, value, digits) == babel_percent(value, percent, locale=locale)
    assert in_locale(locale, format_percent, 0.125, 1) == "12.5%"
    assert in_locale(locale, format_percent, None) == "—"


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_an_amount_of_money_reads_to_the_fen_and_none_as_a_dash(locale):
    for value in NUMBERS:
        assert in_locale(locale, format_money, value) == format_decimal(value, "#,##0.00", locale=locale)
    assert in_locale(locale, format_money, Decimal("4400")) == "4,400.00"
    assert in_locale(locale, format_money, 0) == "0.00"  # no pay is an amount, not a blank
    assert in_locale(locale, format_money, None) == "—"


def test_an_unknown_locale_falls_back_to_chinese():
    assert in_locale("fr", lambda: format_date(date(2026, 3, 1))) == "2026年3月1日"


# ---- negotiation over HTTP ---------------------------------------------------------------------------------


async def test_accept_language_chooses_the_page_language(client):
    zh = await client.get("/login", headers=ZH)
    en = await client.get("/login", headers=EN)
    assert html_lang(zh.text) == "zh-CN" and pressed_locale(zh.text) == "zh_CN"
    assert html_lang(en.text) == "en" and pressed_locale(en.text) == "en"
    assert in_locale("zh_CN", gettext, "Sign in") in html.unescape(zh.text)
    assert "Sign in" in en.text


async def test_without_accept_language_the_configured_default_is_used(db, monkeypatch):
    from talent.app import create_app
    from talent.settings import get_settings

    monkeypatch.delenv("TALENT_DEFAULT_LOCALE", raising=False)
    get_settings.cache_clear()
    try:
        app = create_app(manage_db=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            page = await c.get("/login")
            assert html_lang(page.text) == "zh-CN"
            # An unsupported language also falls back to the default.
            assert html_lang((await c.get("/login", headers={"accept-language": "fr"})).text) == "zh-CN"
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


async def test_the_language_cookie_beats_accept_language(client):
    client.cookies.set("talent_lang", "en")
    assert html_lang((await client.get("/login", headers=ZH)).text) == "en"
    client.cookies.set("talent_lang", "zh_CN")
    assert html_lang((await client.get("/login", headers=EN)).text) == "zh-CN"
    # A forged cookie value is ignored in favour of the header.
    client.cookies.set("talent_lang", "xx")
    assert html_lang((await client.get("/login", headers=EN)).text) == "en"


async def test_the_users_own_setting_beats_the_cookie_and_accept_language(client):
    await world()
    await User.filter(username="hr").update(locale="en")
    await login(client, "hr")
    client.cookies.set("talent_lang", "zh_CN")
    page = await client.get("/me", headers=ZH)
    assert page.status_code == 200
    assert html_lang(page.text) == "en"
    await User.filter(username="hr").update(locale="zh_CN")
    page = await client.get("/me", headers=EN)
    assert html_lang(page.text) == "zh-CN"


# ---- the language switch -----------------------------------------------------------------------------------


async def test_the_language_switch_sets_the_cookie_for_an_anonymous_visitor(client):
    await world()
    response = await post(client, "/language", {"locale": "en", "next": "/login"}, headers=ZH)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    cookie = response.headers["set-cookie"]
    assert "talent_lang=en" in cookie and "samesite=lax" in cookie.lower()
    assert html_lang((await client.get("/login", headers=ZH)).text) == "en"
    # Nobody is signed in, so no account was changed.
    assert await User.filter(locale__isnull=False).count() == 0


async def test_the_language_switch_stores_the_choice_on_the_signed_in_user(client):
    await world()
    await login(client, "bureau")
    response = await post(client, "/language", {"locale": "en", "next": "/me"}, headers=ZH)
    assert response.status_code == 303
    assert "talent_lang=en" in response.headers["set-cookie"]
    assert (await User.get(username="bureau")).locale == "en"
    # The setting follows the user to a fresh browser that asks for Chinese.
    client.cookies.clear()
    await login(client, "bureau")
    assert html_lang((await client.get("/me", headers=ZH)).text) == "en"
    # Switching back to Chinese.
    await post(client, "/language", {"locale": "zh_CN", "next": "/me"})
    assert (await User.get(username="bureau")).locale == "zh_CN"
    assert html_lang((await client.get("/me", headers=EN)).text) == "zh-CN"


async def test_an_unknown_language_in_the_switch_falls_back_to_the_default(client):
    response = await post(client, "/language", {"locale": "klingon", "next": "/login"})
    assert response.status_code == 303
    # The suite's default is en (TALENT_DEFAULT_LOCALE in tests/conftest.py).
    assert "talent_lang=en" in response.headers["set-cookie"]


# ---- concurrency -------------------------------------------------------------------------------------------

LOGIN_PAGE_MESSAGES = ["Sign in", "Username", "Password", "Skip to content"]


def text_nodes(page: str) -> set[str]:
    return {html.unescape(t).strip() for t in re.split(r"<[^>]+>", page)} - {""}


def assert_entirely_in(locale: str, page: str, messages: list[str]) -> None:
    """The page is marked as `locale`, shows each message in that language and no element holds exactly
    the other language's wording of it (whole text nodes are compared, so a partial catalog's longer
    untranslated strings that merely contain an English message do not count)."""
    other = "en" if locale == "zh_CN" else "zh_CN"
    text = html.unescape(page)
    nodes = text_nodes(page)
    assert html_lang(page) == ("zh-CN" if locale == "zh_CN" else "en")
    assert pressed_locale(page) == locale
    for message in messages:
        mine, theirs = in_locale(locale, gettext, message), in_locale(other, gettext, message)
        assert mine in text, (locale, message)
        if theirs != mine:
            assert theirs not in nodes, (locale, message, theirs)


async def test_concurrent_requests_in_different_languages_never_mix(client, app):
    # A made-up session cookie makes every request look its session up in the database, so each request
    # awaits I/O between choosing its language and rendering: 50 pairs interleave for real.
    await world()
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=ZH) as zh,
        httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=EN) as en,
    ):
        for c in (zh, en):
            c.cookies.set("talent_session", secrets.token_urlsafe(32))
        for _ in range(50):
            zh_page, en_page = await asyncio.gather(zh.get("/login"), en.get("/login"))
            assert zh_page.status_code == en_page.status_code == 200
            assert_entirely_in("zh_CN", zh_page.text, LOGIN_PAGE_MESSAGES)
            assert_entirely_in("en", en_page.text, LOGIN_PAGE_MESSAGES)


async def test_concurrent_signed_in_pages_format_dates_in_their_own_language(app):
    # Two users without a language setting, each browser asking for a different language; /me shows the
    # last sign-in time through format_date, which differs between the locales (e.g. "2026年3月1日 08:00"
    # in Chinese and "Mar 1, 2026, 8:00 AM" in English).
    await world()
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50002))
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=ZH) as zh,
        httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=EN) as en,
    ):
        await login(zh, "hr")
        await login(en, "bureau")
        stamps = {u.username: u.last_login_at for u in await User.filter(username__in=["hr", "bureau"])}
        assert all(isinstance(s, datetime) for s in stamps.values())
        zh_date = in_locale("zh_CN", format_date, stamps["hr"])
        en_date = in_locale("en", format_date, stamps["bureau"])
        assert zh_date != in_locale("en", format_date, stamps["hr"])
        messages = ["My account", "Change password", "Sign out"]
        for _ in range(25):
            zh_page, en_page = await asyncio.gather(zh.get("/me"), en.get("/me"))
            assert zh_page.status_code == en_page.status_code == 200
            assert_entirely_in("zh_CN", zh_page.text, messages)
            assert_entirely_in("en", en_page.text, messages)
            assert zh_date in html.unescape(zh_page.text)
            assert en_date in html.unescape(en_page.text)


def test_the_chinese_catalog_translates_the_sign_in_page():
    # The concurrency tests above compare real Chinese text, not only the lang attribute and date formats, so
    # every message they look for must have a Chinese translation (a missing one fails here, by name).
    missing = [m for m in LOGIN_PAGE_MESSAGES if in_locale("zh_CN", gettext, m) == m]
    assert not missing, f"locale/zh_CN has no translation for {missing} (run `make messages`)"
    assert in_locale("zh_CN", gettext, "Sign in") == "登录"
    assert in_locale("en", gettext, "Sign in") == "Sign in"


def test_timezone_aware_datetimes_format_in_both_locales():
    stamp = datetime(2026, 3, 1, 8, 5, tzinfo=UTC)
    assert in_locale("en", format_date, stamp) != in_locale("zh_CN", format_date, stamp)


def test_times_and_today_are_on_the_configured_clock(monkeypatch):
    from talent.core.clock import local_today
    from talent.core.i18n import format_local
    from talent.settings import get_settings

    # 2026-03-01 20:30 UTC is already 2 March 04:30 in Nanjing (UTC+8).
    assert format_local(datetime(2026, 3, 1, 20, 30, tzinfo=UTC)) == "2026-03-02 04:30"
    # Kiritimati (UTC+14) and Baker Island time (UTC-12) are 26 hours apart: never on the same day, and
    # "today" follows the setting.
    monkeypatch.setattr(get_settings(), "time_zone", "Pacific/Kiritimati")
    east = local_today()
    monkeypatch.setattr(get_settings(), "time_zone", "Etc/GMT+12")
    assert (east - local_today()).days in (1, 2)
