"""`redact`, the one place that decides what of a record a receiver sees, and the grants it is given."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from casedesk.domain import sharing
from casedesk.domain.records import Child, ChronologyEvent, StatusPeriod
from casedesk.domain.referrals.workflow import SECTIONS
from casedesk.domain.schema import Category
from casedesk.domain.sharing import ANY, EVERYTHING, NOTHING, Allowed, Shared, redact, redact_all

CHILD = Child(
    id="c1",
    given_name="Ada",
    family_name="Okafor",
    date_of_birth=date(2014, 3, 2),
    upn="B801200005001",
    address_line1="12 Elm Road",
    postcode="LS6 3AB",
    current_school_id="o1",
)
NO_CONTACT = Allowed.of(set(Category) - {Category.CONTACT})


def _event(category: str) -> ChronologyEvent:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    return ChronologyEvent("e-" + category, "c1", "note", now, now, "ann", f"{category} note", category=category)


def test_everything_shows_the_record_as_it_is() -> None:
    assert redact(CHILD, EVERYTHING) is CHILD
    row = Shared("children", {"given_name": "Ada", "postcode": "LS6 3AB"})
    assert redact(row, EVERYTHING) is row


def test_a_withheld_category_empties_its_fields_and_keeps_the_rest() -> None:
    shown = redact(CHILD, NO_CONTACT)
    assert shown is not None and shown.postcode is None and shown.address_line1 is None
    assert shown.given_name == "Ada" and shown.upn == "B801200005001" and shown.current_school_id == "o1"
    row = redact(
        Shared("children", {"id": "c1", "given_name": "Ada", "postcode": "LS6 3AB", "la_code": "383"}), NO_CONTACT
    )
    assert row is not None and row.values == {"id": "c1", "given_name": "Ada"}  # ids follow their row


def test_a_row_files_under_its_own_category() -> None:
    no_health = Allowed.of(set(Category) - {Category.HEALTH})
    events = [_event("health"), _event("education"), _event("a-category-from-a-newer-version")]
    assert [e.category for e in redact_all(events, no_health)] == ["education", "a-category-from-a-newer-version"]
    cp_plan = StatusPeriod("s1", "c1", "child_protection_plan", date(2025, 1, 1))
    fsm = StatusPeriod("s2", "c1", "free_school_meals", date(2025, 1, 1))
    only_education = Allowed.of([Category.EDUCATION])
    assert redact_all([cp_plan, fsm], only_education) == [fsm]
    assert redact(CHILD, NOTHING) is None and redact(Shared("services", {"name": "x"}), NOTHING) is None


def test_grants_can_be_limited_to_record_types() -> None:
    school_only = Allowed.of([Category.EDUCATION], ["children"]) | Allowed.of([Category.IDENTITY], ["children"])
    assert school_only.permits("children", Category.EDUCATION)
    assert not school_only.permits("status_periods", Category.EDUCATION)
    assert Allowed.of([Category.HEALTH]).permits("events", Category.HEALTH)
    assert (ANY, Category.HEALTH) in Allowed.of([Category.HEALTH]).grants


def test_referral_sections_share_what_they_name() -> None:
    assert set(sharing.SECTION_GRANTS) == set(SECTIONS)
    identity_only = sharing.for_sections(["identity"])
    shown = redact(CHILD, identity_only)
    assert shown is not None and shown.upn and shown.postcode is None and shown.current_school_id is None
    assert redact(StatusPeriod("s1", "c1", "looked_after", date(2025, 1, 1)), identity_only) is None
    wider = sharing.for_sections(["contact", "statuses", "chronology"])
    assert redact(StatusPeriod("s1", "c1", "looked_after", date(2025, 1, 1)), wider) is not None
    assert redact_all([_event(c) for c in ("health", "general", "send")], wider) != []
    assert wider.permits("children", Category.CONTACT) and not wider.permits("children", Category.EDUCATION)


def test_with_no_agreement_the_open_default_shares_every_category_but_never_a_restricted_entry() -> None:
    other = sharing.allowed_for("org-1", "c1", source_org="org-2")
    assert all(other.permits("events", c) for c in Category) and not other.restricted
    assert sharing.allowed_for("org-1", None) == EVERYTHING  # the directory
    assert sharing.allowed_for("org-1", "c1", source_org="org-1") == EVERYTHING  # its own records
    restricted = {**dataclasses.asdict(_event("health")), "restricted": True}
    assert redact(sharing.Shared("events", restricted), other) is None
    assert redact(sharing.Shared("events", restricted), EVERYTHING) is not None
