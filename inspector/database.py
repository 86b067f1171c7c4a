"""The store's connection as the rest of the core uses it: SQL through ``execute``, and
sqlite-utils' table helpers (``table``, ``db[name]``, ``atomic``) for the few places that use
them.

sqlite-utils is imported the first time a helper is asked for, not when a store opens: with
the dateutil and pluggy it pulls in it costs about 40 ms, and the GUI's first screen only runs
SQL (``tests/test_startup_imports.py`` keeps it out of that path).
"""

import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils
    from sqlite_utils.db import Table, View

Parameters = Sequence[Any] | Mapping[str, Any]


class Database:
    """One connection (``conn``) to the store, plain SQLite or SQLCipher."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # What sqlite_utils.Database sets on every connection it wraps: the store's triggers
        # were written and tested with it on, so it is on before the first statement.
        conn.execute("PRAGMA recursive_triggers=on;")
        self._helpers: sqlite_utils.Database | None = None

    def execute(self, sql: str, parameters: Parameters = ()) -> sqlite3.Cursor:
        """``conn.execute``: the connection is in autocommit mode (``isolation_level=None``),
        so a statement outside ``BEGIN`` commits by itself, as sqlite-utils' ``execute`` does."""
        return self.conn.execute(sql, parameters)

    def table(self, name: str) -> "Table":
        return self._sqlite_utils().table(name)

    def __getitem__(self, name: str) -> "Table | View":
        return self._sqlite_utils()[name]

    def atomic(self) -> AbstractContextManager["sqlite_utils.Database"]:
        """A transaction, or inside one a savepoint (sqlite-utils' ``atomic``)."""
        return self._sqlite_utils().atomic()

    def close(self) -> None:
        self.conn.close()

    def _sqlite_utils(self) -> "sqlite_utils.Database":
        """sqlite-utils over the same connection, without third-party sqlite-utils plugins:
        none may change the store's connection, and looking for them (every installed
        package's entry points) costs about 30 ms."""
        if self._helpers is None:
            import sqlite_utils

            self._helpers = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._helpers
