"""Start-up of whole processes, beside a bare PySide6 window measured in the same run.

- ``inspector --help``: median < 0.3 s
- ``inspector gui --screenshot`` on the demo store (3,000 organizations): median < 0.8 s and
  within 3× the bare window
- a bare PySide6 window (QApplication, an empty QMainWindow shown and grabbed to a PNG): the
  yardstick, so that the ratios hold on a fast or a slow (or busy) machine alike

Each process runs ``STARTS`` times, the three kinds taking turns so that a burst of load on a
shared machine hits them alike, after one round that is not counted. Memory is each process's
peak RSS. Run alone with ``.venv/bin/python -m bench.bench_startup``.

The processes run with compiled bytecode, as an installed program does (pip and the builds
compile it): ``PYTHONDONTWRITEBYTECODE``, if this shell sets it, would have every start compile
the program's own 60-odd modules from source again (about 60 ms here), a cost the bare window,
having no modules of its own, never pays. The bytecode goes to a cache in the run's temporary
folder (``PYTHONPYCACHEPREFIX``), written by the uncounted round.
"""

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.measure import Result
from cli.demo import DEMO_PASSWORD
from inspector.unlock import PASSWORD_ENV

STARTS = 5
WARM_UP = 1  # rounds not counted: they write the bytecode cache
ROOT = Path(__file__).resolve().parent.parent
BARE_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1366, 768)
window.show()
app.processEvents()
window.grab().save(sys.argv[1], "PNG")
"""


# Linux counts the peak RSS of a process's parent at fork time into the child's ru_maxrss, so
# a child of this (large) process would report this process's memory. A small Python process
# in between starts each one, times it and reads its own rusage of it.
MEASURE = """
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen([sys.executable, *sys.argv[1:]], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(
    time.perf_counter() - started,
    usage.ru_utime + usage.ru_stime,
    usage.ru_maxrss / 1024,
    os.waitstatus_to_exitcode(status),
)
"""


def _environment(bytecode: Path) -> dict[str, str]:
    # The demo store is encrypted: the screenshot signs in with the demo's documented password.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", PASSWORD_ENV: DEMO_PASSWORD}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak RSS in MB) of one process, from its start to its exit."""
    answer = subprocess.run(
        [sys.executable, "-c", MEASURE, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if answer[3] != "0":
        raise RuntimeError(f"{args} exited with status {answer[3]}")
    return float(answer[0]), float(answer[1]), float(answer[2])


def _demo_store(folder: Path) -> Path:
    """The demo store, encrypted with the demo's password whatever the caller's environment
    holds (``bench.run`` sets its own password for the other bench stores)."""
    db = folder / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "inspector", "--db", str(db), "demo"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, PASSWORD_ENV: DEMO_PASSWORD},
    )
    return db


def run_startup_benchmarks() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as name:
        folder = Path(name)
        db = _demo_store(folder)
        shot = str(folder / "shot.png")
        env = _environment(folder / "bytecode")
        kinds = {
            "bare": ["-c", BARE_WINDOW, shot],
            "help": ["-m", "inspector", "--help"],
            "gui": ["-m", "inspector", "--db", str(db), "gui", "--screenshot", shot],
        }
        runs: dict[str, list[tuple[float, float, float]]] = {kind: [] for kind in kinds}
        for round_number in range(WARM_UP + STARTS):
            for kind, args in kinds.items():
                measured = _run(args, env)
                if round_number >= WARM_UP:
                    runs[kind].append(measured)
    seconds = {kind: statistics.median(r[0] for r in found) for kind, found in runs.items()}
    cpu = {kind: statistics.median(r[1] for r in found) for kind, found in runs.items()}
    memory = {kind: max(r[2] for r in found) for kind, found in runs.items()}
    gui_ratio = seconds["gui"] / seconds["bare"]
    return [
        Result("空白 PySide6 窗口（中位数）", seconds["bare"], "s", ""),
        Result(
            "inspector --help（中位数）", seconds["help"], "s", "< 0.3 s", seconds["help"] < 0.3
        ),
        Result("inspector --help ÷ 空白窗口", seconds["help"] / seconds["bare"], "×", ""),
        Result("inspector --help 内存", memory["help"], "MB", ""),
        Result(
            "gui --screenshot 演示库（中位数）",
            seconds["gui"],
            "s",
            "< 0.8 s",
            seconds["gui"] < 0.8,
        ),
        Result("gui --screenshot ÷ 空白窗口", gui_ratio, "×", "≤ 3×", gui_ratio <= 3),
        # On a shared machine the wall time includes waiting for a CPU; the CPU time does not.
        Result("gui --screenshot CPU ÷ 空白窗口 CPU", cpu["gui"] / cpu["bare"], "×", ""),
        Result("gui --screenshot 内存", memory["gui"], "MB", ""),
        Result("空白窗口内存", memory["bare"], "MB", ""),
    ]


if __name__ == "__main__":
    from bench.run import print_table

    print_table(run_startup_benchmarks())
