"""A raw connection to a store file, plain or encrypted: for tests that look under the core."""

import sqlite3
from pathlib import Path

from inspector import unlock
from inspector.store import connect


def raw_connection(path: Path) -> sqlite3.Connection:
    """A connection keyed like ``open_store`` would key it, without opening checks."""
    return connect(path, unlock.key_for(path))
