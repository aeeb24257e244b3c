"""Every section's main page, as every role, in both languages, at desk (1280 px) and phone (390 px) width: the
body never scrolls sideways, no element reaches past the window, each navigation entry stays on one line, and
axe-core (injected by this test only) finds no serious or critical accessibility violation (run in Chinese at
desk width and in English at phone width, which covers both languages and both layouts at half the cost).
Screenshots of each go to $TALENT_SCREENSHOT_DIR when it is set, to be looked at."""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in, watch
from tests.browser.test_hr_flow import WIDE_ELEMENTS

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js").read_text(encoding="utf-8")
ROLES = ["admin", "bureau", "citybureau", "hr", "supervisor", "worker"]
# Sections as the navigation lists them (menus included), and the account page.
SECTIONS = """() => [...new Set([...document.querySelectorAll('#nav-sections a[href]')]
  .map(a => a.getAttribute('href')))]"""
# Navigation entries whose text wraps onto a second line.
WRAPPED_NAV = """() => [...document.querySelectorAll('#nav-sections > li > a, #account-menu, #bell')]
  .filter(a => a.getClientRects().length > 1 || a.getBoundingClientRect().height > 44).map(a => a.textContent.trim())"""
AXE_PASSES = {("zh-CN", 1280), ("en-GB", 390)}
AXE_RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


@pytest.mark.parametrize("role", ROLES)
def test_every_section_fits_both_widths_in_both_languages_and_passes_axe(browser, live_server, role):
    folder = os.environ.get("TALENT_SCREENSHOT_DIR")
    shots = Path(folder) / "sections" if folder else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    visited = 0
    for locale in ("zh-CN", "en-GB"):
        for width, height in ((1280, 900), (390, 844)):
            viewport = {"width": width, "height": height}
            context = browser.new_context(base_url=live_server, locale=locale, viewport=viewport)
            context.set_default_timeout(15_000)
            try:
                page = context.new_page()
                watch(page)
                sign_in(page, role)
                sections = page.evaluate(SECTIONS) + ["/me"]
                for href in sections:
                    page.goto(href, wait_until="load")
                    where = f"{role} {locale} {width}px {href}"
                    name = f"{role}-{locale}-{width}-{href.strip('/').replace('/', '_') or 'home'}.png"
                    if shots:
                        page.screenshot(path=str(shots / name), full_page=True)
                    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    if overflow > 0:
                        problems.append(f"{where}: scrolls sideways by {overflow}px: {page.evaluate(WIDE_ELEMENTS)}")
                    if width > 992:
                        wrapped = page.evaluate(WRAPPED_NAV)
                        if wrapped:
                            problems.append(f"{where}: navigation entries wrap: {wrapped}")
                        if page.evaluate("document.querySelector('nav.navbar').getBoundingClientRect().height") > 72:
                            problems.append(f"{where}: the navigation takes more than one line")
                    if (locale, width) in AXE_PASSES:
                        page.evaluate(AXE)
                        problems += [f"{where}: {v}" for v in page.evaluate(AXE_RUN)]
                    visited += 1
                if width < 992:
                    # The phone menu, opened: every entry on one line, nothing past the edge.
                    page.click(".navbar-toggler")
                    page.wait_for_selector("#navmain.show")
                    wrapped = page.evaluate(WRAPPED_NAV)
                    if wrapped:
                        problems.append(f"{role} {locale} {width}px menu: entries wrap: {wrapped}")
                errors = [e for e in page.js_errors if "favicon" not in e]
                if errors:
                    problems.append(f"{role} {locale} {width}px: script errors {errors[:3]}")
            finally:
                context.close()
    assert visited >= 8, visited
    assert not problems, "\n".join(problems)
