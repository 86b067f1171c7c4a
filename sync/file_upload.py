"""Files up to the server: resumable PATCHes on several connections at once.

``FileUploads`` is one push's set of connections: ``PARALLEL_FILES`` threads take the queued
files in order, each the next one as soon as it is done, whichever record it belongs to, so the
connections do not wait for a record's last photo or for the next record's bundle. One reader
thread reads, decrypts and checks the files in the same order, ahead of the senders, so that a
sender finds its next file ready (the records' threads only queue them). At most
``IN_MEMORY_BYTES`` of content, and ``2 * PARALLEL_FILES`` files, are held at once, read or
going up; a file larger than the budget is read and sent alone.

Every refusal or stop names the photo. An error after which nothing more can go up now (the
server unreachable, the login refused) halts the run, so the files still queued fail at once
instead of each waiting out its own retries.
"""

import hashlib
import io
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, BinaryIO

import requests

from inspector.attachments import has_content, kind_word, read_bytes
from inspector.errors import UserError
from inspector.store import Store
from sync.progress import Run
from sync.protocol import MissingBlob
from sync.transport import (
    NETWORK_ERRORS,
    LoginRequired,
    Rejected,
    SyncError,
    Transport,
    decode,
    server_fault_message,
)

PARALLEL_FILES = 4  # connections the files go up on at once
IN_MEMORY_BYTES = 32 << 20  # content held at once; a larger file goes up alone
HELD_FILES = 2 * PARALLEL_FILES  # files held at once: those going up and the next ones, read
_READ_CHUNK = 1 << 20

FileSent = Future[str | None]  # the file's note (interrupted, resumed), or None


@dataclass
class _Queued:
    blob: MissingBlob
    name: str
    sent: FileSent
    content: Future[bytes] = field(default_factory=Future)  # read and checked


class FileUploads:
    """The connections of one push; use as a context manager (it waits for the last file).

    Files are queued from several threads (one per record), then read and sent in the order
    they were queued: the reader takes room in the memory budget for each file in turn, so a
    large file is never overtaken for ever by small ones, and a sender gives it back once its
    file is done. The reader never waits for a sender that waits for it: a sender waits only
    for a file the reader has not reached, and by then every earlier file is done or going up."""

    def __init__(self, store: Store, transport: Transport, run: Run):
        self.store, self.transport, self.run = store, transport, run
        self._budget = _Budget(IN_MEMORY_BYTES, HELD_FILES)
        self._line: deque[_Queued] = deque()  # queued and not yet taken by a sender
        self._queueing = threading.Lock()  # the reader's order is the line's
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="upload-read")
        self._senders = ThreadPoolExecutor(PARALLEL_FILES, thread_name_prefix="upload")

    def __enter__(self) -> "FileUploads":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._senders.shutdown(wait=True)
        self._reader.shutdown(wait=True)

    def queue(
        self, files: list[tuple[str, int, str]], missing: list[MissingBlob]
    ) -> list[FileSent]:
        """Send the ``missing`` ones of ``files`` (sha256, size, name); the others count as
        sent."""
        names = {sha: name for sha, _size, name in files}
        lacking = {m.sha256 for m in missing}
        self.run.add_bytes(sum(size for sha, size, _name in files if sha not in lacking))
        queued = [
            _Queued(blob, names.get(blob.sha256, blob.sha256[:12]), Future()) for blob in missing
        ]
        with self._queueing:
            for each in queued:
                self._line.append(each)  # before its sender is started: the line is never empty
                self._reader.submit(self._read, each)
                self._senders.submit(self._send_next)
        return [each.sent for each in queued]

    def _read(self, queued: _Queued) -> None:
        """Read and check one file once there is room for it (on the reader thread)."""
        self._budget.take(queued.blob.size)
        try:
            self.run.check()
            queued.content.set_result(
                self._checked(queued.blob.sha256, queued.blob.size, queued.name)
            )
        except BaseException as exc:
            queued.content.set_exception(exc)

    def _send_next(self) -> None:
        """Send the next file in line once it is read (on a sender thread)."""
        queued = self._line.popleft()
        try:
            queued.sent.set_result(self._sent(queued))
        except BaseException as exc:
            queued.sent.set_exception(exc)
        finally:
            self._budget.give(queued.blob.size)

    def _sent(self, queued: _Queued) -> str | None:
        """Wait for one file's content, then send it; returns its note."""
        try:
            content = queued.content.result()
            self.run.check()
            return self._file(queued.blob, queued.name, content)
        except SyncError as exc:
            self.run.halt(exc)
            raise

    def _checked(self, sha256: str, size: int, name: str) -> bytes:
        """The file's content, refused (naming it) when missing, of another size or damaged."""
        present = has_content(self.store, sha256)
        content = _decrypted(self.store, sha256) if present else None
        if not present or (content is not None and len(content) != size):
            raise Rejected(
                0, "missing_local", f"{kind_word(name)} {name} 在本机找不到或大小不符，无法上传"
            )
        if content is None or hashlib.sha256(content).hexdigest() != sha256:
            raise Rejected(
                0,
                "damaged_local",
                f"{kind_word(name)} {name} 在本机已损坏（内容与登记的校验值不符），无法上传",
            )
        return content

    def _file(self, blob: MissingBlob, name: str, content: bytes) -> str | None:
        """``_upload``, with every refusal or stop naming the photo; returns its note."""
        try:
            interrupted, resumed_at = self._upload(blob.sha256, blob.offset, name, content)
        except Rejected as exc:
            raise Rejected(
                exc.status, exc.code, f"{kind_word(name)} {name}：{exc.message}"
            ) from exc
        except LoginRequired:
            raise
        except SyncError as exc:
            if name in exc.message or exc is self.run.halted:
                raise
            raise type(exc)(f"{kind_word(name)} {name}：{exc.message}") from exc
        if interrupted:
            return f"{kind_word(name)} {name} 上传中断，已自动续传"
        if resumed_at:
            return f"{kind_word(name)} {name} 上次已传 {resumed_at} 字节，本次从断点续传"
        return None

    def _upload(self, sha256: str, offset: int, name: str, content: bytes) -> tuple[bool, int]:
        """Send one file from the server's offset, resuming after drops.

        Returns whether this run was interrupted, and the offset it first resumed from (0 when
        the file was sent from its start).
        """
        interrupted, resumed_at, fault = False, offset, 0
        size, label = len(content), f"上传{kind_word(name)} {name}"
        counted = _Counted(self.run)
        for attempt in range(self.transport.retry.attempts * 2):
            self.run.check()
            counted.set(offset)  # bytes the server holds count as done
            self.run.emit(label)
            try:
                response = self._patch(sha256, content, offset, label, counted)
            except NETWORK_ERRORS:
                interrupted = True
                offset = self._after_failure(sha256, attempt)
                continue
            if response.status_code >= 500 or _code(response) == "upload_busy":
                fault = response.status_code if response.status_code >= 500 else 0
                offset = self._after_failure(sha256, attempt)
                resumed_at = resumed_at or offset
                continue
            if _code(response) == "offset_mismatch":
                offset = int(response.headers.get("Upload-Offset", "0"))
                resumed_at = resumed_at or offset
                continue
            body = decode(response)
            if body["complete"]:
                counted.set(size)
                return interrupted, resumed_at
            interrupted, offset = True, int(body["offset"])
        if fault:
            message = server_fault_message(fault, self.transport.retry.attempts * 2)
            raise SyncError(f"{kind_word(name)} {name} 上传失败：{message}")
        raise SyncError(f"{kind_word(name)} {name} 多次上传失败，下次同步时从断点继续")

    def _after_failure(self, sha256: str, attempt: int) -> int:
        """Back off, then ask the server how much of the file it holds."""
        self.transport.retry.sleep(self.transport.retry.delay(min(attempt, 6)))
        return int(self.transport.call("GET", f"/blobs/{sha256}")["offset"])

    def _patch(
        self, sha256: str, content: bytes, offset: int, label: str, counted: "_Counted"
    ) -> requests.Response:
        with io.BytesIO(content) as fh:  # decrypted: the server gets the content
            fh.seek(offset)
            body = _FileBody(fh, len(content) - offset, self.run, label, counted)
            return self.transport.send_once(
                "PATCH",
                f"/blobs/{sha256}",
                data=body,
                headers={
                    "Upload-Offset": str(offset),
                    "Content-Type": "application/octet-stream",
                },
            )


def finished(sent: list[FileSent]) -> list[str]:
    """Wait for every file of ``sent``; their notes, or the first failure (in file order)."""
    wait(sent)
    failed = next((error for future in sent if (error := future.exception())), None)
    if failed is not None:
        raise failed
    return [note for future in sent if (note := future.result())]


class _Budget:
    """Bytes and files of content held: read and not yet sent. A file larger than the whole
    budget waits until nothing else is held, and then holds it all: it goes up alone."""

    def __init__(self, limit: int, files: int):
        self._limit, self._files = limit, files
        self._held, self._count = 0, 0
        self._changed = threading.Condition()

    def take(self, size: int) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._count == 0 or self._fits(size))
            self._held += size
            self._count += 1

    def give(self, size: int) -> None:
        with self._changed:
            self._held -= size
            self._count -= 1
            self._changed.notify_all()

    def _fits(self, size: int) -> bool:
        return self._held + size <= self._limit and self._count < self._files


class _Counted:
    """How much of one file the progress counts, so a resend from an earlier offset (or
    several files going up at once) keeps the run's byte count right."""

    def __init__(self, run: Run):
        self._run, self.bytes = run, 0

    def set(self, position: int) -> None:
        self.add(position - self.bytes)

    def add(self, count: int) -> None:
        self.bytes += count
        self._run.add_bytes(count)


class _FileBody:
    """A streamed request body: read in chunks, counts bytes, honours cancel mid-file."""

    def __init__(self, fh: BinaryIO, length: int, run: Run, label: str, counted: _Counted):
        self._fh, self._left, self._run, self._label = fh, length, run, label
        self._counted = counted

    def __len__(self) -> int:
        return self._left

    def read(self, size: int = -1) -> bytes:
        self._run.check()
        wanted = self._left if size < 0 else min(max(size, _READ_CHUNK), self._left)
        chunk = self._fh.read(wanted)
        self._left -= len(chunk)
        self._counted.add(len(chunk))
        self._run.emit(self._label)
        return chunk


def _decrypted(store: Store, sha256: str) -> bytes | None:
    """The file's content, decrypted; None when it cannot be decrypted."""
    try:
        return read_bytes(store, sha256)
    except UserError:
        return None


def _code(response: requests.Response) -> str:
    if response.status_code != 409:
        return ""
    try:
        body: Any = response.json()
        return str(body.get("code", ""))
    except ValueError:
        return ""
