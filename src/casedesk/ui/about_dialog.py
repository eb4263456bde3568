"""About CaseDesk: the version, build and commit (what support asks for first), and whether it is up to date as far
as the server said at the last sync."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from casedesk.buildinfo import BuildInfo
from casedesk.services.sync import SyncStatus
from casedesk.ui.palette import MUTED, RED


def update_state(status: SyncStatus | None) -> tuple[str, str]:
    """What the server last said about this version, and the colour to say it in ("" for the usual text)."""
    if status is None or not status.enrolled:
        return "Not known: this computer is not connected to a server.", MUTED
    if status.update_required:
        return f"Update needed: your server accepts {status.minimum_version} or newer, so syncing has stopped.", RED
    if status.newer_version:
        return f"CaseDesk {status.newer_version} is available.", ""
    if not status.last_success:
        return "Not known yet: the server has not been reached.", MUTED
    return "Up to date, as far as your server said at the last sync.", ""


class AboutDialog(QDialog):
    def __init__(self, info: BuildInfo, status: SyncStatus | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About CaseDesk")
        heading = QLabel("<h3>CaseDesk</h3>An offline-first, encrypted case desk for people who keep children safe.")
        heading.setWordWrap(True)
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        text, colour = update_state(status)
        for label, value in (
            ("Version", info.version),
            ("Build", info.build),
            ("Commit", info.commit),
            ("Updates", text),
            ("Python", platform.python_version()),
            ("Qt (PySide6)", pyside_version),
        ):
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setAccessibleName(label)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if label == "Updates" and colour:
                shown.setStyleSheet(f"color: {colour};")
            self.values[label] = shown
            form.addRow(label, shown)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.buttons = buttons
        self.setMinimumWidth(440)
