"""The main window: navigation, pages, status bar, shortcuts and the lock. Layout and wiring only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
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

from casedesk.config import Profile
from casedesk.ui.admin import hook as admin_hook
from casedesk.ui.admin.audit_page import AuditPage
from casedesk.ui.admin.page import AdminPage
from casedesk.ui.caseload.new_child_dialog import NewChildDialog
from casedesk.ui.caseload.view import CaseloadView
from casedesk.ui.child.override_queue import access_requests_button
from casedesk.ui.child.view import ChildPage
from casedesk.ui.cohort.page import CohortPage
from casedesk.ui.context import AppContext
from casedesk.ui.dashboards.hook import install as install_dashboards_page
from casedesk.ui.dataquality import hook as dataquality_hook
from casedesk.ui.directory.page import DirectoryPage
from casedesk.ui.guidance import navigator
from casedesk.ui.guidance.ask_dialog import AskDialog
from casedesk.ui.help_menu import install as install_help_menu
from casedesk.ui.meetings.page import MeetingsPage
from casedesk.ui.mywork.controller import AlertsController
from casedesk.ui.mywork.page import MyWorkPage
from casedesk.ui.policy_keeper import PolicyKeeper
from casedesk.ui.profile_dialog import ProfileDialog
from casedesk.ui.referrals.dialog import ReferralDialog
from casedesk.ui.referrals.page import ReferralsPage
from casedesk.ui.sync.controller import SyncController
from casedesk.ui.sync.page import SyncPage
from casedesk.ui.sync.restore_dialog import RestoreDialog
from casedesk.ui.unlock.idle import IdleWatcher
from casedesk.ui.unlock.key_watch import KeyFileWatcher
from casedesk.ui.unlock.unlock_dialog import UnlockDialog
from casedesk.ui.widgets import page_scroller

PAGES = ("My work", "Caseload", "Child", "Directory", "Referrals", "Meetings", "Cohort", "Sync")


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
        self.mywork = MyWorkPage(context)  # the page that opens after unlock
        self.stack.addWidget(self.mywork)
        self.stack.addWidget(self.caseload)
        self.stack.addWidget(self.child)
        self.directory = DirectoryPage(context)
        self.stack.addWidget(self.directory)
        self.referrals = ReferralsPage(context)
        self.stack.addWidget(self.referrals)
        self.meetings = MeetingsPage(context)
        self.stack.addWidget(self.meetings)
        self.cohort = CohortPage(context)  # loads (and is audited) when shown
        self.stack.addWidget(self.cohort)
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
        self.page_area = page_scroller(self.stack)
        row.addWidget(self.page_area, 1)
        self.setCentralWidget(body)
        self.lock_state = QLabel()
        self.sync_state = QLabel("Not enrolled with a server")
        self.sync_state.setAccessibleName("Sync state")
        self.profile_button = QPushButton("Profile…")
        self.profile_button.setAccessibleName("Your profile")
        self.profile_button.clicked.connect(self.edit_profile)
        self.statusBar().addWidget(self.lock_state)
        self.statusBar().addWidget(self.profile_button)
        self.statusBar().addWidget(access_requests_button(context, self, self.sync))
        self.statusBar().addPermanentWidget(self.sync_state)
        self._page_before_lock = 0

        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.caseload.open_child.connect(self.open_child)
        self.caseload.new_child.connect(self.new_child)
        self._triage_for_referral: tuple[str, str] | None = None  # (child id, triage result id)
        self.child.needs_checks.find_services.connect(self.find_services_for)
        self.child.referrals.find_services.connect(lambda: self.show_page(self.directory))
        self.child.referrals.open_referral.connect(self.open_referral)
        self.directory.refer_requested.connect(self.refer)
        self.referrals.open_child.connect(self.open_child)
        self.cohort.open_child.connect(self.open_child)
        self.alerts = AlertsController(context, self)
        self.alerts.urgent.connect(self.mywork.show_urgent)
        self.alerts.notifier.open_requested.connect(self.bring_forward_at_my_work)
        self.mywork.open_child_at.connect(self.open_child_at)
        self.mywork.open_sync.connect(lambda: self.show_page(self.sync_page))
        self.meetings.open_child.connect(self.open_child)
        self.caseload.prepare_panel.connect(self.meetings.prepare_panel)
        self.cohort.prepare_panel.connect(self.meetings.prepare_panel)
        self.cohort.access.connect(lambda allowed: self.nav.item(PAGES.index("Cohort")).setHidden(not allowed))
        self.child.meetings.record_meeting.connect(lambda child_id: self.meetings.record([child_id]))
        self.sync.status_changed.connect(self._show_sync_state)
        self.sync.status_changed.connect(self._offer_relay)
        self.sync.status_changed.connect(self._refresh_profile)
        self.sync.wiped.connect(self._wiped)
        self.restore_dialog: RestoreDialog | None = None
        self.sync_page.backups.restore_button.clicked.connect(self.restore_from_backup)
        context.runner.failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self._shortcut("Find", QKeySequence.StandardKey.Find, self.focus_find)
        self._shortcut("New child", QKeySequence.StandardKey.New, self.new_child)
        self._shortcut("Lock", QKeySequence("Ctrl+L"), self.lock)
        self.ask_dialog: AskDialog | None = None
        self._shortcut("Ask CaseDesk", QKeySequence("F1"), self.ask)
        self._shortcut("Ask CaseDesk", QKeySequence("Ctrl+K"), self.ask)
        minutes = context.profile.idle_minutes
        self.idle = IdleWatcher(idle_seconds if idle_seconds is not None else minutes * 60, self)
        self.idle.idle.connect(self.lock)
        self.policy_keeper = PolicyKeeper(context, self.idle, self.sync, fixed_idle=idle_seconds is not None)
        self.key_watch = KeyFileWatcher(lambda: not context.key_file_gone(), self)
        self.key_watch.gone.connect(self._key_file_gone)
        self.help_menu = install_help_menu(self, context, self.ask)
        self.admin_page = AdminPage(context)
        self.audit_page = AuditPage(context)
        self.dataquality_page = dataquality_hook.build(context, self.open_child)
        admin_hook.install(
            self.nav,
            self.stack,
            self.sync,
            context,
            [(admin_hook.TITLE, self.admin_page), (dataquality_hook.TITLE, self.dataquality_page)],
            self.audit_page,
        )
        self.dashboards_page = install_dashboards_page(self.nav, self.stack, self.sync, context)
        self.resize(1366, 768)
        self._show_unlocked()

    def _shortcut(
        self, name: str, keys: QKeySequence | QKeySequence.StandardKey | str, slot: Callable[[], object]
    ) -> None:
        action = QAction(name, self)
        action.setShortcut(keys)
        action.triggered.connect(slot)
        self.addAction(action)

    def _show_unlocked(self) -> None:
        self._show_profile()
        self.profile_button.setEnabled(True)
        self.nav.setEnabled(True)
        self.nav.setCurrentRow(self._page_before_lock)
        self.stack.setCurrentIndex(self._page_before_lock)
        self.mywork.reload()
        self.alerts.evaluate()
        self.cohort.check_access()
        self.caseload.reload()
        self.referrals.reload()
        self.meetings.reload()
        if self.child.child_id:
            self.child.show_child(self.child.child_id)
        self.sync_page.reload()
        self.sync.start()
        notice = self.context.damage_notice()
        if notice:  # found by the check at unlock: nothing can be saved, so say so before the user types anything
            self.lock_state.setText(self.lock_state.text() + " · damaged: changes cannot be saved")
            self.damage_box = QMessageBox(QMessageBox.Icon.Warning, "This database is damaged", notice, parent=self)
            self.damage_box.setStandardButtons(QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close)
            self.damage_box.button(QMessageBox.StandardButton.Open).setText("Restore from a backup…")
            self.damage_box.button(QMessageBox.StandardButton.Open).clicked.connect(self.restore_from_backup)
            self.damage_box.open()

    def _show_profile(self) -> None:
        profile = self.context.profile
        self.lock_state.setText(
            f"Unlocked · {profile.name}" + (f", {profile.organisation}" if profile.organisation else "")
        )

    def _refresh_profile(self, *_: object) -> None:
        """Once enrolled, the profile follows the server's directory (the account's organisation and entry)."""

        def changed(profile: Profile | None) -> None:
            if profile is not None:
                self.context.profile = profile
                self._show_profile()

        self.context.runner.op(lambda col: col.refresh_profile()).success(changed).run(initiator=self)

    def edit_profile(self) -> None:
        """Change the user's name, role, organisation or contact details; the dialog stays open on an error. What
        the server's directory decides (once enrolled) is shown but not edited."""
        self.context.runner.query(lambda col: col.profile.from_directory()).success(self._edit_profile).run()

    def _edit_profile(self, directory: tuple[Profile, frozenset[str]]) -> None:
        dialog = ProfileDialog(self, directory[0], directory[1])

        def saved(profile: Profile) -> None:
            self.context.profile = profile
            self._show_profile()
            dialog.done(QDialog.DialogCode.Accepted)

        def save() -> None:
            edited = dialog.profile()
            self.context.runner.op(lambda col: col.save_profile(edited)).success(saved).failure(
                lambda error: dialog.error.setText(str(error))
            ).run(initiator=self)

        dialog.save_requested.connect(save)
        dialog.exec()

    # -- actions -----------------------------------------------------------------------------------------------
    def open_child(self, child_id: str) -> None:
        self.child.show_child(child_id)
        self.nav.setCurrentRow(PAGES.index("Child"))

    def open_child_at(self, child_id: str, tab: str) -> None:
        """Open a child at the tab that shows what "My work" or an alert is about."""
        self.open_child(child_id)
        self.child.open_tab(tab)

    def bring_forward_at_my_work(self) -> None:
        """The urgent-alert notification was clicked: the window comes forward at "My work" (or at the unlock
        dialog, when locked); the tray icon has done its work."""
        self.alerts.notifier.clear()
        self.showNormal()
        self.raise_()
        self.activateWindow()
        if self.nav.isEnabled():
            self.show_page(self.mywork)

    def show_page(self, page: QWidget) -> None:
        self.nav.setCurrentRow(self.stack.indexOf(page))

    def find_services_for(self, result_id: str) -> None:
        """The triage wizard's "Find services": the directory ranks services for this child's outcome."""
        if self.child.child_id:
            self._triage_for_referral = (self.child.child_id, result_id)
        if not self.context.unlocked:
            return

        def show(request: dict[str, Any]) -> None:
            self.directory.show_matches(**request)
            self.show_page(self.directory)

        self.context.runner.query(lambda col: col.triage.match_request(result_id)).success(show).run()

    def refer(self, service_id: str) -> None:
        """ "Refer…" on a directory service: a referral for the child whose record is open."""
        child_id = self.child.child_id
        if not child_id or not self.context.unlocked:
            QMessageBox.information(self, "Refer", "Open the child's record first, then choose the service.")
            return
        service = next((s for s in self.directory.services if s.id == service_id), None)
        triage_id = (
            self._triage_for_referral[1]
            if self._triage_for_referral
            and (self._triage_for_referral[0] == child_id and self.directory.request is not None)
            else None
        )
        dialog = self.make_referral_dialog(child_id, service_id, service.name if service else "Service", triage_id)
        if dialog.exec() and dialog.created_id:
            self.open_referral(dialog.created_id)

    def make_referral_dialog(
        self, child_id: str, service_id: str, service_name: str, triage_id: str | None
    ) -> ReferralDialog:
        return ReferralDialog(
            self.context, child_id, self.child.title.text(), service_id, service_name, triage_id, self
        )

    def open_referral(self, referral_id: str) -> None:
        self.show_page(self.referrals)
        self.referrals.reload()
        self.referrals.select(referral_id)

    def ask(self) -> None:
        """Ask CaseDesk (F1 or Ctrl+K), from any page; a link it follows opens here."""
        if not self.context.unlocked:
            return
        if self.ask_dialog is None:
            self.ask_dialog = AskDialog(self.context, self)
            self.ask_dialog.follow.connect(lambda link: navigator.follow(self, link))
        self.ask_dialog.show()
        self.ask_dialog.raise_()
        self.ask_dialog.question.setFocus()
        self.ask_dialog.question.selectAll()

    def focus_find(self) -> None:
        if self.context.unlocked:
            self.nav.setCurrentRow(PAGES.index("Caseload"))
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
        if self.ask_dialog is not None:  # what was asked may name a child: it goes with the lock
            self.ask_dialog.close()
            self.ask_dialog.deleteLater()
            self.ask_dialog = None
        self.sync.stop()
        self.context.lock()
        self.caseload.model.set_rows([])
        self.cohort.forget()
        self.directory.forget()
        self.mywork.forget()
        self.nav.setEnabled(False)
        self.profile_button.setEnabled(False)
        self.stack.setCurrentWidget(self.locked_page)
        self.lock_state.setText("Locked")
        self.ask_unlock()

    def ask_unlock(self) -> None:
        dialog = UnlockDialog(self.context, self.context.db_path, self)
        dialog.accepted.connect(self._unlocked)
        dialog.restore_requested.connect(self.restore_from_backup)
        dialog.open()
        self.unlock_dialog = dialog

    def restore_from_backup(self) -> None:
        """Choose a backup, see what it replaces, restore it in place, and carry on unlocked on it."""
        parent = self.unlock_dialog if not self.context.unlocked else self
        dialog = RestoreDialog(self.context, parent)
        dialog.restored.connect(self._restored)
        dialog.finished.connect(self._after_restore_dialog)
        if self.context.unlocked:
            self.sync.stop()  # no round starts on the database being replaced
        self.restore_dialog = dialog
        dialog.open()

    def _after_restore_dialog(self) -> None:
        col = self.context.runner.current()
        if col is not None and col.closed:
            self.lock()  # the swap failed after the old database was closed: its files are back, unlock again
        elif col is not None:
            self.sync.start()  # restored, cancelled or refused: sync on whichever database is open

    def _restored(self) -> None:
        """The backup is in place and open: show it, and sync to bring back what was recorded since."""
        for dialog in self.findChildren(QMessageBox):
            dialog.reject()
        self._page_before_lock = self.stack.indexOf(self.sync_page)
        self.child.child_id = None  # the child open before may not be in the backup
        self.directory.forget()
        if not self.nav.isEnabled() and self.unlock_dialog.isVisible():
            self.unlock_dialog.passphrase.clear()
            self.unlock_dialog.accept()  # unlocks the window on the restored database
        else:
            self._show_unlocked()
        self.tell_restored()

    def tell_restored(self) -> None:
        """Say what a restore did and what happens next (also for one chosen before this window opened)."""
        self.nav.setCurrentRow(self.stack.indexOf(self.sync_page))
        self.restored_box = QMessageBox(
            QMessageBox.Icon.Information,
            "Restored from the backup",
            "The backup is now this device's database. If this device is enrolled with a server, CaseDesk syncs "
            "now and the server sends back everything recorded since the backup was made; the Sync page shows "
            "when it has caught up. From now on, unlock with the passphrase the backup was made under.",
            parent=self,
        )
        self.restored_box.open()

    def _unlocked(self) -> None:
        self.idle.reset()
        self.idle.active = True
        self._show_unlocked()

    def _show_sync_state(self, text: str, tooltip: str) -> None:
        self.sync_state.setText(text)
        self.sync_state.setToolTip(tooltip)

    def _offer_relay(self, *_: object) -> None:
        self.referrals.packs.set_relay_available(bool(getattr(self.sync.last_status, "enrolled", False)))

    def _key_file_gone(self) -> None:
        """The key file vanished under the open database (wiped from elsewhere): lock at once."""
        if not self.context.unlocked:
            return
        self.lock()
        self.lock_state.setText("Locked: the database's key file is gone (was it wiped?)")

    def _wiped(self, message: str) -> None:
        """The server revoked this device and its data was erased: say why, then close."""
        QMessageBox.critical(self, "This device was removed", message)
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sync.stop()
        self.context.lock()
        self.context.runner.shutdown()
        super().closeEvent(event)
