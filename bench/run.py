"""Run every benchmark and print one table: ``.venv/bin/python -m bench.run``.

``--only sync`` runs only the sync and server benchmarks; ``--short`` runs them small (20
inspections with 100 photos, a 5,000-organization pull, a 30,000-record import and 20 clients
for 10 s, instead of 200 with 1,000, 50,000, 180,000 and 100 clients for 60 s); ``--database
postgresql://...`` (an empty database, used by each in turn) and ``--workers N`` run the server
as an office would (PostgreSQL, several workers).
"""

import argparse
import os
import tempfile
import unicodedata
from pathlib import Path

from bench.bench_core import run_core_benchmarks
from bench.bench_frozen import run_frozen_benchmarks
from bench.bench_notices import run_notice_benchmarks
from bench.bench_security import run_security_benchmarks
from bench.bench_startup import run_startup_benchmarks
from bench.bench_supervisor import run_supervisor_benchmarks
from bench.bench_sync import run_sync_benchmarks
from bench.bench_sync_load import run_load_benchmarks
from bench.bench_ui import run_ui_benchmarks
from bench.measure import Result
from inspector.unlock import PASSWORD_ENV


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def print_table(results: list[Result]) -> None:
    name_width = max(_width(r.name) for r in results) + 2
    print(f"{_pad('benchmark', name_width)}{'value':>12}  unit  {'target':<14}ok")
    for r in results:
        ok = "" if r.met is None else ("yes" if r.met else "NO")
        print(f"{_pad(r.name, name_width)}{r.value:>12.2f}  {r.unit:<4}  {r.target:<14}{ok}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=None, help="where to build the bench store")
    parser.add_argument("--only", choices=["all", "sync"], default="all")
    parser.add_argument("--short", action="store_true", help="the sync benchmarks, small")
    parser.add_argument("--database", default=None, help="an empty PostgreSQL database")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault(PASSWORD_ENV, "bench-password")  # the bench stores are encrypted
    if args.only == "sync":
        with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
            print_table(_server_benchmarks(Path(tmp), args.short, args.database, args.workers))
        return
    results = run_startup_benchmarks()  # first: before this process loads its caches
    more, store_path = run_core_benchmarks(args.workdir)
    results += more
    results += run_supervisor_benchmarks(store_path)
    results += run_ui_benchmarks(store_path)
    results += run_frozen_benchmarks(store_path)
    results += run_security_benchmarks(store_path)
    results += run_notice_benchmarks(store_path.parent / "notices")
    sync_dir = store_path.parent / "sync"
    sync_dir.mkdir(exist_ok=True)
    results += _server_benchmarks(sync_dir, args.short, args.database, args.workers)
    print_table(results)


def _server_benchmarks(
    workdir: Path, short: bool, database: str | None, workers: int
) -> list[Result]:
    """bench_sync (push beside a plain upload, pull) then bench_sync_load (import stall, many
    clients), each in a folder of its own; on PostgreSQL the database is emptied between."""
    push, pull = ((20, 100), 5_000) if short else ((200, 1_000), 50_000)
    load = (30_000, 20, 10.0) if short else (180_000, 100, 60.0)
    (workdir / "push").mkdir()
    (workdir / "load").mkdir()
    results = run_sync_benchmarks(
        workdir / "push", *push, min_mb=1.0, max_mb=3.0, orgs=pull, server=(database, workers)
    )
    if database:
        _empty(database)
    results += run_load_benchmarks(workdir / "load", *load, database, workers)
    return results


def _empty(database: str) -> None:
    """Drop every table of the bench's PostgreSQL database (the next bench migrates it anew)."""
    import psycopg

    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


if __name__ == "__main__":
    main()
