"""The returns' review queue on the Data quality page, for children's social care's administrators: each return's
child waiting for a person, and for the one selected every child of the server the matching offered — name,
date of birth, postcode, who holds the record, score and the evidence in words — so the administrator matches it
to the right one (not only the best-scored), creates a new child, or rejects it, each with a reason the server
keeps in the matching log and the administration audit.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.services.dataquality import ReviewItem, ReviewOffer, ReviewQueue
from casedesk.ui.context import AppContext
from casedesk.ui.palette import MUTED
from casedesk.ui.widgets import filling, read_only_table

NO_OFFERS = "The server holds no similar child: create a new child, or reject it."
TITLES = {"match": "Match to the selected child", "create": "Create a new child", "reject": "Reject"}


def _waiting_cells(item: ReviewItem) -> tuple[str, ...]:
    ids = ", ".join(f"{k} {v}" for k, v in (("UPN", item.upn), ("NHS", item.nhs_number)) if v) or "none"
    offered = f"{len(item.offers)} possible match(es)" if item.offers else "none on the server"
    return (
        f"{item.name} ({item.source} {item.la_child_id})",
        item.date_of_birth or "",
        item.postcode or "",
        ids,
        offered,
    )


class ReviewPanel(QWidget):
    decided = Signal(str)  # what the server did, in words
    failed = Signal(object)  # the error

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.queue: ReviewQueue | None = None
        self.title = QLabel("<b>Returns' children waiting for review</b>")
        self.waiting = read_only_table(("Return's child", "Born", "Postcode", "Identifiers", "Offers"), "Waiting")
        self.offers_title = QLabel("Possible matches on the server")
        self.offers = read_only_table(
            ("Server's child", "Born", "Postcode", "Held by", "Score", "Evidence"), "Possible matches"
        )
        header = self.offers.horizontalHeader()
        for column in range(5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {MUTED};")
        self.match_button = QPushButton("Match to the selected child…")
        self.create_button = QPushButton("Create new child…")
        self.reject_button = QPushButton("Reject…")
        for button, decision in (
            (self.match_button, "match"),
            (self.create_button, "create"),
            (self.reject_button, "reject"),
        ):
            button.clicked.connect(lambda _checked=False, d=decision: self.decide_selected(d))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.waiting, 1)
        layout.addWidget(self.offers_title)
        layout.addWidget(self.offers, 1)
        layout.addWidget(self.hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.match_button, self.create_button, self.reject_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.waiting.itemSelectionChanged.connect(self._show_offers)
        self.offers.itemSelectionChanged.connect(self._enable)

    def fill(self, queue: ReviewQueue | None) -> None:
        self.queue = queue
        items = queue.items if queue is not None else []
        with filling(self.waiting, len(items)):
            for row, item in enumerate(items):
                for column, text in enumerate(_waiting_cells(item)):
                    self.waiting.setItem(row, column, QTableWidgetItem(text))
        if items:
            self.waiting.selectRow(0)
        self._show_offers()

    def selected_item(self) -> ReviewItem | None:
        rows = self.waiting.selectionModel().selectedRows()
        if self.queue is None or not rows or rows[0].row() >= len(self.queue.items):
            return None
        return self.queue.items[rows[0].row()]

    def selected_offer(self) -> ReviewOffer | None:
        item = self.selected_item()
        rows = self.offers.selectionModel().selectedRows()
        if item is None or not rows or rows[0].row() >= len(item.offers):
            return None
        return item.offers[rows[0].row()]

    def _show_offers(self) -> None:
        item = self.selected_item()
        offers = item.offers if item is not None else []
        with filling(self.offers, len(offers)):
            for row, offer in enumerate(offers):
                cells = (
                    offer.name or f"child {offer.child_id[:8]}…",
                    offer.date_of_birth or "",
                    offer.postcode or "",
                    offer.held_by or "",
                    str(offer.score),
                    offer.evidence,
                )
                for column, text in enumerate(cells):
                    cell = QTableWidgetItem(text)
                    cell.setToolTip(text)
                    self.offers.setItem(row, column, cell)
        if item is None:
            self.hint.setText("")
        elif offers:
            self.hint.setText(
                f"{len(offers)} child(ren) of the server may be {item.name}: select the right one to match, "
                "or create a new child if none is."
            )
        else:
            self.hint.setText(NO_OFFERS)
        self._enable()

    def _enable(self) -> None:
        item = self.selected_item()
        self.match_button.setEnabled(self.selected_offer() is not None)
        self.create_button.setEnabled(item is not None)
        self.reject_button.setEnabled(item is not None)

    def ask_reason(self, title: str) -> str | None:
        """The reason for a decision (separate so tests can answer without a modal loop)."""
        text, ok = QInputDialog.getText(self, title, "Why? (kept with the decision)")
        return text.strip() if ok and text.strip() else None

    def decide_selected(self, decision: str) -> None:
        item = self.selected_item()
        if item is None:
            return
        offer = self.selected_offer() if decision == "match" else None
        if decision == "match" and offer is None:
            return
        whom = f" ({offer.name or offer.child_id})" if offer is not None else ""
        reason = self.ask_reason(f"{TITLES[decision]}: {item.name}{whom}")
        if reason is None:
            return
        source, la_child_id = item.source, item.la_child_id
        child_id = offer.child_id if offer is not None else None
        self.context.runner.query(
            lambda col: col.dataquality.decide(source, la_child_id, decision, reason, child_id)
        ).on_network().success(self.decided.emit).failure(self.failed.emit).run()
