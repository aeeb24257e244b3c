"""Benchmark: a 100,000-row workers import against merely reading the file (issue 3, DESIGN §4).

    .venv/bin/python bench/import_workers.py [--rows 100000] [--keep DIR]

Generates workers.xlsx (ROWS rows) and a matching employment.xlsx onto a few stations, then for SQLite and,
when a server answers, PostgreSQL (TALENT_TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test;
a fresh database is created and dropped):
  (a) seconds to only read workers.xlsx with openpyxl read-only (values_only),
  (b) seconds for `talent import workers workers.xlsx` in a subprocess on a freshly migrated database,
and prints b/a (goal ≤ 2.0) and the import's peak RSS (goal < 300 MB, from wait4's rusage of that process).
It also times the employment import and an idempotent re-import of the workers file.
"""

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅琳婷雪倩颖慧晨宇浩然欣怡子涵思雨博文"
EDUCATION = ["secondary", "associate", "bachelor", "bachelor", "master"]
SOURCES = ["incubated", "introduced", "transferred", "other"]
STATIONS = 60
sys.path.insert(0, str(ROOT))
from talent.imports.framework import GC_GEN0  # noqa: E402


def generate(folder: Path, rows: int) -> dict[str, Path]:
    from openpyxl import Workbook

    rng = random.Random(2026)
    paths = {
        name: folder / f"{name}.{ext}"
        for name, ext in (("regions", "csv"), ("stations", "csv"), ("workers", "xlsx"), ("employment", "xlsx"))
    }
    townships = [f"3201020{i:02d}" for i in range(1, 11)]
    with paths["regions"].open("w", encoding="utf-8") as out:
        out.write("code,name,level,parent_code\n320000,江苏省,province,\n320100,南京市,city,320000\n")
        out.write("320102,玄武区,county,320100\n")
        out.writelines(f"{code},街道{i},township,320102\n" for i, code in enumerate(townships, 1))
    with paths["stations"].open("w", encoding="utf-8") as out:
        out.write("code,name,region_code,organisation,tier,opened_on\n")
        out.writelines(
            f"B{i:03d},社工站{i},{townships[i % len(townships)]},机构{i % 5},,2020-01-01\n" for i in range(STATIONS)
        )
    workers = Workbook(write_only=True)
    sheet = workers.create_sheet("data")
    sheet.append(
        ["worker_no", "name", "gender", "birth_date", "education", "social_work_major", "source", "phone", "id_number"]
    )
    spells = Workbook(write_only=True)
    spell_sheet = spells.create_sheet("data")
    spell_sheet.append(["worker_no", "station_code", "start_on", "end_on", "full_time", "exit_type", "exit_reason"])
    for n in range(rows):
        birth = date(1970, 1, 1) + timedelta(days=rng.randrange(12000))
        worker_no = f"B{n:07d}"
        sheet.append(
            [
                worker_no,
                rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                rng.choice(("female", "male")),
                birth,
                rng.choice(EDUCATION),
                rng.choice(("yes", "no")),
                rng.choice(SOURCES),
                f"13{rng.randrange(10**9):09d}",
                f"320102{birth:%Y%m%d}{rng.randrange(1000):03d}{rng.choice('0123456789X')}",
            ]
        )
        start = date(2018, 1, 1) + timedelta(days=rng.randrange(2000))
        ended = rng.random() < 0.25
        spell_sheet.append(
            [
                worker_no,
                f"B{rng.randrange(STATIONS):03d}",
                start,
                start + timedelta(days=rng.randrange(30, 900)) if ended else None,
                "yes",
                "voluntary" if ended else None,
                "pay" if ended else None,
            ]
        )
    workers.save(paths["workers"])
    spells.save(paths["employment"])
    return paths


def read_only_seconds(path: Path, gen0: int | None = None) -> float:
    """(a): openpyxl read-only, values only, at Python's default collector thresholds; with `gen0`, at the
    young-generation threshold the import itself reads with (talent.imports.framework.GC_GEN0), for comparison."""
    import gc

    from openpyxl import load_workbook

    saved = gc.get_threshold()
    if gen0:
        gc.set_threshold(gen0, *saved[1:])
    try:
        started = time.perf_counter()
        workbook = load_workbook(path, read_only=True)
        count = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
        elapsed = time.perf_counter() - started
    finally:
        gc.set_threshold(*saved)
    assert count > 1
    return elapsed


def talent(args: list[str], env: dict, check: bool = True) -> tuple[float, float, int]:
    """Run `talent ARGS`; returns (seconds, peak RSS in MB of that process, exit code)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "talent.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if check and code != 0:
        raise SystemExit(f"talent {' '.join(args)} failed with {code}: {process.stderr.read().decode()[-2000:]}")
    process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024, code  # ru_maxrss is in KiB on Linux


def pg_base_url() -> str:
    url = os.environ.get("TALENT_TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/test"
    return url.replace("postgresql://", "postgres://", 1)


async def _pg_admin(url: str, sql: str) -> None:
    import asyncpg

    parts = urlsplit(url)
    conn = await asyncpg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        database=parts.path.lstrip("/") or "postgres",
        timeout=5,
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def databases(folder: Path):
    yield "SQLite", f"sqlite://{folder / 'bench.sqlite3'}", None
    base = pg_base_url()
    name = "talent_bench_" + uuid.uuid4().hex[:8]
    try:
        asyncio.run(_pg_admin(base, f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 — no server: report and carry on with SQLite only
        print(f"PostgreSQL not reachable at {base} ({exc.__class__.__name__}); skipped.")
        return
    parts = urlsplit(base)
    try:
        yield "PostgreSQL", urlunsplit(parts._replace(path="/" + name)), None
    finally:
        asyncio.run(_pg_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="talent-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"Generating {args.rows:,} workers and spells in {folder} …", flush=True)
    paths = generate(folder, args.rows)
    size = paths["workers"].stat().st_size / 1024 / 1024
    env_base = {**os.environ, "TALENT_DEFAULT_LOCALE": "en", "TALENT_IMPORT_MAX_BYTES": str(200 * 1024 * 1024)}
    print(f"workers.xlsx: {size:.1f} MB", flush=True)
    results = []
    for label, url, _ in databases(folder):
        env = {**env_base, "TALENT_DATABASE_URL": url}
        talent(["migrate"], env)
        talent(["import", "regions", str(paths["regions"])], env)
        talent(["import", "stations", str(paths["stations"])], env)
        # The machine's load varies: read the file right before and after the import and compare with the faster.
        before = read_only_seconds(paths["workers"])
        seconds, rss, _code = talent(["import", "workers", str(paths["workers"])], env)
        read = min(before, read_only_seconds(paths["workers"]))
        # The import collects garbage less often while it runs (framework.fewer_collections); the same read at
        # that setting shows how much of the difference is the collector rather than the import's own work.
        read_gc = read_only_seconds(paths["workers"], gen0=GC_GEN0)
        print(
            f"{label}: read only {read:.2f} s ({read_gc:.2f} s at the import's collector setting), "
            f"import workers {seconds:.2f} s, peak RSS {rss:.0f} MB",
            flush=True,
        )
        again, again_rss, _code = talent(["import", "workers", str(paths["workers"])], env)
        spells, spells_rss, _code = talent(["import", "employment", str(paths["employment"])], env)
        results.append((label, read, read_gc, seconds, rss, again, spells, spells_rss))
    print()
    print(f"rows: {args.rows:,}   goals: b/a ≤ 2.0, peak RSS < 300 MB")
    print(f"(a') is (a) at the import's collector threshold (gen0 = {GC_GEN0:,}); b/a' compares like with like.")
    header = (
        f"{'database':<11} {'(a) read':>9} {'(b) import':>10} {'b/a':>6} {'(a´) read':>10} {'b/a´':>6} "
        f"{'peak RSS':>9} {'re-import':>10} {'employment':>11} {'its RSS':>8}"
    )
    print(header)
    print("-" * len(header))
    for label, read, read_gc, seconds, rss, again, spells, spells_rss in results:
        verdict = "ok" if seconds / read <= 2.0 and rss < 300 else "MISSED"
        print(
            f"{label:<11} {read:>8.2f}s {seconds:>9.2f}s {seconds / read:>6.2f} {read_gc:>9.2f}s "
            f"{seconds / read_gc:>6.2f} {rss:>6.0f} MB {again:>9.2f}s {spells:>10.2f}s {spells_rss:>5.0f} MB  {verdict}"
        )


if __name__ == "__main__":
    main()
