"""A pytest plugin that makes PySide6 unimportable, as on a machine without it.

CI runs the core tests once with ``-p tests.qt_absent -p no:pytest-qt``: the core,
checklists, reports, sync and the CLI's non-GUI commands must work where Qt is not installed
(a server, a headless office machine). Any import of PySide6 or shiboken6 then raises the
same ``ModuleNotFoundError`` a missing package would.
"""

import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType

import pytest

BLOCKED = ("PySide6", "shiboken6", "pytestqt")


class QtAbsent(MetaPathFinder):
    """Refuses the Qt packages before any other finder can find them."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


def pytest_addoption(parser: pytest.Parser) -> None:
    # pytest-qt's ini options stay in pyproject.toml; declared here so they are not unknown.
    for name in ("qt_api", "qt_log_level_fail"):
        parser.addini(name, "pytest-qt option, unused without Qt")
    parser.addini("qt_log_ignore", "pytest-qt option, unused without Qt", type="linelist")


def pytest_configure() -> None:
    already = [name for name in sys.modules if name.split(".")[0] in BLOCKED]
    if already:
        raise RuntimeError(f"Qt was imported before the blocker: {already}")
    sys.meta_path.insert(0, QtAbsent())
