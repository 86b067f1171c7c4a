"""Evidence files: copied into the store by SHA-256, the original left untouched.

A file lives at ``files_dir/ab/abcdef...`` (the SHA-256 of its content, so sync and dedup work
the same on an encrypted store); the same photo added twice is stored once. In an encrypted store
the file holds the content encrypted with the store's data key (``inspector.crypto``); read it
with ``read_bytes``, never from the path. Each attachment row ties a file to an inspection (and
an item or finding); removing one only marks the row deleted, with a reason, so it can be restored and the audit log shows why.
"""

import hashlib
import mimetypes
import os
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from inspector import audit, crypto, preferences
from inspector.clock import utc_now
from inspector.errors import UserError
from inspector.inspections import status_of
from inspector.lifecycle import EDITABLE_INSPECTION
from inspector.store import Store

MAX_MB_KEY = "evidence.max_mb"
DEFAULT_MAX_MB = 50


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

    @property
    def is_pdf(self) -> bool:
        return self.mime_type == "application/pdf"


def file_path(store: Store, sha256: str) -> Path:
    """Where the content with this hash is kept."""
    return store.files_dir / sha256[:2] / sha256


def store_bytes(store: Store, data: bytes) -> str:
    """Keep ``data`` as a content file (encrypted in an encrypted store); returns its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    target = file_path(store, digest)
    if not target.exists():
        _write_atomically(target, _encoded(store, data, digest))
    return digest


def has_content(store: Store, sha256: str) -> bool:
    return file_path(store, sha256).is_file()


def read_bytes(store: Store, sha256: str) -> bytes:
    """The content with this hash, decrypted. A file not yet encrypted (a plain store, or one
    whose migration to encryption is still under way) is read as it is."""
    raw = file_path(store, sha256).read_bytes()
    if not crypto.is_encrypted_file(raw):
        return raw
    if store.data_key is None:
        raise UserError(f"证据文件 {sha256[:12]} 已加密，但数据库未加密：密钥文件不匹配。")
    try:
        return crypto.decrypt_file_bytes(store.data_key, raw, sha256)
    except crypto.DecryptionFailed as exc:
        raise UserError(f"证据文件 {sha256[:12]} 无法用本库密钥解密：文件已损坏或被替换。") from exc


def encrypt_in_place(store: Store, sha256: str) -> None:
    """Replace a plain content file by its encrypted form, after checking that the encrypted
    form decrypts to content with this hash. A crash leaves the plain or the encrypted file."""
    target = file_path(store, sha256)
    raw = target.read_bytes()
    if crypto.is_encrypted_file(raw) or store.data_key is None:
        return
    if hashlib.sha256(raw).hexdigest() != sha256:
        raise UserError(f"证据文件 {sha256[:12]} 的内容与其名称（SHA-256）不符，未加密，请检查。")
    sealed = crypto.encrypt_file_bytes(store.data_key, raw, sha256)
    if crypto.decrypt_file_bytes(store.data_key, sealed, sha256) != raw:
        raise UserError(f"证据文件 {sha256[:12]} 加密校验失败，原文件保留未动。")
    _write_atomically(target, sealed)


def _encoded(store: Store, data: bytes, digest: str) -> bytes:
    if store.data_key is None:
        return data
    return crypto.encrypt_file_bytes(store.data_key, data, digest)


def add_file(
    store: Store, inspection_id: str, path: Path | str, *, item_id: str | None = None, actor: str
) -> Attachment:
    """Copy ``path`` into the store and attach it; the original file is only read."""
    source = Path(path)
    if not source.is_file():
        raise UserError(f"找不到文件：{source}")
    check_size(store, source)
    data = source.read_bytes()  # whole: an encrypted file is one AES-GCM message
    digest = store_bytes(store, data)
    mime = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    attachment = Attachment(
        id=str(uuid.uuid4()),
        inspection_id=inspection_id,
        item_id=item_id,
        sha256=digest,
        file_name=source.name,
        mime_type=mime,
        size=len(data),
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


def size_limit_mb(store: Store) -> int:
    """The largest evidence file accepted, in MB (setting ``evidence.max_mb``, default 50)."""
    return int(preferences.get(store, MAX_MB_KEY, DEFAULT_MAX_MB))


def check_size(store: Store, source: Path) -> None:
    """Refuse an empty file and one above the size limit, saying why (in Chinese)."""
    size = source.stat().st_size
    if size == 0:
        raise UserError(f"文件“{source.name}”是空的（0 字节），没有可作证据的内容，未添加")
    limit = size_limit_mb(store)
    if size > limit * 1024 * 1024:
        raise UserError(
            f"文件“{source.name}”有 {size / 1024 / 1024:.0f} MB，超过证据材料 {limit} MB 的上限，"
            "未添加：过大的文件会让同步上传很慢并占满本机存储。请压缩或截取需要的部分后再添加"
            "（上限可由管理员在设置 evidence.max_mb 中调整）"
        )


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


def for_finding(store: Store, finding_id: str) -> list[Attachment]:
    """Current files kept for a finding (the organization's report-back), oldest first."""
    rows = store.db.execute(
        "SELECT id, inspection_id, item_id, sha256, file_name, mime_type, size, created_at"
        " FROM attachments WHERE finding_id = ? AND deleted_at IS NULL"
        " ORDER BY created_at, rowid",
        (finding_id,),
    ).fetchall()
    return [Attachment(*row) for row in rows]


def _require_editable(conn: sqlite3.Connection, inspection_id: str) -> None:
    status = status_of(conn, inspection_id)
    if status not in EDITABLE_INSPECTION:
        raise UserError(f"检查记录{status.label}，不能再增删证据材料")


def _write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside ``target``, then rename: never a half file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def copy_for_viewing(store: Store, attachment: Attachment, folder: Path) -> Path:
    """A decrypted copy under the file's own name (the store keeps files encrypted and named by
    hash), for a viewer that goes by the name's ending; the stored file is never handed out."""
    target = folder / attachment.id / Path(attachment.file_name).name
    if not target.exists():
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        target.write_bytes(read_bytes(store, attachment.sha256))
    return target


def kind_word(file_name: str) -> str:
    """What to call a file in a sentence: 照片 for a picture, else PDF 文件 or 文件."""
    mime = mimetypes.guess_type(file_name)[0] or ""
    if mime.startswith("image/"):
        return "照片"
    return "PDF 文件" if mime == "application/pdf" else "文件"
