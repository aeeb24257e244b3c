"""Every section's main page, as every role, in both languages, at desk (1280 px) and phone (390 px) width: the
body never scrolls sideways, no element reaches past the window, each navigation entry stays on one line, and
axe-core (injected by this test only) finds no serious or critical accessibility violation (run in Chinese at
desk width and in English at phone width, which covers both languages and both layouts at half the cost).
Screenshots of each go to $TALENT_SCREENSHOT_DIR when it is set, to be looked at.

The same checks run on the pages users land on from those sections though the navigation does not list them
(a worker's page, a cohort, a report's drill-down list, /pay/changes, /help, …), and at phone width no table
scrolls sideways inside its box: a list too wide for the phone is shown as stacked rows (static/js/talent.js);
only grids that read across (data-no-stack) scroll, and no table's caption is squeezed narrower than half its box."""

import os
import re
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


# Table boxes that scroll sideways at phone width although their table may be stacked.
SCROLLED_TABLES = """() => [...document.querySelectorAll('.table-responsive')]
  .filter(box => box.scrollWidth > box.clientWidth + 1 && !box.querySelector(':scope > table[data-no-stack]'))
  .map(box => (box.querySelector('th') || box).textContent.trim().slice(0, 30))"""
# Table captions squeezed narrower than half their box (a stacked table's caption left a table caption stood one
# Chinese character a line).
SQUEEZED_CAPTIONS = """() => [...document.querySelectorAll('.table-responsive caption')]
  .filter(c => c.textContent.trim() && c.getBoundingClientRect().width < c.closest('.table-responsive').clientWidth / 2)
  .map(c => c.textContent.trim().slice(0, 30))"""
# All of the above in one round trip to the browser (four calls a page were a tenth of these tests' time).
MEASURES = f"""() => ({{
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  navigation: document.querySelector('nav.navbar').getBoundingClientRect().height,
  wrapped: ({WRAPPED_NAV})(),
  scrolled: ({SCROLLED_TABLES})(),
  squeezed: ({SQUEEZED_CAPTIONS})(),
}})"""
# Pages reached from the sections, per role: a path, or (a page, the pattern of the first link on it to follow).
LANDINGS = {
    "admin": [
        "/help",
        "/admin/users",
        "/admin/exams",
        "/pay/changes",
        "/certificates/pass-rates",
        ("/supervision", r"^/supervision/supervisors/\d+$"),
    ],
    "bureau": [
        "/help",
        "/pay/retention",
        "/supervision/coverage",
        ("/reports", r"^/reports/list/\w+\?"),
        ("/cohorts", r"^/cohorts/\d+$"),
        ("/workers", r"^/workers/\d+$"),
        ("/pay", r"^/pay/workers/\d+$"),
    ],
    "citybureau": ["/help", ("/reports", r"^/reports\?region=\d+"), "/supervision/coverage"],
    "hr": [
        "/help",
        "/pay/changes",
        "/pay/retention",
        ("/cohorts", r"^/cohorts/\d+$"),
        ("/certificates", r"^/certificates/workers/\d+$"),
        ("/", r"^/reports/list/\w+\?"),
    ],
    "supervisor": [
        "/help",
        "/supervision/sessions",
        "/supervision/sessions/calendar",
        ("/supervision/mine", r"^/supervision/sessions/\d+$"),
        ("/supervision/mine", r"^/cohorts/\d+$"),
    ],
    "worker": [
        "/help",
        "/notifications",
        "/exam-prep/notebook",
        ("/exam-prep", r"^/exam-prep/readiness/[\w-]+$"),
        ("/courses/my", r"^/courses/\d+$"),
        ("/", r"^/certificates/workers/\d+$"),
    ],
}
LINKS = "() => [...document.querySelectorAll('main a[href]')].map(a => a.getAttribute('href'))"


def _shots(sub: str) -> Path | None:
    folder = os.environ.get("TALENT_SCREENSHOT_DIR")
    if not folder:
        return None
    shots = Path(folder) / sub
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def _check(page, shots: Path | None, role: str, locale: str, width: int, href: str) -> list[str]:
    """The problems of the page open in `page`: sideways scroll, wrapped navigation, tables scrolling on a phone,
    and (in AXE_PASSES) serious or critical axe violations. A screenshot goes to `shots`."""
    where = f"{role} {locale} {width}px {href}"
    problems: list[str] = []
    if shots:
        name = re.sub(r"[^\w.-]+", "_", href.strip("/")) or "home"
        page.screenshot(path=str(shots / f"{role}-{locale}-{width}-{name}.png"), full_page=True)
    measured = page.evaluate(MEASURES)
    overflow = measured["overflow"]
    if overflow > 0:
        problems.append(f"{where}: scrolls sideways by {overflow}px: {page.evaluate(WIDE_ELEMENTS)}")
    if width > 992:
        if measured["wrapped"]:
            problems.append(f"{where}: navigation entries wrap: {measured['wrapped']}")
        if measured["navigation"] > 72:
            problems.append(f"{where}: the navigation takes more than one line")
    elif measured["scrolled"]:
        problems.append(f"{where}: tables scroll sideways instead of stacking: {measured['scrolled']}")
    if measured["squeezed"]:
        problems.append(f"{where}: table captions squeezed: {measured['squeezed']}")
    if (locale, width) in AXE_PASSES:
        problems += [f"{where}: {v}" for v in page.evaluate(AXE_RUN)]
    return problems


def _visit(browser, live_server, role: str, hrefs, sub: str) -> tuple[int, list[str]]:
    """Every page `hrefs(page)` names, signed in as `role`, in both languages at both widths."""
    shots = _shots(sub)
    problems: list[str] = []
    visited = 0
    signed_in = None  # the first context signs in; the others start from its cookies (a sign-in costs a page load)
    for locale in ("zh-CN", "en-GB"):
        for width, height in ((1280, 900), (390, 844)):
            viewport = {"width": width, "height": height}
            context = browser.new_context(
                base_url=live_server, locale=locale, viewport=viewport, storage_state=signed_in
            )
            context.set_default_timeout(15_000)
            if (locale, width) in AXE_PASSES:
                # Loaded with each page, before its own scripts: sent once, where evaluating it sent 500 kB a page.
                context.add_init_script(script=AXE)
            try:
                page = context.new_page()
                watch(page)
                if signed_in is None:
                    sign_in(page, role)
                    signed_in = context.storage_state()
                for href in hrefs(page):
                    response = page.goto(href, wait_until="load")
                    if response is None or response.status != 200:
                        problems.append(f"{role} {locale} {width}px {href}: status {response and response.status}")
                        continue
                    problems += _check(page, shots, role, locale, width, href)
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
    return visited, problems


def _sections():
    """The sections the navigation lists and the account page, read once on the page signed in on (the same entries
    in every language and at every width; later contexts start on a blank page)."""
    found: list[str] = []

    def hrefs(page) -> list[str]:
        if not found:
            found.extend([*page.evaluate(SECTIONS), "/me"])
        return found

    return hrefs


@pytest.mark.parametrize("role", ROLES)
def test_every_section_fits_both_widths_in_both_languages_and_passes_axe(browser, live_server, role):
    visited, problems = _visit(browser, live_server, role, _sections(), "sections")
    assert visited >= 8, visited
    assert not problems, "\n".join(problems)


def _landings(role: str):
    """The landing pages of `role`, the links followed found once (the same records in every language)."""
    found: list[str] = []

    def hrefs(page) -> list[str]:
        if not found:
            for landing in LANDINGS[role]:
                if isinstance(landing, str):
                    found.append(landing)
                    continue
                start, pattern = landing
                page.goto(start, wait_until="load")
                link = next((h for h in page.evaluate(LINKS) if re.search(pattern, h)), None)
                assert link, f"{role}: no link like {pattern} on {start}"
                found.append(link)
        return found

    return hrefs


@pytest.mark.parametrize("role", ROLES)
def test_the_pages_users_land_on_from_the_sections_fit_both_widths_and_pass_axe(browser, live_server, role):
    visited, problems = _visit(browser, live_server, role, _landings(role), "landings")
    assert visited == 4 * len(LANDINGS[role]), visited
    assert not problems, "\n".join(problems)
