"""The Sharing tab: what of this child's record is withheld from your organisation and why, the information-sharing
agreements that apply (read-only: administrators record them on the server) and the child's consent records."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from casedesk.domain import sharing
from casedesk.domain.agreements import SHAREABLE
from casedesk.services.children import ChildView
from casedesk.services.overrides import Choices, OverrideList
from casedesk.services.sharing import ChildSharing, category_words
from casedesk.ui.child.casework_tab import CaseworkTab, button_row, day, fill, heading
from casedesk.ui.child.override_dialog import OverrideDialog, outcome
from casedesk.ui.child.record_form import FormDialog, ask_end_date
from casedesk.ui.context import AppContext
from casedesk.ui.widgets import EmptyState, read_only_table

CONSENT_CATEGORIES = [c for c in SHAREABLE if c not in sharing.BASELINE]


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SharingTab(CaseworkTab):
    withheld = Signal(str)  # a one-line summary for the record's header ("" when nothing is withheld)

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.shared: ChildSharing | None = None
        self.notices = QVBoxLayout()
        self.agreements = QVBoxLayout()
        self.consents = read_only_table(
            ("Category", "Not shared with", "Decided", "Given by", "Recorded by", "Given again"), "Consent records"
        )
        self.break_glass = QPushButton("Ask for withheld information…")
        self.break_glass.setToolTip("Break the glass: ask, with a reason, for what another organisation withholds")
        self.break_glass.clicked.connect(self.ask_override)
        self.dialog: OverrideDialog | None = None
        record, restore = QPushButton("Record withdrawn consent…"), QPushButton("Consent given again…")
        record.clicked.connect(self.record_consent)
        restore.clicked.connect(self.end_selected)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(heading("Not shared with your organisation"))
        column.addLayout(self.notices)
        column.addLayout(button_row(self.break_glass))
        column.addWidget(heading("Information-sharing agreements that apply"))
        column.addLayout(self.agreements)
        column.addWidget(heading("Consent"))
        column.addWidget(
            _label(
                "A withdrawn consent keeps a category of this child's record within the organisation holding it "
                "(or away from one organisation) from the next sync, beyond what the agreements allow."
            )
        )
        column.addLayout(button_row(record, restore))
        column.addWidget(EmptyState(self.consents, "No consent withdrawn: sharing follows the agreements."), 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def show_child(self, view: ChildView, today: date) -> None:
        super().show_child(view, today)
        child_id = view.child.id
        self.context.runner.query(lambda col: col.sharing.for_child(child_id, today)).success(
            lambda shared: self._show(child_id, shared)
        ).failure(self._failed).run()

    def _show(self, child_id: str, shared: ChildSharing) -> None:
        if child_id != self.child_id:
            return
        self.shared = shared
        _refill(self.notices, shared.notices or ["Everything recorded about this child is shared with you."])
        lines = ["\n".join(view.lines()) for view in shared.agreements]
        _refill(
            self.agreements,
            lines or ["No agreement names your organisation and another involved with this child."],
        )
        names = self.view.organisations if self.view else {}
        fill(
            self.consents,
            [
                (
                    category_words(c.category),
                    names[c.organisation_id].name if c.organisation_id in names else "every other organisation",
                    day(c.decided_on),
                    c.given_by,
                    f"{c.recorded_by}, {c.recorded_at:%d %b %Y}",
                    day(c.ended_on),
                )
                for c in shared.consents
            ],
        )
        count = shared.withheld
        self.withheld.emit(
            f"{count} {'entry' if count == 1 else 'entries'} of this record {'is' if count == 1 else 'are'} not "
            "shared with your organisation — see the Sharing tab."
            if count
            else ""
        )

    def record_consent(self) -> None:
        if not self.view or not self.child_id:
            return
        dialog = FormDialog(
            self,
            "Record withdrawn consent",
            "Who withdrew consent to share which part of the record, and from whom. Safeguarding concerns are "
            "still shared where the law requires it.",
        )
        dialog.add_choice("category", "Category", [(category_words(c), c.value) for c in CONSENT_CATEGORIES])
        orgs = sorted(self.view.organisations.values(), key=lambda o: o.name)
        dialog.add_choice(
            "organisation_id",
            "Not shared with",
            [("every other organisation", None), *((o.name, o.id) for o in orgs)],
        )
        dialog.add_date("decided_on", "Decided on")
        dialog.add_text("given_by", "Withdrawn by (child, parent…)")
        dialog.add_long("note", "Note")
        if dialog.finish().exec() != QDialog.DialogCode.Accepted:
            return
        v, child_id = dialog.values(), self.child_id
        self.write(
            lambda col: col.sharing.record_consent(
                child_id,
                v["category"],
                v["given_by"] or "",
                v["decided_on"],
                organisation_id=v["organisation_id"],
                note=v["note"],
            ),
            "Consent record saved; sharing narrows from the next sync.",
        )

    def end_selected(self) -> None:
        row = self.consents.currentRow()
        if self.shared is None or not 0 <= row < len(self.shared.consents):
            self.message.emit("Choose a consent record first.")
            return
        consent = self.shared.consents[row]
        ended = ask_end_date(self, "Consent given again", "the withdrawal", consent.decided_on)
        if ended is not None:
            self.write(lambda col: col.sharing.end_consent(consent.id, ended), "Consent given again from that day.")

    # -- break the glass ---------------------------------------------------------------------------------------
    def ask_override(self) -> None:
        """Open the override dialog for this child, with the server's policy and what its notices say is withheld
        (asked of the server on the network pool)."""
        child_id = self.child_id
        if child_id is None:
            return
        self.break_glass.setEnabled(False)
        self.context.runner.query(lambda col: col.overrides.prepare(child_id)).on_network().success(
            lambda ready: self._open_dialog(child_id, *ready)
        ).failure(self._cannot_ask).run()

    def _open_dialog(self, child_id: str, choices: Choices, listing: OverrideList) -> None:
        self.break_glass.setEnabled(True)
        if child_id != self.child_id:
            return
        if not choices.organisations:
            self.message.emit("No other organisation is involved with this child, so nothing is withheld from you.")
            return
        self.dialog = OverrideDialog(self, self.context, child_id, choices, listing.policy)
        self.dialog.finished.connect(self._asked)
        self.dialog.open()

    def _asked(self, _result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None and dialog.sent is not None:
            self.message.emit(outcome(dialog.sent))

    def _cannot_ask(self, error: BaseException) -> None:
        self.break_glass.setEnabled(True)
        self.message.emit(f"Cannot ask for withheld information now: {error}")


def _refill(layout: QVBoxLayout, lines: list[str]) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()
    for text in lines:
        layout.addWidget(_label(text))
