"""Migrate a plain store to encryption in place, so that a crash at any moment leaves a whole
store: the plain one, or the encrypted one.

1. the plain database is checkpointed out of WAL and copied to ``<db>.plain-backup`` (backup
   API), and the copy is checked (quick_check, row counts);
2. a new data key is made and wrapped (key file written atomically);
3. the database is exported into ``<db>.encrypting`` (``sqlcipher_export``), which is reopened
   with the key and must match the plain row counts;
4. ``<db>.encrypting`` replaces ``<db>`` with one rename: the commit point;
5. each attachment file is replaced by its encrypted form, each checked before the rename;
   schema-migration backups (``*.bak``) are encrypted the same way as the database;
6. the encrypted store is opened as the app opens it; when its row counts match the plain
   copy's and every attachment decrypts to its name (SHA-256), the plain copy is removed.

Before step 4 the plain database is untouched and opens as before; after it, the encrypted
one is whole, and running the migration again (``resume``) finishes steps 5-6.
"""

import hashlib
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from inspector import attachments, crypto, keys, unlock
from inspector.errors import UserError
from inspector.store import Store, connect, open_store

log = logging.getLogger(__name__)
ProgressFn = Callable[[str], None]


@dataclass(frozen=True)
class EncryptReport:
    tables: int
    rows: int
    files: int


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".plain-backup")


def needs_encryption(path: Path) -> bool:
    """A plain store, or one whose migration stopped before it was verified."""
    return unlock.is_plain(path) or backup_path(path).exists()


def encrypt_store(
    path: Path,
    holder: str,
    label: str,
    password: str,
    on_progress: ProgressFn | None = None,
) -> EncryptReport:
    """Encrypt the plain store at ``path``; ``holder``/``label``/``password`` make the first
    account's wrap. Resumes an interrupted migration (then ``password`` must open the key file).
    Returns what was checked."""
    say = on_progress or (lambda _text: None)
    if unlock.is_plain(path):
        keys.check_password(password)
        say("正在备份未加密的数据库…")
        counts = _backup_plain(path)
        data_key = unlock.create(path, holder, label, password)
        say("正在加密数据库…")
        _export(path, _encrypting(path), data_key, counts)
        _commit(_encrypting(path), path)
    elif backup_path(path).exists():
        _, data_key = keys.unwrap_any(keys.load(path), password)
        keys.remember(path, data_key)
    else:
        raise UserError(f"数据库 {path} 已经加密，无需再次加密。")
    return _finish(path, data_key, say)


def _finish(path: Path, data_key: bytes, say: ProgressFn) -> EncryptReport:
    counts = _counts_of(backup_path(path))
    store = open_store(path, data_key)
    try:
        say("正在加密证据文件…")
        files = _encrypt_files(store)
        for old in sorted(path.parent.glob(f"{path.name}.v*.bak")):
            if unlock.is_plain(old):
                _export(old, old.with_name(old.name + ".encrypting"), data_key, None)
                _commit(old.with_name(old.name + ".encrypting"), old)
        say("正在核对…")
        found = _row_counts(store.db.conn)
        if found != counts:
            raise UserError(
                f"加密后的数据库与备份的行数不符（{_difference(counts, found)}），"
                f"未加密的备份 {backup_path(path)} 已保留，请联系技术支持。"
            )
        _verify_files(store, files)
    finally:
        store.close()
    backup_path(path).unlink()
    log.info("encrypted %s: %d tables, %d files", path, len(counts), len(files))
    return EncryptReport(tables=len(counts), rows=sum(counts.values()), files=len(files))


def _backup_plain(path: Path) -> dict[str, int]:
    conn = _plain_connection(path)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise UserError(f"数据库 {path} 已损坏，不能加密；请先从备份恢复。文件未作任何改动。")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")  # no -wal file may outlive the plain database
        counts = _row_counts(conn)
        target = backup_path(path)
        partial = target.with_name(target.name + ".part")
        copy = sqlite3.connect(partial)
        conn.backup(copy)
        copy.close()
        if _counts_of(partial) != counts:
            raise UserError(f"数据库 {path} 的备份核对不符，已停止加密；文件未作任何改动。")
        _fsync(partial)
        os.replace(partial, target)
        return counts
    finally:
        conn.close()


def _export(source: Path, target: Path, data_key: bytes, counts: dict[str, int] | None) -> None:
    """``source`` (plain) copied into ``target`` encrypted with ``data_key``, and checked."""
    target.unlink(missing_ok=True)
    conn = sqlcipher3.connect(str(source), isolation_level=None)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{data_key.hex()}'\"", (str(target),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute(f"PRAGMA encrypted.application_id = {int(application_id)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    check = connect(target, data_key)
    try:
        ok = check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        if not ok or (counts is not None and _row_counts(check) != counts):
            raise UserError(f"加密副本 {target} 核对不符，已停止；原数据库未作任何改动。")
    finally:
        check.close()
    _fsync(target)


def _commit(encrypted: Path, path: Path) -> None:
    os.replace(encrypted, path)
    _fsync_dir(path.parent)


def _encrypt_files(store: Store) -> list[str]:
    names = _content_names(store)
    for name in names:
        attachments.encrypt_in_place(store, name)
    return names


def _verify_files(store: Store, names: list[str]) -> None:
    for name in names:
        raw = attachments.file_path(store, name).read_bytes()
        if (
            not crypto.is_encrypted_file(raw)
            or hashlib.sha256(attachments.read_bytes(store, name)).hexdigest() != name
        ):
            raise UserError(f"证据文件 {name[:12]} 加密后核对不符，未加密的数据库备份已保留。")


def _content_names(store: Store) -> list[str]:
    if not store.files_dir.is_dir():
        return []
    return sorted(
        f.name
        for f in store.files_dir.glob("*/*")
        if f.is_file() and len(f.name) == 64 and not f.name.startswith(".")
    )


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
        )
    ]
    return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def _difference(expected: dict[str, int], found: dict[str, int]) -> str:
    return "，".join(
        f"{t}: {expected.get(t)} → {found.get(t)}"
        for t in sorted(set(expected) | set(found))
        if expected.get(t) != found.get(t)
    )


def _plain_connection(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _counts_of(plain: Path) -> dict[str, int]:
    conn = _plain_connection(plain)
    try:
        return _row_counts(conn)
    finally:
        conn.close()


def _encrypting(path: Path) -> Path:
    return path.with_name(path.name + ".encrypting")


def _fsync(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return  # Windows cannot open a directory for fsync; its renames are journaled by NTFS
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
