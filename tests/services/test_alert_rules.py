"""Each sample alert rule against hand-built records: it fires when its condition holds, and not when it does not,
with the records that met it as evidence; evaluating again raises nothing new; only children whose records changed
are evaluated between full evaluations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from casedesk.domain.alerts.load import sample_rules
from casedesk.domain.attendance.week import Mark
from casedesk.domain.risk.config import bundled_config
from casedesk.services.alerts.evaluate import evaluate
from casedesk.services.attendance.marks import write_marks
from casedesk.store import alerts_repo, risk_repo
from casedesk.store.database import Database
from tests.factories import add_child

TODAY = date(2025, 11, 28)  # a Friday in the autumn term of 2025/26


class Case:
    """A small area: a school with its safeguarding lead, children's social care, a virtual school."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with db.unit_of_work("tester") as uow:
            self.school = uow.insert("organisations", {"name": "Oakwood Primary School", "kind": "school"})
            self.csc = uow.insert("organisations", {"name": "Children's Social Care", "kind": "childrens_social_care"})
            self.vs = uow.insert("organisations", {"name": "Virtual School", "kind": "virtual_school"})
            self.dsl = uow.insert("workers", {"organisation_id": self.school, "name": "Dana Lead", "role": "DSL"})
            self.sw = uow.insert(
                "workers", {"organisation_id": self.csc, "name": "Sam Social", "role": "Social worker"}
            )

    def child(self, name: str, *, looked_after: bool = False) -> str:
        child_id = add_child(self.db, name, "Tester", date(2013, 3, 4), current_school_id=self.school)
        rows: list[tuple[str, dict[str, Any]]] = [
            (
                "involvements",
                {"organisation_id": self.school, "worker_id": self.dsl, "role": "designated_safeguarding_lead"},
            ),
            ("involvements", {"organisation_id": self.csc, "worker_id": self.sw, "role": "social_worker"}),
        ]
        if looked_after:
            rows.append(("status_periods", {"kind": "looked_after", "start_date": date(2024, 1, 8)}))
        for table, values in rows:
            values.setdefault("start_date", date(2024, 1, 8))
            self.add(table, child_id=child_id, **values)
        return child_id

    def add(self, table: str, **values: Any) -> str:
        with self.db.unit_of_work("tester") as uow:
            return uow.insert(table, values)

    def marks(self, child_id: str, codes: list[str], last_day: date = TODAY) -> None:
        """Session marks ending on `last_day`, two a school day, going backwards over weekends."""
        sessions: list[Mark] = []
        day, half = last_day, "PM"
        for code in reversed(codes):
            sessions.append(Mark(day, half, code, self.school))
            if half == "PM":
                half = "AM"
            else:
                half, day = "PM", day - timedelta(days=1)
                while day.weekday() > 4:
                    day -= timedelta(days=1)
        with self.db.unit_of_work("tester") as uow:
            write_marks(uow, [(child_id, m) for m in sessions], reason="test", today=last_day)

    def alerts(self, rule_id: str) -> dict[str, alerts_repo.AlertRecord]:
        evaluate(self.db, "tester", TODAY)
        with self.db.session() as session:
            return {a.child_id: a for a in alerts_repo.alerts(session) if a.rule_id == rule_id}


@pytest.fixture
def case(db: Database) -> Case:
    return Case(db)


def test_the_sample_is_marked_as_sample_content_and_names_every_condition() -> None:
    rules = sample_rules()
    assert rules.sample and "Sample content" in rules.notice
    assert {r.kind for r in rules.rules} == set(alerts_repo.FINDERS)


def test_looked_after_child_missing_sessions(case: Case) -> None:
    cared = case.child("Cara", looked_after=True)
    other = case.child("Olly")
    quiet = case.child("Quinn", looked_after=True)
    for child in (cared, other):
        case.marks(child, ["/", "\\"] * 8 + ["O", "O", "N", "I"])
    case.marks(quiet, ["/", "\\"] * 9 + ["I", "/"])
    fired = case.alerts("lac-missed-sessions")
    assert set(fired) == {cared}
    alert = fired[cared]
    assert alert.urgency == "urgent" and alert.category == "attendance" and alert.period == "2025/26 autumn"
    assert [e["on"] for e in alert.evidence] == ["2025-11-27", "2025-11-27", "2025-11-28", "2025-11-28"]
    assert alert.evidence[0]["tab"] == "attendance" and "O — " in alert.evidence[0]["text"]
    assert "4 of 20 possible sessions missed" in alert.summary
    told = {(t.get("name"), t["why"]) for t in alert.tell}
    assert told == {
        ("Sam Social", "social worker"),
        ("Dana Lead", "school's safeguarding lead"),
        ("Virtual School", "virtual school"),
    }


def test_unexplained_absences_in_a_row(case: Case) -> None:
    run = case.child("Rory")
    broken = case.child("Bea")
    case.marks(run, ["/", "\\", "/", "N", "N", "O", "#", "N", "N", "N"])  # a closure (#) neither breaks nor counts
    case.marks(broken, ["N", "N", "N", "/", "N", "N", "N", "N", "N", "\\"])
    fired = case.alerts("unexplained-absence-run")
    assert set(fired) == {run}
    assert fired[run].period == "run from 2025-11-25 PM" and len(fired[run].evidence) == 6


def test_attendance_low_over_four_weeks(case: Case) -> None:
    low = case.child("Lana")
    fine = case.child("Finn")
    case.marks(low, (["/", "\\"] * 15) + ["I", "M", "O", "O", "C", "/", "G", "G", "O", "R"])
    case.marks(fine, (["/", "\\"] * 17) + ["I", "M", "O", "O", "C", "/"])
    fired = case.alerts("recent-attendance-low")
    assert set(fired) == {low}
    assert "9 of 40 possible sessions missed" in fired[low].summary and "77.5%" in fired[low].summary


def test_persistent_absence_this_school_year(case: Case) -> None:
    persistent = case.child("Pia")
    fine = case.child("Faye")
    case.marks(persistent, (["/", "\\"] * 15) + ["O"] * 4)  # 4 of 34 missed: 88.2%
    case.marks(fine, (["/", "\\"] * 17) + ["O"] * 2)  # 2 of 36: 94.4%
    fired = case.alerts("persistent-absence")
    assert set(fired) == {persistent}
    assert fired[persistent].period == "2025/26" and "88.2% attendance" in fired[persistent].summary


def _exclusion(case: Case, child: str, kind: str, first_day: date) -> str:
    return case.add(
        "exclusions", child_id=child, school_id=case.school, kind=kind, first_day=first_day, sessions=2, reason_1="PA"
    )


def test_second_suspension_this_school_year(case: Case) -> None:
    twice = case.child("Tia")
    once = case.child("Owen")
    first = _exclusion(case, twice, "suspension", date(2025, 9, 15))
    second = _exclusion(case, twice, "suspension", date(2025, 11, 3))
    _exclusion(case, once, "suspension", date(2025, 6, 10))  # last school year
    _exclusion(case, once, "suspension", date(2025, 10, 1))
    fired = case.alerts("repeat-suspensions")
    assert set(fired) == {twice}
    assert [(e["row_id"], e["on"]) for e in fired[twice].evidence] == [(first, "2025-09-15"), (second, "2025-11-03")]
    assert fired[twice].met_on == date(2025, 11, 3) and fired[twice].evidence[0]["tab"] == "suspensions"
    assert not case.alerts("permanent-exclusion")


def test_permanent_exclusion(case: Case) -> None:
    excluded = case.child("Pete")
    _exclusion(case, excluded, "permanent", date(2025, 11, 20))
    assert set(case.alerts("permanent-exclusion")) == {excluded}


def test_removed_from_roll(case: Case) -> None:
    off = case.child("Ona")
    moved = case.child("Milo")
    long_ago = case.child("Lou")
    for child, reason, ended in (
        (off, "off_rolled", date(2025, 11, 18)),
        (moved, "moved_school", date(2025, 11, 18)),
        (long_ago, "elective_home_education", date(2025, 3, 1)),
    ):
        case.add(
            "enrolments",
            child_id=child,
            school_id=case.school,
            start_date=date(2022, 9, 1),
            end_date=ended,
            leaving_reason=reason,
        )
    fired = case.alerts("removed-from-roll")
    assert set(fired) == {off}
    assert (
        "Left the roll of Oakwood Primary School on 18 Nov 2025: removed from roll outside a formal route"
        in fired[off].summary
    )


def test_pep_overdue(case: Case) -> None:
    late = case.child("Lily", looked_after=True)
    due_later = case.child("Dev", looked_after=True)
    not_in_care = case.child("Nat")
    never = case.child("Neve", looked_after=True)
    case.add("peps", child_id=late, held_on=date(2025, 5, 1), next_due_on=date(2025, 11, 1))
    case.add("peps", child_id=due_later, held_on=date(2025, 10, 1), next_due_on=date(2026, 1, 15))
    case.add("peps", child_id=not_in_care, held_on=date(2025, 5, 1), next_due_on=date(2025, 11, 1))
    fired = case.alerts("pep-overdue")
    assert set(fired) == {late, never}
    assert fired[late].period == "PEP due 2025-11-01" and fired[late].evidence[0]["tab"] == "care"
    assert "No PEP since coming into care on 08 Jan 2024" in fired[never].summary


def test_ehc_review_overdue(case: Case) -> None:
    late = case.child("Ezra")
    reviewed = case.child("Rae")
    case.add("ehc_plans", child_id=late, requested_on=date(2024, 3, 1), issued_on=date(2024, 9, 2))
    case.add(
        "ehc_plans",
        child_id=reviewed,
        requested_on=date(2023, 3, 1),
        issued_on=date(2023, 9, 2),
        last_review_on=date(2025, 6, 1),
    )
    fired = case.alerts("ehc-review-overdue")
    assert set(fired) == {late}
    assert fired[late].period == "EHC review due 2025-09-02" and fired[late].evidence[0]["tab"] == "send"


def test_part_time_timetable_past_its_end(case: Case) -> None:
    running = case.child("Rita")
    ended = case.child("Ed")
    for child, end in ((running, None), (ended, date(2025, 11, 7))):
        case.add(
            "provisions",
            child_id=child,
            kind="part_time_timetable",
            provider="Oakwood Primary School",
            sessions_per_week=4,
            start_date=date(2025, 9, 8),
            planned_end_date=date(2025, 11, 7),
            end_date=end,
        )
    fired = case.alerts("part-time-past-end")
    assert set(fired) == {running}
    assert "planned to end 07 Nov 2025, still running" in fired[running].summary


def _event(case: Case, child: str, kind: str, day: date) -> str:
    at = datetime(day.year, day.month, day.day, 21, 30, tzinfo=UTC)
    return case.add(
        "events",
        child_id=child,
        kind=kind,
        occurred_at=at,
        recorded_at=at,
        author="PC 123",
        category="youth_justice",
        summary="Arrested after a fight in the town centre",
    )


def test_police_contact_or_arrest(case: Case) -> None:
    arrested = case.child("Ari")
    earlier = case.child("Eli")
    event = _event(case, arrested, "arrest", date(2025, 11, 25))
    _event(case, earlier, "police_contact", date(2025, 10, 20))
    fired = case.alerts("police-contact")
    assert set(fired) == {arrested}
    alert = fired[arrested]
    assert alert.category == "youth_justice" and alert.period == f"event {event}"
    assert alert.evidence == [
        {"entity": "events", "row_id": event, "on": "2025-11-25", "text": alert.summary, "tab": "youth_justice"}
    ]


def _referral(case: Case, child: str, sent: date, status: str = "sent") -> str:
    at = datetime(sent.year, sent.month, sent.day, 10, tzinfo=UTC)
    return case.add(
        "referrals",
        child_id=child,
        service_name="Family Support Service",
        reason="Support at home",
        shared_sections=["identity"],
        sharing={"basis": "consent"},
        referrer={"name": "Dana Lead"},
        status=status,
        status_changed_at=at,
        sent_at=at,
        ack_within_days=5,
    )


def test_referral_not_acknowledged(case: Case) -> None:
    waiting = case.child("Wren")
    answered = case.child("Abe")
    recent = case.child("Rue")
    _referral(case, waiting, date(2025, 11, 14))  # due Fri 21 Nov
    _referral(case, answered, date(2025, 11, 14), status="acknowledged")
    _referral(case, recent, date(2025, 11, 24))  # due Mon 1 Dec
    fired = case.alerts("referral-not-acknowledged")
    assert set(fired) == {waiting}
    assert fired[waiting].met_on == date(2025, 11, 21) and "not acknowledged by 21 Nov 2025" in fired[waiting].summary


def test_evaluating_again_raises_nothing_new_and_only_changed_children_are_read(case: Case) -> None:
    first = case.child("Fern")
    second = case.child("Gus")
    _event(case, first, "arrest", date(2025, 11, 25))
    raised, _ = evaluate(case.db, "tester", TODAY)
    assert raised.full and len(raised.raised) == 1
    again, changes = evaluate(case.db, "tester", TODAY)
    assert not again.full and again.raised == () and not changes.entities  # nothing changed since
    _event(case, second, "arrest", date(2025, 11, 26))
    later, changes = evaluate(case.db, "tester", TODAY)
    assert not later.full and later.children == 1 and len(later.raised) == 1 and changes.touches("alerts")
    assert later.urgent == later.raised


def test_persistent_absence_is_the_indicators_line_exactly(case: Case) -> None:
    """Missing exactly 10% of possible sessions is persistent absence for the alert and the risk indicator alike
    (one condition, `condition_sql`)."""
    line = case.child("Lee")
    above = case.child("Abi")
    case.marks(line, (["/", "\\"] * 18) + ["O"] * 4)  # 4 of 40 missed: 90.0%
    case.marks(above, (["/", "\\"] * 18) + ["O"] * 3 + ["/"])  # 3 of 40: 92.5%
    assert set(case.alerts("persistent-absence")) == {line}
    indicators = [i for i in bundled_config().indicators if i.kind == "absence"]
    with case.db.session() as session:
        present = risk_repo.present(session, indicators, TODAY)
    assert {child for child, found in present.items() if found} == {line}


def test_an_amended_arrest_entry_is_still_one_alert(case: Case) -> None:
    child = case.child("Ari")
    original = _event(case, child, "arrest", date(2025, 11, 25))
    [raised] = case.alerts("police-contact").values()
    with case.db.unit_of_work("tester") as uow:
        amended = uow.insert(
            "events",
            {
                "child_id": child,
                "kind": "arrest",
                "occurred_at": datetime(2025, 11, 25, 21, 30, tzinfo=UTC),
                "recorded_at": datetime(2025, 11, 26, 9, tzinfo=UTC),
                "author": "PC 123",
                "category": "youth_justice",
                "summary": "Arrested after a fight in the town centre; released without charge",
                "amends_id": original,
            },
        )
    fired = evaluate(case.db, "tester", TODAY)[0]
    assert fired.raised == () and fired.withdrawn == ()
    assert [a.id for a in case.alerts("police-contact").values()] == [raised.id]
    indicators = [i for i in bundled_config().indicators if i.kind == "youth_justice"]
    with case.db.session() as session:
        shown = risk_repo.evidence(session, indicators, child, TODAY)
    assert [row.row_id for rows in shown.values() for row in rows] == [amended]  # the latest version, as alerts
