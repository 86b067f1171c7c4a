"""Server storage: one SQL database (SQLite or PostgreSQL) and a folder of content-addressed files.

SQLite (stdlib, ``DATA/server.db``) is the embedded default for a one-machine office; a
``postgresql://`` URL selects PostgreSQL through a psycopg 3 connection pool. The modules above
write one SQL dialect (``?`` placeholders, ``ON CONFLICT``, ``RETURNING``), which both accept.

**Writes are serialised**, on both engines, and that is what keeps the pull cursor gap-free:
SQLite's ``BEGIN IMMEDIATE`` takes the database's one write lock; on PostgreSQL every write
transaction first takes one transaction-scoped advisory lock (``pg_advisory_xact_lock``), held to
its commit. A change number is drawn inside such a transaction, so numbers commit in the order they
were drawn: a reader that sees number N also sees every number below it, in any worker process.
Reads are snapshots (SQLite WAL reader, PostgreSQL ``REPEATABLE READ``) and never wait for writers.
"""

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sync.server.migrations import MIGRATIONS, render

DATABASE_ENV = "INSPECTOR_SERVER_DATABASE"
_WRITER_LOCK_KEY = 7_314_159  # the advisory lock every PostgreSQL write transaction holds


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Conn(Protocol):
    """What the modules above use: one ``execute`` with ``?`` placeholders."""

    def execute(self, sql: str, params: Any = ..., /) -> Cursor: ...


@dataclass(frozen=True)
class User:
    """The caller of a request: the account, and the device and address it came from."""

    username: str
    role: str
    roster_id: str | None
    device_id: str = ""
    address: str = ""

    @property
    def is_inspector(self) -> bool:
        return self.role == "inspector"


def admin_actor(action_source: str = "inspector server") -> User:
    """Who an administrative command run on the server machine is recorded as."""
    return User(username="admin-cli", role="admin", roster_id=None, address=action_source)


class ServerStore:
    """The server's data folder (``blobs/`` complete files, ``partial/`` uploads under way) and
    its database: ``database`` (a ``postgresql://`` URL), else ``$INSPECTOR_SERVER_DATABASE``,
    else ``DATA/server.db``."""

    def __init__(self, data_dir: Path | str, database: str | None = None):
        self.data_dir = Path(data_dir)
        self.blobs_dir.mkdir(parents=True, exist_ok=True)
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        self.engine = self._engine_for(self.data_dir, database)
        self.engine.migrate()

    @staticmethod
    def _engine_for(data_dir: Path, database: str | None) -> "_Engine":
        url = database or os.environ.get(DATABASE_ENV) or ""
        if url.startswith(("postgresql://", "postgres://")):
            return _Postgres(url)
        return _Sqlite(data_dir / "server.db")

    @property
    def blobs_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def partial_dir(self) -> Path:
        return self.data_dir / "partial"

    @property
    def is_postgres(self) -> bool:
        return isinstance(self.engine, _Postgres)

    def blob_path(self, sha256: str) -> Path:
        return self.blobs_dir / sha256[:2] / sha256

    def partial_path(self, sha256: str) -> Path:
        return self.partial_dir / sha256

    @contextmanager
    def transaction(self) -> Iterator[Conn]:
        """One atomic change under the writer lock; rolls back on any exception."""
        with self.engine.transaction() as conn:
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Conn]:
        """A consistent read (one snapshot)."""
        with self.engine.reading() as conn:
            yield conn

    def read_row(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first row of one statement, run outside any transaction: a single statement is
        its own snapshot, and on PostgreSQL this is one round trip (``reading`` adds a
        ``BEGIN`` and a ``ROLLBACK``)."""
        return self.engine.read_row(sql, params)

    def schema_version(self) -> int:
        return self.engine.version()

    @property
    def database_url(self) -> str:
        """The PostgreSQL URL (for ``pg_dump``); only on PostgreSQL."""
        assert isinstance(self.engine, _Postgres)
        return self.engine.url

    def sqlite_backup(self, target: sqlite3.Connection) -> None:
        """A consistent copy of the SQLite database into ``target`` (SQLite's backup API)."""
        assert isinstance(self.engine, _Sqlite)
        self.engine.backup(target)

    def close(self) -> None:
        self.engine.close()


def next_seq(conn: Conn) -> int:
    """The next change number; only ever called inside a (serialised) write transaction."""
    row = conn.execute(
        "INSERT INTO counters (name, value) VALUES ('change_seq', 1)"
        " ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value"
    ).fetchone()
    return int(row[0])


def audit(conn: Conn, user: User, action: str, target: str, detail: str = "") -> None:
    """Record an accepted write: who (user, device), when, from where, what. Same transaction."""
    from inspector.clock import utc_now

    conn.execute(
        "INSERT INTO server_audit (at, username, device_id, address, action, target, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (utc_now(), user.username, user.device_id, user.address, action, target, detail),
    )


class _Engine(Protocol):
    def transaction(self) -> Any: ...

    def reading(self) -> Any: ...

    def read_row(self, sql: str, params: Sequence[Any]) -> Any: ...

    def migrate(self, target: int | None = None) -> None: ...

    def version(self) -> int: ...

    def close(self) -> None: ...


class _Sqlite:
    """One connection per process behind a lock; other processes wait on SQLite's own lock."""

    def __init__(self, path: Path):
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[Conn]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[Conn]:
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("ROLLBACK")

    def read_row(self, sql: str, params: Sequence[Any]) -> Any:
        with self._lock:  # autocommit: the statement is its own read transaction
            return self._conn.execute(sql, params).fetchone()

    def version(self) -> int:
        with self.reading() as conn:
            return _stored_version(conn, "SELECT name FROM sqlite_master WHERE name = ?")

    def migrate(self, target: int | None = None) -> None:
        with self.transaction() as conn:
            found = _stored_version(conn, "SELECT name FROM sqlite_master WHERE name = ?")
            for number, sql in MIGRATIONS[found : target or len(MIGRATIONS)]:
                for statement in _statements(render(sql, "sqlite")):
                    conn.execute(statement)
                _set_version(conn, number)

    def backup(self, target: sqlite3.Connection) -> None:
        with self._lock:
            self._conn.backup(target)

    def close(self) -> None:
        self._conn.close()


class _Postgres:
    """A psycopg 3 connection pool; write transactions take the one writer advisory lock."""

    def __init__(self, url: str):
        from psycopg import IsolationLevel
        from psycopg_pool import ConnectionPool

        self._snapshot = IsolationLevel.REPEATABLE_READ
        self.url = url
        self._pool = ConnectionPool(
            url, min_size=1, max_size=8, open=True, timeout=30, kwargs={"autocommit": True}
        )

    @contextmanager
    def transaction(self) -> Iterator[Conn]:
        """A write transaction in pipeline mode: statements are sent without waiting for their
        answers, which come back with the next one whose rows (or row count) are needed, and
        at the commit. ``BEGIN`` and the writer lock thus travel with the first read, and the
        writes that follow the last read with the ``COMMIT``: a transaction costs one round
        trip per read, plus one. An error surfaces at the next wait and rolls it all back."""
        with self._pool.connection() as raw:
            try:
                with raw.pipeline() as pipeline:
                    raw.execute("BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE")
                    raw.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITER_LOCK_KEY,))
                    yield _PgConn(raw, pipeline)
                    raw.execute("COMMIT")  # with the pipeline's closing sync
            except BaseException:
                raw.rollback()
                raise

    @contextmanager
    def reading(self) -> Iterator[Conn]:
        """A snapshot: ``BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY``, one round trip
        (psycopg puts the connection's settings into its BEGIN)."""
        with self._pool.connection() as raw:
            raw.isolation_level, raw.read_only = self._snapshot, True
            with raw.transaction():
                yield _PgConn(raw)

    def read_row(self, sql: str, params: Sequence[Any]) -> Any:
        with self._pool.connection() as raw:  # autocommit: no BEGIN, the statement alone
            return _PgConn(raw).execute(sql, params).fetchone()

    def version(self) -> int:
        with self.reading() as conn:
            return _stored_version(conn, "SELECT to_regclass(?)")

    def migrate(self, target: int | None = None) -> None:
        with self.transaction() as conn:
            found = _stored_version(conn, "SELECT to_regclass(?)")
            for number, sql in MIGRATIONS[found : target or len(MIGRATIONS)]:
                for statement in _statements(render(sql, "postgresql")):
                    conn.execute(statement)
                _set_version(conn, number)

    def close(self) -> None:
        self._pool.close()


class _PgConn:
    """A psycopg connection speaking the ``?`` placeholder the modules above write."""

    def __init__(self, raw: Any, pipeline: Any = None):
        self._raw, self._pipeline = raw, pipeline

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Cursor:
        cursor = self._raw.execute(sql.replace("?", "%s"), tuple(params))
        return cursor if self._pipeline is None else _PipelinedCursor(cursor, self._pipeline)


class _PipelinedCursor:
    """A cursor whose answer may not have come yet: psycopg waits for it when rows are
    fetched; the row count is waited for here."""

    def __init__(self, cursor: Any, pipeline: Any):
        self._cursor, self._pipeline = cursor, pipeline

    @property
    def rowcount(self) -> int:
        self._pipeline.sync()
        return int(self._cursor.rowcount)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())


def _stored_version(conn: Conn, table_exists_sql: str) -> int:
    """The schema version; a database made before numbered migrations counts as version 1."""
    if _exists(conn, table_exists_sql, "schema_version"):
        return int(conn.execute("SELECT version FROM schema_version").fetchone()[0])
    return 1 if _exists(conn, table_exists_sql, "users") else 0


def _exists(conn: Conn, sql: str, table: str) -> bool:
    row = conn.execute(sql, (table,)).fetchone()
    return row is not None and row[0] is not None


def _set_version(conn: Conn, number: int) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    conn.execute("DELETE FROM schema_version")
    conn.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
