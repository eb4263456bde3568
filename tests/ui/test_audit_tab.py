"""The child's Audit tab: this device's audit joined with the server's access log, filtered by what was done."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from casedesk.domain.audit_trail import CHANGED, PRINTED, RECEIVED, SEEN
from casedesk.services import export
from casedesk.ui.child.view import ChildPage
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.tasks import TaskRunner
from tests.factories import add_child, opened
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import Server, make_device


def _rows(page: ChildPage) -> list[tuple[str, ...]]:
    table = page.audit.table
    return [tuple(table.item(r, c).text() for c in range(table.columnCount())) for r in range(table.rowCount())]


def test_the_audit_tab_lists_what_was_done_on_this_device(qtbot, context: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    child = add_child(context.col.db, "Ava", "Test", date(2012, 1, 5))
    context.col.children.add_status(child, "child_in_need", date(2024, 1, 1))
    page = ChildPage(context)
    qtbot.addWidget(page)
    page.show_child(child)  # opening the record is itself audited
    page.show_child(child)  # a refresh is not a second look
    export.write_chronology_pdf(context.col.db, child, "Sam Tester", tmp_path / "c.pdf", datetime.now(UTC))
    page.open_tab("audit")
    rows = _rows(page)
    assert [r[1] for r in rows].count(SEEN) == 1
    assert {SEEN, CHANGED, PRINTED} <= {r[1] for r in rows}
    assert any(r[1] == PRINTED and "chronology PDF" in r[4] for r in rows)
    assert all(r[3] == "this device" for r in rows)
    assert "not enrolled" in page.audit.note.text()
    page.audit.what.setCurrentText(PRINTED)
    assert {r[1] for r in _rows(page)} == {PRINTED}
    page.audit.what.setCurrentText(RECEIVED)
    assert page.audit.empty.is_empty and "Nothing of this kind" in page.audit.empty.text()
    page.grab().save(str(tmp_path / "audit.png"))


def test_the_audit_tab_shows_which_other_devices_received_the_record(  # type: ignore[no-untyped-def]
    qtbot,
    server: Server,  # noqa: F811
    tmp_path: Path,
) -> None:
    base = server.serve()  # a real socket: the tab's collection builds its own transport from the stored URL
    school, care = server.org("Riverside Academy"), server.org("Children's Social Care")
    server.user(school, "ann")
    server.user(care, "cat")
    ann = make_device(tmp_path, "ann", None, "ann", base_url=base, org_server=server)
    cat = make_device(tmp_path, "cat", None, "cat", base_url=base, org_server=server)
    child = ann.add_child("Ada", "Okafor", school)
    with ann.db.unit_of_work("ann") as uow:
        uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": care, "role": "social_worker", "start_date": date(2025, 1, 6)},
        )
    ann.sync()
    cat.sync()
    runner = TaskRunner(synchronous=True)
    context = AppContext(ann.db.path, runner)
    context.attach(opened(ann.db, Profile(name="ann", role="DSL", organisation="Riverside Academy")))
    page = ChildPage(context)
    qtbot.addWidget(page)
    page.show_child(child)
    page.open_tab("audit")
    rows = _rows(page)
    received = [r for r in rows if r[1] == RECEIVED]
    assert len(received) == 1
    assert received[0][2] == "cat" and received[0][3].startswith("Children's Social Care · device ")
    assert "basis: involvement" in received[0][4]
    assert page.audit.note.text().startswith("From this device's audit and the server's access log")
    page.grab().save(str(tmp_path / "audit-server.png"))
    runner.shutdown()
    cat.close()
    ann.close()
