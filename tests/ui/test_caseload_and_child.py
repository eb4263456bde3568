"""The caseload and the child record, driven as a practitioner would."""

from __future__ import annotations

import threading
from datetime import date

from PySide6.QtWidgets import QScrollArea
from sqlalchemy import select

from casedesk.store.database import Database
from casedesk.store.models import AuditRow
from casedesk.ui.caseload.new_child_dialog import NewChildDialog
from casedesk.ui.caseload.view import CaseloadView
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner
from tests.factories import add_child, opened


def _seed(db: Database) -> dict[str, str]:
    return {
        "jonathan": add_child(db, "Jonathan", "Smithers", date(2012, 5, 17), upn="B801200005001"),
        "amelia": add_child(db, "Amelia", "Okafor", date(2013, 1, 2)),
        "kacper": add_child(db, "Kacper", "Nowak", date(2011, 9, 30), nhs_number="9434765870"),
    }


def _names(view: CaseloadView) -> list[str]:
    return [view.model.row_at(r).name for r in range(view.model.rowCount())]


def test_search_finds_a_child_by_misspelt_name_reversed_order_and_upn(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    _seed(context.col.db)
    view = CaseloadView(context)
    qtbot.addWidget(view)
    view.reload()
    assert len(_names(view)) == 3 and view.count.text() == "3 children"
    for text in ("jonathon smithres", "Smithers Jonathan", "B801200005001", "9434765870", "17/05/2012"):
        view.search.setText(text)
        view.apply_filter()
        assert _names(view)[:1] in (["Jonathan Smithers"], ["Kacper Nowak"]), text
    view.search.setText("B801200005001")
    view.apply_filter()
    assert _names(view) == ["Jonathan Smithers"]
    view.search.setText("zzzzqqq")
    view.apply_filter()
    assert _names(view) == [] and view.count.text() == "0 of 3 children"
    assert view.empty.text() == "No child matches 'zzzzqqq' — check the spelling, or add a new child."
    view.search.setText("smihters")  # the surname alone, misspelt
    view.apply_filter()
    assert _names(view) == ["Jonathan Smithers"] and not view.empty.is_empty


def test_empty_caseload_says_how_to_add_the_first_child(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    view = CaseloadView(context)
    qtbot.addWidget(view)
    view.reload()
    assert "No children yet" in view.empty.text() and "New child" in view.empty.text()
    add_child(context.col.db, "Amelia", "Okafor", date(2013, 1, 2))
    view.reload()
    assert not view.empty.is_empty
    view.status_filter.setCurrentIndex(view.status_filter.findData("looked_after"))
    assert "No child matches these filters" in view.empty.text()


def test_status_filter_and_badges(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids = _seed(context.col.db)
    context.col.children.add_status(ids["amelia"], "child_protection_plan", date(2024, 1, 1))
    view = CaseloadView(context)
    qtbot.addWidget(view)
    view.reload()
    view.status_filter.setCurrentIndex(view.status_filter.findData("child_protection_plan"))
    assert _names(view) == ["Amelia Okafor"]
    assert view.model.row_at(0).badges == ("CP",)


def test_new_child_then_duplicate_block_and_similar_name_warning(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids = _seed(context.col.db)
    dialog = NewChildDialog(context)
    qtbot.addWidget(dialog)
    form = dialog.form
    form.inputs["given_name"].setText("Rosa")
    form.inputs["family_name"].setText("Delgado")
    form.dob.setDate(date(2014, 3, 9))
    form.inputs["upn"].setText("A801200005001")
    assert not form.revalidate() and "check letter" in form.messages["upn"].text().lower()
    form.inputs["upn"].setText("B801200005001")
    dialog.save()
    assert "already recorded" in dialog.error.text() and ids["jonathan"] in dialog.error.text()
    form.inputs["upn"].setText("")
    dialog.save()
    assert dialog.created_id is not None  # Rosa Delgado is new

    similar = NewChildDialog(context)
    qtbot.addWidget(similar)
    similar.form.inputs["given_name"].setText("Jonathon")
    similar.form.inputs["family_name"].setText("Smithers")
    similar.form.dob.setDate(date(2012, 5, 20))
    asked: list[list[str]] = []

    def answer(error):  # type: ignore[no-untyped-def]
        asked.append([c.id for c in error.candidates])
        return "different", "Cousin with a similar name; different parents and address"

    similar.ask_about_candidates = answer  # type: ignore[method-assign]
    similar.save()
    assert asked == [[ids["jonathan"]]] and similar.created_id
    with context.col.db.session() as session:
        notes = session.execute(select(AuditRow).where(AuditRow.action == "different-child")).scalars().all()
    assert [n.reason for n in notes] == ["Cousin with a similar name; different parents and address"]


def test_add_and_amend_a_note_keeps_the_original(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    ids = _seed(context.col.db)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    event_id, _ = context.col.children.add_event(
        ids["amelia"], kind="note", summary="Seen with bruised arm", occurred_at=datetime.now(UTC)
    )
    context.col.children.amend_event(
        event_id, summary="Seen with bruised forearm", body="Explained by PE lesson.", reason="Wrong body part recorded"
    )
    window.open_child(ids["amelia"])
    window.child.open_tab("chronology")  # filled when shown: the Overview is the first tab
    chronology = window.child.chronology
    table = chronology.table
    assert table.rowCount() == 1  # the amendment is grouped with the entry it amends, as in the PDF
    assert table.item(0, 4).text() == "Seen with bruised forearm  (amended 1×)"
    chronology.table.selectRow(0)
    reading = chronology.reader.toPlainText()
    assert "Seen with bruised forearm" in reading and "Explained by PE lesson." in reading
    assert "Original, replaced on" in reading and "Seen with bruised arm" in reading
    assert "Amendment reason: Wrong body part recorded" in reading


def test_chronology_reads_in_full_and_says_which_dates_it_shows(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    ids = _seed(context.col.db)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.open_child(ids["kacper"])
    window.child.open_tab("chronology")
    chronology = window.child.chronology
    assert chronology.empty.is_empty and "Add entry" in chronology.empty.text()
    now = datetime.now(UTC)
    long_body = " ".join(["The home visit found the family managing, with worries about mornings."] * 12)
    context.col.children.add_event(ids["kacper"], kind="note", summary="Home visit", occurred_at=now, body=long_body)
    old = now - timedelta(days=6 * 365)
    context.col.children.add_event(ids["kacper"], kind="note", summary="Joined reception", occurred_at=old)
    window.open_child(ids["kacper"])
    assert chronology.table.rowCount() == 2  # the whole record by default: nothing hidden six years back
    first = old.astimezone().date()
    assert chronology.range_note.text() == (
        f"All 2 entries, the whole record: {first:%d %b %Y} to today ({datetime.now().date():%d %b %Y})."
    )
    assert chronology.reader.toPlainText().count("worries about mornings") == 12  # read in full, not cut
    chronology.period.setCurrentIndex(chronology.period.findData(365))
    assert chronology.table.rowCount() == 1 and chronology.range_note.text().startswith(
        "1 of 2 entries, the last 12 months: "
    )
    chronology.kind.setCurrentIndex(chronology.kind.findData("meeting"))
    assert chronology.empty.is_empty and "No entry matches these filters" in chronology.empty.text()


def test_caseload_stays_usable_while_a_long_database_task_runs(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from casedesk.ui.context import Profile

    _seed(db)
    runner = TaskRunner()  # real threads
    context = AppContext(db.path, runner)
    context.attach(opened(db, Profile(name="Sam Tester", role="", organisation="")))
    view = CaseloadView(context)
    qtbot.addWidget(view)
    view.reload()
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=5000)
    release = threading.Event()
    runner.run_db(lambda: release.wait(10))  # a long import, say
    view.search.setText("amelia")
    qtbot.waitUntil(lambda: _names(view) == ["Amelia Okafor"], timeout=3000)
    assert not release.is_set() and runner.busy
    release.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    runner.shutdown()


def test_new_child_form_starts_without_a_date_of_birth_and_fits_without_scrolling_sideways(
    qtbot, context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    dialog = NewChildDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    form = dialog.form
    assert form.dob.text() == "" and form.values()["date_of_birth"] is None
    form.inputs["given_name"].setText("Rosa")
    form.inputs["family_name"].setText("Delgado")
    assert not form.revalidate() and form.messages["date_of_birth"].text() == "Date of birth is required."
    dialog.save()
    assert dialog.created_id is None and "marked in red" in dialog.error.text()
    form.dob.setText("31/02/2014")
    assert not form.revalidate() and "day/month/year" in form.messages["date_of_birth"].text()
    form.dob.setText("17/05/2012")
    assert form.revalidate() and form.values()["date_of_birth"] == date(2012, 5, 17)
    scroll = dialog.findChild(QScrollArea)
    assert scroll.horizontalScrollBar().maximum() == 0 and scroll.widget().width() <= scroll.viewport().width()
    assert all(edit.width() > 150 for edit in form.inputs.values())  # no input squeezed out of sight
    dialog.save()
    assert dialog.created_id is not None


def test_a_home_visit_asks_for_what_a_visit_records(qtbot) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from casedesk.ui.child.event_dialog import EventDialog

    dialog = EventDialog()
    qtbot.addWidget(dialog)
    assert not dialog.visit.isVisibleTo(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("home_visit"))
    assert dialog.visit.isVisibleTo(dialog) and dialog.summary.text() == "Home visit"
    dialog._check()
    assert dialog.result() == 0 and "Say who was seen" in dialog.error.text()
    visit = dialog.visit
    visit.who_was_seen.setText("Finley and his mother")
    visit.seen_alone.setCurrentIndex(visit.seen_alone.findData("yes"))
    visit.childs_words.setPlainText("Mornings are hard")
    due = date.today() + timedelta(days=7)
    visit.add_action("Ask school about a soft start", "", f"{due:%d/%m/%Y}")
    dialog._check()
    assert "Next action 1: say who will do it." in dialog.error.text()
    visit.next_actions.item(0, 1).setText("Lee Davis")
    dialog.body.setPlainText("House warm and tidy.")
    dialog._check()
    assert dialog.result() == 1
    body = dialog.values()["body"]
    assert body.startswith("Who was seen: Finley and his mother\nChild seen alone: Yes\n")
    assert f"Ask school about a soft start — Lee Davis, by {due:%d %b %Y}" in body and body.endswith("tidy.")
