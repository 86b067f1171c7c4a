"""The local store: one SQLite file, opened safely and brought up to the current schema.

Opening never harms the file. Before anything is written, ``open_store`` checks the folder
(exists, writable, has free space) and the file (not empty, an SQLite file, not locked by
another program, undamaged, ours by its ``application_id`` or schema, not from a newer
program) through a read-only connection; each problem gets its own message and the file is
left as it was. Before any migration the file is copied beside itself. On close the WAL is
checkpointed into the main file, so that one file is the whole store.
"""

import logging
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
import sqlcipher3

from inspector import APP_NAME, unlock
from inspector.database import Database
from inspector.errors import StoreError
from inspector.migrations import AFTER_SCRIPT, APPLICATION_ID, LATEST_VERSION, MIGRATIONS

log = logging.getLogger(__name__)


SQLITE_MAGIC = b"SQLite format 3\x00"
# Below this much free space a store is not opened: the first write would fail half-way.
MIN_FREE_BYTES = 1024 * 1024
# How long opening waits for another program's lock before saying the file is in use.
LOCK_WAIT_SECONDS = 2.0
BUSY_TIMEOUT_MS = 5000
# Tables every version of our schema has: a file with these and application_id 0 is one of
# ours written before the id was set (migration M_APPLICATION_ID).
_OUR_TABLES = frozenset({"organizations", "roster", "checklists", "audit_log", "settings"})
# A plain store's connection raises sqlite3's errors, an encrypted one sqlcipher3's: catch both.
INTEGRITY_ERRORS = (sqlite3.IntegrityError, sqlcipher3.IntegrityError)
DATABASE_ERRORS = (sqlite3.DatabaseError, sqlcipher3.DatabaseError)
ERRORS = (sqlite3.Error, sqlcipher3.Error)
ENCRYPTED_CACHE_KIB = 32 * 1024  # per connection, filled only as pages are read


class DiskFullError(StoreError):
    """A write failed because the disk is full; nothing of that transaction was saved."""


def default_db_path() -> Path:
    """``$INSPECTOR_DB`` if set, else ``inspector.db`` in the user's data folder (created)."""
    env = os.environ.get("INSPECTOR_DB")
    if env:
        return Path(env)
    folder = platformdirs.user_data_dir(APP_NAME, appauthor=False, ensure_exists=True)
    return Path(folder) / "inspector.db"


@dataclass
class Store:
    """An open store: the database and the folder that holds attachment files."""

    path: Path
    db: Database
    read_only: bool = False
    # Side files a read-only connection of a WAL file creates and cannot remove itself.
    created_side_files: tuple[Path, ...] = ()
    data_key: bytes | None = None  # None: a plain store (not yet migrated to encryption)
    closed: bool = False  # set by close(): timers and late callbacks must not touch it then

    @property
    def files_dir(self) -> Path:
        """Attachment files, named by SHA-256, in a folder beside the database."""
        return self.path.with_name(self.path.name + ".files")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change: commits on success, rolls back on any exception.

        A full disk, a lock held too long by another program or a file turned read-only
        becomes a ``StoreError`` saying so (``DiskFullError`` for the full disk).
        """
        conn = self.db.conn
        if conn.in_transaction:
            raise RuntimeError("nested transaction")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:  # SQLite rolls back by itself after SQLITE_FULL
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except ERRORS as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            error = write_error(exc, self.path)
            if error is None:
                raise
            raise error from exc

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside a transaction, a part that is undone alone when it raises (then re-raised)."""
        if not self.db.conn.in_transaction:
            raise RuntimeError("a savepoint needs a transaction")
        with self.db.atomic():  # SAVEPOINT … RELEASE, or ROLLBACK TO on an exception
            yield

    def close(self) -> None:
        """Checkpoint the WAL into the database file, then close."""
        self.closed = True
        if self.read_only:
            self.db.close()
            for side in self.created_side_files:
                side.unlink(missing_ok=True)
            return
        try:
            busy, _, _ = self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                log.info("WAL of %s not fully checkpointed: another connection reads", self.path)
        except ERRORS:
            log.warning(
                "cannot checkpoint %s; its -wal file keeps the rest", self.path, exc_info=True
            )
        self.db.close()


def write_error(exc: Exception, path: Path) -> StoreError | None:
    """The user's message for a write that failed because of the disk or a lock, else None."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        log.warning("disk full writing %s", path, exc_info=exc)
        return DiskFullError(
            f"磁盘空间已满：{path} 所在的磁盘没有剩余空间，本次更改未保存；"
            "此前已保存的数据不受影响。请腾出磁盘空间后重试。"
        )
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreError(_locked_message(path))
    if code == sqlite3.SQLITE_READONLY:
        return StoreError(
            f"数据库文件 {path} 已变为只读，本次更改未保存。请检查文件夹或 U 盘的写保护后重试。"
        )
    return None


@contextmanager
def reader(path: Path) -> Iterator[Store]:
    """Another connection to a store that is open already, to read on a worker thread.

    No checks and no migration: opening the store (``open_store``) did those; WAL lets this
    connection read while the store's own connection writes. Closed without a checkpoint.
    """
    data_key = unlock.key_for(path)
    conn = connect(path, data_key)
    try:
        yield Store(path=path, db=Database(conn), data_key=data_key)
    finally:
        conn.close()


def connect(path: Path, data_key: bytes | None, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection to the store file: SQLCipher keyed with ``data_key``, or plain SQLite."""
    target, uri = (f"{path.resolve().as_uri()}?mode=ro", True) if read_only else (str(path), False)
    if data_key is None:
        return sqlite3.connect(
            target,
            uri=uri,
            isolation_level=None,
            check_same_thread=False,
            timeout=LOCK_WAIT_SECONDS,
        )
    conn = sqlcipher3.connect(
        target, uri=uri, isolation_level=None, check_same_thread=False, timeout=LOCK_WAIT_SECONDS
    )
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not stderr's
    conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    # Each page read from disk is decrypted; a larger cache of decrypted pages keeps the
    # register search as fast as on a plain file (bench/bench_security.py: 2.8x -> 1x p95).
    if not read_only:  # (a read-only check must see a wrong key in its own try, not here)
        conn.execute(f"PRAGMA cache_size = -{ENCRYPTED_CACHE_KIB}")
    return conn  # type: ignore[no-any-return]


def open_store(path: Path | str, data_key: bytes | None = None) -> Store:
    """Open (or create) the store at ``path`` and apply pending migrations. Without
    ``data_key`` the key comes from ``inspector.unlock.key_for`` (None for a plain store)."""
    path = Path(path)
    _check_folder(path)
    data_key = data_key if data_key is not None else unlock.key_for(path)
    version = _inspect(path, data_key) if path.exists() else 0
    conn = connect(path, data_key)
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        if version < LATEST_VERSION:
            if version > 0:
                _backup(conn, path, version, data_key)
            _migrate(conn, version)
    except ERRORS as exc:
        conn.close()
        log.exception("cannot open %s for writing", path)
        error = write_error(exc, path)
        if error is None:
            raise
        raise error from exc
    return Store(path=path, db=Database(conn), data_key=data_key)


def open_read_only(path: Path | str) -> Store | None:
    """The store for reading only (a dry run): nothing is created, migrated or written.

    None when there is no file yet. The file is checked as ``open_store`` checks it.
    """
    path = Path(path)
    if not path.exists():
        return None
    data_key = unlock.key_for(path)
    _inspect(path, data_key)
    created = tuple(side for side in _side_files(path) if not side.exists())
    conn = connect(path, data_key, read_only=True)
    return Store(
        path,
        Database(conn),
        read_only=True,
        created_side_files=created,
        data_key=data_key,
    )


def preflight(path: Path) -> None:
    """What can be checked before anyone signs in (no key needed): the folder; for a plain
    file every check of ``open_store``; for an encrypted one, that no other program holds
    it locked (SQLite takes its lock before it reads, so this needs no key)."""
    _check_folder(path)
    if not path.exists():
        return
    if unlock.is_plain(path) or path.stat().st_size == 0:
        _inspect(path, None)
        return
    conn = sqlcipher3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=LOCK_WAIT_SECONDS
    )
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("SELECT COUNT(*) FROM sqlite_master")
    except ERRORS as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise StoreError(_locked_message(path)) from exc
    finally:
        conn.close()


def _check_folder(path: Path) -> None:
    """The folder exists, can be written and has room; the file, if any, can be written."""
    folder = path.parent
    if not folder.is_dir():
        what = "不是文件夹" if folder.exists() else "不存在"
        raise StoreError(
            f"数据库所在的文件夹{what}：{folder}。请检查路径（U 盘或网络盘是否已连接），"
            "或先创建该文件夹。"
        )
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise StoreError(
            f"数据库所在的位置是只读的，无法写入：{path}。文件未作任何改动。"
            "请检查文件夹权限或 U 盘的写保护，或把数据库复制到可写的文件夹后再打开。"
        )
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE_BYTES:
        raise StoreError(
            f"磁盘空间已满：{folder} 所在的磁盘仅剩 {free // 1024} KB，至少需要 "
            f"{MIN_FREE_BYTES // (1024 * 1024)} MB 才能安全写入。文件未作任何改动；"
            "请腾出磁盘空间后重试。"
        )
    if path.is_dir():
        raise StoreError(f"{path} 是一个文件夹，不是数据库文件。")


def _inspect(path: Path, data_key: bytes | None) -> int:
    """Check an existing file without writing to it; returns its schema version."""
    if path.stat().st_size == 0:
        raise StoreError(
            f"数据库文件 {path} 是空文件（0 字节），可能是复制或下载没有完成。文件未作任何改动；"
            "请从备份恢复，或删除该空文件后重新打开以新建数据库。"
        )
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_MAGIC))
    if header != SQLITE_MAGIC and data_key is None:
        raise StoreError(f"文件 {path} 不是本程序的数据库文件，已拒绝打开；文件未作任何改动。")
    created = [side for side in _side_files(path) if not side.exists()]
    try:
        return _inspect_read_only(path, data_key)
    finally:
        for side in created:  # left behind by the read-only connection of a WAL file
            side.unlink(missing_ok=True)


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def _inspect_read_only(path: Path, data_key: bytes | None) -> int:
    conn = connect(path, data_key, read_only=True)
    try:
        _check_integrity(conn, path)
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except ERRORS as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise StoreError(_locked_message(path)) from exc
        log.exception("cannot read %s", path)
        if data_key is not None:
            raise StoreError(
                f"无法用本机的密钥打开数据库 {path}：它可能是用别的密钥加密的（例如来自另一台设备"
                "或另一个密钥文件），也可能已损坏。文件未作任何改动。"
            ) from exc
        raise StoreError(
            f"数据库文件已损坏，无法打开：{path}（{exc}）。文件未作任何改动。"
        ) from exc
    finally:
        conn.close()
    _refuse_foreign(path, application_id, version, tables)
    if version > LATEST_VERSION:
        raise StoreError(
            f"数据库文件 {path} 由较新版本的程序创建（数据版本 {version}，"
            f"本程序支持到 {LATEST_VERSION}）。请升级程序后再打开；文件未作任何改动。"
        )
    return version


def _refuse_foreign(path: Path, application_id: int, version: int, tables: set[str]) -> None:
    if application_id == APPLICATION_ID:
        return
    if application_id == 0 and version == 0 and not tables:
        return  # an empty SQLite file: nothing to harm
    if application_id == 0 and version > 0 and tables >= _OUR_TABLES:
        return  # ours, from before the application id was set
    shown = "、".join(sorted(tables)[:5]) + ("等" if len(tables) > 5 else "")
    detail = f"程序标识 {application_id:#x}" if application_id else f"含有表 {shown or '（无）'}"
    raise StoreError(
        f"文件 {path} 是另一个程序的 SQLite 数据库（{detail}），不是本程序的数据库。"
        "已拒绝打开，文件未作任何改动；请选择本程序的数据库文件，或换一个新文件名。"
    )


def _locked_message(path: Path) -> str:
    return (
        f"数据库文件 {path} 正被另一个程序使用（已锁定）。文件未作任何改动；"
        "请关闭正在使用它的程序（或本程序的另一个窗口、正在运行的导入）后重试。"
    )


def _check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        log.error("quick_check on %s: %s", path, result)
        raise StoreError(f"数据库文件已损坏：{path}。请从备份恢复；文件未作任何改动。")


def _backup(conn: sqlite3.Connection, path: Path, version: int, data_key: bytes | None) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    copy = connect(target, data_key)  # an encrypted store's backup is encrypted with its key
    conn.backup(copy)
    copy.close()
    log.info("backed up %s to %s before migrating", path, target)
    return target


def _migrate(conn: sqlite3.Connection, current: int) -> None:
    # executescript commits any open transaction first, so BEGIN lives inside the script.
    for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{script}")
            if number in AFTER_SCRIPT:
                AFTER_SCRIPT[number](conn)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except ERRORS:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        log.info("migrated store to version %d", number)
