"""The administrators' audit across children, against a real server on 127.0.0.1: an administrator's computer
joins the server's access log (which device received which child's records) with its own audit chain, chooses by
child, user, organisation, action and dates, and exports the selection as a formula-safe CSV and a PDF, each export
itself audited; a practitioner is refused the server's log with a clear sentence and sees only its own chain."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from casedesk.domain.audit_search import AuditFilters
from casedesk.errors import ValidationError
from casedesk.server.db import user_roles
from casedesk.services.audit_search import AuditSearchService
from casedesk.store import repositories as repo
from casedesk.ui.admin.audit_dialog import AuditSearchDialog
from casedesk.ui.admin.page import AdminPage
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.tasks import TaskRunner
from tests.factories import opened
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import Device, Server, make_device


def _context(device: Device, organisation: str) -> AppContext:
    context = AppContext(device.db.path, TaskRunner(synchronous=True))
    context.attach(opened(device.db, Profile(name=device.username, role="DSL", organisation=organisation)))
    return context


def _service(device: Device) -> AuditSearchService:
    from casedesk.services import sync

    return AuditSearchService(device.db, device.username, lambda: sync.SyncService(device.db, device.transport))


@pytest.fixture
def area(server: Server, tmp_path: Path):  # noqa: F811  # type: ignore[no-untyped-def]
    base = server.serve()
    school, care = server.org("Riverside Academy"), server.org("Children's Social Care")
    for org, name in ((school, "ann"), (school, "ivy"), (school, "it"), (care, "cat")):
        server.user(org, name)
    user_roles.set_role(server.store, "ivy", "manager")  # reads the audit and the records
    user_roles.set_role(server.store, "it", "administrator")  # reads the audit, not the records
    names = ("ann", "ivy", "it", "cat")
    ann, ivy, it, cat = (make_device(tmp_path, n, None, n, base_url=base, org_server=server) for n in names)
    ada = ann.add_child("Ada", "Okafor", school)
    ben = ann.add_child("Ben", '=HYPERLINK("x")', school)  # a name a spreadsheet would run as a formula
    with ann.db.unit_of_work("ann") as uow:
        uow.insert(
            "involvements",
            {"child_id": ada, "organisation_id": care, "role": "social_worker", "start_date": date(2025, 1, 6)},
        )
    ann.sync()
    cat.sync()
    ivy.sync()
    it.sync()
    yield {"ann": ann, "ivy": ivy, "it": it, "cat": cat, "ada": ada, "ben": ben, "school": school, "care": care}
    for device in (ann, ivy, it, cat):
        device.close()


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_an_administrator_searches_across_children_and_exports_the_selection(  # type: ignore[no-untyped-def]
    qtbot, area: dict, tmp_path: Path
) -> None:
    ivy: Device = area["ivy"]
    with ivy.db.unit_of_work("ivy", journal=False) as uow:  # this computer printed Ada's chronology
        uow.note("print", "children", area["ada"], reason="chronology PDF")
    every = _service(ivy).search(AuditFilters())
    received = {(r.child, r.organisation, r.user) for r in every.rows if r.action == "received"}
    assert ("Ada Okafor", "Children's Social Care", "cat") in received  # the records of a child it sees
    assert ('Ben =HYPERLINK("x")', "Riverside Academy", "ivy") in received and not every.note
    printed = [(r.source, r.child, r.user) for r in every.rows if r.action == "print"]
    assert printed == [("this device", "Ada Okafor", "ivy")]
    assert _service(area["it"]).search(AuditFilters(child=area["ada"])).rows  # an administrator reads it too
    only_cat = _service(ivy).search(AuditFilters(user="cat"))
    assert only_cat.rows and {r.user for r in only_cat.rows} == {"cat"}
    care_only = _service(ivy).search(AuditFilters(organisation=area["care"]))
    assert care_only.rows and {r.organisation for r in care_only.rows} == {"Children's Social Care"}
    assert {r.child for r in _service(ivy).search(AuditFilters(child="Okafor")).rows} == {"Ada Okafor"}
    assert not _service(ivy).search(AuditFilters(since=date.today() + timedelta(days=1))).rows
    with pytest.raises(ValidationError):
        _service(ivy).search(AuditFilters(since=date(2026, 2, 1), until=date(2026, 1, 1)))

    context = _context(ivy, "Riverside Academy")
    page = AdminPage(context)
    qtbot.addWidget(page)
    assert page.audit_button.text() == "Audit across children…"
    dialog = AuditSearchDialog(page, context)
    qtbot.addWidget(dialog)
    panel = dialog.panel
    panel.load_organisations()
    panel.action.setCurrentIndex(panel.action.findData("received"))
    panel.search()
    assert panel.table.rowCount() == len([r for r in every.rows if r.action == "received"])
    assert "action: received by a device" in panel.summary.text()
    panel.action.setCurrentIndex(0)
    panel.search()
    dialog.grab().save(str(tmp_path / "audit-across-children.png"))
    panel.export("csv", tmp_path / "audit.csv")
    panel.export("pdf", tmp_path / "audit.pdf")
    assert "Saved" in panel.summary.text()
    with (tmp_path / "audit.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["When (UTC)", "Source", "Child"] and len(rows) == panel.table.rowCount() + 1
    assert all(not cell.startswith("=") for row in rows for cell in row)  # formula-safe
    printed = _pdf_text(tmp_path / "audit.pdf")
    assert "Audit across children" in printed and "Ada Okafor" in printed and "4 entries · from " in printed
    with ivy.db.session() as session:
        noted = [a for a in repo.audit_entries_for(session, [ivy.db.database_id]) if a.action == "export"]
    assert len(noted) == 2 and all("audit across children" in (a.reason or "") for a in noted)
    context.runner.shutdown()


def test_a_practitioner_is_refused_the_servers_log_and_sees_only_its_own(area: dict) -> None:  # type: ignore[type-arg]
    ann: Device = area["ann"]
    found = _service(ann).search(AuditFilters())
    assert "administrator or an auditor" in found.note
    assert all(r.source == "this device" for r in found.rows) and found.rows
