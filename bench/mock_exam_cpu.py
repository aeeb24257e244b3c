"""Server CPU time per mock-exam request kind (start, paper, autosave, hand-in), read from /proc around each
phase, so the figure does not depend on how busy the rest of the machine is.

    .venv/bin/python bench/mock_exam_cpu.py [--takers 100] [--pg postgres://postgres@127.0.0.1:5432/test]

Starts its own one-process server (as bench/mock_exam_load.py does) on a fresh SQLite file or a fresh
PostgreSQL database, starts N attempts at once, opens each paper, saves 20 answers per attempt eight at a
time, and hands every attempt in. At 10,000 takers with real think times a 2-core machine must serve about
167 autosaves a second and, while the takers arrive, tens of starts and papers a second.
"""

import argparse
import asyncio
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mock_exam_load as load  # noqa: E402


async def measure(url: str, database_url: str, pid: int, n: int) -> dict:
    import httpx

    tokens = await load.create_takers(database_url, n, "c" + uuid.uuid4().hex[:5])
    headers = [load.taker_headers(t) for t in tokens]
    cpu = [load.server_cpu_seconds(pid)]
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        starts = await asyncio.gather(
            *(client.post("/exam-prep/mock", data={"subject": "A-ZH"}, headers=h) for h in headers)
        )
        cpu.append(load.server_cpu_seconds(pid))
        paths = [r.headers["location"] for r in starts]
        papers = await asyncio.gather(*(client.get(p, headers=h) for p, h in zip(paths, headers, strict=True)))
        cpu.append(load.server_cpu_seconds(pid))
        questions = [load.INPUT.findall(p.text)[::4][:20] for p in papers]
        gate = asyncio.Semaphore(8)

        async def save(path: str, h: dict, letter: str, qid: str) -> None:
            async with gate:
                hx = {**h, "HX-Request": "true"}
                r = await client.post(f"{path}/answers/{qid}", data={"choice": [letter]}, headers=hx)
                assert r.status_code == 200, (r.status_code, r.url)

        saves = [
            save(p, h, letter, qid)
            for p, h, qs in zip(paths, headers, questions, strict=True)
            for _kind, letter, qid in qs
        ]
        await asyncio.gather(*saves)
        cpu.append(load.server_cpu_seconds(pid))
        await asyncio.gather(*(client.post(f"{p}/submit", headers=h) for p, h in zip(paths, headers, strict=True)))
        cpu.append(load.server_cpu_seconds(pid))
    per = [1000 * (b - a) for a, b in zip(cpu, cpu[1:], strict=False)]
    return {
        "takers": n,
        "start_ms": round(per[0] / n, 1),
        "paper_ms": round(per[1] / n, 1),
        "autosave_ms": round(per[2] / len(saves), 2),
        "autosaves": len(saves),
        "submit_ms": round(per[3] / n, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--takers", type=int, default=100)
    parser.add_argument("--pg", help="a PostgreSQL URL whose server gets a fresh database for the run")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="mock_cpu_")
    pg_name = None
    if args.pg:
        pg_name = "talent_cpu_" + uuid.uuid4().hex[:10]
        asyncio.run(load.pg_admin(args.pg, f'CREATE DATABASE "{pg_name}"'))
        database_url = urlunsplit(urlsplit(args.pg)._replace(path="/" + pg_name))
    else:
        database_url = f"sqlite://{Path(tmp.name) / 'cpu.sqlite3'}"
    proc, url = load.start_server(database_url, 1, Path(tmp.name) / "server.log")
    try:
        result = asyncio.run(measure(url, database_url, proc.pid, args.takers))
        db = "PostgreSQL" if args.pg else "SQLite"
        print(f"{db}: server CPU per request: " + " ".join(f"{k}={v}" for k, v in result.items()), flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        if pg_name:
            asyncio.run(load.pg_admin(args.pg, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
        tmp.cleanup()


if __name__ == "__main__":
    main()
