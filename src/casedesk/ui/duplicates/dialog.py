"""The Caseload's "Possible duplicates…": every pair the finder proposes, side by side with the evidence, and for a
safeguarding lead or manager a merge that asks which record to keep and why — and has them acknowledge that a
merge cannot be undone — before anything is written, or "Not the same child…", which keeps their reason in the
audit and never proposes the pair again.

The list is read on the database thread; the merge runs there as one write and is announced like any other, so
the caseload and an open child page refresh themselves.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.records import Child
from casedesk.services.duplicates.service import PossibleDuplicate
from casedesk.ui.context import AppContext
from casedesk.ui.palette import RED
from casedesk.ui.widgets import EmptyState, read_only_table

NONE_FOUND = "No possible duplicates: no two children here share an identifier, or a name and date of birth."
ROWS = (
    ("Name", lambda c: c.full_name),
    ("Preferred name", lambda c: c.preferred_name or ""),
    ("Date of birth", lambda c: f"{c.date_of_birth:%d/%m/%Y}"),
    ("Sex", lambda c: c.sex),
    ("UPN", lambda c: c.upn or ""),
    ("NHS number", lambda c: c.nhs_number or ""),
    ("Postcode", lambda c: c.postcode or ""),
)


FINAL = (
    "A merge cannot be undone: once merged, nothing tells the two records' entries apart again, on this device or "
    "any other. If you are not sure they are one child, cancel and ask first. If a merge proves wrong, the merge "
    "record and the chronology entry keep the other record's identity, so the other child can be recorded again."
)


def _label(c: Child) -> str:
    return f"{c.full_name}, born {c.date_of_birth:%d/%m/%Y}"


class MergeConfirm(QDialog):
    """Which record to keep, and why: nothing is written until the user says so here."""

    def __init__(self, pair: PossibleDuplicate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge two records of one child")
        self.pair = pair
        self.keep_first = QRadioButton(f"Keep {_label(pair.first)}")
        self.keep_second = QRadioButton(f"Keep {_label(pair.second)}")
        self.keep_first.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.keep_first)
        group.addButton(self.keep_second)
        self.reason = QLineEdit(placeholderText="Why these are the same child (required)")
        self.reason.setAccessibleName("Reason for the merge")
        explain = QLabel(
            "Everything recorded under the other record — chronology, statuses, involvements, casework and its "
            "audit trail — moves to the record you keep. Nothing is deleted; identifiers the kept record lacks are "
            "taken from the other. Every device that holds either record receives the merge at its next sync."
        )
        explain.setWordWrap(True)
        self.final = QLabel(FINAL)
        self.final.setWordWrap(True)
        self.final.setStyleSheet(f"color: {RED};")
        self.understood = QCheckBox("I understand a merge cannot be undone")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setEnabled(False)
        self.reason.textChanged.connect(self._enable)
        self.understood.toggled.connect(self._enable)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (explain, self.keep_first, self.keep_second, self.reason, self.final, self.understood):
            layout.addWidget(widget)
        layout.addWidget(self.buttons)

    def _enable(self) -> None:
        self.merge_button.setEnabled(bool(self.reason.text().strip()) and self.understood.isChecked())

    def choice(self) -> tuple[str, str, str]:
        """(kept id, merged id, reason)."""
        first, second = self.pair.first.id, self.pair.second.id
        kept, merged = (first, second) if self.keep_first.isChecked() else (second, first)
        return kept, merged, self.reason.text().strip()


class DuplicatesDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Possible duplicates")
        self.resize(900, 560)
        self.context = context
        self.pairs: list[PossibleDuplicate] = []
        self.may_merge = False
        self.list = QListWidget()
        self.list.setAccessibleName("Possible duplicate pairs")
        self.empty = EmptyState(self.list, "Looking for possible duplicates…")
        self.compare = read_only_table(("", "First record", "Second record"), "The two records side by side")
        self.evidence = QListWidget()
        self.evidence.setAccessibleName("Evidence")
        self.merge_button = QPushButton("Merge…")
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self._merge)
        self.different_button = QPushButton("Not the same child…")
        self.different_button.setToolTip("Twins, siblings or namesakes: say why, and the pair is not proposed again")
        self.different_button.setEnabled(False)
        self.different_button.clicked.connect(self._different)
        self.note = QLabel()
        self.note.setWordWrap(True)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        right = QVBoxLayout()
        right.addWidget(self.compare, 3)
        right.addWidget(QLabel("Evidence"))
        right.addWidget(self.evidence, 2)
        body = QHBoxLayout()
        body.addWidget(self.empty, 2)
        body.addLayout(right, 3)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.different_button)
        bottom.addWidget(self.merge_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)
        self.list.currentRowChanged.connect(self._show)
        self.reload()

    def reload(self) -> None:
        self.context.runner.query(lambda col: (col.duplicates.find(), col.duplicates.may_merge())).success(
            lambda found: self.fill(*found)
        ).run()

    def fill(self, pairs: list[PossibleDuplicate], may_merge: bool) -> None:
        self.pairs, self.may_merge = pairs, may_merge
        self.list.clear()
        for pair in pairs:
            c = pair.candidate
            born = {f"{p.date_of_birth:%d/%m/%Y}" for p in (pair.first, pair.second)}
            self.list.addItem(
                f"{pair.first.full_name}  /  {pair.second.full_name}\n"
                f"born {' / '.join(sorted(born))} · {c.strength} (score {c.score:.2f})"
            )
        self.empty.set_empty(not pairs, NONE_FOUND)
        self.note.setText(
            f"{len(pairs)} possible duplicate pair(s). Twins and siblings share a surname, birthday and address: "
            "check the first names and identifiers before merging."
            if may_merge
            else "Only a safeguarding lead or a manager can merge records; tell yours what you found."
        )
        if pairs:
            self.list.setCurrentRow(0)
        else:
            self._show(-1)

    def _show(self, row: int) -> None:
        self.compare.setRowCount(0)
        self.evidence.clear()
        self.merge_button.setEnabled(self.may_merge and 0 <= row < len(self.pairs))
        self.different_button.setEnabled(self.may_merge and 0 <= row < len(self.pairs))
        if not 0 <= row < len(self.pairs):
            return
        pair = self.pairs[row]
        self.compare.setRowCount(len(ROWS))
        for n, (name, get) in enumerate(ROWS):
            for column, value in enumerate((name, get(pair.first), get(pair.second))):
                self.compare.setItem(n, column, QTableWidgetItem(str(value)))
        for e in pair.candidate.evidence:
            sign = "+" if e.points > 0 else "−" if e.points < 0 else "·"
            self.evidence.addItem(f"{sign} {e.detail}")

    def _merge(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.pairs):
            return
        confirm = MergeConfirm(self.pairs[row], self)
        if confirm.exec() != QDialog.DialogCode.Accepted:
            return
        self.merge(*confirm.choice())

    def ask_reason(self, pair: PossibleDuplicate) -> str | None:
        """Why the two are different children (separate so tests can answer without a modal loop)."""
        text, ok = QInputDialog.getText(
            self,
            "Not the same child",
            f"Why are {pair.first.full_name} and {pair.second.full_name} two different children? "
            "(kept in the audit; the pair is not proposed again)",
        )
        return text.strip() if ok and text.strip() else None

    def _different(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.pairs):
            return
        pair = self.pairs[row]
        reason = self.ask_reason(pair)
        if reason is None:
            return
        first, second = pair.first.id, pair.second.id
        self.context.runner.op(lambda col: col.duplicates.not_duplicates(first, second, reason)).success(
            lambda _: self.reload()
        ).failure(self._failed).run(initiator=self)

    def merge(self, kept: str, merged: str, reason: str) -> None:
        self.context.runner.op(lambda col: col.duplicates.merge(kept, merged, reason)).success(
            lambda _: self.reload()
        ).failure(self._failed).run(initiator=self)

    def _failed(self, error: BaseException) -> None:
        QMessageBox.warning(self, "Not merged", str(error))


def duplicates_button(context: AppContext, parent: QWidget) -> QPushButton:
    """The Caseload's entry point: opens the dialog over the children this device holds."""
    button = QPushButton("Possible duplicates…")
    button.setToolTip("Children who may be recorded twice, with the evidence; a safeguarding lead can merge them")
    button.clicked.connect(lambda: DuplicatesDialog(context, parent).open())
    return button
