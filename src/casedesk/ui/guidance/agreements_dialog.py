"""The information-sharing agreements this device holds, read-only: where Ask CaseDesk's "the sharing agreements"
link lands when no child is open (with a child open it lands on that child's Sharing tab, which shows the
agreements that apply to them). Administrators record agreements on the server; devices only read them."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from casedesk.services.sharing import AgreementView
from casedesk.ui.context import AppContext
from casedesk.ui.palette import MUTED
from casedesk.ui.widgets import resize_to_fit

NONE_HELD = (
    "This device holds no information-sharing agreement yet. Agreements are recorded by your area's administrators "
    "on the server and arrive with the next sync; until then only identity and involvement are shared."
)


def agreements_html(views: list[AgreementView]) -> str:
    if not views:
        return f"<p>{escape(NONE_HELD)}</p>"
    parts = []
    for view in views:
        title, *rest = view.lines()
        colour = "" if view.in_force else f" style='color:{MUTED}'"
        parts.append(f"<h4{colour}>{escape(title)}</h4>")
        parts.append("<p>" + "<br>".join(escape(line) for line in rest) + "</p>")
    return "".join(parts)


class AgreementsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Information-sharing agreements")
        self.views: list[AgreementView] = []
        intro = QLabel(
            "Who shares which parts of a child's record with whom, and on what lawful basis. Open a child's record "
            "and its Sharing tab to see the agreements that apply to that child and anything withheld."
        )
        intro.setWordWrap(True)
        self.text = QTextBrowser()
        self.text.setAccessibleName("Agreements held on this device")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        resize_to_fit(self, 720, 560)
        today = date.today()
        context.runner.query(lambda col: col.sharing.held(today)).success(self.show_views).run()

    def show_views(self, views: list[AgreementView]) -> None:
        self.views = views
        self.text.setHtml(agreements_html(views))
