"""create_app(): middleware, routers, templates, static files and the database lifespan."""

import logging
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from tortoise.contrib.fastapi import RegisterTortoise

from talent.core.collector import tuned_collector
from talent.db import tortoise_config
from talent.settings import get_settings
from talent.web.handlers import install_error_handlers
from talent.web.security import WebMiddleware, csrf_protect, refuse_undecodable_multipart, reject_control_characters
from talent.web.templating import ROOT

log = logging.getLogger("talent")


class UnmigratedDatabase(RuntimeError):
    pass


async def pending_migrations() -> list[str]:
    from tortoise.connection import get_connection
    from tortoise.migrations.executor import MigrationExecutor

    config = tortoise_config()
    executor = MigrationExecutor(get_connection("default"), config["apps"])
    plan = await executor.plan()
    return [f"{step.migration.app_label}.{step.migration.name}" for step in plan if not step.backward]


def create_app(*, manage_db: bool = True) -> FastAPI:
    """manage_db=False lets tests and the demo loader own the Tortoise context themselves."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if not manage_db:
            yield
            return
        async with RegisterTortoise(app, config=tortoise_config()):
            pending = await pending_migrations()
            if pending:
                raise UnmigratedDatabase(
                    "The database is not migrated (pending: " + ", ".join(pending) + "). Run `talent migrate` first."
                )
            with tuned_collector(get_settings().gc_young_threshold):
                yield

    app = FastAPI(
        title="Talent",
        lifespan=lifespan,
        dependencies=[Depends(reject_control_characters), Depends(csrf_protect)],
        docs_url=None,
        redoc_url=None,
        # Served by talent.web.docs to signed-in users only.
        openapi_url=None,
    )
    app.add_middleware(WebMiddleware)
    refuse_undecodable_multipart()
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(ROOT / "static")), name="static")

    from courses.examprep.router import bank_router as examprep_bank_router
    from courses.examprep.router import router as examprep_router
    from courses.router import routers as courses_routers
    from talent.accounts.router import router as accounts_router
    from talent.accounts.tokens_router import router as tokens_router
    from talent.admin.router import router as admin_router
    from talent.analytics.api import router as reports_api_router
    from talent.analytics.router import router as reports_router
    from talent.api.router import router as api_router
    from talent.audit.router import router as audit_router
    from talent.certification.admin_router import router as exams_admin_router
    from talent.certification.api_router import router as certification_api_router
    from talent.certification.ce_rules_router import router as ce_rules_router
    from talent.certification.router import router as certification_router
    from talent.cohorts.api import router as cohorts_api_router
    from talent.cohorts.router import router as cohorts_router
    from talent.dashboard.router import router as dashboard_router
    from talent.domains import load as load_domains
    from talent.help.router import router as help_router
    from talent.imports.router import router as imports_router
    from talent.notifications.router import router as notifications_router
    from talent.pay.router import router as pay_router
    from talent.people.router import router as people_router
    from talent.places.organisations_router import router as organisations_router
    from talent.places.regions_router import router as regions_router
    from talent.places.stations_router import router as stations_router
    from talent.places.tiers_router import router as tiers_router
    from talent.supervision.router import router as supervision_router
    from talent.web.docs import router as docs_router
    from talent.web.health import router as health_router

    load_domains()  # the domains register their import kinds and reminder providers
    for router in (
        health_router,
        # Matched first: a sitting exam's autosaves are by far the most frequent requests.
        examprep_bank_router,
        examprep_router,
        docs_router,
        accounts_router,
        tokens_router,
        dashboard_router,
        help_router,
        regions_router,
        # Before the stations router: /stations/{station_id} would take /stations/organisations and /stations/tiers.
        organisations_router,
        tiers_router,
        stations_router,
        people_router,
        imports_router,
        *courses_routers,
        certification_router,
        ce_rules_router,
        pay_router,
        certification_api_router,
        exams_admin_router,
        notifications_router,
        audit_router,
        admin_router,
        api_router,
        # Before the supervision router: /supervision/sessions… are the cohorts router's.
        cohorts_router,
        cohorts_api_router,
        supervision_router,
        reports_router,
        reports_api_router,
    ):
        app.include_router(router)
    return app
