"""The desktop notification for urgent alerts: a tray icon whose message carries no personal data (it may show on
a locked screen or a shared monitor), and which brings CaseDesk forward at "My work" when clicked.

The icon is drawn here (CaseDesk ships no image files): a tray icon without one is never shown by the system, and
neither is its message. Where the desktop has no tray (some Linux sessions, and the offscreen platform the tests
use) nothing is shown outside the window; the banner on "My work" says the same inside it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QSystemTrayIcon

NOTICE = "An urgent alert about a child on your caseload needs attention. Open CaseDesk to see it."
TITLE = "CaseDesk"
SHOW_MS = 15_000


def alert_icon(size: int = 64) -> QIcon:
    """CaseDesk's mark for the tray: a white "C" on the app's blue, with an amber corner when something waits."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#1f5f99"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.2, size * 0.2)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setPixelSize(int(size * 0.7))
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "C")
    painter.setBrush(QColor("#f0a30a"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(QRectF(size * 0.62, size * 0.02, size * 0.36, size * 0.36))
    painter.end()
    return QIcon(pixmap)


class UrgentNotifier(QObject):
    """Owns the tray icon; `notify` shows the message where the desktop has a tray."""

    open_requested = Signal()  # the message or the icon was clicked: show "My work"

    def __init__(self, parent: QObject, has_tray: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable) -> None:
        super().__init__(parent)
        self.has_tray = has_tray
        self.tray = QSystemTrayIcon(alert_icon(), self)
        self.tray.setToolTip(TITLE)
        self.tray.messageClicked.connect(self.open_requested)
        self.tray.activated.connect(self._activated)
        self.shown = 0  # notifications given since start (what the status line and the tests read)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()

    def notify(self, count: int) -> bool:
        """Tell the user, outside the window, that `count` urgent alerts wait; False where there is no tray."""
        if count < 1 or not self.has_tray():
            return False
        self.tray.show()
        self.tray.setToolTip(f"{TITLE}: {count} urgent alert(s) waiting")
        self.tray.showMessage(TITLE, NOTICE, QSystemTrayIcon.MessageIcon.Warning, SHOW_MS)
        self.shown += 1
        return True

    def clear(self) -> None:
        """Once the user has come to see: the icon goes (it says nothing about a child, but it is noise)."""
        self.tray.hide()
        self.tray.setToolTip(TITLE)
