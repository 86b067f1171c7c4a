"""Shared fixtures: a real store in a temporary folder, Qt offscreen, and the `needs` marker."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every store a test makes is encrypted (SQLCipher, attachments AES-GCM) with this password:
# the whole suite runs on encrypted stores, as the app does.
os.environ.setdefault("INSPECTOR_PASSWORD", "test-password")

from inspector.store import Store, open_store

REQUIRE_TOOLS = "INSPECTOR_REQUIRE_TOOLS"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "needs(*tools): commands (or absolute file paths) the test needs; missing ones skip it, "
        f"or fail it when ${REQUIRE_TOOLS} (set by `scripts/setup.sh test`) or $CI is set",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("needs"):
        missing = [tool for tool in mark.args if not _present(tool)]
        if not missing:
            continue
        reason = f"missing: {', '.join(missing)} (scripts/setup.sh installs them)"
        if os.environ.get(REQUIRE_TOOLS) or os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def _present(tool: str) -> bool:
    return Path(tool).is_file() if tool.startswith("/") else shutil.which(tool) is not None


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "inspector.db"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    opened = open_store(store_path)
    yield opened
    opened.close()
