"""Reads of a course's materials and their versions; each takes the course (or material) read through the
viewer's scope (courses.catalog.selectors.course_get)."""

from courses.catalog.models import Course
from courses.materials.models import Material, MaterialVersion


async def course_materials(*, course: Course) -> list[Material]:
    """Materials of a course, each with `current` (the newest version) and `history` (all, newest first).
    Two queries."""
    materials = await Material.filter(course_id=course.id).order_by("title", "id")
    versions = await (
        MaterialVersion.filter(material__course_id=course.id).select_related("uploaded_by").order_by("-number")
    )
    by_material: dict[int, list[MaterialVersion]] = {}
    for v in versions:
        by_material.setdefault(v.material_id, []).append(v)
    for m in materials:
        m.history = by_material.get(m.id, [])
        m.current = next((v for v in m.history if v.number == m.current_no), None)
    return materials


async def material_get(*, course: Course, material_id: int) -> Material:
    return await Material.get(course_id=course.id, id=material_id)


async def version_get(*, material: Material, version_id: int | None = None) -> MaterialVersion:
    """A version of the material: the given one, or the current one."""
    if version_id is None:
        return await MaterialVersion.get(material_id=material.id, number=material.current_no)
    return await MaterialVersion.get(material_id=material.id, id=version_id)


async def material_history(*, material: Material) -> list[MaterialVersion]:
    return await MaterialVersion.filter(material_id=material.id).select_related("uploaded_by").order_by("-number")
