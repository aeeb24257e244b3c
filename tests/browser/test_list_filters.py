"""A list's filter form in the browser: a filter and a sort asked by htmx swap the results alone; the form, whose
options the server no longer reads for such requests (talent.web.pages.form_options), stays whole and keeps the
choice."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_station_lists_tier_filter_and_a_sort_keep_the_form_and_its_options(page):
    sign_in(page, "admin")
    page.goto("/stations")
    tier = page.locator("#tier")
    options = tier.locator("option")
    expect(options.nth(1)).to_be_attached()
    count = options.count()
    value, name = options.nth(1).get_attribute("value"), options.nth(1).inner_text()
    page.evaluate("window.__noReload = 'still here'")

    tier.select_option(value)
    page.wait_for_url(re.compile(rf"tier={value}"))
    rows = page.locator("#results tbody tr")
    expect(rows.first).to_be_visible()
    # The results list stations of the chosen tier (its name in their tier column).
    expect(page.locator("#results tbody tr td", has_text=name).first).to_be_visible()
    assert options.count() == count and tier.input_value() == value

    page.locator("#results a.sort-link[href*='sort=name']").first.click()
    page.wait_for_url(re.compile(r"sort=name"))
    assert re.search(rf"tier={value}", page.url)
    expect(page.locator("#results a.sort-link[href*='sort=-name']").first).to_be_attached()
    assert options.count() == count and tier.input_value() == value
    assert page.evaluate("window.__noReload") == "still here", "the page was reloaded"
    assert not [e for e in page.js_errors if "favicon" not in e]
