"""Managing the directory offscreen: edit a service as a draft, publish it, see what is due for review, merge a
need and rename a tag (services follow), and the editor listing problems by field."""

from __future__ import annotations

from datetime import date

import pytest

from casedesk import config
from casedesk.services.demo.reviews import set_demo_review_dates
from casedesk.services.directory.service import DirectoryService
from casedesk.ui.context import AppContext
from casedesk.ui.directory.manage_dialog import ManageDirectoryDialog
from casedesk.ui.directory.page import DirectoryPage


@pytest.fixture
def manage(qtbot, context: AppContext) -> ManageDirectoryDialog:  # type: ignore[no-untyped-def]
    DirectoryService(context.col.db, "tester").load_sample()
    set_demo_review_dates(context.col.db, date.today(), "tester")
    page = DirectoryPage(context)
    qtbot.addWidget(page)
    dialog = page.open_manager()
    assert dialog.service_list.count() == 43
    return dialog


def _row(items, starts: str) -> int:  # type: ignore[no-untyped-def]
    return next(i for i in range(items.count()) if items.item(i).text().startswith(starts))


def test_edit_a_service_as_a_draft_then_publish(qtbot, manage: ManageDirectoryDialog, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    manage.service_list.setCurrentRow(_row(manage.service_list, "Reading Buddies"))
    manage.edit_selected()
    editor = manage.editor
    assert editor is not None and editor.name.text() == "Reading Buddies"
    editor.eligibility.setText("Pupils in years 1 to 4 at schools in the scheme")
    editor.review_owner.setText("Reading Buddies coordinator")
    editor.grab().save("/tmp/service-editor.png")
    editor.save_requested.emit(editor.service())
    assert not editor.isVisible()
    assert manage.drafts_label.text() == "1 draft(s) waiting to publish" and manage.publish_button.isEnabled()
    assert "(draft waiting to publish)" in manage.service_list.item(_row(manage.service_list, "Reading Buddies")).text()
    before = {s.name: s for s in DirectoryService(context.col.db, "tester").services()}["Reading Buddies"]
    assert before.eligibility == ""  # not published yet
    manage.publish()
    after = {s.name: s for s in DirectoryService(context.col.db, "tester").services()}["Reading Buddies"]
    assert (
        after.eligibility.startswith("Pupils in years 1 to 4") and after.review_owner == "Reading Buddies coordinator"
    )
    assert "Published 1 service(s)" in manage.status.text() and not manage.publish_button.isEnabled()
    manage.close()


def test_the_editor_lists_problems_and_keeps_no_draft(qtbot, manage: ManageDirectoryDialog) -> None:  # type: ignore[no-untyped-def]
    manage.edit(None, None)
    editor = manage.editor
    assert editor is not None
    editor.save_requested.emit(editor.service())
    assert editor.isVisible() and "Give the service's name" in editor.error.text()
    assert "Say how to refer" in editor.error.text()
    assert manage.drafts_label.text() == "0 draft(s) waiting to publish"
    editor.reject()
    manage.close()


def test_due_for_review_lists_the_overdue_first(manage: ManageDirectoryDialog) -> None:
    texts = [manage.due_list.item(i).text() for i in range(manage.due_list.count())]
    assert len(texts) == 4 and texts[0].startswith("OVERDUE: ") and all(t.startswith("DUE: ") for t in texts[1:])
    manage.tabs.setCurrentIndex(1)
    manage.grab().save("/tmp/directory-due.png")
    manage.close()


def test_merge_a_need_and_rename_a_tag(qtbot, manage: ManageDirectoryDialog, context: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    manage.need_list.setCurrentRow(_row(manage.need_list, "Bereavement or loss"))
    monkeypatch.setattr(manage, "ask_choice", lambda *a: "Anxiety or low mood (anxiety_low_mood)")
    monkeypatch.setattr(manage, "confirm", lambda question: "Services naming it will follow" in question)
    manage.merge_need()
    assert manage.status.text() == "Merged bereavement into anxiety_low_mood."
    row = manage.need_list.item(_row(manage.need_list, "Bereavement or loss")).text()
    assert row.endswith("(merged into anxiety_low_mood)")
    rainbow = {s.name: s for s in DirectoryService(context.col.db, "tester").services()}["Rainbow Bereavement Support"]
    assert rainbow.needs == ("anxiety_low_mood",)  # its tags now mean the need it was merged into

    manage.tag_list.setCurrentRow(_row(manage.tag_list, "CBT"))
    monkeypatch.setattr(manage, "ask_text", lambda *a, **k: "cognitive behavioural therapy")
    manage.rename_tag()
    tags = [manage.tag_list.item(i).text() for i in range(manage.tag_list.count())]
    assert "cognitive behavioural therapy (1)" in tags and not any(t.startswith("CBT") for t in tags)
    manage.tabs.setCurrentIndex(2)
    manage.grab().save("/tmp/directory-needs.png")
    manage.close()


def _type_row(table, cells: list[str]) -> None:  # type: ignore[no-untyped-def]
    table.add_button.click()
    row = table.table.rowCount() - 1
    for column, text in enumerate(cells):
        table.table.item(row, column).setText(text)


def test_the_editor_edits_locations_opening_times_costs_and_languages(
    qtbot, manage: ManageDirectoryDialog, context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    manage.service_list.setCurrentRow(_row(manage.service_list, "Attendance Support Team"))
    manage.edit_selected()
    editor = manage.editor
    assert editor is not None
    places = editor.places
    assert places.locations.rows()[0][1] == ["Attendance Support Team base", "22 Sample Street", "Leeds", "LS2 4AA"]
    assert places.schedules.rows()[0][1][:3] == ["Mon-Fri", "09:00", "17:00"]
    _type_row(places.locations, ["Chapeltown drop-in", "Reginald Terrace", "Leeds", "ls7 3ex"])
    _type_row(places.schedules, ["Mon, Wed", "9:30", "4pm", "", "In person"])
    _type_row(places.costs, ["Family workshop", "two pounds", "per session"])
    editor.languages.setText("English, Polish")
    editor.request_save()  # an amount that is not money is named before anything is checked or kept
    assert "'two pounds' is not an amount of money" in editor.error.text() and editor.isVisible()
    places.costs.table.item(1, 1).setText("2.50")
    places.locations.table.item(1, 3).setText("LS77")
    editor.request_save()
    qtbot.waitUntil(lambda: "is not a postcode" in editor.error.text())
    places.locations.table.item(1, 3).setText("ls7 3ex")
    editor.scroll_to(places.locations)
    editor.grab().save("/tmp/service-editor-places.png")
    editor.scroll_to(editor.languages)
    editor.grab().save("/tmp/service-editor-times.png")
    editor.request_save()
    qtbot.waitUntil(lambda: not editor.isVisible())
    manage.publish()
    qtbot.waitUntil(lambda: "Published 1 service(s)" in manage.status.text())
    team = {s.name: s for s in DirectoryService(context.col.db, "tester").services()}["Attendance Support Team"]
    assert [(loc.name, loc.postal_code) for loc in team.locations][1] == ("Chapeltown drop-in", "LS7 3EX")
    added = team.schedules[1]
    assert (added.byday, added.opens_at, added.closes_at, added.freq) == ("MO,WE", "09:30:00", "16:00:00", "WEEKLY")
    assert [(c.option, c.amount) for c in team.cost_options][1] == ("Family workshop", 2.5)
    assert team.languages == ("English", "Polish")
    manage.close()


def test_the_editor_is_offered_only_to_accounts_that_may_change_the_directory(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    db = context.col.db
    DirectoryService(db, "tester").load_sample()
    db.put(config.SERVER_URL, "https://casedesk.example")  # enrolled: the server decides, and said no
    db.put(config.MANAGES_DIRECTORY, False)
    page = DirectoryPage(context)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitUntil(lambda: len(page.services) == 43)
    qtbot.wait(50)
    assert page.manage.isHidden()
    page.grab().save("/tmp/directory-no-manage.png")
    db.put(config.MANAGES_DIRECTORY, True)  # what the next sync round stores when the permission is given
    page.reload()
    qtbot.waitUntil(lambda: not page.manage.isHidden())
