"""Recording a meeting with two children as a user does: the Meetings page opens the dialog with the panel's
children already there, the minute-taker adds attendees and types each child's part, Save keeps the dialog open
with the problem shown until the parts are complete, and then each child's chronology has its own entry."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog

from casedesk.domain.meetings.records import MeetingItem
from casedesk.store import meetings_repo as mrepo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.ui.context import AppContext
from casedesk.ui.meetings.page import MeetingsPage
from casedesk.ui.meetings.record_dialog import RecordMeetingDialog
from tests.factories import add_child
from tests.ui.dialogs import answer_next_dialog, press_save


def _directory(db: Database) -> tuple[str, str, str]:
    with db.unit_of_work("tester") as uow:
        team = uow.insert("organisations", {"name": "Inclusion Team", "kind": "early_help"})
        oak = uow.insert("organisations", {"name": "Oak Academy", "kind": "school"})
        ann = uow.insert("workers", {"organisation_id": oak, "name": "Ann Shah", "role": "DSL"})
    return team, oak, ann


def test_recording_a_panel_with_two_children(qtbot, context: AppContext, db: Database) -> None:  # type: ignore[no-untyped-def]
    _, oak, ann = _directory(db)
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    ben = add_child(db, "Ben", "Hughes", date(2012, 6, 9))
    page = MeetingsPage(context)
    qtbot.addWidget(page)
    page.reload()
    assert page.empty.is_empty
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, RecordMeetingDialog)
        assert [f.child_name for f in dialog.forms()] == ["Ada Okafor", "Ben Hughes"]
        assert dialog.kind.currentData() == "inclusion_panel"
        dialog.chair.setText("Ian Chair")
        dialog.attendees.add_worker(ann)
        people = dialog.attendees.attendees()
        assert [(p.name, p.organisation_id, p.role) for p in people] == [("Ann Shah", oak, "DSL")]
        first, second = dialog.forms()
        first.question.setPlainText("What support avoids a fourth suspension?")
        first.decision.setCurrentIndex(first.decision.findData("plan_agreed"))
        first.family_attended.setText("Mother")
        press_save(dialog)  # Ben's question is still empty: nothing is saved and the dialog says why
        seen["problem"] = dialog.error.text()
        assert dialog.isVisible() and dialog.created_id is None
        second.question.setPlainText("Is a managed move right for Ben?")
        second.decision.setCurrentIndex(second.decision.findData("deferred"))
        second.category.setCurrentIndex(second.category.findData("education"))

    answer_next_dialog(fill)
    page.record([ada, ben], kind="inclusion_panel")
    assert "children[1].question" in str(seen["problem"])
    assert page.message.text().startswith("Meeting recorded")
    assert page.table.rowCount() == 1 and page.table.item(0, 3).text() == "2"
    assert "Ada Okafor" in page.detail.toPlainText() and "Ben Hughes" in page.detail.toPlainText()
    with db.session() as session:
        items = {i.child_id: i for i in mrepo.rows(session, MeetingItem)}
        ada_entries = [e for e in repo.events_for_child(session, ada) if e.kind == "meeting_decision"]
        ben_entries = [e for e in repo.events_for_child(session, ben) if e.kind == "meeting_decision"]
    assert items[ada].family_attended == "Mother" and items[ben].category == "education"
    assert len(ada_entries) == len(ben_entries) == 1
    assert ada_entries[0].body is not None and "Ben" not in ada_entries[0].body
    assert "Present: Ann Shah (Oak Academy)" in ada_entries[0].body


def test_the_dialog_finds_children_to_add(qtbot, context: AppContext, db: Database) -> None:  # type: ignore[no-untyped-def]
    _directory(db)
    add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    orgs, people = context.col.meetings.directory()
    dialog = RecordMeetingDialog(context, orgs, people)
    qtbot.addWidget(dialog)
    dialog.finder.search.setText("okaf")
    assert dialog.finder.found.count() == 1
    dialog.finder.add_current()
    dialog.finder.add_current()  # a child once only
    assert [f.child_name for f in dialog.forms()] == ["Ada Okafor"]
