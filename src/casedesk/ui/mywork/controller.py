"""Evaluating alert rules as the user works: at unlock, after every write or sync round that touched what the
rules read (a short pause gathers a burst of writes into one evaluation), and telling the user of urgent alerts
raised for them — a desktop notification where the system has a tray (`notifier`), and a banner on "My work".

The notification carries no personal data (it may show on a locked screen); the list in the unlocked app names
the child. Evaluation runs on the database thread like every other write (`col.alerts.refresh`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from casedesk.domain.records import Changes
from casedesk.services.alerts.evaluate import Evaluation
from casedesk.services.alerts.service import AlertView
from casedesk.ui.context import AppContext
from casedesk.ui.mywork.notifier import UrgentNotifier

OWN = frozenset({"alerts", "alert_actions"})  # what evaluation itself writes: never a reason to evaluate again
PAUSE_MS = 400


class AlertsController(QObject):
    urgent = Signal(list)  # the urgent alerts just raised that tell this user (list[AlertView])

    def __init__(self, context: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.context = context
        self.window = window
        self.notifier = UrgentNotifier(self)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PAUSE_MS)
        self.timer.timeout.connect(self.evaluate)
        self.last: Evaluation | None = None
        context.runner.changes_applied.connect(self._on_changes)

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if initiator is self or not (changes.entities - OWN):
            return
        self.timer.start()

    def evaluate(self) -> None:
        if not self.context.unlocked:
            return
        self.context.runner.op(lambda col: col.alerts.refresh()).success(self._evaluated).run(initiator=self)

    def _evaluated(self, result: tuple[Evaluation, list[AlertView]]) -> None:
        self.last, urgent = result
        if not urgent:
            return
        self.urgent.emit(urgent)
        self.notifier.notify(len(urgent))
