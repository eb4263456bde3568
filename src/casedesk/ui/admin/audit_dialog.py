"""The audit across children in a dialog, opened ("Audit across children…") from the Administration page; the
Audit page shows the same panel (`audit_panel`) in place."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from casedesk.ui.admin.audit_panel import AuditSearchPanel
from casedesk.ui.context import AppContext


class AuditSearchDialog(QDialog):
    def __init__(self, parent: QWidget | None, context: AppContext) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit across children")
        self.panel = AuditSearchPanel(context, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)
        self.resize(1000, 640)


def audit_button(context: AppContext, parent: QWidget) -> QPushButton:
    """The Administration page's button that opens the audit across children (the page's one hook)."""
    button = QPushButton("Audit across children…")
    button.setAccessibleName("Audit across children: who saw, printed, exported or received which child's records")
    opened: list[AuditSearchDialog] = []

    def show() -> None:
        if not context.unlocked:
            return
        opened[:] = [AuditSearchDialog(parent, context)]
        opened[0].open()
        opened[0].panel.load_organisations()

    button.clicked.connect(show)
    return button
