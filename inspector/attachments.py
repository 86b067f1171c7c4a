"""Evidence files: copied into the store by SHA-256, the original left untouched.

A file lives at ``files_dir/ab/abcdef...`` (its hash); the same photo added twice is stored
once. Each attachment row ties a file to an inspection (and an item or finding); removing one
only marks the row deleted, with a reason, so it can be restored and the audit log shows why.
"""

import hashlib
import mimetypes
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from inspector import audit
from inspector.clock import utc_now
from inspector.errors import UserError
from inspector.inspections import status_of
from inspector.lifecycle import EDITABLE_INSPECTION
from inspector.store import Store

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Attachment:
    id: str
    inspection_id: str
    item_id: str | None
    sha256: str
    file_name: str
    mime_type: str
    size: int
    created_at: str

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


def file_path(store: Store, sha256: str) -> Path:
    """Where the content with this hash is kept."""
    return store.files_dir / sha256[:2] / sha256


def store_bytes(store: Store, data: bytes) -> str:
    """Keep ``data`` as a content file; returns its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    target = file_path(store, digest)
    if not target.exists():
        _write_atomically(target, lambda fh: fh.write(data))
    return digest


def add_file(
    store: Store, inspection_id: str, path: Path | str, *, item_id: str | None = None, actor: str
) -> Attachment:
    """Copy ``path`` into the store and attach it; the original file is only read."""
    source = Path(path)
    if not source.is_file():
        raise UserError(f"找不到文件：{source}")
    digest = _hash_file(source)
    target = file_path(store, digest)
    if not target.exists():
        _write_atomically(target, lambda fh: _copy_into(source, fh))
    mime = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    attachment = Attachment(
        id=str(uuid.uuid4()),
        inspection_id=inspection_id,
        item_id=item_id,
        sha256=digest,
        file_name=source.name,
        mime_type=mime,
        size=source.stat().st_size,
        created_at=utc_now(),
    )
    with store.transaction() as conn:
        _require_editable(conn, inspection_id)
        row = attachment.__dict__
        conn.execute(
            f"INSERT INTO attachments ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})",
            row,
        )
        audit.record(
            conn, actor=actor, entity="attachment", entity_id=attachment.id, action="add", new=row
        )
    return attachment


def remove(store: Store, attachment_id: str, *, reason: str, actor: str) -> None:
    """Take a file off the record (kept on disk and restorable); a reason is required."""
    if not reason.strip():
        raise UserError("删除证据材料必须填写理由")
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT inspection_id FROM attachments WHERE id = ? AND deleted_at IS NULL",
            (attachment_id,),
        ).fetchone()
        if row is None:
            raise UserError("该证据材料不存在或已删除")
        _require_editable(conn, row[0])
        now = utc_now()
        conn.execute("UPDATE attachments SET deleted_at = ? WHERE id = ?", (now, attachment_id))
        audit.record(
            conn,
            actor=actor,
            entity="attachment",
            entity_id=attachment_id,
            action="remove",
            new={"deleted_at": now, "reason": reason.strip()},
        )


def for_inspection(store: Store, inspection_id: str) -> list[Attachment]:
    """Current (not deleted) attachments of an inspection, oldest first."""
    rows = store.db.execute(
        "SELECT id, inspection_id, item_id, sha256, file_name, mime_type, size, created_at"
        " FROM attachments WHERE inspection_id = ? AND deleted_at IS NULL"
        " ORDER BY created_at, rowid",
        (inspection_id,),
    ).fetchall()
    return [Attachment(*row) for row in rows]


def _require_editable(conn: sqlite3.Connection, inspection_id: str) -> None:
    status = status_of(conn, inspection_id)
    if status not in EDITABLE_INSPECTION:
        raise UserError(f"检查记录{status.label}，不能再增删证据材料")


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_into(source: Path, fh: BinaryIO) -> None:
    with source.open("rb") as src:
        shutil.copyfileobj(src, fh, _CHUNK)


def _write_atomically(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write to a temporary file beside ``target``, then rename: never a half file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
