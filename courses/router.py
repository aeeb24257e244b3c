"""Every router of the learning side, in matching order (fixed paths before /courses/{course_id}). The app includes
each at its root (a router inside a router would be walked for every request: talent.web.routing)."""

from courses.catalog.router import router as catalog_router
from courses.classroom.router import router as classroom_router
from courses.completion.router import router as certificates_router
from courses.completion.router import verify_router
from courses.enrolment.router import router as enrolment_router
from courses.materials.router import router as materials_router

routers = (certificates_router, verify_router, enrolment_router, catalog_router, materials_router, classroom_router)
