"""The real sync server on 127.0.0.1 (uvicorn in a thread, or a subprocess to kill) and a
device store with completed inspections to upload."""

import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import uvicorn

from inspector import attachments, findings, inspections, roster
from inspector.clock import utc_now
from inspector.model import FindingDraft, Inspector, NewInspection, Severity
from inspector.store import Store, open_store
from sync.client import SyncClient
from sync.protocol import API_PREFIX, CLIENT_VERSION_HEADER
from sync.server import accounts, catalog
from sync.server.app import create_app
from sync.server.storage import ServerStore
from sync.transport import RetryPolicy

PASSWORD = "correct-horse-1"
ORG = {"id": "org-1", "credit_code": "51100000500002862F", "name": "中国自动化学会"}
FAST_RETRY = RetryPolicy(attempts=8, base_delay=0.02, max_delay=0.2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    data_dir: Path

    def storage(self) -> ServerStore:
        return ServerStore(self.data_dir)

    def api(self, path: str) -> str:
        return self.url + API_PREFIX + path


def seed(data_dir: Path) -> None:
    """Users (two inspectors, a supervisor) and the register entry the tests use."""
    store = ServerStore(data_dir)
    for name, role in (("zhang", "inspector"), ("li", "inspector"), ("wang", "supervisor")):
        accounts.add_user(store, name, role, PASSWORD, roster_id=f"roster-{name}")
    catalog.publish_many(store, "organization", [{**ORG, "kind": "social_group"}])
    store.close()


@pytest.fixture
def server_dir(tmp_path: Path) -> Path:
    data_dir = tmp_path / "server"
    seed(data_dir)
    return data_dir


@contextmanager
def serving(data_dir: Path) -> Iterator[LiveServer]:
    port = free_port()
    config = uvicorn.Config(
        create_app(data_dir), host="127.0.0.1", port=port, ws="none", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield LiveServer(f"http://127.0.0.1:{port}", data_dir)
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def live_server(server_dir: Path) -> Iterator[LiveServer]:
    with serving(server_dir) as server:
        yield server


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for tests that only read or send malformed requests."""
    data_dir = tmp_path_factory.mktemp("shared") / "server"
    seed(data_dir)
    with serving(data_dir) as server:
        yield server


class ServerProcess:
    """The server as a separate process, so a test can kill it hard and start it again."""

    def __init__(self, data_dir: Path):
        self.data_dir, self.port = data_dir, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [sys.executable, "-m", "sync.server", "--data", str(self.data_dir)]
        self.process = subprocess.Popen([*args, "--port", str(self.port)], env=os.environ.copy())
        for _ in range(500):
            try:
                requests.get(self.url + API_PREFIX + "/openapi.json", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.02)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()


@pytest.fixture
def server_process(server_dir: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(server_dir)
    proc.start()
    yield proc
    if proc.process and proc.process.poll() is None:
        proc.kill()


@pytest.fixture
def device(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "device" / "inspector.db")
    store.db["organizations"].insert({**ORG, "kind": "social_group", "updated_at": utc_now()})
    store.db["checklists"].insert(
        {
            "id": "cl",
            "version": 1,
            "title": "测试",
            "kind": "other",
            "applies_to": "[]",
            "effective_date": "2026-01-01",
            "definition": "{}",
            "content_hash": "x",
            "imported_at": utc_now(),
        }
    )
    for i in range(2):
        roster.add(store, Inspector(f"检查员{i}", f"G-00{i}", id=f"roster-{i}"))
    yield store
    store.close()


CompleteFn = Callable[..., str]


@pytest.fixture
def complete_inspection(device: Store, tmp_path: Path) -> CompleteFn:
    """Make a completed inspection with one answer, one finding and the given photos."""

    def make(photos: dict[str, bytes] | None = None, place: str = "会议室") -> str:
        new = NewInspection("org-1", "cl", 1, ["roster-0", "roster-1"], utc_now(), place=place)
        inspection_id = inspections.start(device, new, actor="张伟")
        inspections.set_answer(device, inspection_id, "ar-01", "not_compliant", actor="张伟")
        findings.add(
            device,
            inspection_id,
            FindingDraft(
                "未按期报送年度工作报告", "第二十八条", Severity.MINOR, "限期报送", 30, "2026-12-21"
            ),
            actor="张伟",
        )
        folder = tmp_path / "photos" / inspection_id
        folder.mkdir(parents=True)
        for name, data in (photos or {}).items():
            (folder / name).write_bytes(data)
            attachments.add_file(device, inspection_id, folder / name, actor="张伟")
        inspections.complete(device, inspection_id, actor="张伟")
        return inspection_id

    return make


def photo(seed_text: str, size: int = 300_000) -> bytes:
    """Deterministic pseudo-random bytes (incompressible, distinct per seed)."""
    out = bytearray()
    block = hashlib.sha256(seed_text.encode()).digest()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block * 64
    return bytes(out[:size])


def client_for(store: Store, url: str, user: str = "zhang") -> SyncClient:
    client = SyncClient(store, url, retry=FAST_RETRY)
    client.login(user, PASSWORD)
    return client


def headers(token: str | None = None) -> dict[str, str]:
    out = {CLIENT_VERSION_HEADER: "1"}
    if token:
        out["Authorization"] = f"Bearer {token}"
    return out
