"""Auto-lock: watches the user's keyboard and mouse and says when they have been away too long."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, limit_seconds: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.limit_seconds = limit_seconds
        self._last = time.monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check)
        self._timer.start(int(min(1000, max(50, limit_seconds * 250))))
        self.active = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self._last = time.monotonic()
        return False

    def reset(self) -> None:
        self._last = time.monotonic()

    def _check(self) -> None:
        if self.active and time.monotonic() - self._last >= self.limit_seconds:
            self.active = False
            self.idle.emit()
