"""Helpers for the sync tests: the real server in a thread or a subprocess, photos, logins."""

import hashlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import uvicorn

from inspector.jobs import JobState
from inspector.store import Store
from sync.client import SyncClient
from sync.progress import Progress
from sync.protocol import API_PREFIX, CLIENT_VERSION_HEADER
from sync.server import accounts, catalog
from sync.server.app import create_app
from sync.server.storage import ServerStore
from sync.transport import RetryPolicy

PASSWORD = "correct-horse-1"
ORG = {"id": "org-1", "credit_code": "51100000500002862F", "name": "中国自动化学会"}
FAST_RETRY = RetryPolicy(attempts=8, base_delay=0.02, max_delay=0.2)


class Watched(JobState):
    """A job for engine tests: ``on_progress`` gets each step's ``Progress``, and
    ``is_cancelled`` is asked at every cancel check."""

    def __init__(
        self,
        on_progress: Callable[[Progress], object] | None = None,
        is_cancelled: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(lambda step: on_progress(step.detail) if on_progress else None)
        self.is_cancelled = is_cancelled

    def cancelled(self) -> bool:
        return super().cancelled() or bool(self.is_cancelled and self.is_cancelled())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    database: str | None = None
    opened: list[ServerStore] = field(default_factory=list)

    def storage(self) -> ServerStore:
        """The server's storage, opened for the caller; closed with the server at the latest
        (on PostgreSQL each opening is a connection pool)."""
        store = ServerStore(self.data_dir, self.database)
        self.opened.append(store)
        return store

    def close(self) -> None:
        for store in self.opened:
            store.close()

    def api(self, path: str) -> str:
        return self.url + API_PREFIX + path


def seed(data_dir: Path, database: str | None = None) -> None:
    """Users and the register entry the tests use: zhang and zhao inspect together (the device
    fixtures name both), li is an inspector on none of those records, wang a supervisor."""
    store = ServerStore(data_dir, database)
    users = (("zhang", "inspector"), ("zhao", "inspector"), ("li", "inspector"))
    for name, role in (*users, ("wang", "supervisor")):
        accounts.add_user(store, name, role, PASSWORD, roster_id=f"roster-{name}")
    catalog.publish_many(store, "organization", [{**ORG, "kind": "social_group"}])
    store.close()


@contextmanager
def serving(
    data_dir: Path,
    wrap: Callable[[Any], Any] | None = None,
    database: str | None = None,
    trusted_proxies: Sequence[str] = (),
) -> Iterator[LiveServer]:
    port = free_port()
    app = create_app(data_dir, database, trusted_proxies)
    config = uvicorn.Config(
        wrap(app) if wrap else app,
        host="127.0.0.1",
        port=port,
        ws="none",
        log_level="warning",
        proxy_headers=False,  # as `inspector server run`: the app decides whom to believe
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    live = LiveServer(f"http://127.0.0.1:{port}", data_dir, database)
    yield live
    server.should_exit = True
    thread.join(timeout=5)
    live.close()
    app.state.store.close()


class ServerProcess:
    """The server as separate processes (``workers`` of them under uvicorn's supervisor), so a
    test can kill it, or one worker, hard and start it again. The database is the one in
    ``$INSPECTOR_SERVER_DATABASE`` (SQLite in the data folder when unset)."""

    def __init__(self, data_dir: Path, workers: int = 1):
        self.data_dir, self.port, self.workers = data_dir, free_port(), workers
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [sys.executable, "-m", "sync.server", "--data", str(self.data_dir)]
        args += ["--port", str(self.port), "--workers", str(self.workers)]
        self.process = subprocess.Popen(args, env=os.environ.copy(), start_new_session=True)
        for _ in range(1500):
            try:
                requests.get(self.url + API_PREFIX + "/health", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.02)
        raise RuntimeError("server did not start")

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the supervisor) when ``workers`` > 1."""
        assert self.process is not None
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children if _is_worker(int(child))]

    def kill(self) -> None:
        """SIGKILL to the whole process group: the supervisor and every worker."""
        assert self.process is not None
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def _is_worker(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False
    return b"multiprocessing" in command and b"resource_tracker" not in command


CompleteFn = Callable[..., str]


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


def every_third_fails(app: Any) -> Any:
    """ASGI wrapper: every third request runs in full, then its answer is replaced by a 500."""
    count = itertools.count(1)

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or next(count) % 3:
            await app(scope, receive, send)
            return

        async def swallow(message: dict[str, Any]) -> None:
            return None

        await app(scope, receive, swallow)
        body = b'{"detail":"injected","code":"test"}'
        await send({"type": "http.response.start", "status": 500, "headers": []})
        await send({"type": "http.response.body", "body": body})

    return wrapped
