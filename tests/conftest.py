"""Shared fixtures: a real store in a temporary folder, and Qt offscreen."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from inspector.store import Store, open_store


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "inspector.db"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    opened = open_store(store_path)
    yield opened
    opened.close()
