"""The main navigation: which sections each role sees, and which one the current page belongs to."""

from talent.core.i18n import N_, Msgid

ALL = ("admin", "bureau", "hr", "supervisor", "worker")
STAFF = ("admin", "bureau", "hr", "supervisor")

NAV: list[tuple[str, Msgid, tuple[str, ...]]] = [
    ("/", N_("Dashboard"), ALL),
    ("/regions", N_("Regions"), ("admin", "bureau")),
    ("/stations", N_("Stations"), STAFF),
    ("/workers", N_("Workers"), STAFF),
    ("/workers/{worker_id}", N_("My record"), ("worker",)),
    ("/courses/my", N_("My learning"), ("worker",)),
    ("/courses", N_("Courses"), ALL),
    ("/exam-prep", N_("Exam prep"), ("worker",)),
    ("/exam-prep/bank", N_("Question bank"), ("admin", "bureau")),
    ("/certificates", N_("Certificates"), ALL),
    ("/imports", N_("Import"), ("admin", "bureau", "hr")),
    ("/audit", N_("Audit log"), ("admin", "bureau", "hr")),
    ("/admin", N_("Administration"), ("admin",)),
]


def nav_items(viewer, path: str) -> list[tuple[str, str, bool]]:
    """(href, label, active) for the viewer's role; the longest matching href is the active one."""
    if viewer is None:
        return []
    role = viewer.user.role.value
    items = [
        (href.replace("{worker_id}", str(viewer.user.worker_id or 0)), label)
        for href, label, roles in NAV
        if role in roles
    ]
    matches = [href for href, _label in items if path == href or (href != "/" and path.startswith(href + "/"))]
    matches += [href for href, _label in items if href != "/" and path == href]
    active = max(matches, key=len) if matches else None
    return [(href, label.tr(), href == active) for href, label in items]
