"""Who may do what: the one permission table, and the viewer's scope as plain data.

Access is decided in exactly two ways, both from here:
- by role, through PERMISSIONS and `can(role, permission)`: route dependencies (talent.web.auth.Allowed),
  navigation and templates (`can("workers.edit")`) all ask it; nothing else compares role names;
- by row, through the one scoped queryset per entity that each domain keeps in its `access.py`
  (readable_workers(scope), readable_stations(scope), …), built from the Scope below.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from talent.core.i18n import N_, Msgid


class Role(StrEnum):
    ADMIN = "admin"
    BUREAU = "bureau"
    HR = "hr"
    SUPERVISOR = "supervisor"
    WORKER = "worker"

    @property
    def label(self) -> Msgid:
        return ROLE_LABELS[self]

    @property
    def unbound_reach(self) -> Msgid | None:
        """What an account of the role reaches without a region, an organisation or a worker record of its own, in
        words (the accounts list's scope): everything for an administrator, the stations assigned to a supervisor;
        None for the roles whose reach is that record."""
        return UNBOUND_REACH.get(self)


ROLE_LABELS = {
    Role.ADMIN: N_("Administrator"),
    Role.BUREAU: N_("Civil-affairs bureau"),
    Role.HR: N_("HR"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.WORKER: N_("Social worker"),
}
UNBOUND_REACH = {Role.ADMIN: N_("All regions"), Role.SUPERVISOR: N_("Stations assigned to them")}


class Permission(StrEnum):
    DASHBOARD = "dashboard"
    NOTIFICATIONS = "notifications"
    API_DOCS = "api.docs"
    # Pickers (regions, organisations, stations, workers typed into a form) of every staff form.
    PICKERS = "pickers"
    REGIONS_VIEW = "regions.view"
    REGIONS_EDIT = "regions.edit"
    ORGANISATIONS_VIEW = "organisations.view"
    ORGANISATIONS_EDIT = "organisations.edit"
    TIERS_VIEW = "tiers.view"
    TIERS_EDIT = "tiers.edit"
    STATIONS_VIEW = "stations.view"
    STATIONS_EDIT = "stations.edit"
    WORKERS_VIEW = "workers.view"
    WORKERS_EDIT = "workers.edit"
    # A worker record without a hire is seen by its registering jurisdiction only; an admin may create one.
    WORKERS_CREATE_UNPLACED = "workers.create_unplaced"
    # The full national ID number and phone (masked for everyone else; a worker sees their own).
    WORKERS_SENSITIVE = "workers.sensitive"
    OWN_RECORD = "own_record"
    CERTIFICATES_VIEW = "certificates.view"
    CERTIFICATES_EDIT = "certificates.edit"
    PASS_RATES = "certificates.pass_rates"
    EXAM_CATALOGUE = "exams.catalogue"
    # What counts toward CE and how much, per region (admins nationally, a bureau in its region).
    CE_RULES = "certificates.ce_rules"
    COURSES_VIEW = "courses.view"
    COURSES_AUTHOR = "courses.author"
    # The staff side of a course: every version of its materials, learner counts.
    COURSES_STAFF = "courses.staff"
    LEARNERS_MANAGE = "courses.learners"
    LEARN = "courses.learn"
    EXAM_PREP = "exam_prep"
    QUESTION_BANK = "exam_prep.bank"
    IMPORTS = "imports"
    AUDIT_VIEW = "audit.view"
    ACCOUNTS = "accounts"
    # Pay: standards and compliance (read), issuing standards, recording salaries, one's own pay.
    PAY_VIEW = "pay.view"
    PAY_STANDARDS_EDIT = "pay.standards"
    PAY_SALARIES_EDIT = "pay.salaries"
    PAY_OWN = "pay.own"
    # The supervisor expert pool (which profiles: talent.supervision.access), and keeping it.
    SUPERVISORS_VIEW = "supervisors.view"
    SUPERVISORS_EDIT = "supervisors.edit"
    # Assigning supervisors to stations, and reading coverage ("one station, one supervisor").
    SUPERVISION_COVERAGE = "supervision.coverage"
    # A supervisor's own stations, mentees and sessions; logging a session.
    SUPERVISION_MINE = "supervision.mine"
    SESSIONS_VIEW = "supervision.sessions"
    # Incubation cohorts: reading (in scope), running them (create, members, milestones, enrolment).
    COHORTS_VIEW = "cohorts.view"
    COHORTS_EDIT = "cohorts.edit"
    # A worker's own cohort, milestones and mentor.
    MY_COHORT = "cohorts.mine"
    # Reports and the JSON report API (talent/analytics): every figure of the viewer's scope.
    REPORTS = "reports"
    # Personal API tokens on /me (read-only access to the JSON API as oneself).
    API_TOKENS = "api_tokens"


ALL = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.BUREAU, Role.HR, Role.SUPERVISOR})
EDITORS = frozenset({Role.ADMIN, Role.BUREAU, Role.HR})
REGION_EDITORS = frozenset({Role.ADMIN, Role.BUREAU})
ADMIN = frozenset({Role.ADMIN})
WORKER = frozenset({Role.WORKER})

# permission → the roles that have it. Rows decide *what* a role may do; the scoped querysets decide *which*
# records (a bureau edits the workers of its region only).
PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.DASHBOARD: ALL,
    Permission.NOTIFICATIONS: ALL,
    Permission.API_DOCS: ALL,
    Permission.PICKERS: STAFF,
    Permission.REGIONS_VIEW: REGION_EDITORS,
    Permission.REGIONS_EDIT: REGION_EDITORS,
    Permission.ORGANISATIONS_VIEW: EDITORS,
    Permission.ORGANISATIONS_EDIT: REGION_EDITORS,
    Permission.TIERS_VIEW: REGION_EDITORS,
    Permission.TIERS_EDIT: REGION_EDITORS,
    Permission.STATIONS_VIEW: STAFF,
    Permission.STATIONS_EDIT: REGION_EDITORS,
    Permission.WORKERS_VIEW: STAFF,
    Permission.WORKERS_EDIT: EDITORS,
    Permission.WORKERS_CREATE_UNPLACED: ADMIN,
    Permission.WORKERS_SENSITIVE: EDITORS,
    Permission.OWN_RECORD: WORKER,
    Permission.CERTIFICATES_VIEW: ALL,
    Permission.CERTIFICATES_EDIT: EDITORS,
    Permission.PASS_RATES: STAFF,
    Permission.EXAM_CATALOGUE: ADMIN,
    Permission.CE_RULES: REGION_EDITORS,
    Permission.COURSES_VIEW: ALL,
    Permission.COURSES_AUTHOR: REGION_EDITORS,
    Permission.COURSES_STAFF: STAFF,
    Permission.LEARNERS_MANAGE: EDITORS,
    Permission.LEARN: WORKER,
    Permission.EXAM_PREP: WORKER,
    Permission.QUESTION_BANK: REGION_EDITORS,
    Permission.IMPORTS: EDITORS,
    Permission.AUDIT_VIEW: EDITORS,
    Permission.ACCOUNTS: ADMIN,
    Permission.PAY_VIEW: EDITORS,
    Permission.PAY_STANDARDS_EDIT: REGION_EDITORS,
    Permission.PAY_SALARIES_EDIT: frozenset({Role.ADMIN, Role.HR}),
    Permission.PAY_OWN: WORKER,
    Permission.SUPERVISORS_VIEW: STAFF,
    Permission.SUPERVISORS_EDIT: REGION_EDITORS,
    Permission.SUPERVISION_COVERAGE: REGION_EDITORS,
    Permission.SUPERVISION_MINE: frozenset({Role.SUPERVISOR}),
    Permission.SESSIONS_VIEW: STAFF,
    Permission.COHORTS_VIEW: STAFF,
    Permission.COHORTS_EDIT: REGION_EDITORS,
    Permission.MY_COHORT: WORKER,
    Permission.REPORTS: STAFF,
    Permission.API_TOKENS: STAFF,
}


def can(role: Role | str | None, permission: Permission | str) -> bool:
    """Whether `role` has `permission` (an unknown permission is nobody's: a typo never opens a door)."""
    if role is None:
        return False
    try:
        return Role(role) in PERMISSIONS[Permission(permission)]
    except (KeyError, ValueError):
        return False


def roles_with(permission: Permission) -> frozenset[Role]:
    return PERMISSIONS[permission]


@dataclass(frozen=True)
class Scope:
    """Which records a signed-in user's role reaches: a bureau its region's subtree (region_path), HR its
    organisation, a supervisor the stations of its active assignments (station_ids) and the workers it mentors
    that day (worker_ids: its mentees with their spells of that day, read-only, without their colleagues or their
    past elsewhere), a worker its own record. `today` is the day the scope was read for. Plain data; each domain
    turns it into row filters (its access.py)."""

    user_id: int
    role: Role
    region_path: str | None = None
    organisation_id: int | None = None
    worker_id: int | None = None
    station_ids: frozenset[int] = field(default_factory=frozenset)
    worker_ids: frozenset[int] = field(default_factory=frozenset)
    today: date | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def can(self, permission: Permission | str) -> bool:
        return can(self.role, permission)
