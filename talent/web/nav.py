"""The main navigation: which sections the viewer's permissions open, grouped into menus so that it fits one line
at desk width in both languages, and which one the current page is in."""

import functools
from dataclasses import dataclass, field

from talent.core.access import Permission, Role, can
from talent.core.i18n import N_, Msgid

# (address, label, permission, menu). Entries of one menu show as a dropdown when the viewer has two or more of
# them, else as a plain link; "" is the top level.
NAV: list[tuple[str, Msgid, Permission, str]] = [
    ("/", N_("Dashboard"), Permission.DASHBOARD, ""),
    ("/workers/{worker_id}", N_("My record"), Permission.OWN_RECORD, ""),
    ("/courses/my", N_("My learning"), Permission.LEARN, "learning"),
    ("/exam-prep", N_("Exam prep"), Permission.EXAM_PREP, "learning"),
    ("/courses", N_("Courses"), Permission.COURSES_VIEW, "learning"),
    ("/exam-prep/bank", N_("Question bank"), Permission.QUESTION_BANK, "learning"),
    ("/workers", N_("Workers"), Permission.WORKERS_VIEW, "records"),
    ("/certificates", N_("Certificates"), Permission.CERTIFICATES_VIEW, "records"),
    ("/stations", N_("Stations"), Permission.STATIONS_VIEW, "records"),
    ("/regions", N_("Regions"), Permission.REGIONS_VIEW, "records"),
    ("/reports", N_("Reports"), Permission.REPORTS, ""),
    ("/pay", N_("Pay compliance"), Permission.PAY_VIEW, "pay"),
    ("/pay/standards", N_("Salary standards"), Permission.PAY_VIEW, "pay"),
    ("/pay/changes", N_("Pay changes proposed"), Permission.PAY_SALARIES_EDIT, "pay"),
    ("/pay/assessments", N_("Yearly assessments"), Permission.PAY_VIEW, "pay"),
    ("/pay/my", N_("My pay"), Permission.PAY_OWN, ""),
    ("/cohorts/mine", N_("My cohort"), Permission.MY_COHORT, ""),
    ("/supervision/mine", N_("My supervision"), Permission.SUPERVISION_MINE, ""),
    ("/cohorts", N_("Cohorts"), Permission.COHORTS_VIEW, "development"),
    ("/supervision", N_("Supervision"), Permission.SUPERVISORS_VIEW, "development"),
    ("/imports", N_("Import"), Permission.IMPORTS, "admin"),
    ("/audit", N_("Audit log"), Permission.AUDIT_VIEW, "admin"),
    ("/admin", N_("Administration"), Permission.ACCOUNTS, "admin"),
]
# Menu → (label, icon). Icons are files of static/vendor/bootstrap-icons-*/ (talent.css names them).
MENUS: dict[str, tuple[Msgid, str]] = {
    "learning": (N_("Learning"), "mortarboard"),
    "records": (N_("Records"), "people"),
    "pay": (N_("Pay"), "cash-stack"),
    "development": (N_("Development"), "diagram-3"),
    "admin": (N_("Manage"), "gear"),
}
ICONS = {
    "/": "house",
    "/workers/{worker_id}": "person-circle",
    "/certificates": "award",
    "/pay": "cash-stack",
    "/reports": "bar-chart",
}


@dataclass
class NavEntry:
    """A top-level entry: a link (`href`) or a menu of links (`items`: (href, label, active))."""

    label: str
    icon: str = ""
    href: str = ""
    items: list[tuple[str, str, bool]] = field(default_factory=list)
    active: bool = False


def _allowed(viewer) -> tuple[tuple[str, Msgid, str, str], ...]:
    """(address, label, menu, icon key) of every entry the viewer may open, in NAV's order."""
    return _allowed_to(viewer.user.role, str(viewer.user.worker_id or 0))


# The entries depend on the role and the worker's id alone, and every page asks for them (twice on the help page):
# asked once per role and worker, not each entry's permission on each request.
@functools.lru_cache(maxsize=1024)
def _allowed_to(role: Role, worker_id: str) -> tuple[tuple[str, Msgid, str, str], ...]:
    return tuple(
        (href.replace("{worker_id}", worker_id), label, menu, href)
        for href, label, permission, menu in NAV
        if can(role, permission)
    )


def _active(hrefs: list[str], path: str) -> str | None:
    """The longest address the path is at or below ("/" only for itself)."""
    matches = [href for href in hrefs if path == href or (href != "/" and path.startswith(href + "/"))]
    return max(matches, key=len) if matches else None


def nav_state(viewer, path: str) -> tuple[tuple[tuple[str, Msgid, str, str], ...], str | None]:
    """What the menu shows, as a key: the entries the viewer may open, and the one the path is in."""
    allowed = _allowed(viewer)
    return allowed, _active([href for href, *_rest in allowed], path)


def menu_entries(allowed: tuple[tuple[str, Msgid, str, str], ...], active: str | None) -> list[NavEntry]:
    """The top-level entries of `allowed`, labelled in the current locale, `active` marked."""
    per_menu: dict[str, int] = {}
    for _href, _label, menu, _key in allowed:
        per_menu[menu] = per_menu.get(menu, 0) + 1
    entries: list[NavEntry] = []
    menus: dict[str, NavEntry] = {}
    for href, label, menu, key in allowed:
        if not menu or per_menu[menu] == 1:
            entries.append(NavEntry(label=label.tr(), icon=ICONS.get(key, ""), href=href, active=href == active))
            continue
        if menu not in menus:
            title, icon = MENUS[menu]
            menus[menu] = NavEntry(label=title.tr(), icon=icon)
            entries.append(menus[menu])
        menus[menu].items.append((href, label.tr(), href == active))
        menus[menu].active = menus[menu].active or href == active
    return entries


def nav_items(viewer, path: str) -> list[tuple[str, str, bool]]:
    """(href, label, active) of every section the viewer may open, flat (the help page and tests list them)."""
    if viewer is None:
        return []
    allowed = _allowed(viewer)
    active = _active([href for href, *_rest in allowed], path)
    return [(href, label.tr(), href == active) for href, label, _menu, _key in allowed]
