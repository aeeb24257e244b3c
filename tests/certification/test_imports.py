"""The exam_results and certificates spreadsheet kinds: per-row errors and nothing written; idempotent."""

from decimal import Decimal

import pytest

import talent.certification.imports  # noqa: F401  (registers the kinds until KIND_MODULES lists the module)
from talent.certification import services
from talent.certification.models import Certificate, ExamResult
from talent.core.access import Scope
from talent.imports import framework
from talent.imports.commands import CLI_SCOPE
from talent.imports.exporting import export_kind
from tests.factories import world
from tests.imports.conftest import csv_bytes, write

RESULTS = ["worker_no", "year", "subject", "score"]
CERTS = ["worker_no", "level", "number", "obtained_on", "registered_on"]


@pytest.fixture
async def w(db):
    data = await world()
    await services.catalogue_seed()
    return data


def hr_scope(w) -> Scope:
    return Scope(user_id=w["users"]["hr"].id, role=w["users"]["hr"].role, organisation_id=w["orgs"][0].id)


async def run(w, kind, path, dry_run=False):
    return await framework.run(
        framework.get_kind(kind), path, scope=hr_scope(w), actor=w["users"]["hr"], dry_run=dry_run
    )


def problems(outcome):
    return [(p.row, p.column, p.reason) for p in outcome.problems]


async def test_a_results_file_with_bad_rows_reports_each_and_writes_nothing(w, tmp_path):
    rows = [
        RESULTS,
        ["W1", "2024", "A-ZH", "70"],
        ["W1", "2024", "X-YY", "70"],  # unknown subject
        ["W2", "2024", "A-ZH", "120"],  # above full marks
        ["W3", "2024", "A-ZH", "70"],  # another organisation's worker
        ["W1", "2024", "A-ZH", "70"],  # duplicate of row 2
        ["W9", "2024", "A-ZH", "70"],  # unknown worker
    ]
    outcome = await run(w, "exam_results", write(tmp_path, "r.csv", csv_bytes(rows)))
    got = sorted((row, column) for row, column, _reason in problems(outcome))
    assert got == [(3, "subject"), (4, "score"), (5, "worker_no"), (6, "worker_no"), (7, "worker_no")]
    assert not outcome.written
    assert await ExamResult.all().count() == 0


async def test_importing_results_creates_the_certificate_once_and_a_second_import_changes_nothing(w, tmp_path):
    rows = [RESULTS, ["W1", "2024", "A-ZH", "70"], ["W1", "2024", "a-sw", "61.5"], ["W2", "2024", "A-ZH", "40"]]
    path = write(tmp_path, "r.csv", csv_bytes(rows))
    first = await run(w, "exam_results", path)
    assert first.ok and first.written
    assert first.counts.as_dict() == {"created": 3, "updated": 0, "unchanged": 0, "certificates": 1}
    again = await run(w, "exam_results", path)
    assert again.counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 3, "certificates": 0}
    assert await Certificate.filter(worker_id=w["workers"][0].id).count() == 1
    assert (await ExamResult.get(worker_id=w["workers"][0].id, subject__code="A-SW")).score == Decimal("61.5")


async def test_a_certificates_file_is_idempotent_on_the_number_and_checks_the_registration_window(w, tmp_path):
    rows = [
        CERTS,
        ["W1", "助理社会工作师", "2024030001", "2024-06-15", "2024-09-01"],
        ["W2", "intermediate", "2023040002", "2023-06-10", "2025-01-01"],  # registered 19 months later
    ]
    bad = await run(w, "certificates", write(tmp_path, "c.csv", csv_bytes(rows)))
    assert problems(bad) == [
        (3, "registered_on", "The first registration must be within 12 months of the certificate.")
    ]
    assert await Certificate.all().count() == 0
    rows[2][4] = "2024-01-01"
    path = write(tmp_path, "c2.csv", csv_bytes(rows))
    assert (await run(w, "certificates", path)).counts.as_dict()["created"] == 2
    assert (await run(w, "certificates", path)).counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 2}
    cert = await Certificate.get(number="2024030001")
    assert (cert.level.value, str(cert.registration_expires_on)) == ("assistant", "2027-08-31")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
async def test_talent_export_of_results_and_certificates_imports_back_unchanged(w, tmp_path, suffix):
    # 3 results (W1 passes both assistant subjects → 1 certificate) and 2 recorded certificates: exported with
    # English headers, each file re-imports with nothing created or changed.
    results = [RESULTS, ["W1", "2024", "A-ZH", "70"], ["W1", "2024", "A-SW", "61.5"], ["W2", "2024", "A-ZH", "40"]]
    certs = [
        CERTS,
        ["W2", "intermediate", "2023040002", "2023-06-10", "2024-01-01"],
        ["W1", "intermediate", "2022050003", "2022-06-10", ""],
    ]
    assert (await run(w, "exam_results", write(tmp_path, "r.csv", csv_bytes(results)))).written
    assert (await run(w, "certificates", write(tmp_path, "c.csv", csv_bytes(certs)))).written
    for kind, count in (("exam_results", 3), ("certificates", 3)):
        path = tmp_path / f"{kind}{suffix}"
        assert await export_kind(kind, path) == count
        outcome = await framework.run(framework.get_kind(kind), path, scope=CLI_SCOPE, actor=None, dry_run=True)
        assert outcome.ok, outcome.problems
        assert (outcome.counts.created, outcome.counts.updated, outcome.counts.unchanged) == (0, 0, count)
