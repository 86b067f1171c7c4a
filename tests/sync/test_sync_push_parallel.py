"""A record's photos go up on several connections at once, and what the progress counts stays
right: every byte once at the end, never more than the total. A record's confirming PUT goes up
while the next record begins."""

import asyncio
import hashlib
import os
from pathlib import Path
from typing import Any

from inspector.store import Store
from sync.client import PARALLEL_FILES, Progress
from sync.server.storage import ServerStore
from tests.sync.sync_support import CompleteFn, Watched, client_for, serving


def slow_uploads(in_flight: list[int], seen: list[int], method: str = "PATCH") -> Any:
    """ASGI wrapper: each request of ``method`` (file uploads) waits a moment first; ``seen``
    gets how many were under way at each start."""

    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "http" or scope["method"] != method:
                await app(scope, receive, send)
                return
            in_flight[0] += 1
            seen.append(in_flight[0])
            try:
                await asyncio.sleep(0.3)
                await app(scope, receive, send)
            finally:
                in_flight[0] -= 1

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
