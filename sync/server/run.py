"""Serving the app with uvicorn (used by ``inspector server run`` and by fault tests).

Workers are separate processes made by uvicorn from the app factory ``app_from_env``; they share
the data folder and the database, and the schema is migrated once before they start.
"""

import argparse
import os
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from sync.server import logs
from sync.server.app import create_app
from sync.server.storage import DATABASE_ENV, ServerStore

DATA_ENV = "INSPECTOR_SERVER_DATA"


def app_from_env() -> FastAPI:
    """The app factory each worker process calls: data folder and database from the environment."""
    logs.configure()
    return create_app(os.environ[DATA_ENV], os.environ.get(DATABASE_ENV) or None)


def serve(
    data_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 8730,
    *,
    database: str | None = None,
    workers: int = 1,
) -> None:
    """Run until interrupted. Bind to 127.0.0.1 unless the office network needs otherwise."""
    os.environ[DATA_ENV] = str(data_dir)
    if database:
        os.environ[DATABASE_ENV] = database
    ServerStore(data_dir, database).close()  # migrate before any worker starts
    uvicorn.run(
        "sync.server.run:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        ws="none",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sync.server")
    parser.add_argument("--data", required=True)
    parser.add_argument("--database", default=None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8730)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    serve(args.data, args.host, args.port, database=args.database, workers=args.workers)
