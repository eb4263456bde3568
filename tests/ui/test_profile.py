"""The Profile dialog over a real encrypted database: saved, shown in the window, signing later changes; a demo
database opens as a named person at an organisation."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from casedesk.config import PROFILE, Profile
from casedesk.errors import ValidationError
from casedesk.services.collection import open_collection
from casedesk.services.demo.load import seed_demo
from casedesk.store.database import Database
from casedesk.store.models import AuditRow, OrganisationRow
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow
from casedesk.ui.profile_dialog import ProfileDialog
from tests.factories import PASSPHRASE, add_child


def test_profile_saved_shown_and_signs_later_changes(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    assert window.lock_state.text() == "Unlocked · Sam Tester, Hillside Academy"
    seen: list[str] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ProfileDialog)
        dialog.name.setText("")
        dialog.save_requested.emit()  # refused: the dialog stays open and says why
        seen.append(dialog.error.text())
        assert dialog.isVisible()
        dialog.name.setText("Dana Whitfield")
        dialog.role.setText("Virtual school officer")
        dialog.organisation.setText("Northshire Virtual School")
        dialog.kind.setCurrentIndex(dialog.kind.findData("local_authority"))
        dialog.email.setText("dana.whitfield@northshire.example")
        dialog.save_requested.emit()

    QTimer.singleShot(0, fill)
    window.edit_profile()
    assert "Your name is required" in seen[0]
    assert window.lock_state.text() == "Unlocked · Dana Whitfield, Northshire Virtual School"
    db = context.col.db
    stored = db.get(PROFILE)
    assert (stored.name, stored.email, stored.organisation_kind) == (
        "Dana Whitfield",
        "dana.whitfield@northshire.example",
        "local_authority",
    )
    with db.session() as s:  # the new organisation is a record like any other: audited (and journaled)
        org_id = s.scalar(select(OrganisationRow.id).where(OrganisationRow.name == "Northshire Virtual School"))
        assert s.scalar(select(AuditRow.actor).where(AuditRow.row_id == org_id)) == "Dana Whitfield"
    child_id = add_child(db, "Amelia", "Okafor", date(2013, 1, 2))
    context.col.children.add_status(child_id, "child_in_need", date(2024, 1, 1))
    with db.session() as s:
        assert s.scalars(select(AuditRow.actor).order_by(AuditRow.seq.desc())).first() == "Dana Whitfield"
    window.resize(1366, 768)
    window.grab().save("/tmp/profile-window.png")


def test_a_bad_email_is_refused_and_the_profile_kept(context: AppContext) -> None:
    before = context.col.profile.current()
    with pytest.raises(ValidationError, match="Not an email address"):
        context.col.save_profile(Profile(name="X", role="", organisation="Y", email="nope"))
    assert context.col.profile.current() == before


def test_a_demo_database_has_a_named_user_at_an_organisation(db: Database) -> None:
    seed_demo(db, children=5, seed=3)
    db.close()
    col, profile = open_collection(db.path, PASSPHRASE)
    try:
        assert profile.name != "CaseDesk user" and profile.organisation
        with col.db.session() as s:
            names = set(s.scalars(select(OrganisationRow.name)))
        assert profile.organisation in names and profile.role == "Designated safeguarding lead"
    finally:
        col.close()


def test_details_the_servers_directory_decides_are_shown_but_not_edited(qtbot) -> None:  # type: ignore[no-untyped-def]
    profile = Profile(name="Ben Hughes", role="DSL", organisation="Oakwood Primary School")
    dialog = ProfileDialog(None, profile, frozenset({"organisation", "organisation_kind"}))
    qtbot.addWidget(dialog)
    assert not dialog.organisation.isEnabled() and not dialog.kind.isEnabled()
    assert dialog.name.isEnabled() and "directory on the server" in dialog.from_directory.text()
