"""How ``inspector server run`` serves the app: the connections uvicorn accepts."""

import socket
import threading
import time
from pathlib import Path

import requests
import uvicorn

from sync.server import run
from sync.server.app import create_app
from tests.sync.sync_support import free_port


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
