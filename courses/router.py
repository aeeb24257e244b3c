"""Every route of the learning side, in matching order (fixed paths before /courses/{course_id})."""

from fastapi import APIRouter

from courses.catalog.router import router as catalog_router
from courses.classroom.router import router as classroom_router
from courses.completion.router import router as certificates_router
from courses.completion.router import verify_router
from courses.enrolment.router import router as enrolment_router
from courses.materials.router import router as materials_router

router = APIRouter()
for sub in (certificates_router, verify_router, enrolment_router, catalog_router, materials_router, classroom_router):
    router.include_router(sub)
