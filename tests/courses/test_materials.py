"""Materials: versions with checksum storage, content-checked uploads, attachment downloads in scope."""

import hashlib
import io
import zipfile

import pytest
from starlette.datastructures import UploadFile

from courses.materials import services
from courses.materials.models import Material, MaterialVersion
from talent.core import uploads as uploads_module
from talent.core.errors import ServiceError
from tests.conftest import ensure_csrf, login
from tests.courses.helpers import make_course, scope_of
from tests.factories import world

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(data: bytes, name: str) -> UploadFile:
    return UploadFile(file=io.BytesIO(data), filename=name)


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


async def _create(w, data: bytes, name: str, **kw):
    bureau = w["users"]["bureau"]
    course = kw.pop("course", None) or await make_course(w)
    return await services.material_create(
        actor=bureau, scope=await scope_of(bureau), course=course, title="讲义", upload=upload(data, name), **kw
    )


async def test_a_new_upload_is_a_version_with_size_checksum_and_uploader_and_identical_files_are_stored_once(
    db, storage
):
    w = await world()
    bureau = w["users"]["bureau"]
    course = await make_course(w)
    material = await _create(w, PDF, "讲义.pdf", course=course, change_note="first")
    v1 = await MaterialVersion.get(material_id=material.id, number=1)
    assert (v1.size, v1.sha256, v1.uploaded_by_id, v1.content_type) == (
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
        bureau.id,
        "application/pdf",
    )
    # The same bytes again, under another material: one file on disk.
    await _create(w, PDF, "copy.pdf", course=course)
    v2 = await services.material_add_version(
        actor=bureau, scope=await scope_of(bureau), course=course, material=material,
        upload=upload(docx_bytes(), "讲义.docx"), change_note="Word version",
    )  # fmt: skip
    assert v2.number == 2 and (await Material.get(id=material.id)).current_no == 2
    files = [p for p in (storage / "materials").rglob("*") if p.is_file() and p.parent.name != "tmp"]
    assert len(files) == 2  # the PDF once, the DOCX once
    assert storage_path_is_checksum(files)


def storage_path_is_checksum(files) -> bool:
    return all(p.name == hashlib.sha256(p.read_bytes()).hexdigest() for p in files)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<!doctype html><script>alert(1)</script>", "notes.pdf", "not allowed"),  # a PDF that is really HTML
        (PDF, "notes.png", "not allowed"),  # content and name disagree
        (b"MZ\x90\x00executable", "setup.exe", "not allowed"),
        (b"<svg onload=alert(1)>", "pic.svg", "not allowed"),
        (b"PK\x03\x04not really a zip", "deck.pptx", "not allowed"),
        (PDF, "../../etc/passwd.pdf", "path"),
        (PDF, "a\\b.pdf", "path"),
        (PDF, "bad\x00name.pdf", "control characters"),
        (PDF, "bad\nname.pdf", "control characters"),
        (b"", "empty.pdf", "empty"),
    ],
)
async def test_bad_uploads_are_refused_and_nothing_is_stored(db, storage, data, name, message):
    w = await world()
    with pytest.raises(ServiceError, match=message):
        await _create(w, data, name)
    assert await Material.all().count() == 0
    assert not [p for p in storage.rglob("*") if p.is_file()]


async def test_an_oversized_upload_is_refused(db, storage, monkeypatch):
    monkeypatch.setattr(uploads_module, "max_upload_bytes", lambda: 1024)
    w = await world()
    with pytest.raises(ServiceError, match="larger than"):
        await _create(w, PDF + b"0" * 2000, "big.pdf")
    assert await Material.all().count() == 0


async def test_a_link_material_needs_a_web_address(db):
    w = await world()
    bureau = w["users"]["bureau"]
    course = await make_course(w)
    with pytest.raises(ServiceError, match="http"):
        await services.material_create(
            actor=bureau, scope=await scope_of(bureau), course=course, title="x", url="javascript:alert(1)"
        )
    m = await services.material_create(
        actor=bureau, scope=await scope_of(bureau), course=course, title="政策", url="https://www.mca.gov.cn/"
    )
    assert m.kind == "link"


async def _multipart(client, url: str, fields: dict, files: dict):
    token = await ensure_csrf(client)
    return await client.post(url, data={"csrf_token": token, **fields}, files=files)


async def test_downloads_are_attachments_with_the_original_name_and_only_in_scope(client):
    w = await world()
    course = await make_course(w)
    await login(client, "bureau")
    created = await _multipart(
        client, f"/courses/{course.id}/materials", {"title": "讲义"}, {"file": ("讲义 v1.pdf", PDF, "text/html")}
    )
    assert created.status_code == 303, created.text[-500:]
    material = await Material.get(course_id=course.id)
    bad = await _multipart(
        client, f"/courses/{course.id}/materials/{material.id}/versions", {"change_note": "x"},
        {"file": ("v2.pdf", b"<html>hi</html>", "application/pdf")},
    )  # fmt: skip
    assert bad.status_code == 422 and "not allowed" in bad.text
    v2 = PDF + b"% v2\n"
    ok = await _multipart(
        client, f"/courses/{course.id}/materials/{material.id}/versions", {"change_note": "修订"},
        {"file": ("讲义 v2.pdf", v2, "application/pdf")},
    )  # fmt: skip
    assert ok.status_code == 303
    history = await client.get(f"/courses/{course.id}/materials/{material.id}")
    assert history.status_code == 200 and "修订" in history.text
    await login(client, "worker")
    response = await client.get(f"/courses/{course.id}/materials/{material.id}/download")
    assert response.status_code == 200
    assert response.content == v2  # learners get the current version
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''%E8%AE%B2%E4%B9%89%20v2.pdf" in disposition
    # Learners neither see the history nor download earlier versions.
    v1 = await MaterialVersion.get(material_id=material.id, number=1)
    assert (await client.get(f"/courses/{course.id}/materials/{material.id}")).status_code == 403
    old = f"/courses/{course.id}/materials/{material.id}/versions/{v1.id}/download"
    assert (await client.get(old)).status_code == 403
    await login(client, "hr")
    assert (await client.get(old)).content == PDF  # staff do
    # Someone who may not see the course gets 404 for the file.
    other = await make_course(w, author="citybureau", region="320104")
    await login(client, "worker")
    assert (await client.get(f"/courses/{other.id}/materials/{material.id}/download")).status_code == 404
    client.cookies.delete("talent_session")
    anonymous = await client.get(f"/courses/{course.id}/materials/{material.id}/download")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
