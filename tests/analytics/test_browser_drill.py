"""In a real Chromium: a city bureau opens the reports, drills from the city to a county to a township by
clicking rows (htmx swaps, the URL is pushed), then goes back with the browser's back button, and the charts
draw without a script error or a CSP violation. Skipped without /usr/bin/chromium (tests/browser/conftest.py).

With TALENT_SHOTS=DIR the test also saves screenshots (1280 and 390 px wide, zh and en) there.
"""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import launched_chromium, running_server, sign_in, watched_page

pytestmark = pytest.mark.browser
IGNORED_CONSOLE = ("Failed to load resource",)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("reports"), "reports") as url:
        yield url


@pytest.fixture(scope="module")
def chromium(server):
    with launched_chromium() as browser:
        yield browser


def _shot(page, name: str) -> None:
    folder = os.environ.get("TALENT_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_city_bureau_drills_down_to_a_township_and_comes_back_with_the_back_button(chromium, server):
    with watched_page(chromium, server, locale="zh-CN", width=1280, height=900, wait_ms=15_000) as page:
        sign_in(page, "citybureau")
        page.goto("/reports")
        page.wait_for_selector("#h-children")
        page.wait_for_function("document.querySelector('canvas[data-chart=chart-cert]').width > 0")
        _shot(page, "reports-city-1280-zh")
        page.evaluate("window.__noReload = 'still here'")
        city_url = page.url
        # City → first county.
        page.click("section[aria-labelledby=h-children] tbody a >> nth=0")
        page.wait_for_url("**region=*")
        county_url = page.url
        page.wait_for_load_state("networkidle")
        page.wait_for_selector("section[aria-labelledby=h-children] tbody a")
        # County → first township: the lowest level lists stations.
        page.click("section[aria-labelledby=h-children] tbody a >> nth=0")
        page.wait_for_selector("#h-stations")
        township_url = page.url
        page.wait_for_load_state("networkidle")
        assert len({city_url, county_url, township_url}) == 3
        assert page.evaluate("window.__noReload") == "still here"  # htmx swapped, no page load
        page.go_back()
        page.wait_for_url(county_url)
        page.wait_for_selector("#h-children")
        page.wait_for_load_state("networkidle")
        page.wait_for_load_state("networkidle")
        page.go_back()
        page.wait_for_url(city_url)
        page.wait_for_selector("#h-children")
        page.wait_for_load_state("networkidle")
        errors = [e for e in page.js_errors if not any(s in e for s in IGNORED_CONSOLE)]
        assert errors == [], errors
        assert [b for b in page.bad_responses if b[0] >= 500 or "/static/" in b[1]] == []
        if os.environ.get("TALENT_SHOTS"):
            phone = chromium.new_context(base_url=server, locale="en", viewport={"width": 390, "height": 844})
            p2 = phone.new_page()
            sign_in(p2, "citybureau")
            p2.goto(township_url)
            _shot(p2, "reports-township-390")
            p2.goto("/")
            _shot(p2, "dashboard-city-390")
            phone.close()
            page.goto("/")
            _shot(page, "dashboard-city-1280-zh")
            page.goto("/reports/yearly")
            _shot(page, "yearly-1280-zh")
