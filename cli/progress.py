"""The command line's side of ``inspector.jobs.Job``: a progress bar on stderr.

Standard output keeps only the result, so it can be piped. There is no 取消 button here:
Ctrl-C interrupts the command (``cli.main`` says 已取消), and what a job had committed stays.
"""

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from inspector.jobs import Step


class TerminalJob:
    """Draws a bar once the job knows its total; the bar follows changes of that total."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None  # click's ProgressBar, made on the first step with a total

    def report(self, step: Step) -> None:
        if step.total <= 0:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=step.total, label=self.label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.length = step.total
        self._bar.update(step.done - self._bar.pos)

    def cancelled(self) -> bool:
        return False

    def wait(self, seconds: float) -> bool:
        time.sleep(seconds)
        return False

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@contextmanager
def terminal_job(label: str) -> Iterator[TerminalJob]:
    """A ``TerminalJob`` whose bar is finished (its line ended) when the block ends."""
    job = TerminalJob(label)
    try:
        yield job
    finally:
        job.close()
