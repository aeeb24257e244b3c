"""Every request is served on the event loop: no route and no dependency is a plain `def`.

FastAPI runs a plain function in its thread pool: a hop to a worker thread and back for each one on each request
(the list parameters of every list page were one), which costs more than what such a function does and queues
behind every other request's hops when the pool is busy.
"""

import inspect

from fastapi.routing import iter_route_contexts

from talent.app import create_app


def _runs_on_the_loop(call) -> bool:
    return inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)


def _calls(dependant):
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def threaded_calls(app) -> list[str]:
    """Each plain-function route or dependency of `app`, with the first path that uses it."""
    found: dict[str, str] = {}
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            continue
        for call in _calls(dependant):
            if not _runs_on_the_loop(call):
                found.setdefault(f"{call.__module__}.{call.__qualname__}", route.path)
    return [f"{name} ({path})" for name, path in sorted(found.items())]


def test_no_route_or_dependency_runs_in_the_thread_pool():
    app = create_app(manage_db=False)

    assert threaded_calls(app) == []


def test_the_walk_finds_a_plain_function_dependency():
    from typing import Annotated

    from fastapi import Depends

    def plain() -> int:
        return 1

    app = create_app(manage_db=False)

    @app.get("/planted")
    async def planted(value: Annotated[int, Depends(plain)]) -> int:
        return value

    assert [line for line in threaded_calls(app) if "plain" in line] == [
        "tests.web.test_dependencies.test_the_walk_finds_a_plain_function_dependency.<locals>.plain (/planted)"
    ]
