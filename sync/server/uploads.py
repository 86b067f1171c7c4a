"""Resumable file upload by SHA-256, after tus: the server reports the offset it holds, a PATCH
must start exactly there (else 409, nothing changed), the body is streamed to disk, and a file is
kept only when its size and hash match the manifest.

Safe across worker processes on one data folder:

* one writer per partial file: an exclusive ``flock`` on ``partial/<sha>.lock``, taken without
  waiting (a second writer, in this process or another, gets 409 "busy" and retries later);
* the hash is computed over the file **as stored** (read back from the file on disk), not
  the bytes one request happened to receive;
* publication is atomic: ``os.replace`` into ``blobs/`` (then the folder is fsynced), and only
  then is the file recorded in the database, in a writer transaction that checks the quota
  once more (files of one user finishing at once each passed the early check);
* the file is made durable (``fdatasync``, while it is hashed) before it is published, and its
  folder entry (``fsync`` of ``blobs/xx/``) before it is recorded: a recorded file is never
  lost;
* hashing, syncing and database calls run in worker threads, off the event loop, each upload
  in as few threadpool calls as it can (admission, then durability + hash + publication).

Uploading a file the server already holds is how a user proves possession of it (and so may use
it in their bundles): the bytes are received and hashed like any other upload, then dropped.
"""

import errno
import fcntl
import hashlib
import os
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from sync.protocol import BlobOffset
from sync.server import accounts, bundles
from sync.server.accounts import Credentials
from sync.server.errors import ApiError
from sync.server.storage import ServerStore, User

_SYNCING = ThreadPoolExecutor(thread_name_prefix="upload-fdatasync")  # beside the hashing
PARTIAL_MAX_AGE = 14 * 24 * 3600  # seconds an untouched partial upload is kept


def offset(store: ServerStore, credentials: Credentials, sha256: str) -> BlobOffset:
    """How much of the file the server holds for the caller (all of it once their team has it)."""
    _, admission = _admit(store, credentials, sha256)
    if admission.held:
        return BlobOffset(sha256=sha256, offset=admission.size, complete=True)
    return BlobOffset(sha256=sha256, offset=_held(store.partial_path(sha256)), complete=False)


async def append(
    store: ServerStore,
    credentials: Credentials,
    sha256: str,
    start: int,
    body: AsyncIterator[bytes],
) -> BlobOffset:
    """Write the body at ``start`` (which must equal the held offset); finish when complete."""
    user, admission = await run_in_threadpool(_admit, store, credentials, sha256)
    size = admission.size
    if admission.held:
        return BlobOffset(sha256=sha256, offset=size, complete=True)
    # Refused early, before the bytes come; checked again when the file is recorded.
    _within_quota(admission.used, admission.quota, size)
    with _exclusive(store, sha256):
        part = store.partial_path(sha256)
        held = _held(part)
        if start != held:
            raise ApiError(
                409,
                "offset_mismatch",
                f"续传位置不符：服务器已有 {held} 字节，请求从 {start} 字节开始",
                {"Upload-Offset": str(held)},
            )
        written = await _write(part, held, size, body)
        if written < size:
            await run_in_threadpool(_fsync_file, part)  # what arrived is kept for the resume
            return BlobOffset(sha256=sha256, offset=written, complete=False)
        await run_in_threadpool(_finish, store, user, part, sha256, size)
    return BlobOffset(sha256=sha256, offset=size, complete=True)


def _admit(
    store: ServerStore, credentials: Credentials, sha256: str
) -> tuple[User, bundles.Admission]:
    """Who calls, and what they may upload: one statement in one threadpool call, for the
    login check and the file's size, holders and quota (the fixed cost of an upload is paid
    per request)."""
    user, columns = accounts.read_as(store, credentials, bundles.admission(sha256))
    return user, bundles.admitted(columns)


def clean_partials(store: ServerStore, max_age: float = PARTIAL_MAX_AGE) -> int:
    """Remove partial uploads untouched for ``max_age`` seconds and those of files already
    stored; a partial being written (locked) is left alone. Returns how many were removed."""
    removed, now = 0, time.time()
    for part in store.partial_dir.iterdir():
        if part.suffix == ".lock":
            continue
        try:
            stale = now - part.stat().st_mtime > max_age
        except FileNotFoundError:
            continue
        if not (stale or store.blob_path(part.name).exists()):
            continue
        try:
            with _exclusive(store, part.name):
                part.unlink(missing_ok=True)
                removed += 1
        except ApiError:
            continue  # someone is writing it right now
    return removed


def _within_quota(used: int, quota: int, size: int) -> None:
    if used + size > quota:
        raise ApiError(
            413,
            "quota_exceeded",
            f"存储配额已用完：已用 {used // 2**20} MB，上限 {quota // 2**20} MB，"
            "本文件未接收；请联系管理员",
        )


async def _write(part: Path, held: int, size: int, body: AsyncIterator[bytes]) -> int:
    """Append the body, never beyond ``size``; keep what arrived if the client drops."""
    position = held
    with part.open("ab") as fh:
        try:
            async for chunk in body:
                if position + len(chunk) > size:
                    fh.truncate(held)
                    raise ApiError(413, "too_large", f"文件超过清单中登记的大小（{size} 字节）")
                fh.write(chunk)
                position += len(chunk)
        except ClientDisconnect:
            pass  # keep what arrived: the client resumes from here
    return position


def _finish(store: ServerStore, user: User, part: Path, sha256: str, size: int) -> None:
    """Make the file durable and hash it as stored (both at once: one waits on the disk, the
    other on the processor), then publish it atomically only if it matches. One threadpool
    call for all of it: the fixed cost is paid per upload."""
    durable = _SYNCING.submit(_fsync_file, part)
    matches = _sha256_of(part) == sha256 and part.stat().st_size == size
    durable.result()  # on disk before it is published (or refused)
    if not matches:
        part.unlink()
        raise ApiError(422, "checksum_mismatch", "文件内容与其 SHA-256 不符，已丢弃，请重新上传")
    target = store.blob_path(sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, target)
    _fsync_dir(target.parent)
    # Files of one user finishing at once (several connections, several devices) each passed
    # the early quota check: under the writer lock, only what fits is recorded. A file refused
    # here that nobody had recorded is taken back out (this upload holds its lock, so nobody
    # else is publishing it meanwhile).
    with store.transaction() as conn:
        used, quota = bundles.usage_and_quota_in(conn, user)
        fits = used + size <= quota
        if fits:
            bundles.record_blob_in(conn, user, sha256, size)
        elif not bundles.is_recorded(conn, sha256):
            target.unlink()
    if not fits:
        _within_quota(used, quota, size)


def _sha256_of(path: Path) -> str:
    """The hash of the file as stored (read back; this upload holds its lock, no one writes)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _fsync_file(path: Path) -> None:
    """fdatasync flushes the data and the size (what reading the file back needs), not the
    times; on Linux it applies to the file whatever the descriptor's mode."""
    with path.open("rb") as fh:
        os.fdatasync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _held(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


@contextmanager
def _exclusive(store: ServerStore, sha256: str) -> Iterator[None]:
    """One writer per file across threads and processes (a lock the filesystem holds)."""
    lock_path = store.partial_dir / f"{sha256}.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            raise ApiError(409, "upload_busy", "该文件正在由另一个连接上传，请稍后重试") from exc
        yield
    finally:
        os.close(fd)
