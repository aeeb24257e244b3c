"""The application with the exam-prep routes, for the load benchmark and the browser test.

`uvicorn courses.examprep.asgi:create_app --factory` serves the whole platform plus /exam-prep; once
talent/app.py includes the exam-prep routers itself, this adds nothing twice.
"""

from fastapi import FastAPI


def include_routes(app: FastAPI) -> FastAPI:
    from courses.examprep.router import bank_router, router

    if "/exam-prep" not in {getattr(route, "path", "") for route in app.routes}:
        app.include_router(bank_router)
        app.include_router(router)
    return app


def create_app(*, manage_db: bool = True) -> FastAPI:
    from talent.app import create_app as platform_app

    return include_routes(platform_app(manage_db=manage_db))
