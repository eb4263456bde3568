"""The owning organisation's safeguarding lead is told of a break-glass request in the app, not only in the list
they must open: after a sync round the status bar's Access requests button says how many wait, and My work lists
each (waiting ones urgent, with who asked, for what and why), offline too, opening the child's Audit tab."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from casedesk.services.mywork.service import MyWorkService
from casedesk.sync.wire_audit import OverrideAsk, OverrideDecision
from casedesk.ui.child.override_queue import access_requests_button
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.mywork.page import MyWorkPage
from casedesk.ui.sync.controller import SyncController
from casedesk.ui.tasks import TaskRunner
from tests.factories import opened
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import Device, Server, make_device

WHY = "Strategy discussion at 3pm needs the youth justice history"


def _context(device: Device, organisation: str) -> AppContext:
    context = AppContext(device.db.path, TaskRunner(synchronous=True))
    context.attach(opened(device.db, Profile(name=device.username, role="DSL", organisation=organisation)))
    return context


def test_the_owning_lead_is_told_on_the_status_bar_and_in_my_work(  # type: ignore[no-untyped-def]
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
    with ann.db.unit_of_work("ann") as uow:
        uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": care, "role": "social_worker", "start_date": date(2025, 1, 6)},
        )
    ann.sync()
    cat.sync()
    context = _context(ann, "Riverside Academy")
    window = MyWorkPage(context)
    qtbot.addWidget(window)
    rounds = SyncController(context, window)
    button = access_requests_button(context, window, rounds)
    qtbot.addWidget(button)
    rounds.round_finished.emit(ann.sync())
    assert button.text() == "Access requests…"  # nothing asked yet
    asked = cat.transport.ask_override(
        OverrideAsk(child_id=child, owner_org=school, categories=["health"], reason="medical", detail=WHY)
    )
    rounds.round_finished.emit(None)  # a round that did not reach the server asks nothing
    assert button.text() == "Access requests…"
    rounds.round_finished.emit(ann.sync())
    assert button.text() == "Access requests (1 waiting)…" and "1 break-glass request" in button.accessibleName()
    work = MyWorkService(ann.db, "ann").load()
    (item,) = work.section("access_requests").items  # type: ignore[union-attr]
    assert (item.child_id, item.child_name, item.tab, item.urgent) == (child, "Ada Okafor", "audit", True)
    assert item.title == "Decide: cat (Children's Social Care) asks for health" and WHY in item.detail
    window.reload()
    window.grab().save(str(tmp_path / "my-work-access-request.png"))
    ann.transport.decide_override(asked.id, OverrideDecision(approve=False, note="Ask the school nurse"))
    rounds.round_finished.emit(ann.sync())
    assert button.text() == "Access requests…"
    assert not MyWorkService(ann.db, "ann").load().section("access_requests").items  # type: ignore[union-attr]
    context.runner.shutdown()
    ann.close()
    cat.close()
