"""Import children from a CSV file: choose it, watch it run (with Stop), then read what was and was not imported.

The import runs on the database thread like every other write; past ~600 ms a progress dialog says which file
is being read and offers Cancel, which is safe at any point because an import is all or nothing. The outcome
(how many were imported, who was already held, each problem with its row and field) stays in a message box the
user closes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from casedesk.errors import Cancelled, ValidationError
from casedesk.services.import_children import ImportReport
from casedesk.ui.context import AppContext
from casedesk.ui.tasks import CancelFlag

SHOWN_PROBLEMS = 15


class ChildrenImport:
    """The Caseload page's "Import…": one import at a time, its outcome in `box` until the user closes it."""

    def __init__(self, context: AppContext, parent: QWidget) -> None:
        self.context = context
        self.parent = parent
        self.running = False
        self.box: QMessageBox | None = None
        self.cancel = CancelFlag()

    def ask_file(self) -> str:
        """Separate so tests can answer without a modal dialog."""
        path, _ = QFileDialog.getOpenFileName(self.parent, "Import children", "", "CSV files (*.csv);;All files (*)")
        return path

    def start(self) -> None:
        if self.running or not self.context.unlocked:
            return
        chosen = self.ask_file()
        if chosen:
            self.run(Path(chosen))

    def run(self, path: Path) -> None:
        self.running = True
        self.cancel = flag = CancelFlag()
        self.context.runner.op(lambda col: col.children.import_csv(path, lambda: flag.cancelled)).success(
            lambda report: self._done(path, report)
        ).failure(lambda error: self._failed(path, error)).with_progress(
            f"Importing children from {path.name}: checking every row, then saving them all at once…",
            self.parent,
            flag,
        ).run(initiator=self)

    def _done(self, path: Path, report: ImportReport) -> None:
        self.running = False
        lines = [f"Imported {report.imported} child record(s) from {path.name}."]
        if report.already_held:
            lines.append(f"\nAlready held (same UPN or NHS number), not imported: {len(report.already_held)}")
            lines += [f"  {name}" for name in report.already_held[:SHOWN_PROBLEMS]]
        if report.warnings:
            lines.append(f"\nWarnings: {len(report.warnings)}")
            lines += [f"  {warning}" for warning in report.warnings[:SHOWN_PROBLEMS]]
        self._say(QMessageBox.Icon.Information, "Children imported", "\n".join(lines))

    def _failed(self, path: Path, error: BaseException) -> None:
        self.running = False
        if isinstance(error, Cancelled):
            self._say(QMessageBox.Icon.Information, "Import stopped", f"{error} ({path.name})")
            return
        lines = [str(error.args[0]) if isinstance(error, ValidationError) else str(error)]
        if isinstance(error, ValidationError):
            lines += [f"  {where}: {message}" for where, message in error.problems[:SHOWN_PROBLEMS]]
            if len(error.problems) > SHOWN_PROBLEMS:
                lines.append(f"  … and {len(error.problems) - SHOWN_PROBLEMS} more")
        self._say(QMessageBox.Icon.Warning, "Nothing was imported", "\n".join(lines))

    def _say(self, icon: QMessageBox.Icon, title: str, text: str) -> None:
        self.box = QMessageBox(icon, title, text, parent=self.parent)
        self.box.open()
