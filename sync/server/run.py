"""Serving the app with uvicorn (used by ``inspector server run`` and by fault tests)."""

import argparse
from pathlib import Path

import uvicorn

from sync.server.app import create_app


def serve(data_dir: Path | str, host: str = "127.0.0.1", port: int = 8730) -> None:
    """Run until interrupted. Bind to 127.0.0.1 unless the office network needs otherwise."""
    uvicorn.run(create_app(data_dir), host=host, port=port, ws="none", log_level="warning")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sync.server")
    parser.add_argument("--data", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8730)
    args = parser.parse_args()
    serve(args.data, args.host, args.port)
