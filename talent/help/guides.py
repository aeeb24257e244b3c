"""The help page of each role (issue 15 item 9): what the role does here and, step by step, its main jobs, each
with links to the pages it uses. Text is msgids (translated when shown); addresses are data. "{worker_id}" in
an address is the signed-in worker's own id."""

from dataclasses import dataclass, field

from talent.core.access import Role
from talent.core.i18n import N_, Msgid


@dataclass(frozen=True)
class Job:
    title: Msgid
    steps: tuple[Msgid, ...]
    links: tuple[tuple[str, Msgid], ...] = ()


@dataclass(frozen=True)
class Guide:
    intro: Msgid
    jobs: tuple[Job, ...] = field(default_factory=tuple)


_RECORD_WORKERS = Job(
    N_("Keep workers' records up to date"),
    (
        N_("Open Workers and search by name or worker number."),
        N_("Add a worker with “New worker”, or import many at once from a spreadsheet under Import."),
        N_("On a worker's record, record a new employment spell, a transfer or a departure with its reason."),
    ),
    (("/workers", N_("Workers")), ("/imports", N_("Import"))),
)
_CERTIFICATES = Job(
    N_("Record exam results, certificates, registration and CE hours"),
    (
        N_("Open Certificates; filter by expiring, renewal window open, CE short or expired to see who must act."),
        N_("Open a worker's certificates to record an exam result, a certificate, a registration or CE hours."),
        N_("Export the filtered list to send reminders or to report upwards."),
    ),
    (("/certificates", N_("Certificates")), ("/certificates/pass-rates", N_("Pass rates"))),
)
_REPORTS = Job(
    N_("Read the figures"),
    (
        N_(
            "The home page shows headcount, certification and separations for your scope; each card opens the list it "
            "counts."
        ),
        N_("Reports break the figures down by region and period and export them."),
    ),
    (("/", N_("Dashboard")), ("/reports", N_("Reports"))),
)

GUIDES: dict[Role, Guide] = {
    Role.WORKER: Guide(
        N_(
            "As a social worker you take courses, prepare for the national exam, and see your certificates, pay, "
            "cohort and mentor. Your home page shows what to do next."
        ),
        (
            Job(
                N_("Take a course"),
                (
                    N_("Open My learning to see the courses you are enrolled in and those open to you."),
                    N_("Open a course and follow its lessons in order; mark each lesson done at its end."),
                    N_(
                        "When every required lesson is done the course is completed: its CE hours are credited and you "
                        "can print the completion certificate."
                    ),
                ),
                (("/courses/my", N_("My learning")), ("/", N_("Dashboard"))),
            ),
            Job(
                N_("Prepare for the exam"),
                (
                    N_(
                        "In Exam prep, practise questions by subject and topic; each answer shows the right one and an "
                        "explanation."
                    ),
                    N_(
                        "Questions you answer wrongly go into your notebook and come back for review: practise what is "
                        "due each day."
                    ),
                    N_("Take a mock exam under exam conditions, then read your readiness per subject."),
                ),
                (
                    ("/exam-prep", N_("Exam prep")),
                    ("/exam-prep/notebook", N_("Notebook")),
                    ("/exam-prep/mock", N_("Mock exams")),
                ),
            ),
            Job(
                N_("Keep your registration valid"),
                (
                    N_(
                        "Your certificates page shows each certificate's registration, when it expires and your CE "
                        "hours this period."
                    ),
                    N_("Earn the CE hours you are short of by completing courses before your registration expires."),
                ),
                (
                    ("/certificates/workers/{worker_id}", N_("My certificates")),
                    ("/workers/{worker_id}", N_("My record")),
                ),
            ),
            Job(
                N_("See your pay, cohort and mentor"),
                (
                    N_("My pay shows your pay against the salary standard that applies to you."),
                    N_("My cohort shows your cohort, your mentor and your milestones."),
                ),
                (("/pay/my", N_("My pay")), ("/cohorts/mine", N_("My cohort"))),
            ),
        ),
    ),
    Role.BUREAU: Guide(
        N_(
            "As a civil-affairs bureau you manage the stations, workers, training, certification and pay of your "
            "region and the regions below it."
        ),
        (
            _RECORD_WORKERS,
            _CERTIFICATES,
            Job(
                N_("Run training"),
                (
                    N_("Create a course under Courses, add its lessons and materials, then publish it."),
                    N_(
                        "Enrol workers or let them enrol themselves; for classroom courses, schedule sessions and take "
                        "attendance."
                    ),
                    N_("Keep the question bank of your region for exam preparation."),
                ),
                (("/courses", N_("Courses")), ("/exam-prep/bank", N_("Question bank"))),
            ),
            Job(
                N_("Set pay standards and check compliance"),
                (
                    N_("Under Pay, write a salary standard for your region with its bands, then publish it."),
                    N_("Pay compliance lists the workers paid below the floor or their band."),
                ),
                (("/pay/standards", N_("Salary standards")), ("/pay", N_("Pay compliance"))),
            ),
            Job(
                N_("Organise cohorts and supervision"),
                (
                    N_("Create a cohort, add its members with a mentor each, and set milestones."),
                    N_("Register supervisors and assign them stations; check coverage for stations without one."),
                ),
                (("/cohorts", N_("Cohorts")), ("/supervision", N_("Supervision"))),
            ),
            _REPORTS,
        ),
    ),
    Role.HR: Guide(
        N_("As HR you keep the records, certificates and salaries of your organisation's workers."),
        (
            _RECORD_WORKERS,
            _CERTIFICATES,
            Job(
                N_("Record salaries"),
                (
                    N_(
                        "Open a worker's pay page from Pay compliance and record their salary with the date it applies "
                        "from."
                    ),
                    N_("Proposed pay changes list the rises the standards and assessments call for."),
                ),
                (("/pay", N_("Pay compliance")), ("/pay/changes", N_("Pay changes proposed"))),
            ),
            _REPORTS,
        ),
    ),
    Role.SUPERVISOR: Guide(
        N_("As a supervisor you support the workers of the stations assigned to you and the workers you mentor."),
        (
            Job(
                N_("Record supervision sessions"),
                (
                    N_("Open My supervision to see your stations and mentees."),
                    N_(
                        "Record each session with its date, the workers who attended and notes; the calendar shows "
                        "them by month."
                    ),
                ),
                (("/supervision/mine", N_("My supervision")), ("/supervision/sessions", N_("Sessions"))),
            ),
            Job(
                N_("Follow your workers"),
                (
                    N_("Workers lists the workers of your stations; open one to see their record and certificates."),
                    N_("Cohorts shows the milestones of the workers you mentor."),
                ),
                (("/workers", N_("Workers")), ("/cohorts", N_("Cohorts"))),
            ),
            _REPORTS,
        ),
    ),
    Role.ADMIN: Guide(
        N_(
            "As an administrator you keep the accounts, the exam catalogue and the reference data, and see every "
            "region."
        ),
        (
            Job(
                N_("Manage accounts"),
                (
                    N_(
                        "Under Administration, create an account for each user with its role and scope: a region, an "
                        "organisation or a worker."
                    ),
                    N_("Deactivate the accounts of people who leave; the audit log records every change."),
                ),
                (("/admin", N_("Administration")), ("/audit", N_("Audit log"))),
            ),
            Job(
                N_("Keep the exam catalogue"),
                (
                    N_(
                        "Exam subjects, papers, exam dates, pass lines and eligibility rules are data: edit them when "
                        "a notice changes them."
                    ),
                ),
                (("/admin/exams", N_("Exams")),),
            ),
            _RECORD_WORKERS,
            _CERTIFICATES,
            _REPORTS,
        ),
    ),
}


def guide_for(role: Role) -> Guide:
    return GUIDES[Role(role)]


def address(href: str, worker_id: int | None) -> str:
    return href.replace("{worker_id}", str(worker_id or 0))
