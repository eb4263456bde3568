"""After every sync status change the main window takes the profile from the server's directory through the
runner's one operation helper; that refresh must run cleanly, not fail in the status bar."""

from __future__ import annotations

from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow


def test_a_sync_status_change_refreshes_the_profile_without_a_failure(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    failures: list[str] = []
    context.runner.failed.connect(failures.append)
    before = context.profile
    window.sync.status_changed.emit("Synced", "")
    qtbot.waitUntil(lambda: not context.runner.busy, timeout=5000)
    assert failures == []
    assert context.profile == before  # not enrolled: the profile stays the user's own
