"""The desktop build beside the virtualenv: whole-process start to the first screen.

Both run ``inspector --db STORE gui --screenshot`` on the same store in the same run, taking
turns so load on the machine hits both alike. Needs the build
(``bash packaging/build_desktop.sh``); without it the row says so instead of a number.
"""

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.measure import Result, timed
from cli.demo import DEMO_PASSWORD
from inspector.unlock import PASSWORD_ENV

ROOT = Path(__file__).resolve().parents[1]
FROZEN = ROOT / "build" / "dist" / "social-org-inspector" / "inspector"
RUNS = 5
TARGET_RATIO = 1.5


def run_frozen_benchmarks(db_path: Path) -> list[Result]:
    if not FROZEN.is_file():
        return [Result("desktop build: not built (packaging/build_desktop.sh)", 0, "", "")]
    frozen: list[float] = []
    venv: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        shot = str(Path(folder) / "first.png")
        for _ in range(RUNS):
            frozen.append(_start(db_path, shot, [str(FROZEN)], _environment(frozen=True)))
            venv.append(
                _start(
                    db_path, shot, [sys.executable, "-m", "inspector"], _environment(frozen=False)
                )
            )
    frozen_s, venv_s = statistics.median(frozen), statistics.median(venv)
    ratio = frozen_s / venv_s
    return [
        Result("start to first screen, virtualenv (median)", venv_s, "s", ""),
        Result("start to first screen, desktop build (median)", frozen_s, "s", ""),
        Result(
            "desktop build / virtualenv",
            ratio,
            "x",
            f"<= {TARGET_RATIO:g}x",
            ratio <= TARGET_RATIO,
        ),
    ]


def _start(db_path: Path, shot: str, program: list[str], env: dict[str, str]) -> float:
    command = [*program, "--db", str(db_path), "gui", "--screenshot", shot]
    return timed(lambda: subprocess.run(command, check=True, env=env, capture_output=True))


def _environment(*, frozen: bool) -> dict[str, str]:
    """The bench store is encrypted with the demo password; the build must not find the
    checkout's sources."""
    env = {**os.environ, PASSWORD_ENV: DEMO_PASSWORD}
    if frozen:
        env.pop("PYTHONPATH", None)
    return env
