"""Several server processes on one data folder and one database: two and four workers, two
clients pushing the same store to different processes, one worker killed mid-file, and a pull
that must never skip a change while writers commit concurrently.

After each: every record and file on the server exactly once and byte-identical, and every
bundle complete only when its files are.
"""

import hashlib
import os
import shutil
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from inspector import keys
from inspector.store import Store, open_store
from sync import outbox
from sync.progress import Progress
from sync.server import catalog
from sync.server.storage import ServerStore
from sync.transport import RetryPolicy
from tests.sync.sync_support import (
    CompleteFn,
    LiveServer,
    ServerProcess,
    Watched,
    client_for,
    headers,
    photo,
)
from tests.sync.test_sync_faults import assert_converged

PATIENT = RetryPolicy(attempts=12, base_delay=0.05, max_delay=0.5)


def make_records(complete_inspection: CompleteFn, count: int) -> dict[str, bytes]:
    pictures = {f"w{i}.jpg": photo(f"workers{i}", 700_000) for i in range(count)}
    for name, data in pictures.items():
        complete_inspection({name: data, f"shared-{name}": photo("shared", 500_000)})
    return {**pictures, "shared": photo("shared", 500_000)}


@pytest.mark.parametrize("workers", [2, 4])
def test_two_clients_push_the_same_store_to_several_workers(
    server_dir: Path,
    device: Store,
    complete_inspection: CompleteFn,
    tmp_path: Path,
    workers: int,
) -> None:
    pictures = make_records(complete_inspection, 4)
    server = ServerProcess(server_dir, workers=workers)
    server.start()
    try:
        copy_path = tmp_path / "copy"
        copy_path.mkdir()
        devices = [device, _twin_of(device, copy_path)]
        clients = [client_for(store, server.url) for store in devices]
        for client in clients:
            client.transport.retry = PATIENT
        with ThreadPoolExecutor(2) as pool:
            reports = list(pool.map(lambda c: c.push(), clients))
        assert [report.ok for report in reports] == [True, True], reports
        assert len(server.worker_pids()) == workers
    finally:
        server.kill()
    assert_converged(server_dir, device, pictures, 4)
    assert outbox.waiting(devices[1]) == []
    devices[1].close()


def _twin_of(device: Store, folder: Path) -> Store:
    device.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = folder / "inspector.db"
    keys.copy_store_file(device.path, path)
    shutil.copytree(device.files_dir, path.with_name(path.name + ".files"))
    return open_store(path)


def test_two_server_processes_on_one_folder_never_publish_a_wrong_file(
    server_dir: Path, device: Store, complete_inspection: CompleteFn, tmp_path: Path
) -> None:
    """The defect seen: two ``server run`` on one folder stored 5 of 247 files at twice their
    size and called them complete. Here the same store goes to two processes at once."""
    pictures = make_records(complete_inspection, 3)
    processes = [ServerProcess(server_dir), ServerProcess(server_dir)]
    for process in processes:
        process.start()
    try:
        (tmp_path / "second").mkdir()
        second = _twin_of(device, tmp_path / "second")
        clients = [client_for(device, processes[0].url), client_for(second, processes[1].url)]
        for client in clients:
            client.transport.retry = PATIENT
        with ThreadPoolExecutor(2) as pool:
            reports = list(pool.map(lambda c: c.push(), clients))
        assert [report.ok for report in reports] == [True, True], reports
    finally:
        for process in processes:
            process.kill()
    assert_converged(server_dir, device, pictures, 3)
    second.close()


def test_one_worker_killed_mid_file_the_upload_resumes(
    server_dir: Path, device: Store, complete_inspection: CompleteFn
) -> None:
    pictures = {"IMG_0900.jpg": photo("kill-worker", 4_000_000)}
    complete_inspection(pictures)
    server = ServerProcess(server_dir, workers=2)
    server.start()
    part = next(iter(_partials(server_dir, pictures)))
    killed: list[int] = []
    try:
        client = client_for(device, server.url)
        client.transport.retry = PATIENT

        def kill_the_writer(progress: Progress) -> None:
            if killed or progress.bytes_done < 1_500_000 or not part.exists():
                return
            for pid in server.worker_pids():
                if _holds_open(pid, part):
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)

        report = client.push(Watched(kill_the_writer))
        assert killed, "no worker was writing the photo when it was killed"
        assert report.ok, report
    finally:
        server.kill()
    assert_converged(server_dir, device, pictures, 1)


def _partials(server_dir: Path, pictures: dict[str, bytes]) -> list[Path]:
    return [server_dir / "partial" / hashlib.sha256(d).hexdigest() for d in pictures.values()]


def _holds_open(pid: int, path: Path) -> bool:
    try:
        return any(
            os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd")
        )
    except (FileNotFoundError, ProcessLookupError):
        return False


def test_a_pull_never_skips_a_change_under_concurrent_writers(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn, tmp_path: Path
) -> None:
    """Publishers (one record per transaction, each from its own connection) and pushes over
    HTTP commit concurrently while a reader pulls page after page: every published record must
    reach the reader, in increasing change numbers."""
    for _ in range(4):
        complete_inspection()
    pusher = client_for(device, live_server.url)
    (tmp_path / "reader").mkdir()
    reader_store = open_store(tmp_path / "reader" / "inspector.db")
    reader_token = client_for(reader_store, live_server.url, "li").transport.token
    stop = threading.Event()
    published: list[str] = []

    def publish(writer: int) -> None:
        store = ServerStore(live_server.data_dir, live_server.database)
        for n in range(30):
            code = f"W{writer}{n:016d}"
            catalog.publish_many(
                store, "organization", [{"credit_code": code, "name": f"协会{writer}-{n}"}]
            )
            published.append(code)
        store.close()

    seen: list[tuple[int, str]] = []

    def read() -> None:
        cursor, finished = 0, False
        while not finished:
            finished = stop.is_set()  # one more full pass after the writers are done
            while True:
                page = requests.get(
                    live_server.api("/changes"),
                    params={"cursor": cursor, "limit": 7},
                    headers=headers(reader_token),
                    timeout=10,
                ).json()
                seen.extend(
                    (c["seq"], c["entity_id"])
                    for c in page["changes"]
                    if c["entity"] == "organization"
                )
                cursor = page["next_cursor"]
                if not page["more"]:
                    break

    reader = threading.Thread(target=read)
    reader.start()
    with ThreadPoolExecutor(4) as pool:
        jobs = [pool.submit(publish, w) for w in range(3)]
        jobs.append(pool.submit(pusher.push))
        for job in jobs:
            job.result()
    stop.set()
    reader.join(timeout=120)
    numbers = [seq for seq, _ in seen]
    assert numbers == sorted(set(numbers))  # increasing, nothing twice
    assert set(published) <= {code for _, code in seen}  # nothing skipped
    reader_store.close()


def test_reads_are_read_only_snapshots_and_writes_are_not(
    server_dir: Path, server_database: str | None
) -> None:
    """PostgreSQL: the pull cursor's proof needs snapshot reads (set in the BEGIN itself); a
    pooled connection switches back for writes, which hold the writer lock. (SQLite: one
    connection, its own locking.)"""
    store = ServerStore(server_dir, server_database)
    try:
        if not store.is_postgres:
            pytest.skip("PostgreSQL only")
        for _ in range(2):  # the same pooled connection, switched back and forth
            with store.reading() as conn:
                assert conn.execute("SHOW transaction_isolation").fetchone()[0] == "repeatable read"
                assert conn.execute("SHOW transaction_read_only").fetchone()[0] == "on"
            with store.transaction() as conn:
                assert conn.execute("SHOW transaction_isolation").fetchone()[0] == "read committed"
                assert conn.execute("SHOW transaction_read_only").fetchone()[0] == "off"
                locks = conn.execute(
                    "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND pid = pg_backend_pid() AND granted"
                ).fetchone()[0]
                assert locks == 1
    finally:
        store.close()
