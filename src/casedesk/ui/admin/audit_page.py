"""The Audit page, for auditors and managers who do not administer: the audit across children (who saw, printed,
exported or received which child's records), searched and exported in place, without the people and computers
they may not manage. Administrators open the same panel in a dialog from the Administration page; the server
decides who may read its access log either way.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from casedesk.ui.admin.audit_panel import AuditSearchPanel
from casedesk.ui.context import AppContext
from casedesk.ui.palette import MUTED

TITLE = "Audit"
INTRO = (
    "Who saw, printed, exported or received which child's records, across every child of your organisation: the "
    "server's access log joined with this computer's own audit. Choose by child, person, organisation, action and "
    "dates, then export the selection for a subject access request or an information-governance review. Each "
    "search and each export is itself recorded."
)


class AuditPage(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        heading = QLabel("<h3>Audit</h3>")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {MUTED};")
        self.panel = AuditSearchPanel(context, self)
        self._organisations_loaded = False
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.panel, 1)

    def reload(self) -> None:
        """The organisations to choose from, once, when the page is first chosen; a search waits to be asked for
        (each one is recorded)."""
        if self.context.unlocked and not self._organisations_loaded:
            self._organisations_loaded = True
            self.panel.load_organisations()
