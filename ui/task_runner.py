"""The app's one task runner: long work off the GUI thread, with progress, 取消 and errors.

The main window owns the only ``TaskRunner`` (shown in the status bar) and hands it to the
screens that start long work. A job is ``work(store, job) -> result``: ``store`` is a
connection of the worker's own, opened for the job and closed after it; ``job`` is the
core's ``inspector.jobs.Job`` (report steps, check cancel). The runner has one worker
thread, so background writes to the store never run two at a time; the GUI's own
connection writes only short transactions beside them (docs/architecture.md, "Long work").

One job at a time: a second one is refused with ``busy_message`` ("正在进行「…」…") for
the screen to show, never queued behind the user's back. Steps, the result and errors
reach the GUI thread through argument-less queued signals (the values wait on the job
object), and only the latest step is shown, so a chatty job cannot flood the event loop.
"""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from inspector.jobs import Cancelled, Job, Step
from inspector.store import Store, open_store
from ui.messages import show_error

Work = Callable[[Store, Job], Any]


class _Signals(QObject):
    stepped = Signal()
    ended = Signal()


class _RunningJob:
    """One job's shared state; implements ``inspector.jobs.Job`` for the work."""

    def __init__(self, store_path: Path, work: Work, signals: _Signals) -> None:
        self.store_path = store_path
        self.work = work
        self.signals = signals
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._step: Step | None = None
        self.result: Any = None
        self.error: BaseException | None = None

    # --- inspector.jobs.Job, called on the worker thread --------------------------------

    def report(self, step: Step) -> None:
        with self._lock:
            pending, self._step = self._step is not None, step
        if not pending:  # else the GUI has not taken the last one yet: it will see this one
            self.signals.stepped.emit()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, seconds: float) -> bool:
        return self._cancel.wait(seconds)

    # --- the runner's side ----------------------------------------------------------------

    def cancel(self) -> None:
        self._cancel.set()

    def take_step(self) -> Step | None:
        with self._lock:
            step, self._step = self._step, None
        return step

    def run(self) -> None:
        """On the worker thread: a connection of its own for the job, then the work."""
        try:
            store = open_store(self.store_path)
            try:
                self.result = self.work(store, self)
            finally:
                store.close()
        except Exception as exc:  # delivered to the GUI thread as a message
            self.error = exc
        self.signals.ended.emit()


class _Worker(QRunnable):
    """The pool's handle on a job (the pool deletes it; the job's state outlives it)."""

    def __init__(self, job: _RunningJob) -> None:
        super().__init__()
        self.job = job

    def run(self) -> None:
        self.job.run()


class TaskRunner(QWidget):
    """Runs one job at a time and shows it (label, bar, 取消)."""

    finished = Signal()  # after every job: done, failed or cancelled

    def __init__(self, store_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store_path = store_path
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # background writes one at a time
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(180)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.label, self.bar, self.cancel_button):
            layout.addWidget(widget)
        self.title = ""
        self._job: _RunningJob | None = None
        self._on_done: Callable[[Any], None] | None = None
        self._on_step: Callable[[Step], None] | None = None
        self.setVisible(False)

    @property
    def busy(self) -> bool:
        return self._job is not None

    def busy_message(self) -> str:
        """What to tell someone who starts a second job while one runs."""
        return f"正在进行「{self.title}」，请等它完成后再试。"

    def run(
        self,
        title: str,
        work: Work,
        on_done: Callable[[Any], None],
        on_step: Callable[[Step], None] | None = None,
    ) -> bool:
        """Start ``work`` in the background; False (nothing started) while another job runs.

        ``on_done(result)`` and ``on_step(step)`` run on the GUI thread; a job that raises
        shows its error (a ``UserError``'s Chinese message) and calls neither.
        """
        if self._job is not None:
            return False
        signals = _Signals(self)
        signals.stepped.connect(self._stepped)
        signals.ended.connect(self._ended)
        self._job = _RunningJob(self.store_path, work, signals)
        self._on_done, self._on_step = on_done, on_step
        self.title = title
        self.label.setText(title)
        self.bar.setRange(0, 0)
        self.setVisible(True)
        self.pool.start(_Worker(self._job))
        return True

    @Slot()
    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.label.setText("正在取消…")

    def wait_idle(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (closing the window, tests); True if it is."""
        return self.pool.waitForDone(msecs)

    @Slot()
    def _stepped(self) -> None:
        job = self._job
        step = job.take_step() if job is not None else None
        if job is None or step is None:
            return
        if not job.cancelled():
            self.label.setText(step.text or self.title)
        # ``total`` 0: not known yet, a busy bar and the count so far.
        self.bar.setRange(0, max(step.total, 0))
        self.bar.setValue(step.done)
        self.bar.setFormat(f"{step.done:,}" if step.total <= 0 else "%p%")
        if self._on_step is not None:
            self._on_step(step)

    @Slot()
    def _ended(self) -> None:
        job, on_done = self._job, self._on_done
        if job is None:
            return
        self._stepped()  # the last step, if the GUI had not shown it yet
        job.signals.deleteLater()
        self._job = self._on_done = self._on_step = None
        self.setVisible(False)
        self.finished.emit()  # first: an ``on_done`` may start the next job
        if job.error is None:
            if on_done is not None:
                on_done(job.result)
        elif not isinstance(job.error, Cancelled):
            show_error(self.window(), job.error)
