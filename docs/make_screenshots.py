"""Render the app's screens at 1366×768 over demo data into docs/screenshots/ (`make screenshots`).

Every picture is a whole 1366×768 laptop screen: a dialog is drawn over the window (or the desktop) it opens on,
centred, so the picture shows whether it fits. Runs offscreen or under Xvfb (`xvfb-run -a`); uses a throwaway
encrypted database, never the user's own.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from casedesk.services.casework.care import CareService
from casedesk.services.collection import create_collection
from casedesk.store import keyfile
from casedesk.store.database import Database
from casedesk.ui.application import make_app
from casedesk.ui.caseload.new_child_dialog import NewChildDialog
from casedesk.ui.child.event_dialog import EventDialog
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.main_window import MainWindow
from casedesk.ui.referrals.dialog import ReferralDialog
from casedesk.ui.tasks import TaskRunner
from casedesk.ui.triage.wizard import TriageWizard
from casedesk.ui.unlock.first_run_dialog import FirstRunDialog
from casedesk.ui.unlock.unlock_dialog import UnlockDialog

OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (1366, 768)


def _settle(app: QApplication, rounds: int = 20) -> None:
    for _ in range(rounds):
        app.processEvents()


def _save(app: QApplication, widget: QWidget, name: str, behind: QWidget | None = None) -> None:
    """The widget as it appears on a 1366×768 screen; a dialog centred over `behind` (else a plain desktop)."""
    _settle(app)
    if isinstance(widget, QDialog):
        screen = behind.grab() if behind is not None else QPixmap(*SIZE)
        if behind is None:
            screen.fill(QColor("#3a5f7d"))
        shot = widget.grab()
        painter = QPainter(screen)
        if behind is not None:
            painter.fillRect(screen.rect(), QColor(0, 0, 0, 70))  # the window behind a modal dialog
        title_bar = 30  # drawn as a window manager would: the dialog's title above it, inside the screen
        corner = QPoint(
            max(0, (SIZE[0] - shot.width()) // 2), max(title_bar, (SIZE[1] - shot.height() + title_bar) // 2)
        )
        bar = QRect(corner.x(), corner.y() - title_bar, shot.width(), title_bar)
        painter.fillRect(bar, QColor("#dedede"))
        painter.setPen(QColor("#201f1e"))
        painter.drawText(bar.adjusted(12, 0, -12, 0), Qt.AlignmentFlag.AlignVCenter, widget.windowTitle())
        painter.drawPixmap(corner, shot)
        painter.setPen(QColor("#8a8886"))
        painter.drawRect(bar.united(QRect(corner, shot.size())).adjusted(0, 0, -1, -1))
        painter.end()
    else:
        screen = widget.grab()
    screen.save(str(OUT / name))
    print(f"wrote docs/screenshots/{name} ({screen.width()}×{screen.height()})")


def _needs_check_and_matches(app: QApplication, context: AppContext, window: MainWindow) -> None:
    """A recorded Presenting Needs Check, a draft being answered, and the directory ranking services for it."""
    db = context.col.db
    results = [r for c in repo_children(db) for r in context.col.triage.results_for_child(c)]
    complete = next(r for r in results if r.is_complete and (r.level or 0) >= 2)
    draft = next((r for r in results if not r.is_complete), None)
    if draft is not None:
        window.open_child(draft.child_id)
        wizard = TriageWizard(context, draft.child_id, window.child.title.text(), window)
        wizard.open_result(draft)
        wizard.show()
        _save(app, wizard, "needs-check-wizard.png", window)
        wizard.close()
    window.open_child(complete.child_id)
    summary = TriageWizard(context, complete.child_id, window.child.title.text(), window)
    summary.open_result(complete)
    summary.show()
    _save(app, summary, "needs-check-result.png", window)
    summary.close()
    window.find_services_for(complete.id)
    _save(app, window, "directory-matches.png")


def _dialogs(app: QApplication, context: AppContext, window: MainWindow, child_id: str, name: str) -> None:
    """The forms a new user fills in first: a new child, a home visit, a referral (over the child they are about,
    opened again: the overviews before showed other children)."""
    window.open_child(child_id)
    new_child = NewChildDialog(context, window)
    new_child.show()
    _save(app, new_child, "new-child.png", window)
    new_child.reject()
    visit = EventDialog(window)
    visit.kind.setCurrentIndex(visit.kind.findData("home_visit"))
    visit.visit.who_was_seen.setText(f"{name.split()[0]} and their mother")
    visit.visit.seen_alone.setCurrentIndex(visit.visit.seen_alone.findData("yes"))
    visit.visit.childs_words.setPlainText("Mornings are the worst bit. I want to stay at my school.")
    visit.visit.add_action("Ask school about a soft start", "Lee Davis", f"{date.today() + timedelta(days=7):%d/%m/%Y}")
    visit.show()
    _save(app, visit, "home-visit.png", window)
    visit.reject()
    referral = ReferralDialog(
        context, child_id, name, None, "Family Support and Early Help Service (sample)", None, window
    )
    referral.show()
    _save(app, referral, "referral-dialog.png", window)
    referral.reject()


def _guidance_and_directory(app: QApplication, context: AppContext, window: MainWindow) -> None:
    """Ask CaseDesk answering a question in a practitioner's words, and the directory team's list of reviews due."""
    window.ask()
    ask = window.ask_dialog
    assert ask is not None
    ask.question.setText("can parents apeal a permanent exclusion")
    ask.ask_now()
    _save(app, ask, "ask-casedesk.png", window)
    ask.close()
    window.show_page(window.directory)
    manage = window.directory.open_manager()
    manage.tabs.setCurrentIndex(1)
    _save(app, manage, "directory-manage.png", window)
    manage.close()


def _child_with(db: Database, today: date, *kinds: str, peps: bool = False) -> str | None:
    """A demo child holding every one of these statuses today (and PEPs, when asked)."""
    from casedesk.store import repositories as repo

    with db.session() as session:
        current: dict[str, set[str]] = {}
        for period in repo.current_status_periods(session, today):
            current.setdefault(period.child_id, set()).add(period.kind)
    held = {c for c, k in current.items() if set(kinds) <= k}
    if peps:
        held = {c for c in held if CareService(db, "screenshots").peps(c)}
    return min(held) if held else None


def _suspended_on_managed_move(db: Database) -> str | None:
    """A demo child with suspensions on a managed move trial that has no outcome yet."""
    from casedesk.store import education_repo
    from casedesk.store import repositories as repo

    with db.session() as session:
        for child_id in sorted(repo.child_ids(session)):
            records = education_repo.records_for_child(session, child_id)
            suspended = [x for x in records.exclusions if x.kind != "permanent"]
            if len(suspended) >= 2 and any(not m.outcome for m in records.moves):
                return child_id
    return None


def _overviews(app: QApplication, window: MainWindow) -> None:
    """The Overview of a looked-after child with an EHC plan and PEPs, and of a home-educated child; the SEND,
    care and youth-justice tabs behind them."""
    db, today, page = window.context.col.db, date.today(), window.child
    looked_after = _child_with(db, today, "looked_after", "ehc_plan", peps=True)
    if looked_after is not None:
        window.open_child(looked_after)
        page.tabs.setCurrentWidget(page.overview)
        _save(app, window, "overview-looked-after-ehc.png")
        for key in ("send", "care"):
            page.open_tab(key)
            _save(app, window, f"child-{key}.png")
    moved = _suspended_on_managed_move(db)
    if moved is not None:
        window.open_child(moved)
        page.tabs.setCurrentWidget(page.overview)
        _save(app, window, "overview-suspended-managed-move.png")
    home_educated = _child_with(db, today, "elective_home_education")
    if home_educated is not None:
        window.open_child(home_educated)
        page.tabs.setCurrentWidget(page.overview)
        _save(app, window, "overview-home-educated.png")
    youth_justice = _child_with(db, today, "youth_justice")
    if youth_justice is not None:
        window.open_child(youth_justice)
        page.open_tab("youth_justice")
        _save(app, window, "child-youth-justice.png")


def _cohort(app: QApplication, window: MainWindow) -> None:
    """The cohort on the cliff edge, and the Overview of the first child there on a school's roll."""
    window.show_page(window.cohort)
    window.cohort.cliff_edge.setChecked(True)
    _save(app, window, "cohort.png")
    at_school = [row for row in window.cohort.shown if row.school_id]
    if at_school:
        window.open_child(at_school[0].child_id)
        window.child.tabs.setCurrentIndex(0)  # the Overview, whichever tab was open before
        _save(app, window, "overview-risk.png")


def _my_work(app: QApplication, window: MainWindow) -> None:
    """The page the window opens on, and an alert explained (the first urgent one)."""
    _save(app, window, "my-work.png")
    alerts = window.mywork.tree.topLevelItem(0)
    if alerts is not None and alerts.childCount() and alerts.child(0).data(0, Qt.ItemDataRole.UserRole) is not None:
        window.mywork.tree.setCurrentItem(alerts.child(0))
        window.mywork.alert_button.click()
        dialog = window.mywork.dialog
        if dialog is not None:
            _save(app, dialog, "alert.png", window)
            dialog.reject()


def repo_children(db: Database) -> list[str]:
    from casedesk.store import repositories as repo

    with db.session() as session:
        return [c.id for c in repo.list_children(session)]


def main() -> int:
    app = make_app(sys.argv)
    OUT.mkdir(exist_ok=True)
    keyfile.DEFAULT_KDF = keyfile.KdfParams(1, 8192, 1)  # screenshots need no brute-force resistance
    with tempfile.TemporaryDirectory(prefix="casedesk-shots-") as tmp:
        path = Path(tmp) / "demo.db"
        runner = TaskRunner(synchronous=True)
        context = AppContext(path, runner)
        first_run = FirstRunDialog(context, path)
        first_run.show()
        _save(app, first_run, "first-run.png")
        first_run.reject()
        profile = Profile(name="Sam Patel", role="Designated safeguarding lead", organisation="Oakwood Primary School")
        context.attach(create_collection(path, "screenshots passphrase", profile, demo_children=600))
        window = MainWindow(context)
        window.resize(*SIZE)
        window.show()
        _my_work(app, window)
        window.show_page(window.caseload)
        _save(app, window, "caseload.png")
        rows = window.caseload.model
        chosen = next(
            (rows.row_at(i) for i in range(rows.rowCount()) if len(rows.row_at(i).statuses) >= 2), rows.row_at(0)
        )
        window.open_child(chosen.child_id)
        chronology = window.child.chronology
        window.child.tabs.setCurrentWidget(chronology)
        if chronology.table.rowCount() > 1:
            chronology.table.selectRow(1)
        _save(app, window, "child-record.png")
        _overviews(app, window)
        _dialogs(app, context, window, chosen.child_id, chosen.name)
        _needs_check_and_matches(app, context, window)
        _guidance_and_directory(app, context, window)
        window.show_page(window.referrals)
        window.referrals.reload()
        window.referrals.table.selectRow(0)
        _save(app, window, "referrals.png")
        _cohort(app, window)
        window.lock()
        _save(app, window, "locked.png")
        unlock = UnlockDialog(context, path)
        unlock.show()
        _save(app, unlock, "unlock.png", window)
        unlock.reject()
        window.close()
        runner.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
