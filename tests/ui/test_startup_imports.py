"""Start-up loads only what the first screen needs: the libraries of the editor, the other
screens, the supervisor's pages and the commands (``startup_probe.HEAVY``) wait until used.

No timings (those are ``bench/bench_startup.py``'s): each start runs in a fresh process on a
small encrypted demo store, as one of its supervisors (so the supervisor's pages are listed),
and reports which of those modules it loaded. Two starts: the bench's ``gui --screenshot``,
and a person signing in on the sign-in screen up to the first screen.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.demo import DEMO_PASSWORD
from inspector import keys, roster
from inspector.store import open_store
from inspector.unlock import PASSWORD_ENV

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("startup") / "demo.db"
    made = _python("-m", "inspector", "--db", str(db), "demo", "--orgs", "40")
    assert made.returncode == 0, made.stderr
    return db


def _python(*args: str, password_in_env: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop(PASSWORD_ENV, None)
    if password_in_env:  # as the CLI and the bench give it
        env[PASSWORD_ENV] = DEMO_PASSWORD
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=False, cwd=ROOT, env=env
    )


def _a_supervisor(db: Path) -> str:
    _, data_key = keys.unwrap_any(keys.load(db), DEMO_PASSWORD)
    store = open_store(db, data_key)
    try:
        return next(p.name for p in roster.all_active(store) if p.role == "supervisor")
    finally:
        store.close()


def test_the_screenshot_start_loads_none_of_the_heavy_libraries(
    demo_store: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "shot.png"
    result = _python("-m", "tests.ui.startup_probe", "screenshot", str(demo_store), str(shot))
    assert result.returncode == 0, result.stderr
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert result.stdout.splitlines()[-1] == "loaded: []"


def test_signing_in_to_the_first_screen_loads_none_of_the_heavy_libraries(
    demo_store: Path, tmp_path: Path
) -> None:
    # The password is typed on the sign-in screen, not taken from the environment.
    result = _python(
        "-m",
        "tests.ui.startup_probe",
        "sign-in",
        str(demo_store),
        str(tmp_path / "ui.ini"),
        _a_supervisor(demo_store),
        DEMO_PASSWORD,
        password_in_env=False,
    )
    assert result.returncode == 0, result.stderr
    *_, screens, loaded = result.stdout.splitlines()
    assert "review" in screens.split()  # a supervisor's window
    assert loaded == "loaded: []"
