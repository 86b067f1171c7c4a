"""The plain-upload baseline for ``bench_sync``: an ASGI app that streams each PUT body to a
file and hashes it, nothing more. ``python -m bench.sync_sink FOLDER WORKERS PORT``: the same
uvicorn, HTTP protocol (``sync.server.run.NoDelayHTTP``: without it every kept-alive answer
waits ~40 ms for a delayed ACK) and as many worker processes as the server it is compared
with."""

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

import uvicorn

from sync.server.run import NoDelayHTTP


def sink(folder: Path) -> Any:
    folder.mkdir(parents=True, exist_ok=True)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        name = Path(scope.get("path", "")).name
        if scope["type"] != "http" or not name:
            if scope["type"] == "http":  # the readiness probe
                await send({"type": "http.response.start", "status": 204, "headers": []})
                await send({"type": "http.response.body", "body": b""})
            return
        digest = hashlib.sha256()
        with (folder / name).open("wb") as fh:
            more = True
            while more:
                message = await receive()
                chunk = message.get("body", b"")
                digest.update(chunk)
                fh.write(chunk)
                more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": digest.hexdigest().encode()})

    return app


def app_from_env() -> Any:
    return sink(Path(os.environ["BENCH_SINK_FOLDER"]))


if __name__ == "__main__":
    os.environ["BENCH_SINK_FOLDER"] = sys.argv[1]
    uvicorn.run(
        "bench.sync_sink:app_from_env",
        factory=True,
        host="127.0.0.1",
        port=int(sys.argv[3]),
        workers=int(sys.argv[2]),
        http=NoDelayHTTP,
        ws="none",
        log_level="warning",
    )
