"""The site profile in the app: the first-run form, the idle lock and sync interval, a stricter policy from the
server taking effect after a round, and a bad profile stopping the app with a plain message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from casedesk import config
from casedesk.store.database import Database
from casedesk.ui import application
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner
from casedesk.ui.unlock.first_run_dialog import FirstRunDialog
from tests.factories import opened


def put_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, doc: dict[str, Any]) -> Path:
    path = tmp_path / "site.json"
    path.write_text(json.dumps({"format": "casedesk-site-profile", "version": 1, **doc}))
    monkeypatch.setenv("CASEDESK_SITE_PROFILE", str(path))
    return path


def test_first_run_offers_the_sites_organisation_and_keeps_to_its_policy(
    qtbot: Any, tmp_path: Path, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch, fast_kdf: Any
) -> None:
    put_profile(
        tmp_path,
        monkeypatch,
        {
            "organisation": {"name": "Northshire Early Help", "kind": "early_help"},
            "policy": {"demo_data": False, "min_passphrase_strength": "strong"},
        },
    )
    path = tmp_path / "first.db"
    context = AppContext(path, runner)
    dialog = FirstRunDialog(context, path)
    qtbot.addWidget(dialog)
    assert dialog.organisation.text() == "Northshire Early Help"
    assert dialog.kind.currentData() == "early_help"
    assert dialog.demo.isHidden()
    dialog.name.setText("Priya Shah")
    dialog.passphrase.setText("abcdabcdabcd")
    dialog.confirm.setText("abcdabcdabcd")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "asks for a passphrase at least strong" in dialog.error.text() and not path.exists()
    strong = "seven orange kites drift over quiet harbours"
    dialog.passphrase.setText(strong)
    dialog.confirm.setText(strong)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert context.unlocked and context.profile.organisation_kind == "early_help"
    context.lock()


def test_the_window_keeps_the_idle_lock_and_sync_interval_the_policy_sets(
    qtbot: Any, tmp_path: Path, db: Database, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_profile(tmp_path, monkeypatch, {"policy": {"idle_lock_minutes": 3, "sync_interval_minutes": 15}})
    context = AppContext(db.path, runner)
    context.attach(opened(db, Profile(name="Sam Tester", role="DSL", organisation="Hillside", idle_minutes=10)))
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.idle.limit_seconds == 3 * 60  # the user's 10 minutes, capped
    assert window.sync._periodic.interval() == 15 * 60_000
    # The server sends a stricter policy; the next round's end applies it.
    db.put(config.SERVER_POLICY, {"idle_lock_minutes": 1, "sync_interval_minutes": 5})
    window.sync.round_finished.emit(None)
    assert window.idle.limit_seconds == 60
    assert window.sync._periodic.interval() == 5 * 60_000
    assert context.policy.idle_lock_minutes == 1


def test_a_bad_site_profile_stops_the_app_with_a_plain_message(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = put_profile(tmp_path, monkeypatch, {"policy": {"idle_lock_minutes": 0}})
    shown: list[tuple[str, str]] = []

    def record(box: QMessageBox) -> int:
        shown.append((box.text(), box.informativeText()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    assert application.run(["casedesk"], tmp_path / "never.db") == 2
    (text, more), *_ = shown
    assert str(path) in text and "policy.idle_lock_minutes: 0 is less than the minimum of 1" in text
    assert "administrator" in more
    assert not (tmp_path / "never.db").exists()
