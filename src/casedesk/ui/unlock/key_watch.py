"""Lock at once when the database's key file disappears (`casedesk wipe` run while the app is open).

Without its key file the database is crypto-erased; an app that kept its connections would go on writing into
deleted files. The core refuses those writes; this watcher makes the app notice within a second and lock.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

CHECK_MS = 1000


class KeyFileWatcher(QObject):
    gone = Signal()

    def __init__(self, present: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._present = present
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check)
        self._timer.start(CHECK_MS)

    def _check(self) -> None:
        if not self._present():
            self.gone.emit()
