""" "Report a discrepancy…" on a child's record: flag a shared value with a reason, see the flags on this child and
their answers, and — for the organisation whose records were flagged — answer them (corrected, confirmed,
explained). Every write is one operation on the database thread, announced like any other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casedesk.services.discrepancies.service import RESOLUTION_WORDS, Flag, Flaggable
from casedesk.ui.context import AppContext
from casedesk.ui.widgets import read_only_table

HEADERS = ("Raised", "Value", "Seen", "Reason", "By", "Answer")


def _row(flag: Flag, orgs: dict[str, str]) -> tuple[str, ...]:
    answer = "Open" if flag.open else f"{RESOLUTION_WORDS.get(flag.status, flag.status).capitalize()}"
    if flag.resolution_note:
        answer += f": {flag.resolution_note}"
    by = f"{flag.raised_by} ({orgs.get(flag.raised_by_org or '', 'another organisation')})"
    what = f"{flag.entity.replace('_', ' ')} · {flag.field.replace('_', ' ')}"
    return (f"{flag.raised_at:%d/%m/%Y}", what, (flag.value_seen or "").replace("_", " "), flag.reason, by, answer)


def _fill(table: Any, flags: list[Flag], orgs: dict[str, str]) -> None:
    table.setRowCount(len(flags))
    for n, flag in enumerate(flags):
        for column, text in enumerate(_row(flag, orgs)):
            table.setItem(n, column, QTableWidgetItem(text))


class DiscrepancyDialog(QDialog):
    def __init__(self, context: AppContext, child_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Report a discrepancy")
        self.resize(860, 520)
        self.context, self.child_id = context, child_id
        self.values: list[Flaggable] = []
        self.orgs: dict[str, str] = {}
        self.queue: list[Flag] = []
        self.value = QComboBox()
        self.value.setAccessibleName("The value you think is wrong")
        self.owner = QComboBox()
        self.owner.setAccessibleName("Whose record it is")
        self.reason = QLineEdit(placeholderText="What you believe is wrong, and why (required)")
        self.reason.setAccessibleName("Reason")
        self.flag_button = QPushButton("Flag it")
        self.flag_button.clicked.connect(self.raise_flag)
        form = QFormLayout()
        form.addRow("Value", self.value)
        form.addRow("Owned by", self.owner)
        form.addRow("Reason", self.reason)
        form.addRow("", self.flag_button)
        self.child_flags = read_only_table(HEADERS, "Flags on this child's record")
        child_page = QWidget()
        child_layout = QVBoxLayout(child_page)
        child_layout.addWidget(
            QLabel("The owning organisation sees your flag at its next sync, and you see its answer.")
        )
        child_layout.addLayout(form)
        child_layout.addWidget(self.child_flags, 1)
        self.queue_table = read_only_table(HEADERS, "Flags raised on your organisation's records")
        self.resolution = QComboBox()
        for value, words in RESOLUTION_WORDS.items():
            self.resolution.addItem(words.capitalize(), value)
        self.note = QLineEdit(placeholderText="Note (required when explained)")
        self.answer_button = QPushButton("Answer")
        self.answer_button.clicked.connect(self.answer)
        answer_row = QHBoxLayout()
        for widget in (self.resolution, self.note, self.answer_button):
            answer_row.addWidget(widget)
        queue_page = QWidget()
        queue_layout = QVBoxLayout(queue_page)
        queue_layout.addWidget(self.queue_table, 1)
        queue_layout.addLayout(answer_row)
        self.tabs = QTabWidget()
        self.tabs.addTab(child_page, "This child")
        self.tabs.addTab(queue_page, "Your organisation's queue")
        self.message = QLabel()
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.value.currentIndexChanged.connect(self._guess_owner)
        self.reload()

    def reload(self) -> None:
        child_id = self.child_id

        def load(col: Any) -> tuple[list[Flaggable], dict[str, str], list[Flag], list[Flag]]:
            d = col.discrepancies
            return d.flaggable(child_id), d.organisations(), d.for_child(child_id), d.queue()

        self.context.runner.query(load).success(lambda loaded: self.fill(*loaded)).run()

    def fill(self, values: list[Flaggable], orgs: dict[str, str], flags: list[Flag], queue: list[Flag]) -> None:
        self.values, self.orgs, self.queue = values, orgs, queue
        self.value.clear()
        for v in values:
            self.value.addItem(f"{v.label}: {v.value}")
        self.owner.clear()
        for org_id, name in sorted(orgs.items(), key=lambda kv: kv[1]):
            self.owner.addItem(name, org_id)
        self._guess_owner()
        _fill(self.child_flags, flags, orgs)
        _fill(self.queue_table, queue, orgs)
        self.tabs.setTabText(1, f"Your organisation's queue ({len(queue)})")
        self.answer_button.setEnabled(bool(queue))

    def _guess_owner(self, *_: object) -> None:
        row = self.value.currentIndex()
        if 0 <= row < len(self.values) and self.values[row].owner_org:
            found = self.owner.findData(self.values[row].owner_org)
            if found >= 0:
                self.owner.setCurrentIndex(found)

    def _write(self, fn: Callable[[Any], Any], done: str) -> None:
        def ok(_: object) -> None:
            self.message.setText(done)
            self.reload()

        self.context.runner.op(fn).success(ok).failure(self._failed).run(initiator=self)

    def _failed(self, error: BaseException) -> None:
        problems = getattr(error, "problems", [])
        QMessageBox.warning(self, "Not saved", "\n".join([str(error.args[0]), *(m for _, m in problems)]))

    def raise_flag(self) -> None:
        row = self.value.currentIndex()
        if not 0 <= row < len(self.values):
            return
        v, owner, reason, child_id = self.values[row], self.owner.currentData(), self.reason.text(), self.child_id
        self.reason.clear()
        self._write(
            lambda col: col.discrepancies.raise_flag(child_id, v.entity, v.row_id, v.field, reason, owner or ""),
            "Flagged: the owning organisation will see it at its next sync.",
        )

    def answer(self) -> None:
        row = self.queue_table.currentRow()
        if not 0 <= row < len(self.queue):
            self.message.setText("Choose a flag to answer.")
            return
        flag_id, resolution, note = self.queue[row].id, self.resolution.currentData(), self.note.text()
        self._write(lambda col: col.discrepancies.resolve(flag_id, resolution, note), "Answered.")


def discrepancy_button(context: AppContext, child_id: Callable[[], str | None], parent: QWidget) -> QPushButton:
    """The child page's entry point."""
    button = QPushButton("Report a discrepancy…")
    button.setToolTip("Flag a value another organisation shared that you believe is wrong; answer flags on yours")

    def open_dialog() -> None:
        chosen = child_id()
        if chosen:
            DiscrepancyDialog(context, chosen, parent).open()

    button.clicked.connect(open_dialog)
    return button
