"""`uvicorn courses.examprep.asgi:create_app --factory`: the whole platform (exam prep included), as the load
benchmark and the exam-prep browser test start it."""

from fastapi import FastAPI


def create_app(*, manage_db: bool = True) -> FastAPI:
    from talent.app import create_app as platform_app

    return platform_app(manage_db=manage_db)
