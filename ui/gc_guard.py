"""Python's cyclic garbage collector, run on the GUI thread only.

A Qt object kept alive by a Python reference cycle is destroyed by whichever thread the
collector happens to run in. When that is a worker (the sync engine, a batch of notices) or a
server thread, Qt deletes a GUI object off the GUI thread and the process crashes (seen as a
segfault "Garbage-collecting" in a worker). So automatic collection is switched off and the
same generational thresholds are checked from a timer on the GUI thread instead.
"""

import gc

from PySide6.QtCore import QObject, QTimer, Slot

INTERVAL_MS = 500


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self.timer = QTimer(self, interval=INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    @Slot()
    def check(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return
