"""How ``inspector server run`` serves the app: the connections uvicorn accepts, and a worker's
start."""

import socket
import threading
import time
from pathlib import Path
from typing import Any

import pydantic
import pytest
import requests
import uvicorn

from sync.server import run
from sync.server.app import create_app
from tests.sync.sync_support import free_port, headers, serving


def test_connections_on_the_workers_shared_socket_are_not_held_back_for_delayed_acks(
    server_dir: Path, server_database: str | None
) -> None:
    """With several workers uvicorn binds the socket they share itself, without naming TCP,
    and asyncio then leaves Nagle's algorithm on for the connections: an answer's body would
    wait for the client's delayed ACK of its headers on every kept-alive request. The server
    sets ``TCP_NODELAY`` on each connection (checked on the socket a worker serves)."""
    app = create_app(server_dir, server_database)
    config = uvicorn.Config(lambda: app, **run.uvicorn_options("127.0.0.1", free_port(), 2))
    shared = config.bind_socket()  # as uvicorn binds it for its worker processes
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [shared]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.01)
        with requests.Session() as kept_alive:
            for _ in range(2):
                answer = kept_alive.get(f"http://127.0.0.1:{config.port}/api/v1/health", timeout=5)
                assert answer.status_code == 200
            [connection] = server.server_state.connections
            served = connection.transport.get_extra_info("socket")  # type: ignore[attr-defined]
            assert served.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        shared.close()
        app.state.store.close()


def test_a_worker_s_first_request_finds_its_routes_built(
    server_dir: Path, server_database: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FastAPI builds a router's routes (a pydantic adapter for every parameter and answer of
    each) on the first request that reaches it, ~50 ms that a client's first request to each
    worker process paid: the server has it done before it takes requests."""
    adapters_made = 0
    real = pydantic.TypeAdapter.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        nonlocal adapters_made
        adapters_made += 1
        real(self, *args, **kwargs)

    with serving(server_dir, database=server_database) as live:
        monkeypatch.setattr(pydantic.TypeAdapter, "__init__", counting)
        first = requests.get(live.api("/inspections"), headers=headers(), timeout=5)
        assert first.status_code == 401  # routed, then refused: no token
        assert adapters_made == 0
