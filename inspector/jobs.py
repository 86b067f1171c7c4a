"""The one contract between long work and whoever waits for it: progress and cancel.

A long core function (register import, a batch of notices, an export, a sync run) takes a
``Job`` and, between steps, calls ``job.report(Step(...))`` and checks ``job.cancelled()``.
Cancellation is cooperative, as in Orange's concurrent utilities: nobody interrupts the
worker; it stops at the next safe point and keeps what it has committed. The GUI's task
runner and the CLI's progress bar both implement ``Job``; tests use ``JobState``.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Step:
    """How far a job has got. ``total`` 0 means not known yet (a busy bar and the count)."""

    done: int = 0
    total: int = 0
    text: str = ""
    # What one screen shows beyond the bar (the sync engine's records and bytes); the
    # runner hands it to the job's owner unchanged.
    detail: object = None


class Cancelled(Exception):
    """Raised by ``check`` inside a job that the user cancelled."""


class Job(Protocol):
    def report(self, step: Step) -> None:
        """Say how far the job has got (any thread; cheap, may be called often)."""

    def cancelled(self) -> bool:
        """True once the user asked the job to stop."""

    def wait(self, seconds: float) -> bool:
        """Sleep (a retry's back-off) but wake at once on cancel; True if cancelled."""


def check(job: Job) -> None:
    """Raise ``Cancelled`` if the job was cancelled: for loops that stop by exception."""
    if job.cancelled():
        raise Cancelled


class JobState:
    """A thread-safe ``Job``: a cancel flag, and an optional callback for each step."""

    def __init__(self, on_report: Callable[[Step], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._on_report = on_report

    def report(self, step: Step) -> None:
        if self._on_report is not None:
            self._on_report(step)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, seconds: float) -> bool:
        return self._cancel.wait(seconds)


class _Unwatched:
    """Nobody watches and nobody cancels: the default for calls that need no progress."""

    def report(self, step: Step) -> None:
        pass

    def cancelled(self) -> bool:
        return False

    def wait(self, seconds: float) -> bool:
        threading.Event().wait(seconds)
        return False


UNWATCHED: Job = _Unwatched()
