"""Plans and actions as a user works with them: start a plan on the child's Meetings and plans tab, add an
action owned by someone in the directory, mark it done with a note from My actions (the note reaches the
chronology), print the panel pack from the chosen children, and read the outcome counts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.ui.context import AppContext
from casedesk.ui.meetings.actions_view import MyActionsView
from casedesk.ui.meetings.child_tab import ChildMeetingsTab
from casedesk.ui.meetings.outcomes_tab import OutcomesTab
from casedesk.ui.meetings.panel_dialog import PanelPackDialog
from casedesk.ui.meetings.plan_dialogs import ActionDialog, PlanDialog
from tests.factories import add_child
from tests.ui.dialogs import answer_next_dialog


def _world(db: Database) -> dict[str, str]:
    with db.unit_of_work("tester") as uow:
        oak = uow.insert("organisations", {"name": "Hillside Academy", "kind": "school"})
        me = uow.insert("workers", {"organisation_id": oak, "name": "Sam Tester", "role": "DSL"})
        hub = uow.insert("organisations", {"name": "Early Help Hub", "kind": "early_help"})
        ian = uow.insert("workers", {"organisation_id": hub, "name": "Ian Chair"})
    return {"oak": oak, "me": me, "hub": hub, "ian": ian}


def test_a_plan_started_an_action_added_and_done_from_my_actions(qtbot, context: AppContext, db: Database) -> None:  # type: ignore[no-untyped-def]
    ids = _world(db)
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    tab = ChildMeetingsTab(context)
    qtbot.addWidget(tab)
    tab.show_child(ada)
    assert tab.meetings_empty.is_empty and tab.steps_empty.is_empty

    def plan(dialog: QDialog) -> None:
        assert isinstance(dialog, PlanDialog)
        assert dialog.inputs["lead_worker_id"].currentData() == ids["me"]  # the user leads by default
        dialog.outcomes.setPlainText("Ada attends every day\n\nAda feels safe in lessons")

    answer_next_dialog(plan)
    tab.start_plan()
    assert tab.plan() is not None and [o.outcome for o in tab.plan().outcomes] == [  # type: ignore[union-attr]
        "Ada attends every day",
        "Ada feels safe in lessons",
    ]

    def action(dialog: QDialog) -> None:
        assert isinstance(dialog, ActionDialog)
        dialog.inputs["what"].setText("Mentor sessions weekly")  # type: ignore[attr-defined]
        owner = dialog.inputs["owner_worker_id"]
        owner.setCurrentIndex(owner.findData(ids["ian"]))  # type: ignore[attr-defined]
        dialog.inputs["due_on"].setDate(date.today() - timedelta(days=1))  # type: ignore[attr-defined]

    answer_next_dialog(action)
    tab.add_action()
    assert tab.steps.rowCount() == 1 and tab.steps.item(0, 1).text() == "Overdue"
    assert tab.steps.item(0, 3).text() == "Ian Chair"

    mine = MyActionsView(context)
    qtbot.addWidget(mine)
    mine.reload()
    assert mine.table.rowCount() == 1 and mine.table.item(0, 5).text() == "On a plan you lead"
    assert mine.heading.text().startswith("1 overdue")
    mine.table.selectRow(0)

    def done(dialog: QDialog) -> None:
        dialog.inputs["note"].setPlainText("Two sessions held.")  # type: ignore[attr-defined]

    answer_next_dialog(done)
    mine.mark_done()
    assert mine.empty.is_empty  # nothing left to do
    with db.session() as session:
        summaries = [(e.summary, e.body) for e in repo.events_for_child(session, ada)]
    assert ("Action done: Mentor sessions weekly — Ian Chair (1 day late)", "Two sessions held.") in summaries
    assert tab.steps.item(0, 1).text() == "Done late"  # the tab followed the change


def test_the_panel_pack_dialog_prints_the_ticked_children(
    qtbot, context: AppContext, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    ids = _world(db)
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    ben = add_child(db, "Ben", "Hughes", date(2012, 6, 9))
    orgs, _ = context.col.meetings.directory()
    dialog = PanelPackDialog(context, orgs, context.col.meetings.children([ada, ben]))
    qtbot.addWidget(dialog)
    assert dialog.chosen() == ([ada, ben], [ids["oak"]])  # the user's own organisation attends
    dialog.children_list.item(1).setCheckState(Qt.CheckState.Unchecked)
    out = tmp_path / "pack.pdf"
    dialog.ask_path = lambda: out  # type: ignore[method-assign]
    dialog.save()
    assert dialog.saved_to == out and out.exists()


def test_the_outcomes_tab_shows_suppressed_counts(qtbot, context: AppContext, db: Database) -> None:  # type: ignore[no-untyped-def]
    tab = OutcomesTab(context)
    qtbot.addWidget(tab)
    tab.reload()
    assert "0 meetings" in tab.summary.text() and len(tab.tables) == 5


def test_children_chosen_on_the_caseload_open_the_panel_pack(qtbot, context: AppContext, db: Database) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QItemSelectionModel

    from casedesk.ui.main_window import MainWindow
    from tests.ui.dialogs import answer_next_dialog

    _world(db)
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    ben = add_child(db, "Ben", "Hughes", date(2012, 6, 9))
    add_child(db, "Cal", "Reed", date(2011, 1, 5))
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    caseload = window.caseload
    qtbot.waitUntil(lambda: caseload.proxy.rowCount() == 3)
    selection = caseload.table.selectionModel()
    rows = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(caseload.proxy.rowCount()):
        if caseload.proxy.index(row, 0).data() in ("Ada Okafor", "Ben Hughes", "Okafor", "Hughes"):
            selection.select(caseload.proxy.index(row, 0), rows)
    assert set(caseload.selected_ids()) == {ada, ben}
    seen: list[list[str]] = []

    def check(dialog: QDialog) -> None:
        assert isinstance(dialog, PanelPackDialog)
        seen.append(dialog.chosen()[0])

    answer_next_dialog(check, save=False)
    caseload.panel_button.click()
    assert [set(ids) for ids in seen] == [{ada, ben}]


def test_progress_an_outcome_and_closing_from_the_more_menu(qtbot, context: AppContext, db: Database) -> None:  # type: ignore[no-untyped-def]
    _world(db)
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    plan_id, _ = context.col.plans.start(ada, "early_help", "Sam Tester", date.today(), outcomes=["Ada attends"])
    tab = ChildMeetingsTab(context)
    qtbot.addWidget(tab)
    tab.show_child(ada)
    assert [a.text() for a in tab.more.menu().actions()] == [
        "Progress note…",
        "How an outcome is going…",
        "Close the plan…",
    ]

    def note(dialog: QDialog) -> None:
        dialog.inputs["note"].setPlainText("Ada came every day this week.")  # type: ignore[attr-defined]

    answer_next_dialog(note)
    tab.progress()
    assert "Latest progress note" in tab.plan_facts.text() and "every day this week" in tab.plan_facts.text()

    def met(dialog: QDialog) -> None:
        status = dialog.inputs["status"]
        status.setCurrentIndex(status.findData("achieved"))  # type: ignore[attr-defined]

    answer_next_dialog(met)
    tab.outcome()
    assert "Ada attends (achieved)" in tab.plan_facts.text()
    answer_next_dialog(lambda dialog: None)
    tab.close_plan()
    assert not context.col.plans.view(plan_id).plan.is_open and "(closed)" in tab.plan_choice.currentText()
