"""Managing the directory (the local authority's directory team): services and their drafts, the list of services
due for review, the needs taxonomy and the tags, and the publish step that sends every draft to every device.

Every change runs on the database thread through the collection; the dialog only lists and asks. Renames, merges
and retirements say what they will do before doing it, since services follow them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.directory.model import Service, domain_label
from casedesk.errors import ValidationError
from casedesk.ui.context import AppContext
from casedesk.ui.directory.service_editor import ServiceEditor

KEY = Qt.ItemDataRole.UserRole


def _tab(items: QListWidget, *buttons: QPushButton) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addWidget(items, 1)
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    return page


class ManageDirectoryDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Manage the directory")
        self.services: list[Service] = []
        self.drafts: dict[str, Service] = {}
        self.needs: list[dict[str, Any]] = []
        self.editor: ServiceEditor | None = None

        self.service_list = QListWidget()
        self.service_list.setAccessibleName("Services")
        self.service_list.itemDoubleClicked.connect(lambda _: self.edit_selected())
        edit, new = QPushButton("Edit…"), QPushButton("New service…")
        edit.clicked.connect(self.edit_selected)
        new.clicked.connect(lambda: self.edit(None, None))
        self.due_list = QListWidget()
        self.due_list.setAccessibleName("Due for review")
        self.due_list.itemDoubleClicked.connect(lambda item: self.edit_record(item.data(KEY)))
        review = QPushButton("Review…")
        review.clicked.connect(self.review_selected)
        self.need_list = QListWidget()
        self.need_list.setAccessibleName("Needs taxonomy")
        self.tag_list = QListWidget()
        self.tag_list.setAccessibleName("Tags")
        need_buttons = [QPushButton(t) for t in ("Rename…", "Merge into…", "Retire")]
        for button, action in zip(need_buttons, (self.rename_need, self.merge_need, self.retire_need), strict=True):
            button.clicked.connect(action)
        tag_buttons = [QPushButton(t) for t in ("Rename…", "Merge into…", "Retire")]
        for button, action in zip(tag_buttons, (self.rename_tag, self.merge_tag, self.retire_tag), strict=True):
            button.clicked.connect(action)

        self.tabs = QTabWidget()
        self.tabs.addTab(_tab(self.service_list, edit, new), "Services")
        self.tabs.addTab(_tab(self.due_list, review), "Due for review")
        self.tabs.addTab(_tab(self.need_list, *need_buttons), "Needs")
        self.tabs.addTab(_tab(self.tag_list, *tag_buttons), "Tags")
        self.drafts_label = QLabel()
        self.publish_button = QPushButton("Publish drafts to every device")
        self.publish_button.clicked.connect(self.publish)
        self.status = QLabel()
        self.status.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.drafts_label, 1)
        bottom.addWidget(self.publish_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status)
        self.resize(820, 560)
        self.reload()

    # -- loading -----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        def load(col: Any) -> tuple[Any, ...]:
            d = col.directory
            return d.services(), d.editor.drafts(), d.due_for_review(), d.taxonomy.describe(), d.taxonomy.tags()

        self.context.runner.query(load).success(self._loaded).run()

    def _loaded(self, loaded: tuple[Any, ...]) -> None:
        self.services, self.drafts, due, self.needs, tags = loaded
        self.service_list.clear()
        for service in self.services:
            draft = " (draft waiting to publish)" if service.id in self.drafts else ""
            item = QListWidgetItem(service.name + draft)
            item.setData(KEY, service.id)
            self.service_list.addItem(item)
        for key, service in self.drafts.items():
            if key.startswith("new:"):
                item = QListWidgetItem(f"{service.name} (new, draft waiting to publish)")
                item.setData(KEY, key)
                self.service_list.addItem(item)
        self.due_list.clear()
        for line in due:
            item = QListWidgetItem(f"{line.state.upper()}: {line.text}")
            item.setData(KEY, line.service.id)
            self.due_list.addItem(item)
        self.need_list.clear()
        for need in self.needs:
            state = (
                ""
                if need["state"] == "active"
                else f" ({need['state']}" + (f" into {need['merged_into']})" if need.get("merged_into") else ")")
            )
            item = QListWidgetItem(f"{need['label']} · {domain_label(need['domain'])} · {need['code']}{state}")
            item.setData(KEY, need["code"])
            self.need_list.addItem(item)
        self.tag_list.clear()
        for tag, count in tags.items():
            item = QListWidgetItem(f"{tag} ({count})")
            item.setData(KEY, tag)
            self.tag_list.addItem(item)
        self.drafts_label.setText(f"{len(self.drafts)} draft(s) waiting to publish")
        self.publish_button.setEnabled(bool(self.drafts))

    # -- services ----------------------------------------------------------------------------------------------
    def edit_selected(self) -> None:
        item = self.service_list.currentItem()
        if item is not None:
            self.edit_record(item.data(KEY))

    def review_selected(self) -> None:
        item = self.due_list.currentItem()
        if item is not None:
            self.edit_record(item.data(KEY))

    def edit_record(self, key: str) -> None:
        service = self.drafts.get(key) or next((s for s in self.services if s.id == key), None)
        self.edit(service, None if key.startswith("new:") else key)

    def edit(self, service: Service | None, record_id: str | None) -> None:
        labels = {n["code"]: n["label"] for n in self.needs if n["state"] == "active"}
        self.editor = ServiceEditor(service, labels, record_id, self)
        self.editor.save_requested.connect(self._save)
        self.editor.open()

    def _save(self, service: Service) -> None:
        editor = self.editor
        assert editor is not None
        record_id = editor.record_id

        def saved(_key: str) -> None:
            editor.accept()
            self.status.setText(f"Saved a draft of {service.name}; publish to send it to every device.")
            self.reload()

        def refused(error: BaseException) -> None:
            problems = error.problems if isinstance(error, ValidationError) else []
            editor.show_problems(problems or [("", str(error))])

        self.context.runner.op(lambda col: col.directory.editor.save_draft(service, record_id)).success(saved).failure(
            refused
        ).run(initiator=self)

    def publish(self) -> None:
        def done(published: list[str]) -> None:
            self.status.setText(f"Published {len(published)} service(s); they reach every device at its next sync.")
            self.reload()

        self.context.runner.op(lambda col: col.directory.editor.publish()).success(done).failure(
            lambda error: self.status.setText(str(error))
        ).run(initiator=self)

    # -- taxonomy and tags -------------------------------------------------------------------------------------
    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, text=text)
        return value if ok else None

    def ask_choice(self, title: str, label: str, choices: list[str]) -> str | None:
        value, ok = QInputDialog.getItem(self, title, label, choices, 0, False)
        return value if ok else None

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Manage the directory", question)
        return answer == QMessageBox.StandardButton.Yes

    def _change(self, fn: Any, message: str) -> None:
        def done(_: object) -> None:
            self.status.setText(message)
            self.reload()

        self.context.runner.op(fn).success(done).failure(lambda error: self.status.setText(str(error))).run(
            initiator=self
        )

    def _current(self, items: QListWidget) -> str | None:
        item = items.currentItem()
        return None if item is None else str(item.data(KEY))

    def rename_need(self) -> None:
        code = self._current(self.need_list)
        label = self.ask_text("Rename need", "New name:") if code else None
        if code and label:
            self._change(lambda col: col.directory.taxonomy.rename_need(code, label), f"Renamed to {label}.")

    def merge_need(self) -> None:
        code = self._current(self.need_list)
        active = {f"{n['label']} ({n['code']})": n["code"] for n in self.needs if n["state"] == "active"}
        choice = self.ask_choice("Merge need", "Merge into:", list(active)) if code else None
        if code and choice and self.confirm(f"Merge {code} into {active[choice]}? Services naming it will follow."):
            into = active[choice]
            self._change(lambda col: col.directory.taxonomy.merge_needs(code, into), f"Merged {code} into {into}.")

    def retire_need(self) -> None:
        code = self._current(self.need_list)
        if code and self.confirm(f"Retire {code}? It is taken off every service."):
            self._change(lambda col: col.directory.taxonomy.retire_need(code), f"Retired {code}.")

    def rename_tag(self) -> None:
        tag = self._current(self.tag_list)
        new = self.ask_text("Rename tag", "New tag:", tag or "") if tag else None
        if tag and new:
            self._change(lambda col: col.directory.taxonomy.rename_tag(tag, new), f"Renamed tag {tag} to {new}.")

    def merge_tag(self) -> None:
        tag = self._current(self.tag_list)
        others = [str(self.tag_list.item(i).data(KEY)) for i in range(self.tag_list.count())]
        into = self.ask_choice("Merge tag", "Merge into:", [t for t in others if t != tag]) if tag else None
        if tag and into:
            self._change(lambda col: col.directory.taxonomy.merge_tags(tag, into), f"Merged tag {tag} into {into}.")

    def retire_tag(self) -> None:
        tag = self._current(self.tag_list)
        if tag and self.confirm(f"Retire the tag {tag}? It is taken off every service."):
            self._change(lambda col: col.directory.taxonomy.retire_tag(tag), f"Retired tag {tag}.")
