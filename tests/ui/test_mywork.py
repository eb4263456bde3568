""" "My work" with real widgets: it is the page the window opens on, lists the user's open alerts and the other
work due, opens the child at the evidence in one step, and an alert is acknowledged, then dismissed with a
reason; alerts and what was done about them survive a lock and unlock and reopening the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QTreeWidgetItem

from casedesk.services.mywork.registry import WorkItem, registered
from casedesk.store.database import Database
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow
from casedesk.ui.mywork.notifier import NOTICE
from casedesk.ui.mywork.page import ITEM
from tests.factories import PASSPHRASE, add_child


def _caseload(db: Database) -> str:
    """A child the user (Sam Tester at Hillside Academy) is social worker for: arrested two days ago, with a
    referral waiting for its acknowledgement and a needs check in draft."""
    today = date.today()
    arrested = datetime.combine(today - timedelta(days=2), datetime.min.time(), UTC)
    sent = datetime.combine(today - timedelta(days=30), datetime.min.time(), UTC)
    child = add_child(db, "Hester", "Wainwright", date(2011, 4, 4))
    with db.unit_of_work("tester") as uow:
        org = uow.insert("organisations", {"name": "Hillside Academy", "kind": "school"})
        me = uow.insert("workers", {"organisation_id": org, "name": "Sam Tester", "role": "Social worker"})
        uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": org, "worker_id": me, "role": "social_worker", "start_date": today},
        )
        uow.insert(
            "events",
            {
                "child_id": child,
                "kind": "arrest",
                "occurred_at": arrested,
                "recorded_at": arrested,
                "author": "PC 12",
                "category": "youth_justice",
                "summary": "Arrested on suspicion of theft",
            },
        )
        uow.insert(
            "referrals",
            {
                "child_id": child,
                "service_name": "Family Support Service",
                "reason": "Support at home",
                "shared_sections": ["identity"],
                "sharing": {"basis": "consent"},
                "referrer": {"name": "Sam Tester"},
                "status": "sent",
                "status_changed_at": sent,
                "sent_at": sent,
            },
        )
        uow.insert(
            "triage_results",
            {
                "child_id": child,
                "questionnaire_id": "risk-of-exclusion",
                "questionnaire_version": "1.0",
                "answers": {},
                "author": "Sam Tester",
                "started_at": sent,
            },
        )
    return child


def _position(key: str) -> int:
    """Where a source's section sits (other features register sources of their own among these)."""
    return [source.key for source in registered()].index(key)


def _rows(window: MainWindow, section: int) -> list[WorkItem]:
    head = window.mywork.tree.topLevelItem(section)
    found = [head.child(i).data(0, ITEM) for i in range(head.childCount())]
    return [item for item in found if isinstance(item, WorkItem)]


def _row(window: MainWindow, section: int, index: int = 0) -> QTreeWidgetItem:
    return window.mywork.tree.topLevelItem(section).child(index)


def test_my_work_opens_first_and_an_alert_is_acknowledged_then_dismissed(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    child = _caseload(context.col.db)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    assert window.stack.currentWidget() is window.mywork
    qtbot.waitUntil(lambda: bool(_rows(window, 0)))
    alert, late = _rows(window, 0)  # urgent first
    assert alert.child_name == "Hester Wainwright" and alert.title == "Police contact or arrest" and alert.urgent
    assert late.title == "Referral not acknowledged in time" and not late.urgent
    assert [i.title for i in _rows(window, 1)] == ["Family Support Service"] and _rows(window, 1)[0].overdue
    assert [i.tab for i in _rows(window, _position("drafts"))] == ["needs_checks"]
    assert "Sam Tester: 4 thing(s)" in window.mywork.who.text()
    assert "sample content" in window.mywork.rules.text()
    assert (
        window.mywork.banner.isVisibleTo(window)
        and "Police contact or arrest — Hester Wainwright" in window.mywork.banner.text()
    )

    window.mywork.tree.setCurrentItem(_row(window, 0))  # one step from the child, at the evidence
    window.mywork.open_button.click()
    assert window.stack.currentWidget() is window.child and window.child.child_id == child
    assert window.child.tabs.currentWidget() is window.child.youth_justice

    window.show_page(window.mywork)
    window.mywork.tree.setCurrentItem(_row(window, 0))
    window.mywork.alert_button.click()
    dialog = window.mywork.dialog
    assert dialog is not None and dialog.isVisible()
    assert "Arrested on suspicion of theft" in dialog.evidence.item(0).text()
    assert "Sam Tester (social worker)" in dialog.heading.text()
    dialog.acknowledge_button.click()
    assert "acknowledged by Sam Tester" in dialog.history.text() and dialog.dismiss_button.isEnabled()
    dialog.reason.setCurrentIndex(dialog.reason.count() - 1)  # "another reason": then words are required
    dialog.dismiss_button.click()
    assert dialog.problem.text() == "Say why you dismiss this alert." and "Dismissed" not in dialog.history.text()
    dialog.note.setPlainText("Youth justice service is leading; discussed at the panel")
    dialog.dismiss_button.click()
    assert "Dismissed by Sam Tester" in dialog.history.text() and not dialog.act_button.isEnabled()
    assert "Youth justice service is leading" in dialog.history.text()
    dialog.accept()
    qtbot.waitUntil(lambda: len(_rows(window, 0)) == 1)
    assert window.mywork.tree.topLevelItem(0).text(0) == "My open alerts (1)"

    # Lock and unlock: nothing stays on screen while locked; the dismissed alert is still dismissed after.
    [lock] = [a for a in window.actions() if a.shortcut() == QKeySequence("Ctrl+L")]
    lock.trigger()
    assert window.mywork.tree.topLevelItemCount() == 0 and not window.mywork.banner.isVisibleTo(window)
    window.unlock_dialog.passphrase.setText(PASSPHRASE)
    window.unlock_dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert context.unlocked
    qtbot.waitUntil(lambda: window.mywork.tree.topLevelItemCount() > 0)
    assert [i.title for i in _rows(window, 0)] == ["Referral not acknowledged in time"]
    assert [i.title for i in _rows(window, 1)] == ["Family Support Service"]
    kept = {v.alert.rule_id: v for v in context.col.alerts.views(child_id=child)}["police-contact"]
    assert kept.state == "dismissed" and [a.action for a in kept.actions] == ["acknowledged", "dismissed"]


def test_alerts_and_their_actions_survive_reopening_the_database(context: AppContext) -> None:
    db = context.col.db
    child = _caseload(db)
    (evaluation, urgent), _ = context.col.alerts.refresh()
    assert len(evaluation.raised) == 2 and [v.alert.child_id for v in urgent] == [child]
    context.col.alerts.act(urgent[0].id, "Spoke to the youth offending team; home visit booked")
    path = db.path
    context.lock()  # the app's lock closes the collection and forgets the key
    reopened = Database.open(path, PASSPHRASE)
    try:
        from casedesk.services.alerts.service import AlertsService

        view, other = AlertsService(reopened, "Sam Tester").views()  # open ones first
        assert other.id == urgent[0].id and other.state == "actioned" and not other.open and view.open
        view = other
        assert view.alert.evidence[0]["entity"] == "events" and "Arrested" in view.alert.summary
        again, _ = AlertsService(reopened, "Sam Tester").evaluate(full=True)
        assert again.raised == ()  # held already: never raised twice
    finally:
        reopened.close()


def test_an_urgent_alert_notifies_on_the_desktop_and_the_notice_opens_my_work(
    qtbot, context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The tray path exercised offscreen. The offscreen platform has no system tray, so after checking that the
    window then relies on the banner, its notifier is told a tray exists (drawing the message is the platform's)."""
    child = _caseload(context.col.db)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    notifier = window.alerts.notifier
    qtbot.waitUntil(lambda: window.mywork.banner.isVisibleTo(window))
    assert not notifier.has_tray() and notifier.shown == 0 and not notifier.tray.isVisible()

    notifier.has_tray = lambda: True
    again = datetime.now(UTC) - timedelta(hours=3)
    with context.col.db.unit_of_work("tester") as uow:  # another arrest, recorded while the window is open
        uow.insert(
            "events",
            {
                "child_id": child,
                "kind": "arrest",
                "occurred_at": again,
                "recorded_at": again,
                "author": "PC 12",
                "category": "youth_justice",
                "summary": "Arrested again",
            },
        )
    window.alerts.evaluate()
    qtbot.waitUntil(lambda: notifier.shown == 1)
    tray = notifier.tray
    assert tray.isVisible() and not tray.icon().isNull() and tray.toolTip() == "CaseDesk: 1 urgent alert(s) waiting"
    assert "Hester" not in NOTICE and "Wainwright" not in tray.toolTip()  # nothing about a child outside the window
    assert tray.icon().pixmap(64, 64).save(str(tmp_path / "tray.png"))

    window.show_page(window.caseload)
    tray.messageClicked.emit()  # what the platform sends when the notice is clicked
    assert window.stack.currentWidget() is window.mywork and not tray.isVisible()
