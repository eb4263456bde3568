"""Passing a child's rows on: each row under the agreements between its owner and the receivers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from casedesk.domain import sharing
from casedesk.domain.agreements import Agreement, OrgInfo, Party
from casedesk.domain.records import ChronologyEvent, Organisation
from casedesk.domain.schema import Category
from casedesk.domain.sharing_onward import Onward

NOW = datetime(2026, 3, 2, tzinfo=UTC)
ORGS = {
    "school": OrgInfo("school", "Riverside", "school"),
    "care": OrgInfo("care", "Social care", "social_care"),
    "yjs": OrgInfo("yjs", "Youth justice", "youth_justice"),
}


def _event(event_id: str, category: str, restricted: bool | None = None) -> ChronologyEvent:
    return ChronologyEvent(event_id, "c1", "note", NOW, NOW, "x", f"{category} entry", category, restricted=restricted)


def _rules(receivers: list[str], owners: dict[str, str], default: str = sharing.OPEN) -> Onward:
    agreement = Agreement(
        id="a1",
        title="Youth justice and schools",
        party_a=Party(org_id="yjs"),
        party_b=Party(org_id="school"),
        a_to_b=frozenset({Category.EDUCATION}),
        b_to_a=frozenset({Category.EDUCATION}),
        article_6="public_task",
        start_date=date(2025, 1, 1),
        review_date=date(2027, 1, 1),
        signed_by=("One", "Two"),
    )
    policy = sharing.Policy([agreement], ORGS.get, default, on=date(2026, 3, 2))
    return Onward(policy, receivers, "c1", "care", owners.get)


def test_each_row_goes_under_its_owners_agreement_with_the_receiver() -> None:
    rules = _rules(["school"], {"e1": "yjs", "e2": "yjs"})
    shown = rules.redact_all([_event("e1", "youth_justice"), _event("e2", "education"), _event("e3", "youth_justice")])
    assert [e.id for e in shown] == ["e2", "e3"]  # e3 is this organisation's own: no agreement, the open default
    closed = _rules(["school"], {"e1": "yjs"}, sharing.CLOSED)
    assert closed.redact_all([_event("e3", "youth_justice")]) == []


def test_the_owner_receives_its_own_rows_and_restricted_rows_stay_home() -> None:
    assert len(_rules(["yjs"], {"e1": "yjs"}).redact_all([_event("e1", "youth_justice", restricted=True)])) == 1
    assert _rules(["school"], {}).redact_all([_event("e1", "general", restricted=True)]) == []


def test_every_receiver_must_be_allowed_and_the_pack_narrows_further() -> None:
    rows = [_event("e1", "youth_justice"), _event("e2", "education")]
    assert [e.id for e in _rules(["care", "school"], {"e1": "yjs", "e2": "yjs"}).redact_all(rows)] == ["e2"]
    narrowed = _rules(["care"], {})
    narrowed.base = sharing.for_sections(["identity"])
    assert narrowed.redact_all(rows) == []
    directory = Organisation("o1", "Riverside", "school")
    assert _rules(["school"], {}, sharing.CLOSED).redact(directory) == directory  # about no child
