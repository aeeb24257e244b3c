"""The foundation's end-to-end check in a real Chromium: an HR officer signs in, finds a worker with the
live search, records an exit through the inline htmx form (first with a missing field), switches the
interface to English and signs out.

Selectors use ids, names and URLs rather than visible text wherever they can, so the test does not care
which language the interface starts in (the browser asks for zh-CN; the server's default is zh_CN).
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from talent.core.clock import local_today
from tests.browser.conftest import sign_in, watched_page

pytestmark = pytest.mark.browser

# Chromium logs every 4xx response as a console error; statuses are checked through page.bad_responses.
IGNORED_CONSOLE = ("Failed to load resource",)


def assert_no_js_errors(page) -> None:
    """No script error, no CSP violation, no missing asset and no server error on the way."""
    errors = [e for e in page.js_errors if not any(s in e for s in IGNORED_CONSOLE)]
    assert errors == [], errors
    bad = [(status, url) for status, url in page.bad_responses if status >= 500 or "/static/" in url]
    assert bad == [], bad


def mark_document(page) -> None:
    """Tag the current document; the tag survives htmx swaps but not a page load."""
    page.evaluate("window.__noReload = 'still here'")


def assert_not_reloaded(page) -> None:
    assert page.evaluate("window.__noReload") == "still here", "the page was reloaded"


def result_names(page) -> list[str]:
    return page.locator("#results tbody tr td:nth-child(2) a").all_inner_texts()


def test_hr_finds_a_worker_records_an_exit_switches_to_english_and_signs_out(page):
    page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm asks before recording an exit
    sign_in(page, "hr")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    # The workers list, then the live search narrows it without reloading the page.
    page.goto("/workers")
    rows = page.locator("#results tbody tr")
    expect(rows.first).to_be_visible()
    before = result_names(page)
    assert before, "the demo gives hr no active workers"
    total_before = page.locator("#results nav[aria-label] .small").inner_text()
    name = before[0]
    term = name[1:] if len(name) > 2 else name  # the given name, without the family name
    mark_document(page)
    with page.expect_response(lambda r: "/workers?" in r.url and "q=" in r.url) as search:
        page.locator("input#q").press_sequentially(term, delay=30)
    assert search.value.status == 200
    page.wait_for_function(
        "([term]) => { const names = [...document.querySelectorAll('#results tbody tr td:nth-child(2) a')]"
        ".map(a => a.textContent); return names.length > 0 && names.every(n => n.includes(term)); }",
        arg=[term],
    )
    after = result_names(page)
    assert name in after
    assert all(term in n for n in after)
    assert len(after) <= len(before)
    assert page.locator("#results nav[aria-label] .small").inner_text() != total_before or len(before) == len(after)
    assert_not_reloaded(page)
    assert "q=" in page.url  # hx-push-url keeps the search in the address bar

    # The worker's page, with an active spell.
    page.locator("#results tbody tr td:nth-child(2) a", has_text=name).first.click()
    page.wait_for_url(re.compile(r"/workers/\d+$"))
    worker_url = page.url
    expect(page.locator("h1")).to_contain_text(name)
    open_exit = page.locator('#spells a[href$="/exit"]').first
    expect(open_exit).to_be_visible()
    spell_id = re.search(r"/spells/(\d+)/exit", open_exit.get_attribute("href")).group(1)
    spell_row = page.locator(f"#spell-{spell_id}")
    expect(spell_row.locator(".badge")).to_be_visible()  # "Active" while the spell has no end date

    # "Record exit" loads the form inline.
    mark_document(page)
    open_exit.click()
    form = page.locator(f"#exit-form-{spell_id}")
    expect(form).to_be_visible()
    assert_not_reloaded(page)
    assert page.url == worker_url

    # Submitting without an exit type or reason: 422, the errors appear inline and the date is kept.
    today = local_today().isoformat()
    form.locator("#f-end_on").fill(today)
    with page.expect_response(lambda r: r.url.endswith(f"/spells/{spell_id}/exit") and r.request.method == "POST") as r:
        form.locator("button.btn-danger").click()
    assert r.value.status == 422
    form = page.locator(f"#exit-form-{spell_id}")
    expect(form.locator("#f-exit_type-err")).to_be_visible()
    expect(form.locator("#f-exit_type")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#f-end_on")).to_have_value(today)
    assert_not_reloaded(page)

    # Filling the missing fields records the exit; the spells section is re-rendered in place.
    form.locator("#f-exit_type").select_option("voluntary")
    form.locator("#f-exit_reason").select_option("pay")
    with page.expect_response(lambda r: r.url.endswith(f"/spells/{spell_id}/exit") and r.request.method == "POST") as r:
        form.locator("button.btn-danger").click()
    assert r.value.status == 200
    expect(page.locator(f"#exit-form-{spell_id}")).to_have_count(0)
    expect(spell_row.locator(".badge")).to_have_count(0)
    expect(spell_row.locator('a[href$="/exit"]')).to_have_count(0)
    expect(spell_row.locator("td").nth(2)).not_to_have_text("")
    expect(spell_row.locator("td").nth(5)).not_to_have_text("—")
    expect(page.locator("#spells [role=status]")).to_be_visible()
    assert_not_reloaded(page)

    # The exit survives a reload.
    page.reload()
    expect(page.locator(f"#spell-{spell_id}").locator('a[href$="/exit"]')).to_have_count(0)

    # The header language switch turns the interface to English, on the same page.
    page.locator('form[action="/language"] button[name=locale][value=en]').click()
    page.wait_for_url(worker_url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#spells-h")).to_have_text("Employment history")
    expect(page.locator("button#logout")).to_have_text("Sign out")
    expect(page.locator('form[action="/language"] button[value=en]')).to_have_attribute("aria-pressed", "true")

    # Signing out (from the account menu) lands on the sign-in page, still in English.
    page.locator("#account-menu").click()
    page.locator("button#logout").click()
    page.wait_for_url(re.compile(r"/login(\?.*)?$"))
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Sign in")
    # The session is gone: the workers list asks for a sign-in again.
    page.goto("/workers")
    page.wait_for_url(re.compile(r"/login\?next="))
    assert_no_js_errors(page)


# Elements reaching past the right edge of the window that a scroll box does not hold in (named in a failure).
# An absolutely positioned element is held in only when its containing block lies inside the box.
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')].filter(el => {
  if (el.getBoundingClientRect().right <= window.innerWidth + 1) return false;
  if (el.classList.contains('table-responsive')) return false;
  const box = el.closest('.table-responsive');
  if (!box) return true;
  const position = getComputedStyle(el).position;
  if (position === 'fixed') return true;
  if (position === 'absolute') return !(el.offsetParent && box.contains(el.offsetParent));
  return false;
}).slice(0, 10).map(el => el.tagName.toLowerCase() + (el.className ? '.' + [...el.classList].join('.') : ''))"""


@pytest.mark.parametrize(("label", "width", "height"), [("phone", 390, 844), ("desktop", 1280, 900)])
def test_the_workers_pages_fit_a_phone_and_a_desktop(browser, live_server, tmp_path, label, width, height):
    """No page scrolls sideways (wide tables scroll inside their own box, and the visually-hidden helpers inside
    them stay in it: static/css/talent.css gives .table-responsive position: relative); screenshots are kept for
    review in $TALENT_SCREENSHOT_DIR (e.g. /tmp/shots) when set."""
    shots = Path(os.environ.get("TALENT_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with watched_page(browser, live_server, locale="zh-CN", width=width, height=height) as page:
        sign_in(page, "bureau")
        for url, name in [("/workers", "workers"), (None, "worker")]:
            if url is None:
                page.goto("/workers")
                page.locator("#results tbody tr td:nth-child(2) a").first.click()
                page.wait_for_url(re.compile(r"/workers/\d+$"))
            else:
                page.goto(url)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            # Any sideways scroll fails, whatever causes it (an invisible element included); the offenders are
            # named to show where to look.
            assert overflow <= 0, (
                f"{name} page scrolls sideways by {overflow}px at {width}px: {page.evaluate(WIDE_ELEMENTS)}"
            )
        assert_no_js_errors(page)
