"""The Overview's cards from a child's record (Qt-free): what each says, its flags, who recorded it and when, and
that a feature adds a card by registering a builder."""

from __future__ import annotations

from datetime import date

import pytest

from casedesk.services.collection import Collection
from casedesk.services.overview import Card, OverviewSource, register, registry
from casedesk.store.database import Database
from tests.factories import add_child

TODAY = date(2026, 11, 20)


@pytest.fixture
def col(db: Database) -> Collection:
    return Collection(db, "Sam Patel")


def _cards(col: Collection, child: str) -> dict[str, Card]:
    return {c.key: c for c in col.overview.cards(col.children.view(child), TODAY)}


def test_cards_flag_late_ehc_steps_an_overdue_pep_and_no_social_worker(col: Collection, db: Database) -> None:
    child = add_child(db, "Ada", "Okafor", date(2012, 3, 2))
    cards = _cards(col, child)
    ours = ["education", "send", "care", "referrals", "needs_check", "last_contact", "named_workers"]
    assert [key for key in cards if key in ours] == ours  # in order (other features add cards between)
    assert cards["send"].lines == ("Nothing recorded.",) and cards["send"].provenance == ""
    col.care.start_period(child, "looked_after", date(2025, 9, 1), today=TODAY)
    col.care.add_pep(child, date(2026, 1, 20), today=TODAY)  # next due 31 Aug 2026: overdue by November
    col.send.save_plan(child, {"requested_on": date(2026, 9, 1)}, today=TODAY)  # no decision after 6 weeks
    cards = _cards(col, child)
    assert set(cards["care"].flags) == {"Looked after: no allocated social worker", "PEP overdue"}
    assert cards["care"].lines[1] == "PEP: last PEP 20 Jan 2026; next due 31 Aug 2026"
    assert cards["send"].flags == ("Decision to assess: late",)
    assert cards["send"].lines == ("EHC request 01 Sep 2026: decision to assess due 13 Oct 2026",)
    assert cards["send"].recorded_by == "Sam Patel" and cards["send"].recorded_at is not None
    assert "youth_justice" not in cards  # never known to youth justice


def test_a_feature_adds_a_card_by_registering_it(col: Collection, db: Database) -> None:
    child = add_child(db, "Ada", "Okafor", date(2012, 3, 2))

    @register("example", 11)
    def example(source: OverviewSource) -> Card:
        return Card("example", "Example", (f"{len(source.view.events)} entries",), "chronology")

    try:
        keys = list(_cards(col, child))
        assert keys[keys.index("education") + 1] == "example" and _cards(col, child)["example"].lines == ("0 entries",)
    finally:
        del registry._REGISTRY["example"]
    assert "example" not in _cards(col, child)
