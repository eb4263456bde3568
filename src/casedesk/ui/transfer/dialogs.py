"""The case-transfer dialogs. They only gather the user's choices (the receiving organisation, key and package
files) and show the answer; `TransferService` makes the calls and the server seals, opens, decides who may and
audits. File choice goes through `choose_open` / `choose_save`, so a test can answer it without a file dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casedesk.services.transfer.service import TransferImported
from casedesk.ui.context import AppContext

KEYS = "Area public key (*.pub.json *.json)"
PACKAGES = "Transfer package (*.transfer)"


class _Files(QDialog):
    def __init__(self, context: AppContext, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.choose_open: Callable[[str, str], Path | None] = self._open_file
        self.choose_save: Callable[[str, str], Path | None] = self._save_file
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Transfer message")

    def _open_file(self, title: str, pattern: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self, title, "", pattern)
        return Path(path) if path else None

    def _save_file(self, title: str, suggested: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, PACKAGES)
        return Path(path) if path else None

    def file_row(self, title: str, pattern: str) -> tuple[QLineEdit, QHBoxLayout]:
        shown = QLineEdit()
        shown.setReadOnly(True)
        shown.setPlaceholderText("No file chosen")
        button = QPushButton("Choose…")

        def choose() -> None:
            path = self.choose_open(title, pattern)
            if path is not None:
                shown.setText(str(path))
                self.chosen()

        button.clicked.connect(choose)
        row = QHBoxLayout()
        row.addWidget(shown, 1)
        row.addWidget(button)
        return shown, row

    def chosen(self) -> None:
        """A file was chosen (subclasses say what it means)."""

    def failed(self, exc: BaseException) -> None:
        self.message.setText(f"Nothing was transferred: {exc}")


class TransferDialog(_Files):
    """Seal one child's record for another area and save the package to give them."""

    def __init__(self, context: AppContext, child_id: str, child_name: str, parent: QWidget | None = None) -> None:
        super().__init__(context, "Transfer to another area", parent)
        self.child_id, self.child_name = child_id, child_name
        intro = QLabel(
            f"Seal {child_name}'s record for the area they are moving to. It holds what the agreements with the "
            "receiving organisation allow; only that area's key can open it. The server records the transfer."
        )
        intro.setWordWrap(True)
        self.organisation = QComboBox()
        self.organisation.setAccessibleName("Receiving organisation")
        self.key, key_row = self.file_row("The receiving area's public key", KEYS)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save package…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setEnabled(False)
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.transfer)
        form = QFormLayout()
        form.addRow("Receiving organisation", self.organisation)
        form.addRow("Their public key", key_row)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.context.runner.query(lambda col: col.transfer.organisations()).success(self._fill).failure(
            self.failed
        ).run()

    def _fill(self, organisations: list[tuple[str, str]]) -> None:
        for org_id, name in organisations:
            self.organisation.addItem(name, org_id)

    def chosen(self) -> None:
        path = Path(self.key.text())
        self.save_button.setEnabled(False)
        self.context.runner.query(lambda col: col.transfer.area_of(path)).success(
            lambda area: self._ready(f"The package will be sealed for {area}.")
        ).failure(self.failed).run()

    def _ready(self, text: str) -> None:
        self.message.setText(text)
        self.save_button.setEnabled(self.organisation.count() > 0)

    def transfer(self) -> None:
        out = self.choose_save("Save the transfer package", f"{self.child_name}.transfer".replace(" ", "-"))
        if out is None:
            return
        key, org = Path(self.key.text()), str(self.organisation.currentData())
        self.save_button.setEnabled(False)
        self.context.runner.query(lambda col: col.transfer.export(self.child_id, org, key, out)).on_network().success(
            lambda size: self.message.setText(f"Saved {out.name} ({size:,} bytes). Give it to the receiving area.")
        ).failure(self._failed_again).run()

    def _failed_again(self, exc: BaseException) -> None:
        self.failed(exc)
        self.save_button.setEnabled(True)


class ImportDialog(_Files):
    """Open a package another area sealed for this one: a new child, or merged into the one held here."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Import a transfer package", parent)
        intro = QLabel(
            "A package another area sealed for this one, and that area's public key (to check it came from them). "
            "The child is merged into one held here when the server finds a clear match, or made new."
        )
        intro.setWordWrap(True)
        self.package, package_row = self.file_row("The transfer package", PACKAGES)
        self.key, key_row = self.file_row("The sending area's public key", KEYS)
        self.imported: TransferImported | None = None
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.setEnabled(False)
        self.buttons.rejected.connect(self.reject)
        self.import_button.clicked.connect(self.run_import)
        form = QFormLayout()
        form.addRow("Package", package_row)
        form.addRow("Sender's public key", key_row)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def chosen(self) -> None:
        self.import_button.setEnabled(bool(self.package.text() and self.key.text()))

    def run_import(self) -> None:
        package, key = Path(self.package.text()), Path(self.key.text())
        self.import_button.setEnabled(False)
        self.context.runner.query(lambda col: col.transfer.import_package(package, key)).on_network().success(
            self._done
        ).failure(self._failed_again).run()

    def _done(self, result: TransferImported) -> None:
        self.imported = result
        self.message.setText(result.message)

    def _failed_again(self, exc: BaseException) -> None:
        self.failed(exc)
        self.import_button.setEnabled(True)


def transfer_button(context: AppContext, child: Callable[[], tuple[str, str] | None], parent: QWidget) -> QPushButton:
    """The child page's entry point; `child` gives the shown child's id and name."""
    button = QPushButton("Transfer to another area…")
    button.setToolTip("Seal this child's record for the area they are moving to")

    def open_dialog() -> None:
        shown = child()
        if shown:
            TransferDialog(context, shown[0], shown[1], parent).open()

    button.clicked.connect(open_dialog)
    return button


def import_button(context: AppContext, parent: QWidget) -> QPushButton:
    """The Administration page's entry point."""
    button = QPushButton("Import a transfer package…")
    button.clicked.connect(lambda: ImportDialog(context, parent).open())
    return button
