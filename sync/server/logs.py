"""Structured logs: one JSON line per request (method, path, status, duration, client), and the
logging setup ``inspector server run`` uses, so a log shipper can read them without parsing text.
"""

import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

access = logging.getLogger("sync.server.access")


class JsonFormatter(logging.Formatter):
    """``{"at", "level", "logger", "message", ...extra fields, "error"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str = "info") -> None:
    """JSON lines on stderr for the server's own loggers (and uvicorn's errors)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    for name in ("sync.server", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False


@asynccontextmanager
async def log_request(scope: dict[str, Any], send: Any) -> AsyncIterator[Any]:
    """Wrap ``send`` to learn the status; log the request when it is done."""
    started, status = time.perf_counter(), 0

    async def logged_send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        await send(message)

    try:
        yield logged_send
    finally:
        client = scope.get("client") or ("", 0)
        fields = {
            "method": scope.get("method", ""),
            "path": scope.get("path", ""),
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "client": client[0],
        }
        access.info("request", extra={"fields": fields})
