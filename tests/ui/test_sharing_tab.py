"""The Sharing tab over a real encrypted database: the notice of what the server withheld (as a pull delivers it),
the agreements that apply (read-only), and consent records written through the tab's dialogs; a restricted entry
from the entry dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QLabel, QLineEdit, QPlainTextEdit, QWidget
from sqlalchemy import select

from casedesk import config
from casedesk.store.database import Database
from casedesk.store.journal.apply import apply_page
from casedesk.store.models import AuditRow, OutboxRow
from casedesk.sync.wire import PullItem
from casedesk.ui.child.event_dialog import EventDialog
from casedesk.ui.child.record_form import FormDialog
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow
from tests.factories import add_child

TODAY = date.today()
AGREEMENT = "01900000-0000-7000-8000-00000000a001"


def _register(db: Database) -> dict[str, str]:
    with db.unit_of_work("tester") as uow:
        ids = {
            "school": uow.insert("organisations", {"name": "Hillside Academy", "kind": "school", "urn": "100001"}),
            "yot": uow.insert("organisations", {"name": "Northshire Youth Justice Service", "kind": "youth_justice"}),
        }
    ids["child"] = add_child(db, "Amelia", "Okafor", date(2011, 1, 2), current_school_id=ids["school"])
    return ids


def _answer(*steps: Callable[[QWidget], None]) -> None:
    """Answer the next modal windows in turn."""

    def act(n: int) -> None:
        window = QApplication.activeModalWidget()
        assert window is not None
        if n + 1 < len(steps):
            QTimer.singleShot(0, lambda: act(n + 1))
        steps[n](window)

    QTimer.singleShot(0, lambda: act(0))


def _save(**values: object) -> Callable[[QWidget], None]:
    """Fill a form dialog's fields by name, as the user would, and save."""

    def step(window: QWidget) -> None:
        assert isinstance(window, FormDialog)
        for name, value in values.items():
            field = window.fields[name]
            if isinstance(field, QDateEdit) and isinstance(value, date):
                field.setDate(QDate(value.year, value.month, value.day))
            elif isinstance(field, QComboBox):
                field.setCurrentIndex(field.findData(value))
            elif isinstance(field, QLineEdit):
                field.setText(str(value))
            elif isinstance(field, QPlainTextEdit):
                field.setPlainText(str(value))
        window.accept()

    return step


def _journal(db: Database, entity: str) -> tuple[list[str], list[str]]:
    with db.session() as s:
        ops = list(s.scalars(select(OutboxRow.op).where(OutboxRow.entity == entity)))
        audit = list(s.scalars(select(AuditRow.action).where(AuditRow.entity == entity)))
    return ops, audit


def _pulled(context: AppContext, ids: dict[str, str]) -> None:
    """What a pull brings: an agreement (a directory row) and two withheld youth-justice entries of the child."""
    db = context.col.db
    db.put(config.ORGANISATION_ID, ids["school"])
    agreement = {
        "title": "Youth justice and schools",
        "party_a": f"org:{ids['yot']}",
        "party_b": "kind:school",
        "a_to_b": ["identity", "education"],
        "b_to_a": ["education", "attendance", "behaviour"],
        "article_6": "public_task",
        "article_9": None,
        "article_10": "safeguarding",
        "start_date": "2025-09-01",
        "end_date": None,
        "review_date": "2026-08-31",
        "signed_by": ["Head of Youth Justice", "Head teacher"],
        "ended_at": None,
        "ended_reason": None,
    }
    items = [
        PullItem(kind="row", entity="sharing_agreements", row_id=AGREEMENT, fields=agreement, versions={"title": 1}),
        *(
            PullItem(
                kind="withheld",
                entity="events",
                row_id=f"opaque-{n}",
                fields={
                    "child_id": ids["child"],
                    "category": "youth_justice",
                    "owner_org": ids["yot"],
                    "reason": "agreement",
                    "agreements": [AGREEMENT],
                },
            )
            for n in range(2)
        ),
    ]
    apply_page(db, items, 1)


def test_the_sharing_tab_says_what_is_withheld_and_under_which_agreement(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids = _register(context.col.db)
    with context.col.db.unit_of_work("tester") as uow:  # the youth justice service is involved with the child
        uow.insert(
            "involvements",
            {"child_id": ids["child"], "organisation_id": ids["yot"], "role": "case_manager", "start_date": TODAY},
        )
    _pulled(context, ids)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.open_child(ids["child"])
    page = window.child
    page.open_tab("sharing")
    texts = [w.text() for w in page.sharing.findChildren(QLabel)]
    assert (
        "2 youth-justice entries from Northshire Youth Justice Service are not shared with Hillside Academy: under "
        "the agreement “Youth justice and schools”." in texts
    )
    [agreement] = [t for t in texts if t.startswith("Youth justice and schools")]
    assert "Northshire Youth Justice Service shares with every school: education, identity" in agreement
    assert "Every school shares with Northshire Youth Justice Service" in agreement
    assert "Art. 10 with DPA 2018 Sch. 1 para. 18" in agreement and "Head teacher" in agreement
    assert not page.withheld.isHidden() and page.withheld.text().startswith("2 entries of this record are not")
    window.grab().save("/tmp/sharing-tab.png")

    _answer(_save(category="health", organisation_id=ids["yot"], given_by="Mother", note="Said on the phone"))
    page.sharing.record_consent()
    assert page.sharing.consents.rowCount() == 1
    cells = [page.sharing.consents.item(0, c).text() for c in range(4)]
    assert cells == ["health", "Northshire Youth Justice Service", f"{TODAY:%d %b %Y}", "Mother"]
    assert _journal(context.col.db, "consents") == (["insert"], ["create"])

    page.sharing.consents.selectRow(0)
    _answer(_save(end=TODAY + timedelta(days=0)))
    page.sharing.end_selected()
    assert page.sharing.consents.item(0, 5).text() == f"{TODAY:%d %b %Y}"
    window.close()


def test_nothing_withheld_says_so_and_hides_the_header_notice(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids = _register(context.col.db)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.open_child(ids["child"])
    page = window.child
    texts = [w.text() for w in page.sharing.findChildren(QLabel)]
    assert "Everything recorded about this child is shared with you." in texts
    assert page.withheld.isHidden()
    window.close()


def test_a_restricted_entry_is_marked_in_the_chronology(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids = _register(context.col.db)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.open_child(ids["child"])
    page = window.child

    def fill(dialog: object) -> None:
        assert isinstance(dialog, EventDialog)
        dialog.summary.setText("What the neighbour said")
        dialog.restricted.setChecked(True)
        dialog._check()

    _answer(fill)
    page.add_event()
    [event] = [e for e in context.col.children.view(ids["child"]).events if e.summary == "What the neighbour said"]
    assert event.restricted is True
    page.open_tab("chronology")
    QApplication.processEvents()
    shown = [
        page.chronology.table.item(r, c).text()
        for r in range(page.chronology.table.rowCount())
        for c in range(page.chronology.table.columnCount())
        if page.chronology.table.item(r, c)
    ]
    assert "Restricted · What the neighbour said" in shown
    window.close()
