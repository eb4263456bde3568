"""Record a new child: inline validation, then the duplicate check before anything is saved.

The same UPN or NHS number blocks and offers the existing record. A similar name with the same or a close date
of birth warns and lists the candidates; the user may go on only by saying why this is a different child, and
that decision is recorded in the audit log.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.records import Child
from casedesk.errors import CaseDeskError, ValidationError
from casedesk.services.children import DuplicateChild, PossibleDuplicate
from casedesk.ui.child.form import ChildForm
from casedesk.ui.context import AppContext
from casedesk.ui.palette import RED
from casedesk.ui.widgets import resize_to_fit, scroll_body


class NewChildDialog(QDialog):
    open_existing = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.created_id: str | None = None
        self.setWindowTitle("New child")
        self.form = ChildForm()
        scroll = scroll_body(self.form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {RED};")
        self.error.setOpenExternalLinks(False)
        self.error.linkActivated.connect(self._open_link)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        resize_to_fit(self, 640, 680)

    def save(self, different_from: list[str] | None = None, reason: str | None = None) -> None:
        if not self.form.revalidate():
            self.error.setText("Please correct the details marked in red.")
            return
        values = self.form.values()
        self.buttons.setEnabled(False)
        self.context.runner.op(
            lambda col: col.children.create_child(values, different_from=different_from, reason=reason)
        ).success(self._saved).failure(self._failed).run(initiator=self)

    def _saved(self, child: Child) -> None:
        self.created_id = child.id
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, DuplicateChild):
            links = ", ".join(
                f'<a href="{c.id}">{c.full_name} (born {c.date_of_birth:%d %b %Y})</a>' for c in error.existing
            )
            self.error.setText(
                f"This child is already recorded with the same UPN or NHS number: {links}. "
                "Open the existing record instead."
            )
        elif isinstance(error, PossibleDuplicate):
            self._confirm_different(error)
        elif isinstance(error, ValidationError):
            self.error.setText("; ".join(m for _, m in error.problems) or str(error))
        elif isinstance(error, CaseDeskError):
            self.error.setText(str(error))
        else:
            self.error.setText(f"The child could not be saved ({type(error).__name__}).")

    def _confirm_different(self, error: PossibleDuplicate) -> None:
        choice, reason = self.ask_about_candidates(error)
        if choice == "open":
            self._open_link(error.candidates[0].id)
        elif choice == "different" and reason:
            self.save([c.id for c in error.candidates], reason)

    def ask_about_candidates(self, error: PossibleDuplicate) -> tuple[str, str | None]:
        """Ask the user: open the existing record, say why this is a different child, or cancel."""
        names = "\n".join(
            f"• {c.display_name}, born {c.date_of_birth:%d %b %Y}, UPN {c.upn or '—'}" for c in error.candidates
        )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Is this the same child?",
            f"Already recorded with a similar name and date of birth:\n\n{names}",
            parent=self,
        )
        box.setInformativeText("Open the existing record if it is the same child.")
        open_button = box.addButton("Open existing record", QMessageBox.ButtonRole.AcceptRole)
        different = box.addButton("This is a different child…", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is open_button:
            return "open", None
        if box.clickedButton() is different:
            reason, ok = QInputDialog.getText(self, "A different child", "Why is this a different child?")
            if ok and reason.strip():
                return "different", reason.strip()
        return "cancel", None

    def _open_link(self, child_id: str) -> None:
        self.open_existing.emit(child_id)
        self.reject()
