"""Notice numbers from the office: disjoint, increasing blocks per authority and year, across
threads and server processes, for supervisors only."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from inspector.store import Store, open_store
from sync.client import SyncClient
from sync.notice_numbers import NumberBlock, reserve_notice_numbers
from sync.server import bundles
from sync.transport import SyncError
from tests.sync.sync_support import LiveServer, ServerProcess, client_for


def supervisor(tmp_path: Path, url: str, name: str) -> SyncClient:
    (tmp_path / name).mkdir()
    store: Store = open_store(tmp_path / name / "inspector.db")
    return client_for(store, url, "wang")


def test_blocks_are_increasing_and_counted_per_authority_and_year(
    live_server: LiveServer, tmp_path: Path
) -> None:
    client = supervisor(tmp_path, live_server.url, "desk")
    assert reserve_notice_numbers(client, "民社", 2026, 10) == NumberBlock("民社", 2026, 1, 10)
    assert reserve_notice_numbers(client, "民社", 2026, 5) == NumberBlock("民社", 2026, 11, 15)
    assert reserve_notice_numbers(client.transport, "民社", 2027, 3) == NumberBlock(
        "民社", 2027, 1, 3
    )
    assert reserve_notice_numbers(client, "京民", 2026, 1) == NumberBlock("京民", 2026, 1, 1)
    [newest, *_] = bundles.audit_entries(live_server.storage(), "wang", 10)
    assert (newest["action"], newest["target"], newest["detail"]) == (
        "notice_numbers",
        "京民/2026",
        "1-1",
    )


def test_inspectors_cannot_reserve_and_bad_counts_are_refused(
    live_server: LiveServer, device: Store, tmp_path: Path
) -> None:
    inspector = client_for(device, live_server.url, "zhang")
    with pytest.raises(SyncError, match="只有科室负责人或管理员"):
        reserve_notice_numbers(inspector, "民社", 2026, 10)
    desk = supervisor(tmp_path, live_server.url, "desk")
    with pytest.raises(SyncError, match="请求格式不正确"):
        reserve_notice_numbers(desk, "民社", 2026, 0)


def test_concurrent_reservations_on_two_processes_never_overlap(
    server_dir: Path, tmp_path: Path
) -> None:
    processes = [ServerProcess(server_dir), ServerProcess(server_dir)]
    for process in processes:
        process.start()
    try:
        clients = [supervisor(tmp_path, processes[i % 2].url, f"desk{i}") for i in range(4)]

        def reserve_many(client: SyncClient) -> list[NumberBlock]:
            return [reserve_notice_numbers(client, "民社", 2026, 7) for _ in range(15)]

        with ThreadPoolExecutor(4) as pool:
            per_client = list(pool.map(reserve_many, clients))
    finally:
        for process in processes:
            process.kill()
    numbers = [n for blocks in per_client for b in blocks for n in range(b.first, b.last + 1)]
    assert sorted(numbers) == list(range(1, 4 * 15 * 7 + 1))
    for blocks in per_client:  # each device's blocks come in increasing order
        assert [b.first for b in blocks] == sorted(b.first for b in blocks)
