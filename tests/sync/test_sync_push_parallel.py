"""Photos go up on several connections at once, a record's beside the next record's, and what
the progress counts stays right: every byte once at the end, never more than the total. Read
content waiting to go up is bounded. A record's confirming PUT goes up while the next record
begins."""

import asyncio
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from inspector.store import Store
from sync import file_upload
from sync.file_upload import PARALLEL_FILES
from sync.progress import Progress
from sync.server.storage import ServerStore
from tests.sync.sync_support import CompleteFn, Watched, client_for, serving


def slow_uploads(in_flight: list[int], seen: list[int], method: str = "PATCH") -> Any:
    """ASGI wrapper: each request of ``method`` (file uploads) waits a moment first; ``seen``
    gets how many were waiting at each start. Requests sent one after the other never wait at
    the same time; requests sent together always do."""
    return pausing(in_flight, lambda scope: seen.append(in_flight[0]), method)


def pausing(in_flight: list[int], started: Any, method: str) -> Any:
    """``slow_uploads``, calling ``started(scope)`` as each request of ``method`` begins."""

    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope["method"] == method:
                in_flight[0] += 1
                started(scope)
                try:
                    await asyncio.sleep(0.3)
                finally:
                    in_flight[0] -= 1
            await app(scope, receive, send)

        return wrapped

    return wrap


def test_a_record_s_photos_go_up_at_once(
    server_dir: Path, server_database: str | None, device: Store, complete_inspection: CompleteFn
) -> None:
    photos = {f"IMG_{n:04d}.jpg": os.urandom(300_000 + n) for n in range(6)}
    complete_inspection(photos)
    in_flight, seen = [0], []
    steps: list[Progress] = []
    with serving(server_dir, slow_uploads(in_flight, seen), server_database) as live:
        report = client_for(device, live.url).push(Watched(steps.append))
        store = ServerStore(server_dir, server_database)
        try:
            stored = {
                name: store.blob_path(hashlib.sha256(data).hexdigest()).read_bytes()
                for name, data in photos.items()
            }
        finally:
            store.close()
    assert report.ok, report.results
    assert len(seen) == len(photos)
    assert max(seen) == PARALLEL_FILES  # not one after the other
    assert stored == photos
    total = sum(len(data) for data in photos.values())
    assert steps[-1].bytes_total == total and steps[-1].bytes_done == total
    assert all(step.bytes_done <= step.bytes_total for step in steps)


def test_a_record_is_confirmed_while_the_next_one_begins(
    server_dir: Path, server_database: str | None, device: Store, complete_inspection: CompleteFn
) -> None:
    for n in range(3):
        complete_inspection({f"IMG_{n}.jpg": os.urandom(1000 + n)})
    in_flight, seen = [0], []
    with serving(server_dir, slow_uploads(in_flight, seen, "PUT"), server_database) as live:
        report = client_for(device, live.url).push()
    assert [r.outcome for r in report.results] == ["uploaded"] * 3
    assert len(seen) == 6  # each record: its bundle, then once more to confirm
    assert max(seen) == 2  # a confirmation beside the next record's bundle


def test_the_next_record_s_photos_go_up_beside_this_one_s(
    server_dir: Path, server_database: str | None, device: Store, complete_inspection: CompleteFn
) -> None:
    for n in range(PARALLEL_FILES):
        complete_inspection({f"IMG_{n}.jpg": os.urandom(1000 + n)})
    in_flight, seen = [0], []
    with serving(server_dir, slow_uploads(in_flight, seen), server_database) as live:
        report = client_for(device, live.url).push()
    assert [r.outcome for r in report.results] == ["uploaded"] * PARALLEL_FILES
    assert max(seen) == PARALLEL_FILES  # one photo of each record, all at once


def test_read_content_waiting_to_go_up_is_bounded(
    server_dir: Path,
    server_database: str | None,
    device: Store,
    complete_inspection: CompleteFn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With room for 2.5 MB: two 1 MB photos go up together; a 3 MB one alone, and the photo
    after it only once it is in."""
    monkeypatch.setattr(file_upload, "IN_MEMORY_BYTES", 2_500_000)
    mb = 1_000_000
    complete_inspection({"IMG_A.jpg": os.urandom(mb), "IMG_B.jpg": os.urandom(mb + 1)})
    complete_inspection({"IMG_C.jpg": os.urandom(3 * mb)})
    complete_inspection({"IMG_D.jpg": os.urandom(mb + 2)})
    in_flight, seen = [0], []

    def started(scope: dict[str, Any]) -> None:
        length = dict(scope["headers"])[b"content-length"]
        seen.append((in_flight[0], int(length) // mb))

    with serving(server_dir, pausing(in_flight, started, "PATCH"), server_database) as live:
        report = client_for(device, live.url).push()
    assert [r.outcome for r in report.results] == ["uploaded"] * 3
    assert sorted(seen[:2]) == [(1, 1), (2, 1)]  # A and B at once
    assert seen[2:] == [(1, 3), (1, 1)]  # C alone, then D
