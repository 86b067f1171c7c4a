"""Resumable file upload by SHA-256, after tus: the server reports the offset it holds, a PATCH
must start exactly there (else 409, nothing changed), the body is streamed to disk, and a file is
kept only when its size and hash match the manifest.
"""

import hashlib
import os
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

from starlette.requests import ClientDisconnect

from sync.protocol import BlobOffset
from sync.server import bundles
from sync.server.errors import ApiError
from sync.server.storage import ServerStore, User

_CHUNK = 1 << 20
_busy: set[str] = set()
_busy_lock = threading.Lock()


def offset(store: ServerStore, user: User, sha256: str) -> BlobOffset:
    """How much of the file the server holds (all of it once stored)."""
    size = bundles.expected_size(store, user, sha256)
    if bundles.blob_stored(store, sha256):
        return BlobOffset(sha256=sha256, offset=size, complete=True)
    return BlobOffset(sha256=sha256, offset=_held(store.partial_path(sha256)), complete=False)


async def append(
    store: ServerStore, user: User, sha256: str, start: int, body: AsyncIterator[bytes]
) -> BlobOffset:
    """Write the body at ``start`` (which must equal the held offset); finish when complete."""
    size = bundles.expected_size(store, user, sha256)
    if bundles.blob_stored(store, sha256):
        return BlobOffset(sha256=sha256, offset=size, complete=True)
    with _exclusive(sha256):
        part = store.partial_path(sha256)
        held = _held(part)
        if start != held:
            raise ApiError(
                409,
                "offset_mismatch",
                f"续传位置不符：服务器已有 {held} 字节，请求从 {start} 字节开始",
                {"Upload-Offset": str(held)},
            )
        digest = hashlib.sha256() if held == 0 else None
        written = await _write(part, held, size, body, digest)
        if written < size:
            return BlobOffset(sha256=sha256, offset=written, complete=False)
        _finish(store, part, sha256, size, digest)
    return BlobOffset(sha256=sha256, offset=size, complete=True)


async def _write(
    part: Path,
    held: int,
    size: int,
    body: AsyncIterator[bytes],
    digest: "hashlib._Hash | None",
) -> int:
    """Append the body; ``digest`` (when the file starts here) is fed as the bytes go by."""
    position = held
    with part.open("ab") as fh:
        try:
            async for chunk in body:
                if position + len(chunk) > size:
                    fh.truncate(held)
                    raise ApiError(413, "too_large", f"文件超过清单中登记的大小（{size} 字节）")
                fh.write(chunk)
                if digest is not None:
                    digest.update(chunk)
                position += len(chunk)
        except ClientDisconnect:
            pass  # keep what arrived: the client resumes from here
        fh.flush()
        os.fsync(fh.fileno())
    return position


def _finish(
    store: ServerStore, part: Path, sha256: str, size: int, digest: "hashlib._Hash | None"
) -> None:
    """Keep the file only if its hash matches; a resumed file is hashed from disk."""
    if digest is None:
        digest = hashlib.sha256()
        with part.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    if digest.hexdigest() != sha256:
        part.unlink()
        raise ApiError(422, "checksum_mismatch", "文件内容与其 SHA-256 不符，已丢弃，请重新上传")
    target = store.blob_path(sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, target)
    bundles.record_blob(store, sha256, size)


def _held(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


@contextmanager
def _exclusive(sha256: str) -> Iterator[None]:
    """One writer per file; a second concurrent upload of the same file is told to retry."""
    with _busy_lock:
        if sha256 in _busy:
            raise ApiError(409, "upload_busy", "该文件正在由另一个连接上传，请稍后重试")
        _busy.add(sha256)
    try:
        yield
    finally:
        with _busy_lock:
            _busy.discard(sha256)
