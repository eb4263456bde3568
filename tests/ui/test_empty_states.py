"""Every list says what it would show and how to add the first item, instead of a blank table."""

from __future__ import annotations

from datetime import date

from casedesk.ui.child.view import ChildPage
from casedesk.ui.context import AppContext
from casedesk.ui.sync.controller import SyncController
from casedesk.ui.sync.page import SyncPage
from tests.factories import add_child


def test_a_new_childs_record_explains_each_empty_list(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    child = add_child(context.col.db, "Ava", "Test", date(2012, 1, 5))
    page = ChildPage(context)
    qtbot.addWidget(page)
    page.show_child(child)
    assert "Start a check" in page.needs_checks.empty.text()
    assert "Find a service to refer to" in page.referrals.empty.text()
    assert "Add status" in page.statuses.empty.text()
    assert "No agencies" in page.involvements.empty.text()
    context.col.children.add_status(child, "child_in_need", date(2024, 1, 1))
    page.show_child(child)
    assert not page.statuses.empty.is_empty


def test_sync_page_says_there_is_nothing_waiting(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = SyncPage(context, SyncController(context))
    qtbot.addWidget(page)
    page.reload()
    assert page.conflict_empty.text().startswith("No conflicts.")
    assert page.set_aside_empty.text().startswith("Nothing set aside.")
