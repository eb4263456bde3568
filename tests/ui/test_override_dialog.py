"""Breaking the glass from the app, against a real server on 127.0.0.1 whose area shares nothing without an
agreement: from the withheld notice on the Sharing tab the dialog offers the organisation whose records are
withheld with the kinds the notice named ticked, refuses a request without a reason before sending anything, and
the owning organisation's lead approves it from the access requests; the asker's Audit tab shows the override and
its next round brings what was withheld."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from casedesk.domain import sharing
from casedesk.domain.audit_trail import OVERRIDE
from casedesk.server.db import agreement_admin, overrides
from casedesk.store import repositories as repo
from casedesk.ui.child.override_dialog import OverrideDialog
from casedesk.ui.child.override_queue import OverrideQueueDialog
from casedesk.ui.child.view import ChildPage
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.tasks import TaskRunner
from tests.factories import opened
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import Device, Server, make_device


def _context(device: Device, organisation: str) -> AppContext:
    context = AppContext(device.db.path, TaskRunner(synchronous=True))
    context.attach(opened(device.db, Profile(name=device.username, role="DSL", organisation=organisation)))
    return context


def _asked(on: Server) -> int:
    with on.store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(overrides)).scalar_one())


def test_asking_for_withheld_information_and_the_lead_approving_it(  # type: ignore[no-untyped-def]
    qtbot,
    server: Server,  # noqa: F811
    tmp_path: Path,
) -> None:
    base = server.serve()
    school, care = server.org("Riverside Academy"), server.org("Children's Social Care")
    server.user(school, "ann")
    server.user(care, "cat")
    ann = make_device(tmp_path, "ann", None, "ann", base_url=base, org_server=server)
    cat = make_device(tmp_path, "cat", None, "cat", base_url=base, org_server=server)
    child = ann.add_child("Ada", "Okafor", school)
    now = datetime.now(UTC)
    with ann.db.unit_of_work("ann") as uow:
        uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": care, "role": "social_worker", "start_date": date(2025, 1, 6)},
        )
        uow.insert(
            "events",
            {
                "child_id": child,
                "kind": "note",
                "occurred_at": now,
                "recorded_at": now,
                "author": "ann",
                "summary": "Referral order",
                "category": "youth_justice",
            },
        )
    ann.sync()
    agreement_admin.set_default(server.store, sharing.CLOSED)
    cat.sync()
    cat_context = _context(cat, "Children's Social Care")
    page = ChildPage(cat_context)
    qtbot.addWidget(page)
    page.show_child(child)
    page.open_tab("sharing")
    notices = page.sharing.notices
    said = [notices.itemAt(i).widget().text() for i in range(notices.count())]
    assert any("youth-justice entry from Riverside Academy" in line for line in said)
    page.grab().save(str(tmp_path / "sharing-withheld.png"))
    page.sharing.break_glass.click()
    dialog = page.sharing.dialog
    assert isinstance(dialog, OverrideDialog) and dialog.isVisible()
    assert dialog.organisation.currentText() == "Riverside Academy"
    assert [c for c, box in dialog.boxes.items() if box.isChecked()] == ["youth_justice"]  # as the notice said
    assert "youth justice is withheld" in dialog.withheld_note.text()
    assert "approves" in dialog.intro.text()  # the policy, said up front
    dialog.grab().save(str(tmp_path / "override-dialog.png"))
    dialog.ask_button.click()  # no reason chosen: said here, nothing sent
    assert "Choose a reason" in dialog.error.text() and dialog.isVisible() and _asked(server) == 0
    dialog.reason.setCurrentIndex(dialog.reason.findData("child_protection"))
    dialog.detail.setPlainText("Strategy discussion at 3pm needs the youth justice history")
    dialog.ask_button.click()
    assert not dialog.isVisible() and _asked(server) == 1
    assert "sent to Riverside Academy's safeguarding lead" in page.message.text()
    page.open_tab("audit")
    assert OVERRIDE in {page.audit.table.item(r, 1).text() for r in range(page.audit.table.rowCount())}
    page.grab().save(str(tmp_path / "audit-after-asking.png"))

    ann_context = _context(ann, "Riverside Academy")
    queue = OverrideQueueDialog(None, ann_context)
    qtbot.addWidget(queue)
    queue.open()
    queue.reload()
    assert queue.to_decide.rowCount() == 1 and queue.to_decide.item(0, 0).text() == "Ada Okafor"
    assert not queue.approve.isEnabled()
    queue.to_decide.selectRow(0)
    assert queue.approve.isEnabled() and queue.refuse.isEnabled()
    queue.note.setText("Agreed by phone")
    queue.grab().save(str(tmp_path / "access-requests.png"))
    queue.approve.click()
    assert "Approved" in queue.message.text() and queue.to_decide.item(0, 5).text() == "granted by ann"
    queue.close()
    assert child in cat.sync().purged  # taken afresh as the override allows
    with cat.db.session() as session:
        assert {e.summary for e in repo.events_for_child(session, child)} == {"Referral order"}
    for context in (cat_context, ann_context):
        context.runner.shutdown()
    ann.close()
    cat.close()
