"""Serving the app with uvicorn (used by ``inspector server run`` and by fault tests).

Workers are separate processes made by uvicorn from the app factory ``app_from_env``; they share
the data folder and the database, and the schema is migrated once before they start.
"""

import argparse
import asyncio
import os
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from sync.server import logs
from sync.server.app import create_app
from sync.server.proxies import TRUSTED_PROXIES_ENV, TrustedProxies
from sync.server.storage import DATABASE_ENV, ServerStore

DATA_ENV = "INSPECTOR_SERVER_DATA"


def app_from_env() -> FastAPI:
    """The app factory each worker process calls: data folder and database from the environment."""
    logs.configure()
    proxies = TrustedProxies.from_text(os.environ.get(TRUSTED_PROXIES_ENV, ""))
    return create_app(
        os.environ[DATA_ENV],
        os.environ.get(DATABASE_ENV) or None,
        [str(network) for network in proxies.networks],
    )


class NoDelayHTTP(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with ``TCP_NODELAY`` set on every connection.

    With several workers uvicorn binds the shared socket itself without naming TCP as its
    protocol, so asyncio does not set ``TCP_NODELAY`` on the connections it accepts (it does
    only for sockets it knows to be TCP). A response is written as its headers, then its body:
    on a kept-alive connection the body then waits for the client's delayed ACK of the
    headers, about 40 ms on every request after the first (a 2 MB upload answered in 52 ms
    instead of 9 ms on this machine). Known upstream: github.com/Kludex/uvicorn/issues/3149."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def uvicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    """How ``serve`` runs uvicorn (besides the app)."""
    return {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "http": NoDelayHTTP,
        "ws": "none",
        "proxy_headers": False,  # forwarded addresses: sync.server.proxies, trusted proxies only
        "log_config": None,
        "access_log": False,
        "timeout_graceful_shutdown": 10,
    }


def serve(
    data_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 8730,
    *,
    database: str | None = None,
    workers: int = 1,
    trusted_proxies: Sequence[str] = (),
) -> None:
    """Run until interrupted. Bind to 127.0.0.1 unless the office network needs otherwise.

    ``trusted_proxies``: the reverse proxies whose ``X-Forwarded-For`` is believed (added to
    any in ``$INSPECTOR_SERVER_TRUSTED_PROXIES``); uvicorn's own header handling is off.
    """
    os.environ[DATA_ENV] = str(data_dir)
    if database:
        os.environ[DATABASE_ENV] = database
    known = TrustedProxies.from_text(os.environ.get(TRUSTED_PROXIES_ENV, ""))
    proxies = TrustedProxies([*map(str, known.networks), *trusted_proxies])  # checked here
    os.environ[TRUSTED_PROXIES_ENV] = proxies.as_text()
    ServerStore(data_dir, database).close()  # migrate before any worker starts
    uvicorn.run("sync.server.run:app_from_env", **uvicorn_options(host, port, workers))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sync.server")
    parser.add_argument("--data", required=True)
    parser.add_argument("--database", default=None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8730)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--trusted-proxy", action="append", default=[])
    args = parser.parse_args()
    serve(
        args.data,
        args.host,
        args.port,
        database=args.database,
        workers=args.workers,
        trusted_proxies=args.trusted_proxy,
    )
