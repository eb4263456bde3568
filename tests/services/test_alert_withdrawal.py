"""Alerts whose condition no longer holds because the records changed are withdrawn by evaluation, with the
reason, keeping their history; alerts that merely fell out of their rule's window, and alerts already acted on or
dismissed, are left as they are."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from casedesk.domain.attendance.week import Mark
from casedesk.services.alerts.service import AlertsService
from casedesk.services.attendance.marks import write_marks
from casedesk.store.database import Database
from tests.factories import add_child

TODAY = date(2025, 11, 28)  # a Friday of the autumn term


@pytest.fixture
def school(db: Database) -> str:
    with db.unit_of_work("tester") as uow:
        return uow.insert("organisations", {"name": "Oakwood Primary School", "kind": "school"})


def _days(last: date, count: int) -> list[date]:
    """`count` school days ending on `last`."""
    days, day = [], last
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def _marks(db: Database, child: str, school: str, by_day: dict[date, str]) -> None:
    with db.unit_of_work("tester") as uow:
        marks = [(child, Mark(day, half, code, school)) for day, code in by_day.items() for half in ("AM", "PM")]
        write_marks(uow, marks, reason="register corrected", today=TODAY)


def _the(service: AlertsService, rule_id: str) -> str:
    [alert_id] = [v.id for v in service.views() if v.alert.rule_id == rule_id]
    return alert_id


def test_a_corrected_absence_withdraws_the_alert_and_keeps_its_history(db: Database, school: str) -> None:
    child = add_child(db, "Lana", "Tester", date(2013, 3, 4), current_school_id=school)
    days = _days(TODAY, 20)
    _marks(db, child, school, {d: "O" if i % 4 == 0 else "/" for i, d in enumerate(days)})  # 5 of 20 days away
    service = AlertsService(db, "tester")
    service.evaluate(TODAY)
    low, year = _the(service, "recent-attendance-low"), _the(service, "persistent-absence")
    service.acknowledge(low, "Looking into it")

    _marks(db, child, school, {d: "/" for i, d in enumerate(days) if i % 4 == 0 and i > 0})  # notes arrived
    evaluation, changes = service.evaluate(TODAY)
    assert set(evaluation.withdrawn) == {low, year} and changes.touches("alert_actions")
    view = service.get(low)
    assert not view.open and [a.action for a in view.actions] == ["acknowledged", "withdrawn"]
    assert view.state_words.startswith("Withdrawn by CaseDesk") and "corrected or removed" in view.state_words
    assert "below the rule's line" in service.get(year).state_words and "2 withdrawn" in str(evaluation)
    again, _ = service.evaluate(TODAY)
    assert again.withdrawn == ()  # once


def _removal(db: Database, child: str, school: str, ended: date) -> str:
    with db.unit_of_work("tester") as uow:
        return uow.insert(
            "enrolments",
            {
                "child_id": child,
                "school_id": school,
                "start_date": date(2022, 9, 1),
                "end_date": ended,
                "leaving_reason": "off_rolled",
            },
        )


def test_an_alert_out_of_its_window_stands_and_a_corrected_record_withdraws_it(db: Database, school: str) -> None:
    child = add_child(db, "Ona", "Tester", date(2013, 3, 4), current_school_id=school)
    enrolment = _removal(db, child, school, date(2025, 11, 18))
    service = AlertsService(db, "tester")
    service.evaluate(TODAY)
    removed = _the(service, "removed-from-roll")

    later = TODAY + timedelta(days=120)  # past the rule's 90 days: no longer found, but nothing was corrected
    with db.unit_of_work("tester") as uow:
        uow.update("children", child, {"preferred_name": "Oni"})  # the child's records changed all the same
    evaluation, _ = service.evaluate(later)
    assert evaluation.withdrawn == () and service.get(removed).open

    with db.unit_of_work("tester") as uow:
        uow.update("enrolments", enrolment, {"leaving_reason": "moved_school"})  # it was an ordinary move
    evaluation, _ = service.evaluate(later)
    assert evaluation.withdrawn == (removed,)


def test_an_acknowledged_referral_withdraws_its_alert_unless_someone_closed_it(db: Database, school: str) -> None:
    sent = datetime(2025, 11, 14, 10, tzinfo=UTC)
    referrals = {}
    for name in ("Wren", "Abe"):
        child = add_child(db, name, "Tester", date(2013, 3, 4), current_school_id=school)
        with db.unit_of_work("tester") as uow:
            referrals[name] = uow.insert(
                "referrals",
                {
                    "child_id": child,
                    "service_name": "Family Support Service",
                    "reason": "Support at home",
                    "shared_sections": ["identity"],
                    "sharing": {"basis": "consent"},
                    "referrer": {"name": "Dana Lead"},
                    "status": "sent",
                    "status_changed_at": sent,
                    "sent_at": sent,
                    "ack_within_days": 5,
                },
            )
    service = AlertsService(db, "tester")
    service.evaluate(TODAY)
    waiting = {v.alert.child_name.split()[0]: v.id for v in service.views() if v.alert.rule_id.startswith("referral")}
    service.dismiss(waiting["Abe"], "Already known and in hand: chased by phone")
    with db.unit_of_work("tester") as uow:
        for row_id in referrals.values():
            uow.update("referrals", row_id, {"status": "acknowledged", "acknowledged_at": sent + timedelta(days=8)})
    evaluation, _ = service.evaluate(TODAY)
    assert evaluation.withdrawn == (waiting["Wren"],)
    assert "acknowledged" in service.get(waiting["Wren"]).state_words
    dismissed = service.get(waiting["Abe"])
    assert [a.action for a in dismissed.actions] == ["dismissed"] and dismissed.state_words.startswith("Dismissed")
