"""The eligibility answer for bureau systems and exam-registration help (DESIGN §3):

    GET /api/v1/workers/{worker_no}/eligibility?year=YYYY

Scoped like the worker page (the viewer's scoped worker queryset): a number outside it answers 404, exactly
like an unknown one. The numbers are those of the worker page's eligibility section (selectors.worker_eligibility).
"""

from typing import Annotated

from fastapi import Path, Query
from starlette.responses import JSONResponse, Response

from talent.certification import selectors
from talent.certification.rules import LevelEligibility
from talent.core.clock import local_today
from talent.core.i18n import gettext as _
from talent.people.selectors import worker_by_no
from talent.places.models import CertLevel
from talent.web.auth import CurrentViewer
from talent.web.routing import Router

router = Router(prefix="/api/v1", tags=["api"])

LEVELS = ("assistant", "intermediate", "senior")


def _missing(level: LevelEligibility) -> str | None:
    if level.eligible:
        return None
    if level.years_missing:
        return _("years of social work missing: %(n)s", n=str(level.years_to_show))
    if level.level_missing:
        needed = CertLevel(level.level_missing).label.tr() if level.level_missing in LEVELS else level.level_missing
        return _("the %(level)s certificate first", level=needed)
    return _("no route admits this education and major")


def _level_answer(level: LevelEligibility) -> dict:
    rule = level.rule
    return {
        "eligible": level.eligible,
        "held": level.held,
        "rule": rule.note if rule is not None else None,
        "source": rule.source or None if rule is not None else None,
        "source_year": rule.source_year if rule is not None else None,
        "missing": _missing(level),
        "years_missing": float(level.years_to_show) if level.years_missing else 0.0,
        "certificate_missing": level.level_missing,
    }


@router.get("/workers/{worker_no}/eligibility")
async def worker_eligibility_api(
    viewer: CurrentViewer,
    worker_no: Annotated[str, Path(max_length=32)],
    year: Annotated[int | None, Query(ge=2008, le=2100)] = None,
) -> Response:
    """May this worker sit each level of the national exam in `year` (default: the next exam), by which route
    and source document, or what is missing. Years of social work count employment spells and prior social
    work, days shared counted once, to the year's cut-off date."""
    worker = await worker_by_no(scope=viewer.scope, worker_no=worker_no)
    result = await selectors.worker_eligibility(
        scope=viewer.scope, worker_id=worker.id, worker=worker, today=local_today(), year=year
    )
    by_level = {level.level: level for level in result.levels}
    return JSONResponse(
        {
            "worker_no": worker.worker_no,
            "year": result.year,
            "cut_off": result.cutoff.isoformat(),
            "years_of_social_work": float(result.years),
            "days_of_social_work": result.days,
            "education": result.education,
            "social_work_major": result.social_work_major,
            "levels": {name: _level_answer(by_level[name]) for name in LEVELS if name in by_level},
            "formula": _(
                "Years of social work = days of employment spells and prior social work up to the cut-off "
                "(days shared counted once, full-time study not counted) ÷ 365.25; a route that requires a "
                "certificate counts the years since that certificate's date."
            ),
        }
    )
