"""Roles on the server: what each role's devices receive and may write, and a change of role taking effect at the
next round (the device pushes what it holds, purges, and receives again as the new role allows)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from casedesk import config
from casedesk.server.db import user_roles
from casedesk.server.db.accounts import AdminError
from casedesk.store import repositories as repo
from tests.sync.harness import Device, Server, make_device


def _entry(device: Device, child_id: str, category: str, summary: str) -> str:
    now = datetime.now(UTC)
    with device.db.unit_of_work(device.username) as uow:
        return uow.insert(
            "events",
            {
                "child_id": child_id,
                "kind": "note",
                "occurred_at": now,
                "recorded_at": now,
                "author": device.username,
                "summary": summary,
                "category": category,
            },
        )


def _summaries(device: Device, child_id: str) -> set[str]:
    with device.db.session() as session:
        return {e.summary for e in repo.events_for_child(session, child_id)}


def _school_and_care(server: Server, tmp_path: Path) -> tuple[Device, Device, str]:
    school, care = server.org("Oakwood Primary School"), server.org("Children's Social Care")
    server.user(school, "dsl")
    server.user(care, "sw")
    lead, worker = make_device(tmp_path, "dsl", server, "dsl"), make_device(tmp_path, "sw", server, "sw")
    child = lead.add_child("Ada", "Okafor", school)
    with lead.db.unit_of_work("dsl") as uow:
        uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": care, "role": "social_worker", "start_date": date(2025, 1, 6)},
        )
    lead.sync()
    worker.sync()
    _entry(worker, child, "social_care", "Child in need plan agreed")
    _entry(worker, child, "education", "Asked school about attendance")
    _entry(lead, child, "social_care", "School's own note on the CIN plan")
    worker.sync()
    lead.sync()
    return lead, worker, child


def test_only_the_safeguarding_lead_at_a_school_receives_social_care_detail(server: Server, tmp_path: Path) -> None:
    lead, worker, child = _school_and_care(server, tmp_path)
    school = lead.db.get(config.ORGANISATION_ID)
    admin_user = "teacher"
    server.user(school, admin_user)
    user_roles.set_role(server.store, admin_user, "practitioner")
    teacher = make_device(tmp_path, "teacher", server, admin_user)
    report = teacher.sync()
    assert _summaries(lead, child) == {
        "Child in need plan agreed",
        "Asked school about attendance",
        "School's own note on the CIN plan",
    }
    # the school's own note stays: a role narrows only what comes from other organisations
    assert _summaries(teacher, child) == {"Asked school about attendance", "School's own note on the CIN plan"}
    assert report.digest_ok and not report.resynced
    assert teacher.db.get(config.ROLE) == "practitioner"
    lead.close()
    worker.close()
    teacher.close()


def test_a_changed_role_takes_effect_at_the_next_round_after_pushing_what_waits(server: Server, tmp_path: Path) -> None:
    lead, worker, child = _school_and_care(server, tmp_path)
    _entry(lead, child, "general", "Written just before the role changed")
    old, reset = user_roles.set_role(server.store, "dsl", "practitioner")
    assert (old, reset) == ("safeguarding_lead", 1)
    report = lead.sync()
    assert report.pushed >= 1 and child in report.purged
    assert _summaries(lead, child) == {
        "Asked school about attendance",
        "School's own note on the CIN plan",
        "Written just before the role changed",
    }
    assert report.digest_ok and not report.resynced
    assert lead.db.get(config.ROLE) == "practitioner"
    user_roles.set_role(server.store, "dsl", "safeguarding_lead")
    lead.sync()
    assert "Child in need plan agreed" in _summaries(lead, child)
    assert lead.sync().digest_ok
    lead.close()
    worker.close()


def test_an_administrator_receives_no_case_records_and_may_not_write_them(server: Server, tmp_path: Path) -> None:
    lead, worker, _child = _school_and_care(server, tmp_path)
    school = lead.db.get(config.ORGANISATION_ID)
    server.user(school, "it")
    user_roles.set_role(server.store, "it", "administrator")
    it = make_device(tmp_path, "it", server, "it")
    with it.db.session() as session:
        assert repo.list_children(session) == [] and repo.organisations(session)  # the directory only
    it.add_child("Bea", "Nolan", school)
    report = it.sync()
    assert report.set_aside == 2  # the child and its involvement, each with the reason
    reasons = {c.reason for c in it.service.set_aside()}
    assert reasons == {"your role does not record case information; ask your organisation's administrator"}
    with lead.db.session() as session:
        before = {c.given_name for c in repo.list_children(session)}
    lead.sync()
    with lead.db.session() as session:
        assert {c.given_name for c in repo.list_children(session)} == before  # nothing reached the school
    lead.close()
    worker.close()
    it.close()


def test_an_unknown_role_or_user_is_refused_and_nothing_changes(server: Server) -> None:
    org = server.org("Oakwood Primary School")
    server.user(org, "ann")
    with pytest.raises(AdminError, match="unknown role 'caretaker'"):
        user_roles.set_role(server.store, "ann", "caretaker")
    with pytest.raises(AdminError, match="No user called 'nobody'"):
        user_roles.set_role(server.store, "nobody", "manager")
    assert [u["role"] for u in user_roles.list_users(server.store)] == ["safeguarding_lead"]
