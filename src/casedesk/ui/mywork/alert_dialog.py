"""An alert explained — the rule, what met it (each record with its date, double-click opens the child there), who
was told, what has been done — with Acknowledge, Acted on it and Dismiss (a reason from a list or in words)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.alerts.model import DISMISS_REASONS, URGENCY_LABELS
from casedesk.services.alerts.rules import RulesInEffect
from casedesk.services.alerts.service import AlertView
from casedesk.ui.context import AppContext
from casedesk.ui.palette import RED

OTHER_REASON = "Another reason (say which below)"


class AlertDialog(QDialog):
    open_child_at = Signal(str, str)

    def __init__(self, context: AppContext, alert_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.alert_id = alert_id
        self.view: AlertView | None = None
        self.setWindowTitle("Alert")
        self.setAccessibleName("Alert")
        self.resize(720, 560)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.evidence = QListWidget()
        self.evidence.setAccessibleName("What met the rule")
        self.evidence.setWordWrap(True)
        self.evidence.itemActivated.connect(self._open_evidence)
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.reason = QComboBox()
        self.reason.setAccessibleName("Reason")
        self.reason.addItems([*DISMISS_REASONS, OTHER_REASON])
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("What you did, or more about why you dismiss it (kept with the alert and synced)")
        self.note.setFixedHeight(64)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.setStyleSheet(f"QLabel {{ color: {RED}; }}")
        self.acknowledge_button = QPushButton("Acknowledge")
        self.act_button = QPushButton("Acted on it")
        self.dismiss_button = QPushButton("Dismiss…")
        self.open_button = QPushButton("Open child at the evidence")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for button in (self.open_button, self.acknowledge_button, self.act_button, self.dismiss_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.acknowledge_button.clicked.connect(lambda: self._do("acknowledge"))
        self.act_button.clicked.connect(lambda: self._do("act"))
        self.dismiss_button.clicked.connect(lambda: self._do("dismiss"))
        self.open_button.clicked.connect(self._open_first)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(QLabel("<b>What met the rule</b>"))
        layout.addWidget(self.evidence, 1)
        layout.addWidget(self.history)
        layout.addWidget(QLabel("Dismissing? Why:"))
        layout.addWidget(self.reason)
        layout.addWidget(self.note)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        self.context.runner.query(lambda col: (col.alerts.get(self.alert_id), col.alerts.rules_in_effect())).success(
            lambda loaded: self._fill(*loaded)
        ).run()

    def _fill(self, view: AlertView, rules: RulesInEffect | None) -> None:
        self.view = view
        a = view.alert
        rule = rules.rules.rule(a.rule_id) if rules is not None else None
        why = f"<br><i>{rule.why}</i>" if rule is not None and rule.why else ""
        self.heading.setText(
            f"<h3>{a.rule_title} — {a.child_name}</h3>"
            f"<b>{URGENCY_LABELS.get(a.urgency, a.urgency)}</b> · met {a.met_on:%d %b %Y} · {a.summary}{why}"
            f"<br>Told: {view.told}<br>Rule set: {a.rule_set or '—'}"
        )
        self.evidence.clear()
        for entry in a.evidence:
            row = QListWidgetItem(str(entry["text"]))
            row.setData(Qt.ItemDataRole.UserRole, entry["tab"])
            self.evidence.addItem(row)
        done = [
            f"{x.done_at:%d %b %Y %H:%M} {x.author}: {x.action}" + (f" — {x.note}" if x.note else "")
            for x in view.actions
        ]
        self.history.setText("<b>State:</b> " + view.state_words + ("<br>" + "<br>".join(done) if done else ""))
        for button in (self.acknowledge_button, self.act_button, self.dismiss_button):
            button.setEnabled(view.open)

    def _open_evidence(self, row: QListWidgetItem) -> None:
        if self.view is not None:
            self.open_child_at.emit(self.view.alert.child_id, str(row.data(Qt.ItemDataRole.UserRole)))
            self.accept()

    def _open_first(self) -> None:
        if self.view is not None:
            self.open_child_at.emit(self.view.alert.child_id, self.view.first_tab)
            self.accept()

    def _do(self, what: str) -> None:
        note = self.note.toPlainText().strip()
        if what == "dismiss":
            chosen = self.reason.currentText()
            if chosen == OTHER_REASON and not note:
                self.problem.setText("Say why you dismiss this alert.")
                return
            note = note if chosen == OTHER_REASON else f"{chosen}" + (f": {note}" if note else "")
        alert_id = self.alert_id
        if what == "acknowledge":
            op = self.context.runner.op(lambda col: col.alerts.acknowledge(alert_id, note))
        elif what == "act":
            op = self.context.runner.op(lambda col: col.alerts.act(alert_id, note))
        else:
            op = self.context.runner.op(lambda col: col.alerts.dismiss(alert_id, note))
        op.success(self._done).failure(self._refused).run(initiator=self)

    def _refused(self, error: BaseException) -> None:
        self.problem.setText(str(error))

    def _done(self, view: AlertView) -> None:
        self.note.clear()
        self.problem.clear()
        self.reload()
