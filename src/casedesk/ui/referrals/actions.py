"""The pack buttons of a referral: save the service's or the family's pack, save an email, or send it through
the server (queued offline, sent after the next sync). Every route is audited by the services it calls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QGridLayout, QInputDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from casedesk.domain.referrals.workflow import Referral
from casedesk.services.collection import Collection
from casedesk.ui.context import AppContext


class PackActions(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.referral: Referral | None = None
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QGridLayout()  # two by two: the detail pane stays narrow enough for the list beside it
        self.buttons = {
            "service": QPushButton("Service pack (PDF)…"),
            "family": QPushButton("Family sheet (PDF)…"),
            "eml": QPushButton("Save as email…"),
            "relay": QPushButton("Send via server…"),
        }
        self.buttons["service"].clicked.connect(lambda: self.save_pdf("service"))
        self.buttons["family"].clicked.connect(lambda: self.save_pdf("family"))
        self.buttons["eml"].clicked.connect(self.save_email)
        self.buttons["relay"].clicked.connect(self.send_via_server)
        for index, button in enumerate(self.buttons.values()):
            buttons.addWidget(button, index // 2, index % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.set_relay_available(False)
        self.set_referral(None)

    def set_relay_available(self, enrolled: bool) -> None:
        """Offer "Send via server…" only on a device enrolled with a server: elsewhere it could never be sent."""
        self.relay_available = enrolled
        self.buttons["relay"].setVisible(enrolled)

    def set_referral(self, referral: Referral | None) -> None:
        self.referral = referral
        self.message.clear()
        for button in self.buttons.values():
            button.setEnabled(referral is not None)

    # Separate so tests can answer without a modal dialog.
    def save_path(self, suggested: str, pattern: str = "PDF (*.pdf)") -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, "Save", suggested, pattern)
        return Path(path) if path else None

    def ask_recipient(self) -> str | None:
        text, ok = QInputDialog.getText(self, "Email the service", "The service's email address:")
        return text.strip() if ok and text.strip() else None

    def _run(self, work: Callable[[Collection], object], done_text: str) -> None:
        self.context.runner.query(work).success(lambda _: self.message.setText(done_text)).failure(
            lambda e: self.message.setText(str(e))
        ).run()

    def save_pdf(self, audience: str) -> None:
        if self.referral is None:
            return
        out = self.save_path(f"referral-{audience}.pdf")
        if out is None:
            return
        referral_id = self.referral.id
        self._run(
            lambda col: col.referrals.write_pack_pdf(referral_id, audience, out),
            f"Saved {out.name} (OFFICIAL-SENSITIVE).",
        )

    def save_email(self) -> None:
        if self.referral is None:
            return
        recipient = self.ask_recipient()
        out = self.save_path("referral.eml", "Email (*.eml)") if recipient else None
        if out is None or recipient is None:
            return
        referral_id = self.referral.id
        self._run(
            lambda col: col.referrals.save_eml(referral_id, "service", recipient, out),
            f"Saved {out.name}: open it in your mail program to send it.",
        )

    def send_via_server(self) -> None:
        if self.referral is None:
            return
        recipient = self.ask_recipient()
        if recipient is None:
            return
        referral_id = self.referral.id
        self.context.runner.op(lambda col: col.referrals.queue_via_server(referral_id, "service", recipient)).success(
            lambda _: self.message.setText("Queued: the server sends it after the next sync (works offline).")
        ).failure(lambda e: self.message.setText(str(e))).run(initiator=self)
