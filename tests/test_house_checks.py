"""The checks CI relies on do what they claim: Qt really is absent, missing tools really fail."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.qt_absent import QtAbsent

ROOT = Path(__file__).resolve().parents[1]


def test_the_blocker_refuses_every_qt_module() -> None:
    blocker = QtAbsent()
    for name in ("PySide6", "PySide6.QtCore", "shiboken6"):
        with pytest.raises(ModuleNotFoundError):
            blocker.find_spec(name, None)
    assert blocker.find_spec("sqlite3", None) is None


def run_pytest(
    test_file: Path, *options: str, require_tools: bool
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("INSPECTOR_REQUIRE_TOOLS", "CI"):  # either one makes a missing tool fail
        env.pop(name, None)
    if require_tools:
        env["INSPECTOR_REQUIRE_TOOLS"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest",
         "--rootdir", str(test_file.parent), *options, str(test_file)],
        capture_output=True, text=True, env=env, cwd=test_file.parent, check=False,
    )  # fmt: skip


def test_qt_imports_fail_under_the_blocker(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text("def test_qt():\n    import PySide6.QtCore  # noqa: F401\n")
    blocked = run_pytest(probe, "-p", "tests.qt_absent", "-p", "no:pytest-qt", require_tools=False)
    assert blocked.returncode == 1, blocked.stdout
    assert "ModuleNotFoundError: No module named 'PySide6'" in blocked.stdout


def test_a_missing_tool_skips_locally_and_fails_when_required(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import pytest\n\n@pytest.mark.needs('no-such-tool-here')\ndef test_tool():\n    pass\n"
    )
    local = run_pytest(probe, require_tools=False)
    assert local.returncode == 0 and "1 skipped" in local.stdout, local.stdout
    required = run_pytest(probe, require_tools=True)
    assert required.returncode == 1, required.stdout
    assert "missing: no-such-tool-here" in required.stdout
