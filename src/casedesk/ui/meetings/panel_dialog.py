"""Prepare a panel: the children chosen (from the caseload), the organisations attending, the panel's name and
date, then save its pack as a PDF — one page a child, limited to what every attending organisation may see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.records import Child, Organisation
from casedesk.services.meetings.panel_pack import PanelPack
from casedesk.ui.child.education_forms import day_input
from casedesk.ui.context import AppContext
from casedesk.ui.meetings.child_finder import ChildFinder
from casedesk.ui.widgets import picked_date, resize_to_fit, scroll_body

ID_ROLE = 256


class PanelPackDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        organisations: dict[str, Organisation],
        children: Sequence[Child],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Panel pack")
        self.context = context
        self.saved_to: Path | None = None
        self.title = QLineEdit("Inclusion panel")
        self.held_on = day_input(date.today())
        self.children_list = QListWidget()
        for child in children:
            self.add_child(child)
        self.finder = ChildFinder(context)
        self.finder.chosen.connect(self.add_child)
        self.attending = QListWidget()
        own = context.profile.organisation
        for org in sorted(organisations.values(), key=lambda o: o.name.casefold()):
            item = QListWidgetItem(org.name)
            item.setData(ID_ROLE, org.id)
            item.setCheckState(Qt.CheckState.Checked if org.name == own else Qt.CheckState.Unchecked)
            self.attending.addItem(item)
        body = QWidget()
        form = QFormLayout(body)
        for label, widget in (
            ("Panel", self.title),
            ("Date", self.held_on),
            ("Children (tick to include)", self.children_list),
            ("Add a child", self.finder),
            ("Organisations attending", self.attending),
        ):
            form.addRow(label, widget)
            widget.setAccessibleName(label)
        note = QLabel(
            "Each child's page shows only what every attending organisation may see. A child some attendee may not "
            "see gets a page saying so, without the child's name."
        )
        note.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problems")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Save the pack…")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll_body(body), 1)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        resize_to_fit(self, 640, 600)

    def add_child(self, child: Child) -> None:
        """List the child, ticked (once: a child already listed is ticked again)."""
        for index in range(self.children_list.count()):
            item = self.children_list.item(index)
            if item.data(ID_ROLE) == child.id:
                item.setCheckState(Qt.CheckState.Checked)
                return
        item = QListWidgetItem(f"{child.display_name} · born {child.date_of_birth:%d %b %Y}")
        item.setData(ID_ROLE, child.id)
        item.setCheckState(Qt.CheckState.Checked)
        self.children_list.addItem(item)

    @staticmethod
    def _ticked(widget: QListWidget) -> list[str]:
        items = (widget.item(i) for i in range(widget.count()))
        return [str(i.data(ID_ROLE)) for i in items if i.checkState() == Qt.CheckState.Checked]

    def chosen(self) -> tuple[list[str], list[str]]:
        return self._ticked(self.children_list), self._ticked(self.attending)

    def ask_path(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the panel pack", "panel-pack.pdf", "PDF (*.pdf)")
        return Path(path) if path else None

    def save(self) -> None:
        children, attending = self.chosen()
        title, held_on = self.title.text(), picked_date(self.held_on)
        if not children or not attending:
            self.error.setText("Tick at least one child and one attending organisation.")
            return
        out = self.ask_path()
        if out is None:
            return

        def done(_pack: PanelPack) -> None:
            self.saved_to = out
            self.accept()

        self.context.runner.query(
            lambda col: col.meetings.write_panel_pack(children, attending, title, held_on, out)
        ).success(done).failure(lambda error: self.error.setText(str(error))).run()
