"""The main window: navigation, pages, status bar, shortcuts and the lock. Layout and wiring only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from casedesk.ui.caseload_view import CaseloadView
from casedesk.ui.child_view import ChildPage
from casedesk.ui.context import AppContext
from casedesk.ui.directory_page import DirectoryPage
from casedesk.ui.idle import IdleWatcher
from casedesk.ui.needs_checks_tab import show_services_for
from casedesk.ui.new_child_dialog import NewChildDialog
from casedesk.ui.sync_controller import SyncController
from casedesk.ui.sync_page import SyncPage
from casedesk.ui.unlock_dialog import UnlockDialog

PAGES = ("Caseload", "Child", "Directory", "Referrals", "Sync")
LATER = {
    "Referrals": "Referrals you make and their progress will appear here.",
}


def _later_page(text: str) -> QWidget:
    page = QWidget()
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("color: #605e5c; font-size: 12pt;")
    QVBoxLayout(page).addWidget(label)
    return page


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, idle_seconds: float | None = None) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle("CaseDesk")
        self.nav = QListWidget()
        self.nav.addItems(PAGES)
        self.nav.setAccessibleName("Navigation")
        self.nav.setFixedWidth(150)
        self.caseload = CaseloadView(context)
        self.child = ChildPage(context)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.caseload)
        self.stack.addWidget(self.child)
        self.directory = DirectoryPage(context)
        self.stack.addWidget(self.directory)
        for name in PAGES[3:4]:
            self.stack.addWidget(_later_page(LATER[name]))
        self.sync = SyncController(context, self)
        self.sync_page = SyncPage(context, self.sync)
        self.stack.addWidget(self.sync_page)
        self.locked_page = QWidget()
        unlock = QPushButton("Unlock…")
        unlock.clicked.connect(self.ask_unlock)
        locked_layout = QVBoxLayout(self.locked_page)
        locked_layout.addStretch(1)
        locked_layout.addWidget(QLabel("CaseDesk is locked."), 0, Qt.AlignmentFlag.AlignCenter)
        locked_layout.addWidget(unlock, 0, Qt.AlignmentFlag.AlignCenter)
        locked_layout.addStretch(1)
        self.stack.addWidget(self.locked_page)
        body = QWidget()
        row = QHBoxLayout(body)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.lock_state = QLabel()
        self.sync_state = QLabel("Not enrolled with a server")
        self.sync_state.setAccessibleName("Sync state")
        self.statusBar().addWidget(self.lock_state)
        self.statusBar().addPermanentWidget(self.sync_state)
        self._page_before_lock = 0

        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.caseload.open_child.connect(self.open_child)
        self.caseload.new_child.connect(self.new_child)
        directory = getattr(self, "directory_page", None) or getattr(self, "directory", None)
        if directory is not None:  # the triage wizard's "Find services" opens the directory on its matches
            self.child.needs_checks.find_services.connect(
                lambda rid: show_services_for(
                    context, directory, rid, lambda: self.nav.setCurrentRow(self.stack.indexOf(directory))
                )
            )
        self.sync.status_changed.connect(self._show_sync_state)
        self.sync.wiped.connect(self._wiped)
        context.runner.failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self._shortcut("Find", QKeySequence.StandardKey.Find, self.find)
        self._shortcut("New child", QKeySequence.StandardKey.New, self.new_child)
        self._shortcut("Lock", QKeySequence("Ctrl+L"), self.lock)
        minutes = context.profile.idle_minutes
        self.idle = IdleWatcher(idle_seconds if idle_seconds is not None else minutes * 60, self)
        self.idle.idle.connect(self.lock)
        self.resize(1366, 768)
        self._show_unlocked()

    def _shortcut(self, name: str, keys, slot) -> None:  # type: ignore[no-untyped-def]
        action = QAction(name, self)
        action.setShortcut(keys)
        action.triggered.connect(slot)
        self.addAction(action)

    def _show_unlocked(self) -> None:
        profile = self.context.profile
        self.lock_state.setText(
            f"Unlocked · {profile.name}" + (f", {profile.organisation}" if profile.organisation else "")
        )
        self.nav.setEnabled(True)
        self.nav.setCurrentRow(self._page_before_lock)
        self.stack.setCurrentIndex(self._page_before_lock)
        self.caseload.reload()
        if self.child.child_id:
            self.child.show_child(self.child.child_id)
        self.sync_page.reload()
        self.sync.start()

    # -- actions -----------------------------------------------------------------------------------------------
    def open_child(self, child_id: str) -> None:
        self.child.show_child(child_id)
        self.nav.setCurrentRow(PAGES.index("Child"))

    def find(self) -> None:
        if self.context.unlocked:
            self.nav.setCurrentRow(0)
            self.caseload.focus_search()

    def new_child(self) -> None:
        if not self.context.unlocked:
            return
        dialog = NewChildDialog(self.context, self)
        dialog.open_existing.connect(self.open_child)
        if dialog.exec() and dialog.created_id:
            self.open_child(dialog.created_id)

    def lock(self) -> None:
        """Drop the key and the connections, hide every record, and ask for the passphrase again."""
        if not self.context.unlocked:
            return
        self._page_before_lock = max(0, self.stack.currentIndex())
        for dialog in self.findChildren(QMessageBox):
            dialog.reject()
        self.sync.stop()
        self.context.lock()
        self.caseload.model.set_rows([])
        self.directory.forget()
        self.nav.setEnabled(False)
        self.stack.setCurrentWidget(self.locked_page)
        self.lock_state.setText("Locked")
        self.ask_unlock()

    def ask_unlock(self) -> None:
        dialog = UnlockDialog(self.context, self.context.db_path, self)
        dialog.accepted.connect(self._unlocked)
        dialog.open()
        self.unlock_dialog = dialog

    def _unlocked(self) -> None:
        self.idle.reset()
        self.idle.active = True
        self._show_unlocked()

    def _show_sync_state(self, text: str, tooltip: str) -> None:
        self.sync_state.setText(text)
        self.sync_state.setToolTip(tooltip)

    def _wiped(self, message: str) -> None:
        """The server revoked this device and its data was erased: say why, then close."""
        QMessageBox.critical(self, "This device was removed", message)
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sync.stop()
        self.context.lock()
        self.context.runner.shutdown()
        super().closeEvent(event)
