"""Pickers in the browser: a form's lookup field and a list's region filter name the record whose code is typed,
from the suggestions (static/js/talent.js); picking reloads the list and the name stays beside the code."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_forms_region_lookup_names_the_typed_code(page):
    sign_in(page, "bureau")
    page.goto("/cohorts/new")
    region = page.locator("#f-region_code")
    # The form opens with the bureau's own county filled in: typed after it, the code would read "320102320102"
    # (whether the name shown for the opening code arrived first decided the test).
    region.fill("")
    region.press_sequentially("320102", delay=30)
    expect(page.locator("#f-region_code-picked")).to_have_text("玄武区")


def test_the_pay_retention_region_picker_reloads_the_report_for_the_picked_street(page):
    sign_in(page, "bureau")
    page.goto("/pay/retention")
    expect(page.locator("#region-picked")).to_have_text("玄武区")  # the bureau's own county by default
    street = page.locator("#region")
    street.fill("")
    street.press_sequentially("320102001", delay=30)
    expect(page.locator("#region-picked")).to_have_text("梅园新村街道")
    street.press("Tab")  # the change reloads the report
    page.wait_for_url(re.compile(r"region=320102001"))
    expect(page.locator("#results h2")).to_contain_text("梅园新村街道")
    expect(page.locator("#region-picked")).to_have_text("梅园新村街道")
    assert not [e for e in page.js_errors if "favicon" not in e]
