"""The main navigation: which sections the viewer's permissions open, and which one the current page is in."""

from talent.core.access import Permission
from talent.core.i18n import N_, Msgid

NAV: list[tuple[str, Msgid, Permission]] = [
    ("/", N_("Dashboard"), Permission.DASHBOARD),
    ("/regions", N_("Regions"), Permission.REGIONS_VIEW),
    ("/stations", N_("Stations"), Permission.STATIONS_VIEW),
    ("/workers", N_("Workers"), Permission.WORKERS_VIEW),
    ("/workers/{worker_id}", N_("My record"), Permission.OWN_RECORD),
    ("/courses/my", N_("My learning"), Permission.LEARN),
    ("/courses", N_("Courses"), Permission.COURSES_VIEW),
    ("/exam-prep", N_("Exam prep"), Permission.EXAM_PREP),
    ("/exam-prep/bank", N_("Question bank"), Permission.QUESTION_BANK),
    ("/certificates", N_("Certificates"), Permission.CERTIFICATES_VIEW),
    ("/reports", N_("Reports"), Permission.REPORTS),
    ("/imports", N_("Import"), Permission.IMPORTS),
    ("/audit", N_("Audit log"), Permission.AUDIT_VIEW),
    ("/admin", N_("Administration"), Permission.ACCOUNTS),
]


def nav_items(viewer, path: str) -> list[tuple[str, str, bool]]:
    """(href, label, active) the viewer may open; the longest matching href is the active one."""
    if viewer is None:
        return []
    items = [
        (href.replace("{worker_id}", str(viewer.user.worker_id or 0)), label)
        for href, label, permission in NAV
        if viewer.can(permission)
    ]
    matches = [href for href, _label in items if path == href or (href != "/" and path.startswith(href + "/"))]
    matches += [href for href, _label in items if href != "/" and path == href]
    active = max(matches, key=len) if matches else None
    return [(href, label.tr(), href == active) for href, label in items]
