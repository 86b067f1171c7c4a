"""Where details go: a rotating log file in the user's log folder, never the user's screen."""

import logging
import logging.handlers
from pathlib import Path

import platformdirs

from inspector import APP_NAME


def log_file() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "inspector.log"


def configure_logging() -> Path:
    """Send INFO and above to the log file; returns its path so messages can point to it."""
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=5_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    return path
