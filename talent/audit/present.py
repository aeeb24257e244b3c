"""How the audit log shows an entry in the reader's language: field names by their label (one map for every
Audited declaration of the codebase: a test checks it covers them all), coded values by their label, ids of
referenced records by the record's name where the reader may see it ("#id" otherwise), dates in the locale's one
format.

This module knows no domain (every domain writes the log, so the log may not import them back): the code enums
and the name look-ups are registered by the layers above (talent.audit.pages for the platform, the learning side
for its own), one query per kind of record and page."""

import json
import os
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from typing import Any

from talent.audit.models import SYSTEM_ACTOR, AuditEntry, Entity
from talent.core.access import Scope
from talent.core.attrs import attrs_of
from talent.core.clock import local_today
from talent.core.concurrency import gather_reads
from talent.core.i18n import N_, Msgid, colon, format_date, format_local, get_locale
from talent.core.sql import IntList, RawSubquery, dialect, inline_sql
from talent.rawsql import fetch_rows

# field name → its label. Every field an Audited(...) declaration lists, and those other entries write.
FIELD_LABELS: dict[str, Msgid] = {
    "active": N_("Active"),
    "address": N_("Address"),
    "affiliation": N_("Affiliation"),
    "affiliation_type": N_("Affiliation type"),
    "attendance_threshold": N_("Attendance threshold"),
    "benchmark": N_("Benchmark"),
    "benchmark_label": N_("Benchmark name"),
    "bio": N_("Profile"),
    "birth_date": N_("Date of birth"),
    "capacity": N_("Places"),
    "carry_over_years": N_("Years a passed subject carries over"),
    "category": N_("Category"),
    "change_note": N_("Change note"),
    "ce_hours": N_("CE hours"),
    "ce_hours_per_period": N_("CE hours per registration period"),
    "cert_level": N_("Certificate level"),
    "certificate_id": N_("Certificate"),
    "certificate_required": N_("Certificate required"),
    "code": N_("Code"),
    "cohort_id": N_("Cohort"),
    "contact": N_("Contact person"),
    "count": N_("Number of questions"),
    "course_id": N_("Course"),
    "credit_code": N_("Unified social credit code"),
    "cutoff_on": N_("Cut-off date"),
    "decided_on": N_("Decided on"),
    "delivery": N_("Delivery"),
    "difficulty": N_("Difficulty"),
    "display_name": N_("Display name"),
    "document_no": N_("Document number"),
    "due_on": N_("Due on"),
    "earned_on": N_("Earned on"),
    "education": N_("Education"),
    "effective_from": N_("Effective from"),
    "email": N_("Email"),
    "employer": N_("Employer"),
    "end_on": N_("End date"),
    "ends_on": N_("Ends on"),
    "enrol_closes_on": N_("Enrolment closes on"),
    "enrol_opens_on": N_("Enrolment opens on"),
    "evidence_name": N_("Evidence file"),
    "evidence_sha256": N_("Evidence checksum"),
    "evidence_size": N_("Evidence size (bytes)"),
    "evidence_type": N_("Evidence file type"),
    "exam_on": N_("Exam date"),
    "exam_year": N_("Exam year"),
    "exit_note": N_("Exit note"),
    "exit_reason": N_("Exit reason"),
    "exit_type": N_("Exit type"),
    "file_name": N_("File name"),
    "failed_sign_ins_cleared": N_("Failed sign-ins cleared"),
    "first_registration_months": N_("Months to first registration"),
    "floor": N_("Pay floor"),
    "format": N_("Format"),
    "full_marks": N_("Full marks"),
    "full_time": N_("Full-time"),
    "gender": N_("Gender"),
    "goal_ce_hours": N_("Goal: CE hours"),
    "goal_cert_rate": N_("Goal: certification rate"),
    "goal_retention": N_("Goal: retention"),
    "grade": N_("Assessment grade"),
    "held_on": N_("Held on"),
    "hours": N_("Hours"),
    "id_number": N_("ID number"),
    "is_active": N_("Active"),
    "is_primary": N_("Primary"),
    "joined_on": N_("Joined on"),
    "key": N_("Reason detail"),
    "kind": N_("Kind"),
    "level": N_("Level"),
    "major_or_certificate": N_("Major or certificate"),
    "major_required": N_("Major required"),
    "max_age": N_("Maximum age"),
    "mentor_id": N_("Mentor"),
    "min_certified": N_("Minimum certified workers"),
    "min_education": N_("Minimum education"),
    "min_fulltime": N_("Minimum full-time workers"),
    "min_level": N_("Minimum certificate level"),
    "min_years": N_("Minimum years"),
    "minutes": N_("Minutes"),
    "monthly_allowances": N_("Monthly allowances"),
    "monthly_base": N_("Monthly base pay"),
    "name": N_("Name"),
    "name_en": N_("English name"),
    "note": N_("Note"),
    "notes": N_("Notes"),
    "number": N_("Certificate number"),
    "obtained_on": N_("Obtained on"),
    "opened_on": N_("Opened on"),
    "organisation_id": N_("Organisation"),
    "outcome": N_("Outcome"),
    "parent_id": N_("Parent"),
    "pass_mark": N_("Pass mark"),
    "passed": N_("Passed"),
    "path": N_("Region path"),
    "phone": N_("Phone"),
    "place": N_("Place"),
    "points": N_("Points"),
    "position": N_("Position"),
    "previous_id": N_("Previous standard"),
    "reason": N_("Reason"),
    "region_id": N_("Region"),
    "region_path": N_("Region path"),
    "registered_on": N_("Registered on"),
    "registration_expires_on": N_("Registration expires on"),
    "registration_valid_years": N_("Years a registration is valid"),
    "related_major_accepted": N_("Related major accepted"),
    "renewal_window_months": N_("Renewal window (months)"),
    "required": N_("Required"),
    "review_required": N_("Review required"),
    "review_valid_years": N_("Years a review is valid"),
    "role": N_("Role"),
    "salary_record_id": N_("Salary record"),
    "counts": N_("Counts as continuing education"),
    "max_share": N_("Largest share of the session credited"),
    "max_hours": N_("Most hours counted a period"),
    "applies": N_("Applies"),
    "yearly_hours": N_("Hours a year"),
    "professional_hours": N_("Professional hours a year"),
    "score": N_("Score"),
    "sha256": N_("Checksum"),
    "size": N_("Size (bytes)"),
    "social_work_major": N_("Social work major"),
    "source": N_("Source"),
    "source_ref": N_("Source reference"),
    "start_on": N_("Start date"),
    "starts_at": N_("Starts at"),
    "starts_on": N_("Starts on"),
    "station_kind": N_("For stations of kind"),
    "station_id": N_("Station"),
    "status": N_("Status"),
    "subject": N_("Subject"),
    "subject_id": N_("Subject"),
    "supervisor_id": N_("Supervisor"),
    "tags": N_("Expertise"),
    "target_level": N_("Target level"),
    "tier_id": N_("Station tier"),
    "title": N_("Title"),
    "topic": N_("Topic"),
    "trainer": N_("Trainer"),
    "url": N_("Link"),
    "uplift_pct": N_("Uplift (%)"),
    "username": N_("Username"),
    "version": N_("Version"),
    "worker_id": N_("Worker"),
    "worker_no": N_("Worker number"),
    "worker_nos": N_("Worker numbers"),
    "year": N_("Year"),
}

_ORDER = {field: i for i, field in enumerate(FIELD_LABELS)}

# A field whose name means something else in one kind of record.
ENTITY_FIELD_LABELS: dict[tuple[str, str], Msgid] = {
    (Entity.ENROLMENT, "position"): N_("Place on the waiting list"),
    (Entity.LESSON, "position"): N_("Order"),
    (Entity.SUPERVISOR, "level"): N_("Supervisor grade"),
    # A person's name is 姓名 in Chinese, a place's or a thing's 名称 (the shared "Name").
    (Entity.WORKER, "name"): N_("Full name"),
    (Entity.SUPERVISOR, "name"): N_("Full name"),
    (Entity.ENROLMENT, "certificate_id"): N_("Completion certificate"),
    # The demo's one entry counts what it loaded.
    (Entity.DEMO, "regions"): N_("Regions"),
    (Entity.DEMO, "organisations"): N_("Organisations"),
    (Entity.DEMO, "stations"): N_("Stations"),
    (Entity.DEMO, "workers"): N_("Workers"),
    (Entity.DEMO, "active_workers"): N_("Current workers"),
    (Entity.DEMO, "spells"): N_("Employment spells"),
    (Entity.DEMO, "certificates"): N_("Certificates"),
    (Entity.DEMO, "registrations"): N_("Registrations"),
    (Entity.DEMO, "exam_results"): N_("Exam results"),
    (Entity.DEMO, "ce_credits"): N_("CE credits"),
    (Entity.DEMO, "supervisors"): N_("Supervisors"),
    (Entity.DEMO, "assignments"): N_("Supervisor assignments"),
    (Entity.DEMO, "accounts"): N_("Accounts"),
    (Entity.DEMO, "worker_accounts"): N_("Worker accounts"),
}

# A field that holds the id of another record → the kind of record (a key of NAMERS). A field whose name alone
# does not say it (a region's or a station's parent) is named by (entity, field).
REFERENCES: dict[str, str] = {
    "worker_id": "worker",
    "course_id": "course",
    "station_id": "station",
    "region_id": "region",
    "organisation_id": "organisation",
    "tier_id": "tier",
    "subject_id": "subject",
    "supervisor_id": "supervisor",
    "mentor_id": "supervisor",
    "cohort_id": "cohort",
}
ENTITY_REFERENCES: dict[tuple[str, str], str] = {
    (Entity.REGION, "parent_id"): "region",
    (Entity.STATION, "parent_id"): "station",
}
# An entry's own record (its entity_id) → the kind of record that names it.
RECORDS: dict[str, str] = {
    Entity.WORKER: "worker",
    Entity.COURSE: "course",
    Entity.STATION: "station",
    Entity.REGION: "region",
    Entity.ORGANISATION: "organisation",
    Entity.TIER: "tier",
    Entity.EXAM_SUBJECT: "subject",
    Entity.SUPERVISOR: "supervisor",
    Entity.COHORT: "cohort",
    Entity.ENROLMENT: "enrolment",
    Entity.COURSE_CERTIFICATE: "course_certificate",
    Entity.LESSON: "lesson",
    Entity.CLASS_SESSION: "class_session",
}
# (entity, field) → the enum of the codes the field holds; registered by the layers that know the enums.
CODES: dict[tuple[str, str], type[Enum]] = {}
# kind of record → async (scope, ids) → a query of the records among `ids` (for an `id__in` filter: a list, or a
# subquery of the log that names them, names_in_log) the viewer may see, as values `i` (the id) and `label` (the
# name), or its SQL text; not run: names_of and names_in_log run the kinds' queries joined by UNION ALL.
Ids = IntList | RawSubquery
Namer = Callable[[Scope, Ids], Awaitable[Any]]
NAMERS: dict[str, Namer] = {}


def register_codes(entity: str, **fields: type[Enum]) -> None:
    for field, enum in fields.items():
        CODES[(entity, field)] = enum
    _coded_or_referred.cache_clear()


def register_namer(kind: str, namer: Namer) -> None:
    NAMERS[kind] = namer


# Where the ids go in a namer's statement text kept for reuse (kept_namer).
_IDS = "__named_ids__"


def kept_namer(build: Callable[..., Any], reach: Callable[[Scope, date], Awaitable[Hashable]] | None = None) -> Namer:
    """A namer from `build(scope, ids)`, a query that depends on the viewer's scope and the day alone, or with `reach`
    on what `reach(scope, day)` reads too (`build(scope, ids, read)`: the paths a staff member's courses hang on,
    read once per request): its text is written once per scope, day, dialect and reading, with a mark where the ids
    go, and each page's ids (integers, or a subquery the log's code wrote) put in. Built through Tortoise for each
    page, a county's /audit page spent about half a millisecond writing the statements that name its platform
    records, and HR's about 3 ms its courses, lessons and enrolments (small demo, PostgreSQL)."""

    @lru_cache(maxsize=1024)
    def text(scope: Scope, _day: date, _dialect: str, read: tuple) -> str:
        return inline_sql(build(scope, RawSubquery(_IDS), *read))

    async def names(scope: Scope, ids: Ids):
        day = local_today()
        read = (await reach(scope, day),) if reach else ()
        if isinstance(ids, IntList) and not ids:
            return build(scope, ids, *read)  # Tortoise's match-nothing test, where `IN ()` is no SQL
        return text(scope, day, dialect(), read).replace(f"({_IDS})", ids.get_sql(None))

    return names


# entity → how its summaries read in the reader's language, word by word (register_summary). Summaries are stored
# as written ("W3201020013 2.0 h supervision"): their codes and units are translated when read.
SUMMARY_WORDS: dict[str, tuple[type[Enum] | Msgid | None, ...]] = {}


def register_summary(entity: str, *words: type[Enum] | Msgid | None) -> None:
    """The summaries of a kind of record, word by word (split at spaces): an enum shows the code in that place by
    its label, a Msgid replaces the word in that place (a unit, such as "h"), None keeps it. A summary with another
    number of words shows as stored."""
    SUMMARY_WORDS[entity] = words


@lru_cache(maxsize=64)
def _word_text(msgid: Msgid, _locale: str) -> str:
    return msgid.tr()


def _reworded(summary: str, words: tuple[type[Enum] | Msgid | None, ...], locale: str) -> str:
    found = summary.split(" ")
    if len(found) != len(words):
        return summary
    out = []
    for word, spec in zip(found, words, strict=True):
        if spec is None:
            out.append(word)
        elif isinstance(spec, Msgid):
            out.append(_word_text(spec, locale))
        else:
            out.append(_code_text(spec, word, locale))
    return " ".join(out)


# Summaries written by the learning side name a course and a worker by id: "course 3 · worker 121"; a learner's
# lesson done or attendance names the lesson or the classroom session alone: "lesson 8", "session 2" (the entry's
# record is the enrolment). The latter read as the record's title, else as its kind and "#id".
RAW_SUMMARY = re.compile(r"\bcourse (\d+) · worker (\d+)")
RECORD_SUMMARY = re.compile(r"(lesson|session) (\d+)")


def _record_summary(summary: str) -> re.Match | None:
    """A summary that names a lesson or a session alone, matched (most summaries start with neither letter)."""
    return RECORD_SUMMARY.fullmatch(summary) if summary[:1] in ("l", "s") else None


# An enrolment's or a course certificate's name: "course title · worker name" (the learning side's namers,
# courses.completion.pages, write it in SQL; _record_name writes it from the names of a pair summary's course and
# worker).
PAIR_SEPARATOR = " · "
# The entities whose entries name their own record by the course and the worker their summary starts with ("course
# 3 · worker 121 · 8.0 h", RAW_SUMMARY at the start: as the learning side writes every entry of its enrolments and
# course certificates but a lesson's or a session's): the names the summary's own reading asks for anyway. The
# record's own namer joined the enrolments, courses and workers a second time: a whole country's log named 705,824
# enrolments so (3.2 s of its export's naming statements on PostgreSQL), a city's export 2,968 (17 of its 23 ms).
NAMED_BY_SUMMARY = frozenset({Entity.ENROLMENT, Entity.COURSE_CERTIFICATE})


def _summary_pair(entity: str, summary: str | None) -> re.Match | None:
    """The course and the worker (groups 1 and 2) that name the entry's own record (NAMED_BY_SUMMARY), else None."""
    if entity in NAMED_BY_SUMMARY and summary and summary[:7] == "course ":
        return RAW_SUMMARY.match(summary)
    return None


# The word a RECORD_SUMMARY starts with → the kind of record (a key of NAMERS) and its entity (whose label shows).
SUMMARY_RECORDS: dict[str, tuple[str, str]] = {
    "lesson": ("lesson", Entity.LESSON),
    "session": ("class_session", Entity.CLASS_SESSION),
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: the entry holds no "before" (a creation)
    after: str | None  # None: the entry holds no "after" (a deletion)


@dataclass(frozen=True)
class Line:
    """An entry as the reader sees it (with the entry's id, which the list's cursor reads)."""

    id: int
    at: datetime
    actor_name: str
    action: str
    entity: str
    entity_id: str
    record: str  # the record's name, or "#id"
    summary: str
    changes: list[Change]


# An export names the fields of hundreds of thousands of entries: each label is translated once per locale (the
# maps and the catalogs are fixed while the app runs).
@lru_cache(maxsize=4096)
def _field_label(entity: str, field: str, _locale: str) -> str:
    msgid = ENTITY_FIELD_LABELS.get((entity, field)) or FIELD_LABELS.get(field)
    return msgid.tr() if msgid is not None else field


@lru_cache(maxsize=4096)
def reference_kind(entity: str, field: str) -> str | None:
    return ENTITY_REFERENCES.get((entity, field)) or REFERENCES.get(field)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# What an export shows of an entry (record_and_summary, text_changes_text), its documents as JSON text.
TEXT_FIELDS = ("id", "at", "actor_name", "action", "entity", "entity_id", "summary", "before_text", "after_text")
# The keys that may name a record: a document that holds none refers to nothing.
REFERENCE_KEYS = tuple(sorted({*REFERENCES, *(f for _e, f in ENTITY_REFERENCES)}))
# One of them as JSON writes it ("worker_id"), found in a document's text.
_REFERENCE_KEY = re.compile("|".join(re.escape(f'"{k}"') for k in REFERENCE_KEYS))
# The keys' common ending ("_id"): a document without it as JSON writes it (`_id"`) holds none of them, found by one
# substring search (most documents of a log: a status, hours) before the pattern's.
REFERENCE_KEYS_END = os.path.commonprefix([key[::-1] for key in REFERENCE_KEYS])[::-1]
_KEYS_END_TEXT = f'{REFERENCE_KEYS_END}"'


def add_references(wanted: defaultdict[str, set[int]], e) -> None:
    """Add the ids of the records entry `e` refers to, by the kind of namer asked for them, to `wanted`."""
    _add(wanted, e.entity, e.entity_id, (e.before, e.after), e.summary)


def add_row_references(wanted: defaultdict[str, set[int]], row: dict) -> None:
    """add_references for an entry read as audit.selectors.AuditLogExport.references reads it: its documents as JSON
    text, and only when they hold a key that may name a record (the database tests the keys: the whole national
    demo's log holds 1.4 million documents, 13 of which name one), so most entries have none to decode; its own
    record and its summary NULL where the naming statement reads them (names_in_log)."""
    before, after = row["referring_before"], row["referring_after"]
    documents = (_decoded(before), _decoded(after)) if before or after else ()
    _add(wanted, row["entity"], row["entity_id"], documents, row["summary"])


def _may_refer(text: str | None) -> bool:
    """Whether a document's JSON text holds a key that may name a record."""
    return bool(text) and _KEYS_END_TEXT in text and _REFERENCE_KEY.search(text) is not None


def _decoded(text: str | None):
    return json.loads(text) if text else None


def _add(wanted: defaultdict[str, set[int]], entity: str, entity_id: str, documents, summary: str | None) -> None:
    kind = RECORDS.get(entity)
    if kind and (i := _int(entity_id)) is not None and _summary_pair(entity, summary) is None:
        wanted[kind].add(i)
    for values in documents:
        for field, value in (values or {}).items() if isinstance(values, dict) else ():
            kind = reference_kind(entity, field)
            if kind and (i := _int(value)) is not None:
                wanted[kind].add(i)
    if not summary:
        return
    if m := _record_summary(summary):
        wanted[SUMMARY_RECORDS[m[1]][0]].add(int(m[2]))
        return
    if " · worker " not in summary:  # as _summary: most summaries name no course and worker by id
        return
    for course_id, worker_id in RAW_SUMMARY.findall(summary):
        wanted["course"].add(int(course_id))
        wanted["worker"].add(int(worker_id))


def wanted_ids() -> defaultdict[str, set[int]]:
    """The ids of the records entries refer to, by kind of namer, as add_references collects them."""
    return defaultdict(set)


async def names_for(scope: Scope, entries) -> dict[str, dict[int, str]]:
    """{kind: {id: name}} of every record the entries refer to that the viewer may see (names_of)."""
    wanted = wanted_ids()
    for e in entries:
        add_references(wanted, e)
    return await names_of(scope, wanted)


async def names_of(scope: Scope, wanted: dict[str, set[int]]) -> dict[str, dict[int, str]]:
    """{kind: {id: name}} of the `wanted` records that the viewer may see: one statement, the kinds' queries joined
    by UNION ALL, however many ids and kinds of record (a page names as many kinds as its entries touch: one
    statement each had made the page's count depend on its data)."""
    ids = {kind: IntList(sorted(values)) for kind, values in wanted.items()}
    sql = await _names_sql(scope, ids)
    return _names_read(ids, await fetch_rows(AuditEntry, sql) if sql else [])


async def names_in_log(
    scope: Scope, wanted: dict[str, set[int]], log_sql: str, log_values: list
) -> dict[str, dict[int, str]]:
    """names_of the records a log's entries refer to, the log given as SQL (`log_sql` with `log_values`: the columns
    id, entity, entity_id, summary of its entries): the ids of their own records and of those their summaries name
    are read by the naming statements themselves (log_sources), the `wanted` ones (their documents') added as a list.
    Where the ids came to Python and went back as lists, a whole country's log (729,902 entries) was read one time
    more and its 885,528 ids sent back (the enrolments' alone a statement of 4.8 MB).

    Two statements read at once (gather_reads): the names of the entries' own records, and those of the records
    their summaries and documents mention. As one statement, the database named a country's 702,568 enrolments and
    then the courses and workers of their summaries on one core while the other waited: the names took 3.1 s of the
    whole log's CSV export (11.0–11.2 s) on PostgreSQL, 2.3–2.4 s of 10.1–10.3 s as two (2.9 against 2.5 s on
    SQLite)."""
    own, mentioned = log_sources(dialect() == "postgres")
    mentioned = {kind: list(mentioned.get(kind, ())) for kind in {*mentioned, *wanted}}
    for kind, values in wanted.items():
        if values:
            # A VALUES list as a member of the compound: SQLite's limit on compound SELECTs does not count its rows.
            mentioned[kind].append("VALUES " + ",".join(f"({int(i)})" for i in sorted(values)))
    statements = []
    for sources in (own, mentioned):
        ids: dict[str, Ids] = {
            kind: RawSubquery(" UNION ALL ".join(parts)) for kind, parts in sorted(sources.items()) if parts
        }
        if sql := await _names_sql(scope, ids):
            # The log once, read where each kind's ids are chosen (NOT MATERIALIZED: each by its own index, its
            # entity's).
            statements.append(f"WITH log AS NOT MATERIALIZED ({log_sql}) {sql}")

    async def read(statement: str):
        return (await AuditEntry._meta.db.execute_query(statement, list(log_values)))[1]

    found = await gather_reads([lambda statement=statement: read(statement) for statement in statements])
    return _names_read({*own, *mentioned}, [row for rows in found for row in rows])


async def _names_sql(scope: Scope, ids: dict[str, Ids]) -> str:
    parts = []
    for kind, kind_ids in sorted(ids.items()):
        if kind in NAMERS:
            query = await NAMERS[kind](scope, kind_ids)
            query = query if isinstance(query, str) else inline_sql(query)
            parts.append(f"SELECT '{kind}' AS kind, q.i AS i, q.label AS label FROM ({query}) q")
    return " UNION ALL ".join(parts)


def _names_read(ids: Iterable[str], rows) -> dict[str, dict[int, str]]:
    names: dict[str, dict[int, str]] = {kind: {} for kind in ids}
    for kind, i, label in rows:
        if label is not None:  # out of reach (a learner-course namer's label)
            names[kind][int(i)] = label
    return names


# The longest run of digits read as an id (BIGINT holds 18 of them).
_ID_DIGITS = 18


def log_sources(pg: bool) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """kind of namer → SELECTs of the ids of that kind a log's entries name (the log: a relation `log` with the
    columns entity, entity_id, summary), as _add reads them from each entry in Python, in two maps: the entries' own
    records (RECORDS: the entity id when it is all digits), and the records their summaries mention: a summary that
    is "lesson N" or "session N" (RECORD_SUMMARY, SUMMARY_RECORDS); the course and the worker of a summary's "course N
    · worker M" (RAW_SUMMARY, the first such pair of the summary: the learning side writes one). Where SQL reads more
    than the patterns would (SQLite's LIKE ignores case, a "course" inside a word), the extra names are never shown."""

    def ids_from(text: str, where: str) -> str:
        if not pg:
            # SQLite's CAST reads the digits the text starts with (0 for none): the id of "97 · 8.0 h", as the
            # patterns read it, and of texts they would not (" 97"), extra names.
            return f"SELECT CAST({text} AS INTEGER) FROM log WHERE {where}"
        # PostgreSQL's CAST fails on anything but digits: NULL, which no id is IN, for other texts. The test in the
        # WHERE clause instead had the planner take a country's 702,568 enrolment entries for 488 and probe the
        # enrolments for each (8 of 11 s). A test of the characters, not a regular expression (0.60 against 0.81 s
        # over the country's summaries).
        test = f"{text} <> '' AND length({text}) <= {_ID_DIGITS} AND translate({text}, '0123456789', '') = ''"
        return f"SELECT CAST(CASE WHEN {test} THEN {text} END AS BIGINT) FROM log WHERE {where}"

    # A summary that names its entry's record (_summary_pair: "course " at the start, digits, " · worker ", a digit),
    # tested so that what it passes over, Python's pattern takes too (the other way round, an id is named in vain).
    if pg:
        pair = "summary ~ '^course [0-9]+ · worker [0-9]'"
    else:  # no regular expressions: the text between "course " and the first " · worker " all digits
        digits = "substr(summary, 8, instr(summary, ' · worker ') - 8)"
        pair = (
            f"summary GLOB 'course [0-9]* · worker [0-9]*' AND {digits} NOT GLOB '*[^0-9]*'"
            " AND substr(summary, instr(summary, ' · worker ') + 10, 1) GLOB '[0-9]'"
        )
    own: defaultdict[str, list[str]] = defaultdict(list)
    for entity, kind in RECORDS.items():
        where = f"entity = '{entity}'" + (f" AND NOT ({pair})" if entity in NAMED_BY_SUMMARY else "")
        own[kind].append(ids_from("entity_id", where))
    mentioned: defaultdict[str, list[str]] = defaultdict(list)
    for word, (kind, _entity) in SUMMARY_RECORDS.items():
        mentioned[kind].append(ids_from(f"substr(summary, {len(word) + 2})", f"summary LIKE '{word} %'"))
    # "course 3 · worker 97 · 8.0 h": after the first "course ", up to " · worker "; after " · worker ", to a space.
    if pg:  # split_part, where strpos and substr count the characters of the text again for each (1.55 → 0.60 s)
        course = "split_part(split_part(summary, 'course ', 2), ' · worker ', 1)"
        worker = "split_part(split_part(summary, ' · worker ', 2), ' ', 1)"
    else:  # the digits the rest starts with, read by the CAST
        course = "substr(summary, instr(summary, 'course ') + 7)"
        worker = "substr(summary, instr(summary, ' · worker ') + 10)"
    pair = "summary LIKE '%course % · worker %'"
    mentioned["course"].append(ids_from(course, pair))
    mentioned["worker"].append(ids_from(worker, pair))
    return dict(own), dict(mentioned)


def _named(names: dict[str, dict[int, str]], kind: str, value: Any) -> str:
    i = _int(value)
    return names.get(kind, {}).get(i) or f"#{value}"


@lru_cache(maxsize=4096)
def _coded_or_referred(entity: str, field: str) -> tuple[type[Enum] | None, str | None]:
    """The enum of the codes the field holds, and the kind of record it refers to (each None when not): asked once
    per field of a kind of record, not once per value of an export's hundreds of thousands of entries."""
    return CODES.get((entity, field)), reference_kind(entity, field)


@lru_cache(maxsize=4096)
def _code_text(enum: type[Enum], value: str | int, _locale: str) -> str:
    """A code's label in the locale: translated once per code and locale, not once per value of an export."""
    member = enum._value2member_map_.get(value)
    msgid = getattr(member, "label", None)
    return msgid.tr() if isinstance(msgid, Msgid) else str(value)


@lru_cache(maxsize=8)
def _yes_no(value: bool, _locale: str) -> str:
    return N_("Yes").tr() if value else N_("No").tr()


def show_value(entity: str, field: str, value: Any, names: dict[str, dict[int, str]], locale: str) -> str:
    if value is None or value == "":
        return "—"
    enum, kind = _coded_or_referred(entity, field)
    if enum is not None:
        if isinstance(value, str | int):
            return _code_text(enum, value, locale)
        return str(value)
    if kind is not None:
        return _named(names, kind, value)
    if field.endswith("_id") and isinstance(value, int):  # a record the log does not name (a completion's certificate)
        return f"#{value}"
    if isinstance(value, bool):
        return _yes_no(value, locale)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and value[:1].isdigit():
        if ISO_DATE.match(value):
            try:
                return format_date(date.fromisoformat(value))
            except ValueError:
                return value
        if ISO_DATETIME.match(value):
            try:
                return format_local(datetime.fromisoformat(value))
            except ValueError:
                return value
    return str(value)


@lru_cache(maxsize=4096)
def _field_order(entity: str, fields: tuple[str, ...]) -> tuple[str, ...]:
    # jsonb keeps no key order (PostgreSQL sorts keys by length): the records referred to first, then the fields in
    # the map's order, alike on every database. Entries of a kind hold the same fields: sorted once per shape.
    return tuple(sorted(fields, key=lambda f: (reference_kind(entity, f) is None, _ORDER.get(f, len(_ORDER)), f)))


def _changes(e, names, locale: str) -> list[Change]:
    return _changes_of(e.entity, e.before, e.after, names, locale)


def _changes_of(entity: str, before, after, names, locale: str) -> list[Change]:
    """The entry's fields as the reader sees them. A record created or deleted (one side only) lists the fields it
    held, not the ones it left empty: a CE credit's creation listed four empty lines of evidence among its six."""
    before = before if isinstance(before, dict) else None
    after = after if isinstance(after, dict) else None
    one_side = after if before is None else before if after is None else None
    return [
        Change(
            _field_label(entity, field, locale),
            show_value(entity, field, before.get(field), names, locale) if before is not None else None,
            show_value(entity, field, after.get(field), names, locale) if after is not None else None,
        )
        for field in _field_order(entity, tuple(after or before or ()))
        if one_side is None or one_side[field] not in (None, "", [])
    ]


def changes_text(changes: list[Change]) -> str:
    """The page's "Change" column as text: `field: before → after`, one per line, in the reader's language."""
    out, sep = [], colon()
    for c in changes:
        if c.before is not None and c.after is not None:
            out.append(f"{c.label}{sep}{c.before or '—'} → {c.after or '—'}")
        else:
            value = c.after if c.after is not None else c.before
            out.append(f"{c.label}{sep}{value or '—'}")
    return "\n".join(out)


def text_changes_text(e, names: dict[str, dict[int, str]], locale: str) -> str:
    """changes_text of an entry read with its documents as JSON text (TEXT_FIELDS). Documents that hold no key that
    may name a record read the same whatever the names: their text is kept per kind of record, documents and locale
    (a log repeats its status changes: the national demo's 702,568 enrolment entries hold two pairs of documents)."""
    before, after = e.before_text, e.after_text
    if _may_refer(before) or _may_refer(after):
        return changes_text(_changes_of(e.entity, _decoded(before), _decoded(after), names, locale))
    return _plain_changes_text(e.entity, before, after, locale)


@lru_cache(maxsize=4096)
def _plain_changes_text(entity: str, before: str | None, after: str | None, locale: str) -> str:
    return changes_text(_changes_of(entity, _decoded(before), _decoded(after), {}, locale))


def _summary(summary: str, names) -> str:
    summary = summary or ""
    if m := _record_summary(summary):
        kind, entity = SUMMARY_RECORDS[m[1]]
        name = names.get(kind, {}).get(int(m[2]))
        return name if name else f"{_code_text(Entity, entity, get_locale())} #{m[2]}"
    if " · worker " not in summary:  # most summaries name no course and worker by id: no scan by the pattern
        return summary
    return RAW_SUMMARY.sub(lambda m: _pair_text(m, names), summary)


def _pair_text(pair: re.Match, names) -> str:
    """A summary's "course N · worker M" (RAW_SUMMARY's match) as the reader reads it: each by its name, or "#id"."""
    return f"{_named(names, 'course', pair[1])} · {_named(names, 'worker', pair[2])}"


def record_and_summary(e, names: dict[str, dict[int, str]]) -> tuple[str, str]:
    """The name of the entry's own record ("#id" where it is not named) and its summary as the reader reads it. A
    summary that starts with a course and a worker (_summary_pair: most of a log's entries, its enrolments') is
    matched once for both."""
    pair = _summary_pair(e.entity, e.summary)
    return _record_name(e, names, pair), _summary_text(e, names, pair)


def _record_name(e, names: dict[str, dict[int, str]], pair: re.Match | None) -> str:
    """By the record's namer, or by its summary's course and worker (both in the reader's reach, as the record's
    namer asks: NAMED_BY_SUMMARY)."""
    kind = RECORDS.get(e.entity)
    if not kind or (i := _int(e.entity_id)) is None:
        return f"#{e.entity_id}"
    if pair:
        course = names.get("course", {}).get(int(pair[1]))
        worker = names.get("worker", {}).get(int(pair[2]))
        return f"{course}{PAIR_SEPARATOR}{worker}" if course and worker else f"#{e.entity_id}"
    return names.get(kind, {}).get(i) or f"#{e.entity_id}"


def _summary_text(e, names: dict[str, dict[int, str]], pair: re.Match | None) -> str:
    words = SUMMARY_WORDS.get(e.entity)
    if words is not None and e.summary:
        return _reworded(e.summary, words, get_locale())
    if pair is None:
        return _summary(e.summary, names)
    rest = e.summary[pair.end() :]
    if " · worker " in rest:  # a second pair (the learning side writes one): every pair named, as _summary does
        return _summary(e.summary, names)
    # The pair at the start named as _summary's substitution names it, without scanning the summary again.
    return _pair_text(pair, names) + rest


@lru_cache(maxsize=8)
def _system_actor(_locale: str) -> str:
    return N_("System").tr()


def actor_text(name: str, locale: str) -> str:
    """Who wrote an entry: the account's username, or "System" in the reader's language for what no account did."""
    return _system_actor(locale) if name == SYSTEM_ACTOR else name


def line(e, names: dict[str, dict[int, str]], locale: str) -> Line:
    record, summary = record_and_summary(e, names)
    return Line(
        **attrs_of(e, "id", "at", "action", "entity", "entity_id"),
        actor_name=actor_text(e.actor_name, locale),
        record=record,
        summary=summary,
        changes=_changes(e, names, locale),
    )


async def lines(scope: Scope, entries) -> list[Line]:
    """The entries as the reader sees them (see the module)."""
    names = await names_for(scope, entries)
    locale = get_locale()
    return [line(e, names, locale) for e in entries]
