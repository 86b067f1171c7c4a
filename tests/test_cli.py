"""The command line as a user meets it: entry points, help, errors in Chinese, screenshots."""

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cli.main import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent


def run(
    *args: str, entry: tuple[str, ...] = ("-m", "inspector")
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, *entry, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found += all_commands(command, f"{prefix}{name} ")
    return found


@pytest.mark.parametrize(("name", "command"), all_commands(cli))
def test_every_command_has_help_text(name: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"`inspector {name}` has no help text"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_lists_each_command_with_its_own_help(name: str) -> None:
    """``inspector --help`` shows ``COMMANDS`` without importing the commands: the same text."""
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    assert command.get_short_help_str(limit=300) == COMMANDS[name].short_help


def test_help_imports_no_command_module() -> None:
    """pypinyin's dictionary, openpyxl, pydantic, requests, sqlite-utils: not for ``--help``."""
    heavy = ("pypinyin", "openpyxl", "pydantic", "requests", "sqlite_utils", "reportlab")
    probe = (
        "import sys\n"
        "from cli.main import main\n"
        "sys.argv = ['inspector', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('loaded:', sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    result = run(entry=("-c", probe))
    assert result.returncode == 0, result.stderr
    assert "sync" in result.stdout  # the commands are listed
    assert result.stdout.splitlines()[-1] == "loaded: []"


def test_python_m_inspector_and_main_py_are_the_same_cli() -> None:
    via_module = run("--help")
    via_main = run("--help", entry=("main.py",))
    assert via_module.returncode == via_main.returncode == 0
    assert "社会组织现场检查工具" in via_module.stdout
    # Only the program name in the usage line differs.
    assert via_main.stdout.splitlines()[1:] == via_module.stdout.splitlines()[1:]


def test_a_file_that_is_not_a_database_gets_a_chinese_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("这不是数据库", encoding="utf-8")
    result = run("--db", str(bad), "audit", "verify")
    assert result.returncode == 1
    assert result.stderr.startswith("错误：")
    assert "不是本程序的数据库文件" in result.stderr
    assert "Traceback" not in result.stderr
    assert bad.read_text(encoding="utf-8") == "这不是数据库"


def test_gui_screenshot_renders_the_main_window(tmp_path: Path) -> None:
    shot = tmp_path / "main.png"
    result = run(
        "--db", str(tmp_path / "s.db"), "gui", "--screenshot", str(shot), "--size", "1366x768"
    )
    assert result.returncode == 0, result.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 5_000


def test_gui_without_a_display_says_so_in_chinese(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "inspector", "--db", str(tmp_path / "s.db"), "gui"],
        capture_output=True, text=True, check=False, cwd=ROOT, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("错误：没有可用的图形显示")
    assert "Traceback" not in result.stderr and "qt.qpa" not in result.stderr
