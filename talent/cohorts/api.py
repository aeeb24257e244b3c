"""JSON report answers of cohorts and supervision (DESIGN §3 "JSON report API": the same numbers as the pages, a
`formula` sentence, rates as fractions): /api/v1/reports/supervision-coverage and /api/v1/reports/cohort-outcomes."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import Query
from fastapi.responses import JSONResponse

from talent.cohorts import outcomes as cohort_outcomes
from talent.cohorts import selectors
from talent.cohorts.access import may_run
from talent.cohorts.rules import RETENTION_DAYS
from talent.core.access import Permission
from talent.core.clock import local_today
from talent.core.i18n import N_
from talent.supervision import selectors as supervision_selectors
from talent.web.auth import Allowed
from talent.web.errors import Forbidden
from talent.web.routing import Router

router = Router(tags=["reports"])

COVERAGE_FORMULA = N_("coverage = stations with an active primary supervisor on the day ÷ stations")


def _fraction(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@router.get("/api/v1/reports/supervision-coverage")
async def coverage_report(
    viewer: Allowed(Permission.SUPERVISION_COVERAGE),
    region: Annotated[str, Query(max_length=12)] = "",
    on: date | None = None,
) -> JSONResponse:
    place = await supervision_selectors.coverage_region(scope=viewer.scope, code=region.strip())
    day = on or local_today()
    figures = await supervision_selectors.coverage(scope=viewer.scope, region=place, today=day)
    return JSONResponse(
        {
            "region": place.code if place else None,
            "on": day.isoformat(),
            "formula": COVERAGE_FORMULA.tr(),
            "stations": figures["stations"],
            "covered": figures["covered"],
            "rate": _fraction(figures["rate"]),
            "children": [
                {
                    "region": r["code"],
                    "name": r["name"],
                    "stations": r["stations"],
                    "covered": r["covered"],
                    "rate": _fraction(r["rate"]),
                }
                for r in figures["children"]
            ],
        }
    )


def _group(outcome) -> dict:
    return {
        "hires": outcome.hires,
        "certified": outcome.certified,
        "certification_rate": _fraction(outcome.certification_rate),
        "mean_ce_hours": _fraction(outcome.mean_ce_hours),
        "retention": {
            str(m): {
                "eligible": outcome.eligible[m],
                "retained": outcome.retained[m],
                "rate": _fraction(outcome.retention(m)),
            }
            for m in RETENTION_DAYS
        },
        "first_year_attrition": _fraction(outcome.attrition),
    }


@router.get("/api/v1/reports/cohort-outcomes")
async def outcomes_report(
    viewer: Allowed(Permission.COHORTS_VIEW),
    cohort: Annotated[int, Query(ge=1, le=2_147_483_647)],
    on: date | None = None,
) -> JSONResponse:
    record = await selectors.cohort_get(scope=viewer.scope, cohort_id=cohort)
    if not may_run(viewer.scope, record):
        raise Forbidden()
    day = on or local_today()
    figures = await cohort_outcomes.compare(cohort=record, on=day)
    formulas = cohort_outcomes.FORMULAS
    return JSONResponse(
        {
            "cohort": record.id,
            "kind": record.kind.value,
            "on": day.isoformat(),
            "formula": " · ".join(
                [
                    formulas["certification_rate"].tr(),
                    formulas["mean_ce_hours"].tr(),
                    formulas["retention"].tr(days="D"),
                    formulas["attrition"].tr(),
                ]
            ),
            "groups": {
                "cohort": _group(figures["cohort"]),
                "other_kind": {"kind": figures["other_kind"].value, **_group(figures["other"])},
                "outside_cohorts": {"hire_years": figures["years"], **_group(figures["outside"])},
            },
        }
    )
