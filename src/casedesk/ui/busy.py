"""In-window progress for work that runs in the background: what is happening, a moving bar, and Stop.

A modal progress dialog suits work the user started and waits for (unlocking, an import); a sync round runs by
itself every minute, so it must never take the window: it shows in a row on its page instead, and only once it
has run past half a second.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


class BusyRow(QWidget):
    """Hidden until `show_busy`; the Stop button (when given a callback) asks the work to stop at its next step."""

    def __init__(self, stop: Callable[[], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy: how long a round takes is not known in advance
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(160)
        self.stop_button = QPushButton("Stop")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar)
        row.addWidget(self.label, 1)
        row.addWidget(self.stop_button)
        if stop is None:
            self.stop_button.hide()
        else:
            self.stop_button.clicked.connect(stop)
            self.stop_button.clicked.connect(lambda: self.stop_button.setEnabled(False))
        self.setAccessibleName("Work in progress")
        self.hide()

    def show_busy(self, text: str) -> None:
        self.label.setText(text)
        self.stop_button.setEnabled(True)
        self.show()

    def done(self) -> None:
        self.hide()
