"""The Caseload's "Possible duplicates…" over a real encrypted database: the pair with the evidence side by side,
the confirm step (nothing written until the reason is given, the user has acknowledged that a merge cannot be
undone, and Merge is pressed), "Not the same child…" (kept, never proposed again), both only for the roles
allowed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QDialog, QPushButton
from sqlalchemy import select

from casedesk import config
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.models import AuditRow
from casedesk.ui.caseload.view import CaseloadView
from casedesk.ui.context import AppContext
from casedesk.ui.duplicates.dialog import DuplicatesDialog, MergeConfirm
from tests.factories import add_child

BORN = date(2014, 3, 12)


def _children(db: Database) -> tuple[str, str, str]:
    kept = add_child(db, "Jessica", "Okafor", BORN, postcode="LS6 2AB")
    merged = add_child(db, "Jesica", "Okafor", BORN, postcode="LS6 2AB", upn="B801200005001")
    twin = add_child(db, "Zara", "Okafor", BORN, postcode="LS6 2AB")
    return kept, merged, twin


def test_the_pair_with_its_evidence_and_a_confirmed_merge(qtbot, context: AppContext, db: Database) -> None:  # type: ignore[no-untyped-def]
    kept, merged, _ = _children(db)
    dialog = DuplicatesDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1  # the twin is not proposed
    assert dialog.compare.item(0, 1).text() in ("Jessica Okafor", "Jesica Okafor")
    evidence = [dialog.evidence.item(n).text() for n in range(dialog.evidence.count())]
    assert any("Similar first names" in line for line in evidence)
    assert any("Same date of birth" in line for line in evidence)
    assert dialog.merge_button.isEnabled()
    dialog.resize(900, 560)
    dialog.grab().save(str(Path("/tmp") / "casedesk-duplicates.png"))

    confirm = MergeConfirm(dialog.pairs[0], dialog)
    qtbot.addWidget(confirm)
    assert not confirm.merge_button.isEnabled()  # no reason, no merge
    confirm.reason.setText("Registered twice by the school office")
    assert "cannot be undone" in confirm.final.text() and not confirm.merge_button.isEnabled()
    confirm.understood.setChecked(True)
    assert confirm.merge_button.isEnabled()
    if dialog.pairs[0].first.id != kept:
        confirm.keep_second.setChecked(True)
    chosen = confirm.choice()
    assert chosen == (kept, merged, "Registered twice by the school office")
    confirm.grab().save("/tmp/casedesk-merge-confirm.png")
    dialog.merge(*chosen)
    with db.session() as session:
        assert {c.id for c in repo.list_children(session)} >= {kept} and merged not in {
            c.id for c in repo.list_children(session)
        }
        assert repo.get_child(session, kept).upn == "B801200005001"
    assert dialog.list.count() == 0 and "No possible duplicates" in dialog.empty.message.text()
    dialog.done(QDialog.DialogCode.Accepted)


def test_not_the_same_child_is_kept_and_the_pair_never_proposed_again(qtbot, context: AppContext, db: Database) -> None:  # type: ignore[no-untyped-def]
    first, second, _ = _children(db)
    dialog = DuplicatesDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and dialog.different_button.isEnabled()
    dialog.ask_reason = lambda pair: "Cousins: different mothers, same name"  # type: ignore[method-assign]
    dialog.different_button.click()
    qtbot.waitUntil(lambda: dialog.list.count() == 0, timeout=10000)
    with db.session() as session:
        entries = session.execute(
            select(AuditRow.row_id, AuditRow.after, AuditRow.reason).where(AuditRow.action == "different-child")
        ).all()
        held = {c.id for c in repo.list_children(session)}
    assert [(e.reason, {e.row_id, e.after["other_child_id"]}) for e in entries] == [
        ("Cousins: different mothers, same name", {first, second})
    ]
    assert {first, second} <= held  # nothing merged or removed
    again = DuplicatesDialog(context)  # a later look: still not proposed
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: "No possible duplicates" in again.empty.message.text(), timeout=10000)
    again.done(QDialog.DialogCode.Rejected)
    dialog.done(QDialog.DialogCode.Rejected)


def test_a_practitioner_sees_the_pairs_but_cannot_merge(qtbot, context: AppContext, db: Database) -> None:  # type: ignore[no-untyped-def]
    _children(db)
    db.put(config.ROLE, "practitioner")
    dialog = DuplicatesDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and not dialog.merge_button.isEnabled()
    assert not dialog.different_button.isEnabled()
    assert "safeguarding lead" in dialog.note.text()
    dialog.done(QDialog.DialogCode.Rejected)


def test_the_caseload_opens_it(qtbot, context: AppContext, db: Database) -> None:  # type: ignore[no-untyped-def]
    view = CaseloadView(context)
    qtbot.addWidget(view)
    [button] = [b for b in view.findChildren(QPushButton) if b.text() == "Possible duplicates…"]
    button.click()
    [dialog] = [w for w in view.findChildren(DuplicatesDialog)]
    assert dialog.isVisible() and "No possible duplicates" in dialog.empty.message.text()
    dialog.done(QDialog.DialogCode.Rejected)
