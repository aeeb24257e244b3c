"""List-page exports: the header row and the row tuples of each list, in the viewer's language.

Workers, regions and stations export exactly the columns of their import kind (talent/imports/columns.py), with
English codes, ISO dates and yes/no, so a downloaded list re-imports unchanged. Other lists export the columns
their page shows. Rows arrive from the domain selectors' iterators, each list's rows from one statement read a batch
at a time (talent.core.export.list_rows); every cell passes through writers.neutralise when it is written.
"""

from collections.abc import AsyncIterable, AsyncIterator, Sequence
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Query
from starlette.responses import StreamingResponse

from talent.audit.present import (
    TEXT_FIELDS,
    actor_text,
    add_row_references,
    names_in_log,
    names_of,
    record_and_summary,
    text_changes_text,
    wanted_ids,
)
from talent.core.access import Role
from talent.core.clock import local_today
from talent.core.export import XLSX_TYPE, csv_chunks, xlsx_chunks
from talent.core.i18n import N_, Msgid, get_locale, set_locale
from talent.core.i18n import gettext as _
from talent.imports.framework import get_kind
from talent.people.schemas import WorkerOut
from talent.places.imports import region_row, station_row
from talent.web.labels import account_scope, action_label, entity_label, label

FORMATS = ("xlsx", "csv")
# The `format` query parameter of every /export route (named `fmt` in Python).
ExportFormat = Annotated[str, Query(alias="format", max_length=8)]


def export_format(value: str) -> str:
    """The requested file type; anything unknown is .xlsx."""
    return value if value in FORMATS else "xlsx"


def file_name(kind: str, today: date | None = None) -> str:
    """`workers-2026-11-27` (ASCII, no extension)."""
    return f"{kind}-{(today or local_today()).isoformat()}"


def kind_headers(kind: str) -> list[str]:
    locale = get_locale()
    return [column.header(locale) for column in get_kind(kind).spec.columns]


async def _in_locale(locale: str, chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """Rows are produced while the body streams: keep the request's language for labels made then. Set around the
    file's chunks, which produce the rows in the same task, not around each row (a step of an async generator per
    row: 125,782 for the national accounts file)."""
    set_locale(locale)
    async for chunk in chunks:
        yield chunk


def respond(fmt: str, kind: str, headers: Sequence[str], rows: AsyncIterable[Sequence[Any]]) -> StreamingResponse:
    return export_response(export_format(fmt), file_name(kind), headers, rows)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


# ── import kinds (re-importable) ────────────────────────────────────────────────────────────────


async def worker_rows(workers: AsyncIterable, *, show_sensitive: bool) -> AsyncIterator[tuple]:
    """The workers kind's columns (the worker read model): phone and ID number in full only for viewers who may
    see them, else masked."""
    async for w in workers:
        yield tuple(WorkerOut.of(w, sensitive=show_sensitive).model_dump().values())


async def region_rows(regions: AsyncIterable) -> AsyncIterator[tuple]:
    """The regions kind's columns: code, name, level, parent_code."""
    async for r in regions:
        yield tuple(region_row(r))


async def station_rows(stations: AsyncIterable) -> AsyncIterator[tuple]:
    """The stations kind's columns: code, name, region_code, organisation, tier, opened_on."""
    async for s in stations:
        yield tuple(station_row(s))


# ── other lists: their visible columns ──────────────────────────────────────────────────────────

ORGANISATION_HEADERS = [N_("Name"), N_("Region"), N_("Contact"), N_("Phone"), N_("Stations")]


async def organisation_rows(organisations: AsyncIterable) -> AsyncIterator[tuple]:
    async for o in organisations:
        yield (o.name, o.region__name or "", o.contact, o.phone, o.station_count)


TIER_HEADERS = [
    N_("Name"),
    N_("Region"),
    N_("Min. full-time"),
    N_("Min. certified"),
    N_("Min. level"),
    N_("Max. age"),
    N_("Min. education"),
    N_("Social-work major"),
    N_("Certificate"),
    N_("Related major also qualifies"),
    N_("Major or certificate"),
    N_("For stations of kind"),
]


async def tier_rows(tiers: AsyncIterable) -> AsyncIterator[tuple]:
    async for t in tiers:
        yield (
            t.name,
            t.region__name or _("National"),
            t.min_fulltime,
            t.min_certified,
            label(t.min_level),
            t.max_age,
            label(t.min_education),
            _yes_no(t.major_required),
            _yes_no(t.certificate_required),
            _yes_no(t.related_major_accepted),
            _yes_no(t.major_or_certificate),
            label(t.station_kind),
        )


AUDIT_HEADERS = [
    N_("When (UTC)"),
    N_("Who"),
    N_("Action"),
    N_("Record"),
    N_("ID"),
    N_("Name"),
    N_("Summary"),
    N_("Change"),
]


async def audit_rows(scope, log) -> AsyncIterator[tuple]:
    """The rows as the page shows them: field names and coded values in the reader's language, records named where
    the reader may see them (talent.audit.present). `log` is the filtered log (audit.selectors.AuditLogExport),
    read in three statements whatever its size (four for a large log): the references its entries hold, with the
    log's last id; every name; the entries, streamed. A large log's two naming statements, read at once, read the
    ids of the entries' own records and of those their summaries name from the log itself (names_in_log), and only
    its documents' references are sent first. Memory holds the ids and names of the records referred to, not the
    entries. Every reading stops at the last id of the first, so an entry written meanwhile is not exported
    unnamed."""
    wanted = wanted_ids()
    last = 0
    async for batch in log.references():
        for row in batch:
            if row["entity"] is None:
                last = int(row["id"] or 0)
            else:
                add_row_references(wanted, row)
    if log.large:
        names = await names_in_log(scope, wanted, *log.entries_sql(last))
    else:
        names = await names_of(scope, wanted)
    locale = get_locale()
    async for e in log.entries(TEXT_FIELDS, last):
        yield (
            e.at,
            actor_text(e.actor_name, locale),
            action_label(e.action),
            entity_label(e.entity),
            e.entity_id,
            *record_and_summary(e, names),
            text_changes_text(e, names, locale),
        )


USER_HEADERS = [N_("Username"), N_("Full name"), N_("Role"), N_("Scope"), N_("Last sign-in (UTC)"), N_("Status")]


async def user_rows(users: AsyncIterable) -> AsyncIterator[tuple]:
    """An account's row from accounts.selectors.USER_EXPORT_FIELDS, its scope worded as the list words it
    (labels.account_scope)."""
    enabled, disabled = _("Enabled"), _("Disabled")
    roles = {role: label(role) for role in Role}  # translated once per file, not once per account
    async for u in users:
        yield (
            u.username,
            u.display_name,
            roles[u.role],
            account_scope(u),
            u.last_login_at,
            enabled if u.is_active else disabled,
        )


def headers(msgids: Sequence[Msgid]) -> list[str]:
    return [m.tr() for m in msgids]


def export_response(
    fmt: str, filename: str, headers: Sequence[str], rows: AsyncIterable[Sequence[Any]]
) -> StreamingResponse:
    """An attachment download of the rows as .xlsx (default) or .csv, their labels in the request's language."""
    if fmt == "csv":
        body, media, ext = csv_chunks(headers, rows), "text/csv; charset=utf-8", "csv"
    else:
        body, media, ext = xlsx_chunks(headers, rows, filename), XLSX_TYPE, "xlsx"
    body = _in_locale(get_locale(), body)
    name = f"{filename}.{ext}"
    disposition = f"attachment; filename=\"{name.encode('ascii', 'replace').decode()}\"; filename*=UTF-8''{quote(name)}"
    return StreamingResponse(body, media_type=media, headers={"Content-Disposition": disposition})
