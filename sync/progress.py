"""Progress and cancel for one sync run, shared by the threads that send its files.

A run reports ``Progress`` (records and bytes) as the detail of each ``inspector.jobs.Step``.
Files go up on several threads at once, so the counters are guarded by a lock. A run can also
be halted: once one thread meets an error after which nothing more can go up now (the server
unreachable, the login refused, a cancel), the others stop starting new requests.
"""

import threading
from dataclasses import dataclass

from inspector import jobs
from sync.transport import Cancelled


@dataclass
class Progress:
    records_done: int = 0
    records_total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    current: str = ""


class Run:
    """Progress, cancel and halt for one run."""

    def __init__(self, job: jobs.Job):
        self.progress = Progress()
        self.job = job
        self._lock = threading.Lock()
        self._halt: Exception | None = None

    def cancelled(self) -> bool:
        return self.job.cancelled()

    def check(self) -> None:
        """Raise ``Cancelled`` after a cancel, or the error that halted the run."""
        if self.cancelled():
            raise Cancelled()
        if self._halt is not None:
            raise self._halt

    @property
    def halted(self) -> Exception | None:
        """The error that halted the run, if one did."""
        return self._halt

    def halt(self, error: Exception) -> None:
        """Nothing more goes up in this run: later ``check`` calls raise ``error``."""
        with self._lock:
            self._halt = self._halt or error

    def emit(self, current: str) -> None:
        """The bar counts KB while photos go up (a Qt int holds at most 2 GB), else records."""
        with self._lock:
            self.progress.current = current
            now = Progress(**self.progress.__dict__)
        if now.bytes_total:
            self.job.report(jobs.Step(now.bytes_done >> 10, now.bytes_total >> 10, detail=now))
        else:
            self.job.report(jobs.Step(now.records_done, now.records_total, detail=now))

    def add_bytes(self, count: int) -> None:
        with self._lock:
            self.progress.bytes_done += count
