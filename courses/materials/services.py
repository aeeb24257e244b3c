"""Materials and their versions. Each upload (or changed link) is a new version with its uploader,
change note, size and SHA-256; learners get the newest; staff keep the whole history.

Refused: file names with path parts (/, \\, ..) or control characters, files over the size limit,
empty files, and any content that is not an allowed type or does not match its name's extension."""

from urllib.parse import urlsplit

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from courses.catalog.access import can_author
from courses.catalog.models import Course
from courses.catalog.services import audit_scope
from courses.materials.models import Material, MaterialKind, MaterialVersion
from talent.accounts.models import User
from talent.audit.models import Action, Entity
from talent.audit.services import audit_record
from talent.core.access import Scope
from talent.core.errors import ServiceError
from talent.core.i18n import N_
from talent.core.storage import UPLOADS
from talent.core.uploads import upload_check


def clean_url(url: str | None) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or len(url) > 1000
        or any(ch.isspace() or not ch.isprintable() for ch in url)
    ):
        raise ServiceError("url", N_("Enter a web address starting with http:// or https://."))
    return url


async def _store(upload) -> dict:
    temp, values = await upload_check(upload)
    UPLOADS.keep(temp, values["sha256"])
    return values


async def _version_values(kind: MaterialKind, upload, url: str | None) -> dict:
    if kind == MaterialKind.LINK:
        return {"url": clean_url(url)}
    if upload is None or not getattr(upload, "filename", None):
        raise ServiceError("file", N_("Choose a file."))
    return await _store(upload)


async def material_create(
    *, actor: User, scope: Scope, course: Course, title: str, upload=None, url: str | None = None,
    change_note: str = "",
) -> Material:  # fmt: skip
    if not can_author(scope, course):
        raise ServiceError("__all__", N_("You may not edit this course."))
    kind = MaterialKind.LINK if url and not getattr(upload, "filename", None) else MaterialKind.FILE
    values = await _version_values(kind, upload, url)
    async with in_transaction():
        material = await Material.create(course=course, title=title, kind=kind, current_no=1)
        version = await MaterialVersion.create(
            material=material, number=1, change_note=change_note or "", uploaded_by=actor, **values
        )
        await _audit(actor, course, material, version, Action.CREATE)
    return material


async def material_add_version(
    *, actor: User, scope: Scope, course: Course, material: Material, upload=None, url: str | None = None,
    change_note: str = "",
) -> MaterialVersion:  # fmt: skip
    if not can_author(scope, course) or material.course_id != course.id:
        raise ServiceError("__all__", N_("You may not edit this course."))
    values = await _version_values(material.kind, upload, url)
    async with in_transaction():
        # Lock the material row so two uploads at once get numbers n+1 and n+2.
        await Material.filter(id=material.id).update(current_no=F("current_no"))
        fresh = await Material.get(id=material.id)
        number = fresh.current_no + 1
        version = await MaterialVersion.create(
            material=fresh, number=number, change_note=change_note or "", uploaded_by=actor, **values
        )
        await Material.filter(id=fresh.id).update(current_no=number)
        await _audit(actor, course, fresh, version, Action.NEW_VERSION)
    return version


async def _audit(actor, course: Course, material: Material, version: MaterialVersion, action: Action) -> None:
    await audit_record(
        actor=actor,
        action=action,
        entity=Entity.MATERIAL,
        entity_id=material.id,
        summary=f"{course.title} · {material.title} v{version.number}"[:255],
        after={
            "version": version.number,
            "file_name": version.file_name,
            "size": version.size,
            "sha256": version.sha256,
            "url": version.url,
            "change_note": version.change_note,
        },
        **audit_scope(course),
    )
