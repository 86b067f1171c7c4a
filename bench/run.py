"""Run every benchmark and print one table: ``.venv/bin/python -m bench.run``."""

import argparse
import os
import unicodedata
from pathlib import Path

from bench.bench_core import run_core_benchmarks
from bench.bench_frozen import run_frozen_benchmarks
from bench.bench_notices import run_notice_benchmarks
from bench.bench_security import run_security_benchmarks
from bench.bench_startup import run_startup_benchmarks
from bench.bench_supervisor import run_supervisor_benchmarks
from bench.bench_sync import run_sync_benchmarks
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
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault(PASSWORD_ENV, "bench-password")  # the bench stores are encrypted
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
    results += run_sync_benchmarks(
        sync_dir, inspections_count=200, photos=1000, min_mb=1.0, max_mb=3.0, orgs=50_000
    )
    print_table(results)


if __name__ == "__main__":
    main()
