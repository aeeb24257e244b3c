"""Load benchmark: N concurrent mock-exam takers against a running server, over HTTP (issue 5, DESIGN §4).

    .venv/bin/python bench/mock_exam_load.py --takers 100 --scale 0.01
        starts its own server (talent.app:create_app on a fresh SQLite file, or PostgreSQL with --pg URL),
    .venv/bin/python bench/mock_exam_load.py --url http://127.0.0.1:8000 --database-url sqlite:///path --takers 100
        uses a running one (the database URL is needed to create the takers' accounts and to count stored answers).

Each taker: starts an A-ZH mock exam (POST /exam-prep/mock), opens the paper, then for every question thinks
for 30–90 s × scale and autosaves an answer (the htmx POST of the page), then hands in. Takers start spread over
one mean think time. Takers are bench workers with server-side sessions created directly in the database
(no sign-in, so password hashing is not what is measured).

It reports throughput (requests/s), p50/p95 latency per request kind, errors (non-2xx/3xx answers and failed
requests) and lost answers: autosaves the server acknowledged whose value is not what the database holds
afterwards. With think times scaled by s, N takers send requests at the rate of N ÷ s takers at real think
times (80 autosaves per 30–90 s each), which is how the 10,000-taker goal is approached on one machine;
concurrent in-progress attempts are N (each a stored 80-question paper).

The 10,000-taker goal itself, at real think times (scale 1):

    .venv/bin/python bench/mock_exam_load.py --takers 10000 --scale 1 --ramp 300 --workers 2 [--answers 20]

--ramp spreads the starts over that many seconds; --answers K answers the first K questions and then hands in
(a shorter window of the same load: the request rate of N takers does not depend on K). A run of a started
server also reports the server's CPU time per request (all its processes), which does not depend on how busy
the rest of the machine is. Long runs print progress every minute.
"""

import argparse
import asyncio
import contextlib
import hashlib
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
INPUT = re.compile(r'type="(radio|checkbox)" name="choice" value="([A-H])" id="c-(\d+)-[A-H]"')
CSRF = "bench-csrf-token"
# The demo question bank, loaded through the exam-prep service into the configured database.
LOAD_BANK = (
    "from courses.examprep.services import demo_bank_load; from talent.cli import run_with_db; "
    "print('demo question bank:', run_with_db(demo_bank_load), 'questions added')"
)


# ── set-up: accounts, and optionally a server ──────────────────────────────────────────────────────────────


async def create_takers(database_url: str, n: int, run: str) -> list[str]:
    """N bench workers with worker accounts and sessions; returns their session tokens."""
    from tortoise.context import TortoiseContext

    from talent.accounts.models import Session, User
    from talent.core.access import Role
    from talent.db import tortoise_config
    from talent.people.models import Worker

    tokens = [secrets.token_urlsafe(24) for _ in range(n)]
    now = datetime.now(UTC)
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(database_url))
        await Worker.bulk_create(
            [Worker(worker_no=f"B{run}{i:05d}", name=f"压测{i}") for i in range(n)], batch_size=1000
        )
        workers = (
            await Worker.filter(worker_no__startswith=f"B{run}").order_by("worker_no").values_list("id", flat=True)
        )
        await User.bulk_create(
            [
                User(username=f"b{run}{i:05d}", password_hash="!", role=Role.WORKER, worker_id=wid)
                for i, wid in enumerate(workers)
            ],
            batch_size=1000,
        )
        users = await User.filter(username__startswith=f"b{run}").order_by("username").values_list("id", flat=True)
        await Session.bulk_create(
            [
                Session(
                    id=hashlib.sha256(token.encode()).hexdigest(),
                    user_id=uid,
                    last_seen_at=now,
                    expires_at=now + timedelta(days=2),
                )
                for token, uid in zip(tokens, users, strict=True)
            ],
            batch_size=1000,
        )
    return tokens


async def stored_answers(database_url: str, attempt_ids: list[int]) -> dict[tuple[int, int], str]:
    from tortoise.context import TortoiseContext

    from courses.examprep.models import AttemptItem
    from talent.db import tortoise_config

    out = {}
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(database_url))
        for start in range(0, len(attempt_ids), 500):
            rows = await AttemptItem.filter(attempt_id__in=attempt_ids[start : start + 500]).values_list(
                "attempt_id", "question_id", "response"
            )
            out.update({(a, q): r for a, q, r in rows})
    return out


async def pg_admin(url: str, sql: str) -> None:
    import asyncpg

    parts = urlsplit(url.replace("postgresql://", "postgres://", 1))
    conn = await asyncpg.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres", password=parts.password,
        database=parts.path.lstrip("/") or "postgres",
    )  # fmt: skip
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, workers: int, log_path: Path) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, TALENT_DATABASE_URL=database_url)
    for args in ([str(BIN / "talent"), "migrate"], [str(BIN / "python"), "-c", LOAD_BANK]):
        subprocess.run(args, env=env, check=True, capture_output=True, cwd=ROOT)
    port = _free_port()
    log = log_path.open("w")
    proc = subprocess.Popen(
        [str(BIN / "python"), "-m", "uvicorn", "talent.app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning",
         "--backlog", "4096", "--timeout-keep-alive", "75"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the server did not start:\n" + log_path.read_text()[-2000:])


# ── the takers ─────────────────────────────────────────────────────────────────────────────────────────────


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {"start": [], "paper": [], "autosave": [], "submit": []}
        self.errors: list[str] = []
        self.acked: dict[tuple[int, int], str] = {}
        self.sent = 0
        self.attempts: list[int] = []
        self.finished = 0

    def requests(self) -> int:
        return sum(len(v) for v in self.latency.values())


def taker_headers(token: str) -> dict[str, str]:
    """A signed-in taker's cookies and CSRF header. A signed-in user's CSRF token is bound to their session (an
    HMAC of the session cookie, talent.web.security), so it is worked out here as the server does."""
    from talent.web.security import csrf_token_for

    csrf = csrf_token_for({"talent_session": token})
    return {"Cookie": f"talent_session={token}; talent_csrf={CSRF}", "X-CSRF-Token": csrf}


async def taker(
    client, token: str, stats: Stats, scale: float, delay: float, rng: random.Random, subject: str, answers: int
):
    await asyncio.sleep(delay)
    headers = taker_headers(token)

    async def call(kind: str, method: str, url: str, **kw):
        started = time.perf_counter()
        try:
            response = await client.request(method, url, headers={**headers, **kw.pop("headers", {})}, **kw)
        except Exception as exc:  # noqa: BLE001 — any failure is an error of the run
            stats.errors.append(f"{kind}: {type(exc).__name__} {exc}"[:200])
            return None
        stats.latency[kind].append(time.perf_counter() - started)
        if response.status_code >= 400:
            stats.errors.append(f"{kind}: HTTP {response.status_code} {url}")
            return None
        return response

    started = await call("start", "POST", "/exam-prep/mock", data={"subject": subject})
    if started is None or "location" not in started.headers:
        if started is not None:
            stats.errors.append(f"start: no redirect ({started.status_code})")
        return
    path = started.headers["location"]
    attempt_id = int(path.rsplit("/", 1)[1])
    stats.attempts.append(attempt_id)
    paper = await call("paper", "GET", path)
    if paper is None:
        return
    questions: dict[int, tuple[str, list[str]]] = {}
    for kind, letter, qid in INPUT.findall(paper.text):
        questions.setdefault(int(qid), (kind, []))[1].append(letter)
    del paper  # 10,000 takers each holding an 80-question page would cost gigabytes
    if not questions:
        stats.errors.append("paper: no questions")
        return
    for qid, (kind, letters) in list(questions.items())[:answers]:
        await asyncio.sleep(rng.uniform(30, 90) * scale)
        chosen = [rng.choice(letters)] if kind == "radio" else sorted(rng.sample(letters, rng.randint(1, 3)))
        stats.sent += 1
        saved = await call(
            "autosave", "POST", f"{path}/answers/{qid}", data={"choice": chosen}, headers={"HX-Request": "true"}
        )
        if saved is not None and saved.status_code == 200:
            stats.acked[(attempt_id, qid)] = "".join(chosen)
    await asyncio.sleep(rng.uniform(30, 90) * scale)
    await call("submit", "POST", f"{path}/submit")
    stats.finished += 1


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def server_cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a started server and its worker processes (Linux /proc), 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        pids = [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
        ticks = 0
        for p in pids:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


async def progress(stats: Stats, n: int, began: float, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        print(
            f"  … {time.perf_counter() - began:,.0f} s: {len(stats.attempts)}/{n} started, {stats.finished} handed in, "
            f"{stats.sent} answers sent, {stats.requests()} requests, {len(stats.errors)} errors",
            flush=True,
        )


async def run(
    url: str,
    database_url: str,
    n: int,
    scale: float,
    connections: int,
    subject: str,
    seed: int,
    *,
    ramp: float | None = None,
    answers: int = 1000,
    server_pid: int | None = None,
) -> dict:
    import httpx

    run_id = uuid.uuid4().hex[:6]
    tokens = await create_takers(database_url, n, run_id)
    stats = Stats()
    rng = random.Random(seed)
    ramp = 60 * scale if ramp is None else ramp  # by default takers start spread over one mean think time
    # Many small pools rather than one large one: httpcore scans every connection of a pool for every queued
    # request, which made one 400-connection pool the bottleneck of the client at 10,000 takers.
    per_pool = 8
    limits = httpx.Limits(max_connections=per_pool, max_keepalive_connections=per_pool)
    pools = [
        httpx.AsyncClient(base_url=url, limits=limits, timeout=120, follow_redirects=False)
        for _ in range(max(1, connections // per_pool))
    ]
    async with contextlib.AsyncExitStack() as stack:
        for pool in pools:
            await stack.enter_async_context(pool)
        began = time.perf_counter()
        cpu_before = server_cpu_seconds(server_pid)
        reporter = asyncio.create_task(progress(stats, n, began, 60)) if n * scale >= 100 else None
        await asyncio.gather(
            *(
                taker(
                    pools[i % len(pools)],
                    t,
                    stats,
                    scale,
                    rng.uniform(0, ramp),
                    random.Random(rng.random()),
                    subject,
                    answers,
                )  # fmt: skip
                for i, t in enumerate(tokens)
            )
        )
        elapsed = time.perf_counter() - began
        cpu = server_cpu_seconds(server_pid) - cpu_before
        if reporter:
            reporter.cancel()
    stored = await stored_answers(database_url, stats.attempts)
    lost = sum(1 for key, value in stats.acked.items() if stored.get(key) != value)
    return {
        "takers": n,
        "scale": scale,
        "equivalent_real_takers": round(n / scale),
        "ramp_s": round(ramp, 1),
        "answers_per_taker": round(stats.sent / max(1, len(stats.attempts)), 1),
        "seconds": round(elapsed, 1),
        "requests": stats.requests(),
        "throughput_rps": round(stats.requests() / elapsed, 1),
        "autosave_p50_ms": round(pct(stats.latency["autosave"], 50), 1),
        "autosave_p95_ms": round(pct(stats.latency["autosave"], 95), 1),
        "all_p50_ms": round(pct(sum(stats.latency.values(), []), 50), 1),
        "all_p95_ms": round(pct(sum(stats.latency.values(), []), 95), 1),
        "start_p95_ms": round(pct(stats.latency["start"], 95), 1),
        "submit_p95_ms": round(pct(stats.latency["submit"], 95), 1),
        "answers_sent": stats.sent,
        "answers_acknowledged": len(stats.acked),
        "answers_stored_matching": len(stats.acked) - lost,
        "lost_answers": lost,
        "handed_in": stats.finished,
        "server_cpu_s": round(cpu, 1),
        "server_cpu_ms_per_request": round(1000 * cpu / max(1, stats.requests()), 2),
        "errors": len(stats.errors),
        "error_samples": stats.errors[:5],
        "mean_autosave_ms": round(statistics.mean(stats.latency["autosave"]) * 1000, 1)
        if stats.latency["autosave"]
        else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--takers", type=int, nargs="+", default=[50], help="one or more N, run in turn")
    parser.add_argument("--scale", type=float, default=0.01, help="think time factor (0.01: 0.3–0.9 s)")
    parser.add_argument("--url", help="a running server; without it one is started")
    parser.add_argument("--database-url", help="the running server's database (required with --url)")
    parser.add_argument("--pg", help="with a started server: a PostgreSQL URL whose server gets a fresh database")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of a started server")
    parser.add_argument("--connections", type=int, default=400, help="client connection pool size")
    parser.add_argument("--subject", default="A-ZH")
    parser.add_argument("--ramp", type=float, help="seconds over which takers start (default: 60 × scale)")
    parser.add_argument("--answers", type=int, default=1000, help="answer only the first K questions, then hand in")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--stop-on-failure", action="store_true", help="stop at the first N with errors or losses")
    args = parser.parse_args()
    proc = None
    pg_name = None
    tmp = tempfile.TemporaryDirectory(prefix="mock_load_")
    try:
        if args.url:
            if not args.database_url:
                parser.error("--url needs --database-url")
            url, database_url = args.url, args.database_url
        else:
            if args.pg:
                pg_name = "talent_bench_" + uuid.uuid4().hex[:10]
                asyncio.run(pg_admin(args.pg, f'CREATE DATABASE "{pg_name}"'))
                database_url = urlunsplit(urlsplit(args.pg)._replace(path="/" + pg_name))
            else:
                database_url = f"sqlite://{Path(tmp.name) / 'bench.sqlite3'}"
            proc, url = start_server(database_url, args.workers, Path(tmp.name) / "server.log")
            print(f"server {url} ({args.workers} worker(s)) on {database_url.split('?')[0]}", flush=True)
        for n in args.takers:
            result = asyncio.run(
                run(
                    url, database_url, n, args.scale, args.connections, args.subject, args.seed,
                    ramp=args.ramp, answers=args.answers, server_pid=proc.pid if proc else None,
                )
            )  # fmt: skip
            print(" ".join(f"{k}={v}" for k, v in result.items()), flush=True)
            if result["errors"] and proc is not None:
                print("server log (end):\n" + (Path(tmp.name) / "server.log").read_text()[-3000:], flush=True)
            if args.stop_on_failure and (result["errors"] or result["lost_answers"]):
                break
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if pg_name:
            asyncio.run(pg_admin(args.pg, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
        tmp.cleanup()


if __name__ == "__main__":
    main()
