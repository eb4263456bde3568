"""The Help menu: Ask CaseDesk, Copy diagnostics (for support, without personal data) and About CaseDesk (version,
build, commit, whether an update is waiting)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import __version__ as pyside_version
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMenu

from casedesk.buildinfo import build_info
from casedesk.services.diagnostics import locked_report
from casedesk.services.sync import SyncStatus
from casedesk.ui.about_dialog import AboutDialog
from casedesk.ui.context import AppContext


class HelpMenu(QMenu):
    def __init__(self, window: QMainWindow, context: AppContext, ask: Callable[[], None]) -> None:
        super().__init__("&Help", window)
        self.window_ = window
        self.context = context
        self.about_dialog: AboutDialog | None = None
        asking = self.addAction("Ask CaseDesk…  (F1)")  # the window holds the F1 shortcut itself
        asking.triggered.connect(ask)
        self.addSeparator()
        self.copy_diagnostics = self.addAction("Copy diagnostics")
        self.copy_diagnostics.setToolTip("Versions, folders, the database's size and health, and the last sync")
        self.copy_diagnostics.triggered.connect(self.copy)
        self.about = self.addAction("About CaseDesk")
        self.about.triggered.connect(self.show_about)

    def copy(self) -> None:
        """Put the diagnostics on the clipboard (for a message to support) and say so in the status bar."""
        if not self.context.unlocked:
            self._copied(locked_report(pyside_version))
            return
        self.context.runner.query(lambda col: col.diagnostics.report(pyside_version)).success(self._copied).failure(
            lambda error: self._copied(f"{locked_report(pyside_version)}\nDiagnostics failed: {type(error).__name__}")
        ).run()

    def _copied(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.window_.statusBar().showMessage(
            "Diagnostics copied (no personal data): paste them into your message to support.", 8000
        )

    def show_about(self) -> None:
        """About, with what the server last said about versions (read from the database when unlocked)."""
        context = self.context
        if not context.unlocked:
            self._open_about(None)
            return
        context.runner.query(lambda col: col.sync.status()).success(self._open_about).failure(
            lambda _error: self._open_about(None)
        ).run()

    def _open_about(self, status: SyncStatus | None) -> None:
        self.about_dialog = AboutDialog(build_info(), status, self.window_)
        self.about_dialog.open()


def install(window: QMainWindow, context: AppContext, ask: Callable[[], None]) -> HelpMenu:
    """Add the Help menu to the window's menu bar."""
    menu = HelpMenu(window, context, ask)
    window.menuBar().addMenu(menu)
    return menu
