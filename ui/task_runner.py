"""One place for long work: off the GUI thread, with progress, cancel and Chinese errors.

A job is a plain function ``job(progress) -> result``; it calls ``progress(done, total)``
between steps, which raises ``Cancelled`` once the user pressed 取消 (cooperative, as in
Orange's concurrent utilities). Results and errors arrive on the GUI thread.
"""

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ui.messages import show_error

Progress = Callable[[int, int], None]


class Cancelled(Exception):
    """Raised inside a job when the user cancelled it."""


class _Signals(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: _Signals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals
        self.cancel_event = threading.Event()

    def progress(self, done: int, total: int) -> None:
        if self.cancel_event.is_set():
            raise Cancelled
        self.signals.progressed.emit(done, total)

    def run(self) -> None:
        try:
            result = self.work(self.progress)
        except Cancelled:
            self.signals.failed.emit(Cancelled())
        except Exception as exc:  # delivered to the GUI thread as a message
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)


class TaskRunner(QWidget):
    """Runs one job at a time and shows it in the status bar (label, bar, 取消)."""

    finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # one writer to the store
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(180)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.label, self.bar, self.cancel_button):
            layout.addWidget(widget)
        self._job: _Job | None = None
        self._on_done: Callable[[Any], None] | None = None
        self.setVisible(False)

    @property
    def busy(self) -> bool:
        return self._job is not None

    def run(
        self, title: str, work: Callable[[Progress], Any], on_done: Callable[[Any], None]
    ) -> None:
        """Start ``work`` in the background; ``on_done(result)`` runs on the GUI thread."""
        if self._job is not None:
            raise RuntimeError("a job is already running")
        signals = _Signals(self)
        signals.progressed.connect(self._progressed)
        signals.succeeded.connect(self._succeeded)
        signals.failed.connect(self._failed)
        self._job = _Job(work, signals)
        self._on_done = on_done
        self.label.setText(title)
        self.bar.setRange(0, 0)
        self.setVisible(True)
        self.pool.start(self._job)

    @Slot()
    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel_event.set()
            self.label.setText("正在取消…")

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        """``total`` 0 means not known yet: a busy bar and the count so far."""
        self.bar.setRange(0, max(total, 0))
        self.bar.setValue(done)
        self.bar.setFormat(f"{done:,}" if total <= 0 else "%p%")

    @Slot(object)
    def _succeeded(self, result: object) -> None:
        on_done = self._on_done
        self._reset()
        if on_done is not None:
            on_done(result)

    @Slot(object)
    def _failed(self, error: object) -> None:
        self._reset()
        if not isinstance(error, Cancelled) and isinstance(error, BaseException):
            show_error(self.window(), error)

    def _reset(self) -> None:
        self._job = None
        self._on_done = None
        self.setVisible(False)
        self.finished.emit()
