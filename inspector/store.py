"""The local store: one SQLite file, opened safely and brought up to the current schema.

Opening never harms the file: a file that is not a database, or is damaged, is refused with a
clear message; a file from a newer program is refused; before any migration the file is copied
beside itself.
"""

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
import sqlite_utils

from inspector.errors import StoreError
from inspector.migrations import LATEST_VERSION, MIGRATIONS

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
APP_NAME = "social-org-inspector"


def default_db_path() -> Path:
    """``$INSPECTOR_DB`` if set, else ``inspector.db`` in the user's data folder."""
    env = os.environ.get("INSPECTOR_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "inspector.db"


@dataclass
class Store:
    """An open store: the database and the folder that holds attachment files."""

    path: Path
    db: sqlite_utils.Database

    @property
    def files_dir(self) -> Path:
        """Attachment files, named by SHA-256, in a folder beside the database."""
        return self.path.with_name(self.path.name + ".files")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change: commits on success, rolls back on any exception."""
        conn = self.db.conn
        if conn.in_transaction:
            raise RuntimeError("nested transaction")
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        self.db.close()


def open_store(path: Path | str) -> Store:
    """Open (or create) the store at ``path`` and apply pending migrations."""
    path = Path(path)
    _refuse_non_database(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        _check_integrity(conn, path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        log.exception("cannot open %s", path)
        raise StoreError(
            f"数据库文件已损坏，无法打开：{path}（{exc}）。文件未作任何改动。"
        ) from exc
    if version > LATEST_VERSION:
        conn.close()
        raise StoreError(
            f"数据库文件 {path} 由较新版本的程序创建（数据版本 {version}，"
            f"本程序支持到 {LATEST_VERSION}）。请升级程序后再打开；文件未作任何改动。"
        )
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    db = sqlite_utils.Database(conn)
    if version < LATEST_VERSION:
        if version > 0:
            _backup(conn, path, version)
        _migrate(conn, version)
    return Store(path=path, db=db)


def _refuse_non_database(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_MAGIC))
    if header != SQLITE_MAGIC:
        raise StoreError(f"文件 {path} 不是本程序的数据库文件，已拒绝打开；文件未作任何改动。")


def _check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        log.error("quick_check on %s: %s", path, result)
        raise StoreError(f"数据库文件已损坏：{path}。请从备份恢复；文件未作任何改动。")


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    with sqlite3.connect(target) as copy:
        conn.backup(copy)
    copy.close()
    log.info("backed up %s to %s before migrating", path, target)
    return target


def _migrate(conn: sqlite3.Connection, current: int) -> None:
    # executescript commits any open transaction first, so BEGIN/COMMIT live inside the script.
    for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        log.info("migrated store to version %d", number)
