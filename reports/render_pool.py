"""Rendering a batch of notices on every core: worker processes that turn documents into files.

The process that holds the store numbers each notice and composes it (one writer, in its
transactions); the workers only render and write, which is where the time goes (reportlab's
layout and font subsetting, python-docx's XML). The workers are *spawned*, not forked: the
GUI runs the batch beside Qt's threads, and a forked Qt process is not safe. Each worker
resolves the fonts once, as the parent did (the same setting and ``$INSPECTOR_FONT``).

A small batch, or a machine with one core, renders in the calling process (``Inline``): a
worker takes about a second to start (importing reportlab and python-docx).

The frozen app starts a worker through its own executable, so its entry point calls
``multiprocessing.freeze_support()`` first (``packaging/desktop_main.py``).
"""

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from reports import files, fonts
from reports.document import Document
from reports.files import Format

POOL_FROM = 16  # notices: below this, starting the workers costs more than it saves
_COLLECT_EVERY = 50  # python-docx leaves each document in reference cycles

Written = tuple[Path, ...]


class Renderer(Protocol):
    depth: int  # notices numbered and not yet written: what a cancel may leave without files

    def submit(
        self, document: Document, out_dir: Path, stem: str, formats: Sequence[Format]
    ) -> "Future[Written]":
        """Write one document's files; the future holds their paths or the error. A cancel
        of the future drops a document no worker has started."""


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def workers_for(count: int) -> int:
    """How many processes should render ``count`` notices: 1 means in the calling process."""
    return 1 if count < POOL_FROM else min(cores(), count)


class Inline:
    """Renders at once, in the calling process: a batch of one, or of a few.

    python-docx leaves each document in reference cycles; they are collected every
    ``_COLLECT_EVERY`` documents (100 DOCX: 74 MB of peak growth without, about 60 MB with),
    but only on the main thread (the CLI's): a collection on another thread can delete Qt
    objects there and crash (``ui/gc_guard.py``); the GUI thread collects from its own timer.
    """

    depth = 1

    def __init__(self, font_set: fonts.FontSet | None) -> None:
        self._font_set = font_set
        self._written = 0

    def submit(
        self, document: Document, out_dir: Path, stem: str, formats: Sequence[Format]
    ) -> "Future[Written]":
        future: Future[Written] = Future()
        try:
            future.set_result(files.write(document, out_dir, stem, formats, self._font_set))
        except Exception as exc:  # the caller sees it through the future, as from a worker
            future.set_exception(exc)
        self._written += 1
        if self._written % _COLLECT_EVERY == 0 and _on_main_thread():
            gc.collect()
        return future


class Pool:
    """``workers`` spawned processes. Twice as many documents as workers are kept in flight:
    enough to keep every worker busy while the parent numbers the next notice."""

    def __init__(self, workers: int, font_setting: str | None, pdf: bool) -> None:
        self.depth = 2 * workers
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(font_setting, pdf),
        )

    def submit(
        self, document: Document, out_dir: Path, stem: str, formats: Sequence[Format]
    ) -> "Future[Written]":
        return self._executor.submit(_write_in_worker, document, out_dir, stem, list(formats))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


@contextmanager
def renderer(
    workers: int, font_set: fonts.FontSet | None, font_setting: str | None
) -> Iterator[Renderer]:
    """``Inline`` for one worker, else a ``Pool`` whose processes end with the block."""
    if workers <= 1:
        yield Inline(font_set)
        return
    pool = Pool(workers, font_setting, pdf=font_set is not None)
    try:
        yield pool
    finally:
        pool.close()


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


# --- in the worker processes ---------------------------------------------------------------

_worker_fonts: fonts.FontSet | None = None
_written = 0


def _start_worker(font_setting: str | None, pdf: bool) -> None:
    global _worker_fonts
    # Ctrl-C reaches the whole process group: the parent stops the batch (``cli.main`` says
    # 已取消) and lets the workers finish the files they are writing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_fonts = fonts.resolve(font_setting) if pdf else None


def _write_in_worker(
    document: Document, out_dir: Path, stem: str, formats: list[Format]
) -> Written:
    global _written
    paths = files.write(document, out_dir, stem, formats, _worker_fonts)
    _written += 1
    if _written % _COLLECT_EVERY == 0:  # a worker's main thread, and no Qt in its process
        gc.collect()
    return paths
