"""Run pending events without PySide6's static ``processEvents`` (6.12, Python 3.11).

``QApplication.processEvents()`` and other static void calls drop a reference to ``None`` on
each call; a loop of a few thousand calls aborts the interpreter ("deallocating None"). The
same work through a ``QEventLoop`` instance keeps the counts right.
"""

from PySide6.QtCore import QEventLoop


def process_events() -> None:
    """Handle the events waiting now (paint, queued signals), then return."""
    QEventLoop().processEvents()
