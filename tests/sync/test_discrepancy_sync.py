"""A discrepancy flag's round trip through a real server: a school flags a status children's social care shared,
the flag reaches social care's queue, its answer comes back to the school; journaled and audited on the devices
that wrote it, and refused cleanly when it cannot be right."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.errors import AuthError, ValidationError
from casedesk.services.discrepancies.service import DiscrepancyService
from casedesk.store.models import AuditRow, OutboxRow
from tests.sync.harness import Device, Server, make_device


def _audited(device: Device, row_id: str) -> list[str]:
    with device.db.session() as session:
        return [a.action for a in session.execute(select(AuditRow).where(AuditRow.row_id == row_id)).scalars()]


def test_a_flag_reaches_the_owner_and_its_answer_comes_back(any_server: Server, tmp_path: Path) -> None:
    server = any_server
    school, social_care = server.org("Oakwood Primary School"), server.org("Leeds Children's Social Care")
    server.user(school, "dsl")
    server.user(social_care, "sw")
    dsl, sw = make_device(tmp_path, "dsl", server, "dsl"), make_device(tmp_path, "sw", server, "sw")
    child = sw.add_child("Ada", "Okafor", social_care)
    with sw.db.unit_of_work("sw") as uow:
        worker = uow.insert("workers", {"organisation_id": social_care, "name": "Priya Shah"})
        period = uow.insert(
            "status_periods",
            {"child_id": child, "kind": "child_protection_plan", "start_date": date(2026, 3, 2), "worker_id": worker},
        )
        uow.insert(
            "involvements",
            {
                "child_id": child,
                "organisation_id": school,
                "role": "designated_safeguarding_lead",
                "start_date": date(2024, 9, 1),
            },
        )
    assert sw.sync().digest_ok and dsl.sync().digest_ok

    flags_at_school = DiscrepancyService(dsl.db, "dsl")
    values = {(f.entity, f.row_id): f for f in flags_at_school.flaggable(child)}
    assert values[("status_periods", period)].owner_org == social_care  # the allocated worker's organisation
    flag_id, _ = flags_at_school.raise_flag(
        child, "status_periods", period, "kind", "The plan ended at the review conference in October", social_care
    )
    with dsl.db.session() as session:
        assert session.execute(select(OutboxRow).where(OutboxRow.row_id == flag_id)).first() is not None
    assert "create" in _audited(dsl, flag_id)
    assert flags_at_school.queue() == []  # not the school's to answer
    assert dsl.sync().digest_ok

    assert sw.sync().digest_ok
    owner = DiscrepancyService(sw.db, "sw")
    [queued] = owner.queue()
    assert (queued.id, queued.value_seen, queued.raised_by) == (flag_id, "child_protection_plan", "dsl")
    with pytest.raises(AuthError):
        flags_at_school.resolve(flag_id, "confirmed")
    with pytest.raises(ValidationError):
        owner.resolve(flag_id, "explained")  # an explanation needs its note
    sw.edit("status_periods", period, end_date=date(2026, 10, 14))
    owner.resolve(flag_id, "corrected", "End date recorded from the conference minutes")
    assert owner.queue() == [] and "update" in _audited(sw, flag_id)
    assert sw.sync().digest_ok

    assert dsl.sync().digest_ok
    [answered] = flags_at_school.for_child(child)
    assert answered.status == "corrected" and answered.resolved_by == "sw"
    assert answered.resolution_note == "End date recorded from the conference minutes"
    with pytest.raises(ValidationError):
        owner.resolve(flag_id, "confirmed")  # answered once


def test_bad_flags_are_refused_and_nothing_is_written(server: Server, tmp_path: Path) -> None:
    school = server.org("Oakwood Primary School")
    server.user(school, "dsl")
    dsl = make_device(tmp_path, "dsl", server, "dsl")
    child, other = dsl.add_child("Ada", "Okafor", school), dsl.add_child("Ben", "Okafor", school)
    service = DiscrepancyService(dsl.db, "dsl")
    with dsl.db.session() as session:
        before = list(session.execute(select(OutboxRow.change_id)).scalars())
    for entity, row_id, field, reason, owner in (
        ("children", child, "upn", "  ", school),  # no reason
        ("children", other, "given_name", "Wrong name", school),  # another child's record
        ("referrals", child, "status", "Wrong", school),  # not a shared value one flags
        ("children", child, "given_name", "Wrong name", "0190d7a4-0000-7000-8000-000000000000"),  # no such owner
    ):
        with pytest.raises(ValidationError):
            service.raise_flag(child, entity, row_id, field, reason, owner)
    with dsl.db.session() as session:
        assert list(session.execute(select(OutboxRow.change_id)).scalars()) == before
