"""Faults against the real server: cut uploads, lost answers, restarts, 500s, expiry, kills.

After each: every record and photo is on the server exactly once and byte-identical, and the
outbox is empty.
"""

import hashlib
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector import keys
from inspector.store import Store, open_store
from sync import outbox
from sync.client import RECORDS_AHEAD, SyncClient
from sync.progress import Progress
from sync.server import accounts, bundles
from sync.server.storage import ServerStore
from sync.transport import RetryPolicy
from tests.sync.faulty_proxy import FaultyProxy
from tests.sync.sync_support import (
    PASSWORD,
    CompleteFn,
    LiveServer,
    ServerProcess,
    Watched,
    client_for,
    photo,
)


def assert_converged(
    data_dir: Path, device: Store, pictures: dict[str, bytes], records: int
) -> None:
    """Exactly the expected records and files on the server, byte-identical; outbox empty."""
    store = ServerStore(data_dir)
    stats = bundles.stats(store)
    assert stats["inspections"] == records
    assert stats["incomplete_bundles"] == 0
    expected = {hashlib.sha256(data).hexdigest(): data for data in pictures.values()}
    on_disk = {p.name: p.read_bytes() for p in (data_dir / "blobs").rglob("*") if p.is_file()}
    assert on_disk == expected
    assert stats["attachments"] == len(expected)
    with store.reading() as conn:
        assert conn.execute("SELECT COUNT(*) FROM bundles").fetchone()[0] == records
    store.close()
    assert outbox.waiting(device) == []
    assert set(outbox.counts(device)) == {"done"}


@pytest.fixture
def proxy(live_server: LiveServer) -> Iterator[FaultyProxy]:
    port = int(live_server.url.rsplit(":", 1)[1])
    running = FaultyProxy(port).start()
    yield running
    running.stop()


def test_photo_cut_mid_body_resumes_from_the_servers_offset(
    live_server: LiveServer, proxy: FaultyProxy, device: Store, complete_inspection: CompleteFn
) -> None:
    pictures = {"IMG_0231.jpg": photo("cut", 1_500_000)}
    complete_inspection(pictures)
    client_for(device, live_server.url)
    proxy.cut_upload_after, proxy.cuts = 700_000, 2
    report = SyncClient(device, proxy.url, retry=RetryPolicy(8, 0.02, 0.2)).push()
    assert report.ok, report
    assert proxy.cut_done == 2
    assert "照片 IMG_0231.jpg 上传中断，已自动续传" in report.results[0].notes
    assert_converged(live_server.data_dir, device, pictures, 1)


def test_lost_answer_after_commit_is_resent_and_answered_alike(
    live_server: LiveServer, proxy: FaultyProxy, device: Store, complete_inspection: CompleteFn
) -> None:
    pictures = {"a.jpg": photo("lost", 50_000)}
    complete_inspection(pictures)
    client_for(device, live_server.url)
    proxy.drops = 3  # the bundle's answer, then the photo's, then the confirmation's
    report = SyncClient(device, proxy.url, retry=RetryPolicy(8, 0.02, 0.2)).push()
    assert report.ok, report
    assert proxy.drop_done == 3
    assert_converged(live_server.data_dir, device, pictures, 1)


def test_random_server_errors_after_commit_change_nothing(
    flaky_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    pictures = {f"p{i}.jpg": photo(f"flaky{i}", 40_000) for i in range(4)}
    for i in range(2):
        complete_inspection({k: v for k, v in pictures.items() if int(k[1]) % 2 == i})
    client = client_for(device, flaky_server.url)
    report = client.push()
    assert report.ok, report
    assert_converged(flaky_server.data_dir, device, pictures, 2)


def test_token_expiring_mid_run_asks_to_log_in_and_the_rest_waits(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    """The token expires once the first record is settled; the records begun after that (the
    push works ``RECORDS_AHEAD`` records ahead) meet the 401 and wait for the next run."""
    count = RECORDS_AHEAD + 2
    pictures = {f"{n}.jpg": photo(f"exp-{n}", 10_000) for n in range(count)}
    for name, data in pictures.items():
        complete_inspection({name: data})
    client = client_for(device, live_server.url)
    device_id = device.db.execute(
        "SELECT value FROM sync_state WHERE key = 'device_id'"
    ).fetchone()[0]
    storage = live_server.storage()

    def expire_after_first(progress: Progress) -> None:
        if progress.records_done == 1:
            accounts.expire_device_now(storage, device_id)

    report = client.push(Watched(expire_after_first))
    outcomes = [r.outcome for r in report.results]
    assert outcomes[0] == "uploaded" and outcomes[-2:] == ["waiting", "waiting"]
    assert "重新登录" in report.stopped
    assert all("重新登录" in r.message for r in report.results if r.outcome == "waiting")
    client.login("zhang", PASSWORD)
    assert client.push().ok
    assert_converged(live_server.data_dir, device, pictures, count)


def test_cancel_mid_photo_then_resume(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    pictures = {"big.jpg": photo("cancel", 2_000_000)}
    complete_inspection(pictures)
    client = client_for(device, live_server.url)
    part = live_server.storage().partial_path(hashlib.sha256(pictures["big.jpg"]).hexdigest())

    sent: list[int] = [0]

    def cancel_once_the_server_holds_part() -> bool:
        """Past 600 kB, hold the upload until part of it is on the server's disk, then cancel."""
        if sent[-1] <= 600_000:
            return False
        for _ in range(1000):
            if part.exists() and part.stat().st_size > 0:
                return True
            time.sleep(0.01)
        raise AssertionError("the server never wrote any of the photo")

    report = client.push(
        Watched(lambda p: sent.append(p.bytes_done), is_cancelled=cancel_once_the_server_holds_part)
    )
    assert report.cancelled and report.results[0].outcome == "waiting"
    assert "已取消" in report.results[0].message
    resumed = client.push()
    assert resumed.ok
    assert any("断点续传" in note for note in resumed.results[0].notes)
    assert_converged(live_server.data_dir, device, pictures, 1)


def test_server_killed_and_restarted_mid_upload(
    server_process: ServerProcess, device: Store, complete_inspection: CompleteFn
) -> None:
    pictures = {"IMG_0500.jpg": photo("kill", 3_000_000)}
    complete_inspection(pictures)
    client = client_for(device, server_process.url)
    client.transport.retry = RetryPolicy(attempts=12, base_delay=0.05, max_delay=0.5)
    restarted = threading.Event()

    def kill_once(progress: Progress) -> None:
        if progress.bytes_done > 1_000_000 and not restarted.is_set():
            restarted.set()
            server_process.kill()
            threading.Thread(target=server_process.start, daemon=True).start()

    report = client.push(Watched(kill_once))
    assert restarted.is_set()
    assert report.ok, report
    assert_converged(server_process.data_dir, device, pictures, 1)


def test_same_outbox_pushed_concurrently_from_two_processes(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn, tmp_path: Path
) -> None:
    pictures = {f"c{i}.jpg": photo(f"conc{i}", 400_000) for i in range(3)}
    for name, data in pictures.items():
        complete_inspection({name: data})
    client_for(device, live_server.url)
    twin = tmp_path / "twin" / "inspector.db"
    twin.parent.mkdir()
    device.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    keys.copy_store_file(device.path, twin)
    shutil.copytree(device.files_dir, twin.with_name(twin.name + ".files"))
    runs = [
        subprocess.Popen(
            [*_cli(db), "sync", "push"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for db in (device.path, twin)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert "上传完成 3/3 条" in outputs[0][0].decode()
    assert_converged(live_server.data_dir, device, pictures, 3)
    copy = open_store(twin)
    assert outbox.waiting(copy) == []
    copy.close()


def test_client_killed_mid_run_finishes_on_the_next_run(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    pictures = {f"k{i}.jpg": photo(f"killc{i}", 1_000_000) for i in range(4)}
    for name, data in pictures.items():
        complete_inspection({name: data})
    client_for(device, live_server.url)
    run = subprocess.Popen([*_cli(device.path), "sync", "push"], stdout=subprocess.DEVNULL)
    partial = live_server.data_dir / "partial"
    blobs = live_server.data_dir / "blobs"
    for _ in range(2000):
        if any(partial.iterdir()) or any(p.is_file() for p in blobs.rglob("*")):
            break
        threading.Event().wait(0.005)
    run.kill()
    run.wait()
    reopened = open_store(device.path)  # the store survives (quick_check passes)
    report = SyncClient(reopened, retry=RetryPolicy(8, 0.02, 0.2)).push()
    assert report.ok, report
    assert_converged(live_server.data_dir, reopened, pictures, 4)
    reopened.close()


def _cli(db: Path) -> list[str]:
    return [sys.executable, "-c", "from cli.main import main; main()", "--db", str(db)]
