"""Evidence files on CE credits: content-checked uploads stored by checksum, the external-training rule
(a note or a file), attachment downloads only for those who may see the worker's certificate page."""

import hashlib
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from starlette.datastructures import UploadFile

from talent.accounts import services as account_services
from talent.audit.models import AuditEntry
from talent.certification import services
from talent.certification.models import CeCredit
from talent.core import uploads as uploads_module
from talent.core.access import Role
from talent.core.errors import ServiceError
from tests.conftest import PASSWORD, ensure_csrf, login, text_of
from tests.factories import world

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.fixture
def storage(storage_dir):
    return storage_dir


@pytest.fixture
async def w(db):
    return await world()


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def upload(data: bytes, name: str) -> UploadFile:
    return UploadFile(file=io.BytesIO(data), filename=name)


async def send(client, url: str, fields: dict, file: tuple | None = None):
    """POST the CE form as the browser does: multipart, with the CSRF field and an optional file."""
    token = await ensure_csrf(client)
    files = {"file": file} if file else {"file": ("", b"", "application/octet-stream")}
    return await client.post(url, data={"csrf_token": token, **fields}, files=files)


EXTERNAL = {"hours": "6", "source": "external", "earned_on": "2025-05-01"}


async def test_a_pdf_certificate_is_stored_by_checksum_audited_and_downloadable_by_hr_in_scope(client, w, storage):
    worker = w["workers"][0]
    await CeCredit.create(worker=worker, hours=Decimal("12.5"), source="course", earned_on=date(2025, 3, 1))
    await login(client, "hr")
    base = f"/certificates/workers/{worker.id}"
    form = await client.get(f"{base}/ce/new")
    assert 'enctype="multipart/form-data"' in form.text and 'type="file"' in form.text
    created = await send(client, f"{base}/ce/new", EXTERNAL, ("市社协 培训证书.pdf", PDF, "text/html"))
    assert created.status_code == 303, created.text[-800:]
    credit = await CeCredit.get(worker_id=worker.id, source="external")
    digest = hashlib.sha256(PDF).hexdigest()
    assert (credit.evidence_name, credit.evidence_size, credit.evidence_sha256, credit.evidence_type) == (
        "市社协 培训证书.pdf",
        len(PDF),
        digest,
        "application/pdf",  # from the bytes, not the browser's text/html
    )
    assert credit.note == ""  # the file alone is the evidence
    # Stored once under its checksum, never under the uploader's name; no temporary file left behind.
    files = stored_files(storage)
    assert [p.name for p in files] == [digest]
    entry = await AuditEntry.get(entity="ce_credit", entity_id=str(credit.id))
    assert entry.after["evidence_name"] == "市社协 培训证书.pdf"
    assert (entry.after["evidence_size"], entry.after["evidence_sha256"]) == (len(PDF), digest)
    assert "市社协 培训证书.pdf" in entry.summary and "%PDF" not in str(entry.after)

    page = await client.get(base)
    link = f"{base}/ce/{credit.id}/evidence"
    assert f'href="{link}"' in page.text and "📎" in page.text
    # Worked example: 12.5 h from a course + the 6 h just credited = 18.5 h in the ledger's total.
    assert "Total 18.5" in text_of(page.text)

    response = await client.get(link)
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E5%B8%82%E7%A4%BE%E5%8D%8F%20%E5%9F%B9%E8%AE%AD%E8%AF%81%E4%B9%A6.pdf" in disposition


async def _credit_with_evidence(w) -> CeCredit:
    return await services.ce_credit_add(
        actor=w["users"]["hr"],
        worker=w["workers"][0],
        hours=Decimal(6),
        source="external",
        earned_on=date(2025, 5, 1),
        evidence=upload(PNG, "certificate.png"),
    )


async def test_the_worker_downloads_their_own_evidence_and_nobody_out_of_scope_can(client, w):
    credit = await _credit_with_evidence(w)
    link = f"/certificates/workers/{w['workers'][0].id}/ce/{credit.id}/evidence"
    await login(client, "worker")  # workers[0] themself
    own = await client.get(link)
    assert own.status_code == 200 and own.content == PNG and own.headers["content-type"] == "image/png"
    await account_services.user_create(
        actor=None, username="hr_b", password=PASSWORD, role=Role.HR, organisation_id=w["orgs"][1].id
    )
    await account_services.user_create(
        actor=None, username="worker2", password=PASSWORD, role=Role.WORKER, worker_id=w["workers"][1].id
    )
    for username in ("hr_b", "worker2"):
        client.cookies.delete("talent_session")
        await login(client, username)
        assert (await client.get(link)).status_code == 404, username
    # The id of the credit under another worker's path does not reach it either.
    await login(client, "hr")
    assert (await client.get(f"/certificates/workers/{w['workers'][1].id}/ce/{credit.id}/evidence")).status_code == 404


async def test_a_credit_without_a_file_has_no_evidence_download(client, w):
    credit = await CeCredit.create(
        worker=w["workers"][0], hours=Decimal(8), source="external", earned_on=date(2025, 5, 1), note="证明在档"
    )
    await login(client, "hr")
    assert (await client.get(f"/certificates/workers/{w['workers'][0].id}/ce/{credit.id}/evidence")).status_code == 404


async def test_an_html_file_named_pdf_is_refused_and_nothing_is_written(client, w, storage):
    await login(client, "hr")
    url = f"/certificates/workers/{w['workers'][0].id}/ce/new"
    fields = {**EXTERNAL, "note": "培训证明"}
    response = await send(
        client, url, fields, ("certificate.pdf", b"<!doctype html><script>x</script>", "application/pdf")
    )
    assert response.status_code == 422
    assert 'id="f-file-err"' in response.text and "not allowed" in response.text
    assert 'value="培训证明"' in response.text  # what was typed is kept
    assert await CeCredit.all().count() == 0
    assert await AuditEntry.filter(entity="ce_credit").count() == 0
    assert stored_files(storage) == []


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PDF, "certificate.png", "not allowed"),  # content and name disagree
        (docx_bytes(), "certificate.docx", "not allowed"),  # a material type, but not evidence
        (b"GIF89a" + b"\x00" * 20, "scan.gif", "not allowed"),
        (PDF, "../../etc/passwd.pdf", "path"),
        (PDF, "bad\x00name.pdf", "control characters"),
        (PDF, "bad\nname.pdf", "control characters"),
        (b"", "empty.pdf", "empty"),
    ],
)
async def test_bad_evidence_files_are_refused_before_anything_is_written(w, storage, data, name, message):
    with pytest.raises(ServiceError, match=message) as caught:
        await services.ce_credit_add(
            actor=w["users"]["hr"],
            worker=w["workers"][0],
            hours=Decimal(6),
            source="external",
            earned_on=date(2025, 5, 1),
            evidence=upload(data, name),
        )
    assert caught.value.field == "file"
    assert await CeCredit.all().count() == 0
    assert stored_files(storage) == []


async def test_an_oversized_file_is_refused_and_nothing_is_written(client, w, storage, monkeypatch):
    monkeypatch.setattr(uploads_module, "max_upload_bytes", lambda: 1024)
    await login(client, "hr")
    url = f"/certificates/workers/{w['workers'][0].id}/ce/new"
    # Slightly over the limit: read, counted and refused while spooling.
    spooled = await send(client, url, EXTERNAL, ("big.pdf", PDF + b"0" * 2000, "application/pdf"))
    assert spooled.status_code == 422 and "larger than" in spooled.text
    # Far over it: refused from Content-Length before the body is read.
    declared = await send(client, url, EXTERNAL, ("huge.pdf", PDF + b"0" * 200_000, "application/pdf"))
    assert declared.status_code == 422 and 'id="f-file-err"' in declared.text
    assert await CeCredit.all().count() == 0
    assert stored_files(storage) == []


async def test_external_training_needs_a_note_or_a_file(client, w, storage):
    await login(client, "hr")
    url = f"/certificates/workers/{w['workers'][0].id}/ce/new"
    neither = await send(client, url, EXTERNAL)
    assert neither.status_code == 422 and 'id="f-note-err"' in neither.text
    assert await CeCredit.all().count() == 0
    note_only = await send(client, url, {**EXTERNAL, "note": "区社协培训 2025-05"})
    assert note_only.status_code == 303
    file_only = await send(client, url, EXTERNAL, ("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40, "image/jpeg"))
    assert file_only.status_code == 303
    credits = await CeCredit.filter(worker_id=w["workers"][0].id).order_by("id")
    assert [(c.note, c.evidence_type) for c in credits] == [("区社协培训 2025-05", None), ("", "image/jpeg")]


async def test_only_editors_in_scope_may_attach_evidence(client, w, storage):
    other = w["workers"][2]
    await login(client, "hr")
    response = await send(
        client, f"/certificates/workers/{other.id}/ce/new", EXTERNAL, ("c.pdf", PDF, "application/pdf")
    )
    assert response.status_code == 404
    await login(client, "worker")
    own = await send(client, f"/certificates/workers/{w['workers'][0].id}/ce/new", EXTERNAL, ("c.pdf", PDF, "x"))
    assert own.status_code == 403
    assert await CeCredit.all().count() == 0
    assert stored_files(storage) == []
