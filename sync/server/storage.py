"""Server storage: one SQL database and a folder of content-addressed files.

SQLite (stdlib) by default. The SQL stays within what PostgreSQL also accepts (``ON CONFLICT``,
no SQLite-only functions in queries) so a later issue can swap the engine behind ``ServerStore``.
Writes are serialised by one lock; SQLite would serialise them anyway, and the pull cursor
relies on sequence numbers being committed in order.
"""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roster_id TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS devices (
    token_hash TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    device_name TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL REFERENCES users(username),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    seq INTEGER NOT NULL UNIQUE,
    deleted INTEGER NOT NULL DEFAULT 0,
    data TEXT,
    PRIMARY KEY (entity, entity_id)
);
CREATE TABLE IF NOT EXISTS entity_access (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    username TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id, username)
);
CREATE TABLE IF NOT EXISTS inspections (
    inspection_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    deleted_at TEXT
);
CREATE TABLE IF NOT EXISTS bundles (
    inspection_id TEXT NOT NULL REFERENCES inspections(inspection_id),
    revision INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL,
    completed_at TEXT,
    PRIMARY KEY (inspection_id, revision)
);
CREATE TABLE IF NOT EXISTS bundle_files (
    inspection_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (inspection_id, revision, sha256)
);
CREATE INDEX IF NOT EXISTS bundle_files_sha ON bundle_files(sha256);
CREATE TABLE IF NOT EXISTS findings (
    finding_id TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspections(inspection_id),
    status TEXT NOT NULL DEFAULT 'open'
);
CREATE TABLE IF NOT EXISTS reviews (
    inspection_id TEXT NOT NULL REFERENCES inspections(inspection_id),
    revision INTEGER NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    reviewer_name TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (inspection_id, revision)
);
CREATE TABLE IF NOT EXISTS notice_numbers (
    authority_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (authority_code, year)
);
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    stored_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    roster_id: str | None

    @property
    def is_inspector(self) -> bool:
        return self.role == "inspector"


class ServerStore:
    """The server's data folder: ``server.db``, ``blobs/`` (complete files), ``partial/``."""

    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self.blobs_dir.mkdir(parents=True, exist_ok=True)
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            self.data_dir / "server.db", isolation_level=None, check_same_thread=False
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=10000")
        self._conn.executescript(SCHEMA)
        self._lock = threading.RLock()

    @property
    def blobs_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def partial_dir(self) -> Path:
        return self.data_dir / "partial"

    def blob_path(self, sha256: str) -> Path:
        return self.blobs_dir / sha256[:2] / sha256

    def partial_path(self, sha256: str) -> Path:
        return self.partial_dir / sha256

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change under the writer lock; rolls back on any exception."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A consistent read (one snapshot) under the same lock."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("ROLLBACK")

    def close(self) -> None:
        self._conn.close()


def next_seq(conn: sqlite3.Connection) -> int:
    """The next change number; only ever called inside a write transaction."""
    conn.execute(
        "INSERT INTO counters (name, value) VALUES ('change_seq', 1)"
        " ON CONFLICT (name) DO UPDATE SET value = counters.value + 1"
    )
    return int(conn.execute("SELECT value FROM counters WHERE name = 'change_seq'").fetchone()[0])
