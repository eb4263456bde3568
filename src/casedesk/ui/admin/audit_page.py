"""The Audit page, for auditors and managers who do not administer: the audit across children (who saw, printed,
exported or received which child's records) without the people and computers they may not manage. Administrators
reach the same dialog from the Administration page; the server decides who may read its access log either way.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from casedesk.ui.admin.audit_dialog import audit_button
from casedesk.ui.context import AppContext
from casedesk.ui.palette import MUTED

TITLE = "Audit"
INTRO = (
    "Who saw, printed, exported or received which child's records, across every child of your organisation: the "
    "server's access log joined with this computer's own audit, chosen by child, person, organisation, action and "
    "dates, and exported for a subject access request or an information-governance review. Each search and each "
    "export is itself recorded."
)


class AuditPage(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        heading = QLabel("<h3>Audit</h3>")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {MUTED};")
        self.audit_button = audit_button(context, self)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.audit_button)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addStretch(1)

    def reload(self) -> None:
        """Nothing to load until a search is made (the hook calls this when the page is chosen)."""
