"""The record catalogue: its own invariants, and the value checks the server runs on every pushed field."""

from __future__ import annotations

import pytest

from casedesk.domain.schema import (
    CATALOGUE,
    CHRONOLOGY_CATEGORIES,
    INT64_RANGE,
    STATUS_CATEGORIES,
    Category,
    FieldType,
    ValueRefused,
    canonical,
    canonical_fields,
    check_id,
    missing_required,
)
from casedesk.domain.vocab import StatusKind

CHILD = CATALOGUE["children"]
REFERRAL = CATALOGUE["referrals"]
ID = "01890a5d-ac96-774b-bcce-b302099a8057"


def test_catalogue_invariants() -> None:
    # one list of categories: a chronology entry's are a declared part of it, stored as they always were
    assert set(CHRONOLOGY_CATEGORIES) < set(Category)
    assert [c.value for c in CHRONOLOGY_CATEGORIES] == [
        *("education", "attendance", "behaviour", "send", "health", "social_care", "safeguarding", "youth_justice"),
        *("family", "general"),
    ]
    assert CATALOGUE["events"].by_name["category"].choices == tuple(c.value for c in CHRONOLOGY_CATEGORIES)
    assert set(STATUS_CATEGORIES) == {k.value for k in StatusKind}
    for record in CATALOGUE.values():
        for spec in record.fields:
            if spec.type is FieldType.INT:  # every integer has a range a device can store
                assert spec.minimum is not None and spec.maximum is not None
                assert INT64_RANGE[0] <= spec.minimum <= spec.maximum <= INT64_RANGE[1]
            if spec.type is FieldType.TEXT:
                assert spec.max_length
            if spec.required:  # a withheld category only ever empties optional fields
                assert spec.category in (None, record.category), (record.name, spec.name)
            if spec.default is not None:
                assert canonical(spec, spec.default) == spec.default
        if record.child_key not in (None, "id"):
            assert record.references[record.child_key] == "children"


@pytest.mark.parametrize(
    ("entity", "field", "value", "stored"),
    [
        ("children", "date_of_birth", "20120101", "2012-01-01"),  # basic format: stored as devices store it
        ("children", "date_of_birth", "2012-01-01", "2012-01-01"),
        ("events", "occurred_at", "2024-05-01T10:00:00+01:00", "2024-05-01T09:00:00+00:00"),
        ("events", "occurred_at", "2024-05-01T09:00:00.000000Z", "2024-05-01T09:00:00+00:00"),
        ("referrals", "ack_within_days", 60, 60),
        ("referrals", "inappropriate", False, False),
        ("referrals", "shared_sections", ["identity"], ["identity"]),
        ("children", "current_school_id", ID, ID),
        ("children", "sex", "F", "F"),
    ],
)
def test_values_are_stored_canonically(entity: str, field: str, value: object, stored: object) -> None:
    assert canonical(CATALOGUE[entity].by_name[field], value) == stored


@pytest.mark.parametrize(
    ("entity", "field", "value", "reason"),
    [
        ("referrals", "ack_within_days", 2**70, "22-digit number is outside 1–60"),
        ("referrals", "ack_within_days", 0, "outside 1–60"),
        ("referrals", "ack_within_days", True, "expected a whole number"),
        ("referrals", "ack_within_days", 5.0, "expected a whole number"),
        ("triage_results", "level", 9, "outside 1–4"),
        ("children", "given_name", 12345, "expected text"),
        ("children", "given_name", "x" * 101, "longer than 100"),
        ("children", "given_name", "Ann\x00", "NUL"),
        ("children", "sex", "X", "is not one of F, M, U"),
        ("referrals", "status", "lost", "is not one of"),
        ("children", "date_of_birth", "2012-13-01", "is not a date"),
        ("children", "date_of_birth", 20120101, "is not a date"),
        ("events", "occurred_at", "2024-05-01T10:00:00", "has no time zone"),
        ("events", "occurred_at", "0001-01-01T00:00:00+01:00", "is not a time"),
        ("referrals", "inappropriate", 1, "true or false"),
        ("referrals", "sharing", ["a"], "expected an object"),
        ("referrals", "shared_sections", {"a": 1}, "expected a list"),
        ("referrals", "referrer", {"n": float("nan")}, "NaN"),
        ("services", "document", {"x": "y" * 200_001}, "at most 200,000"),
        ("children", "current_school_id", "../../etc/passwd", "is not a record id"),
        ("children", "current_school_id", "1 OR 1=1; DROP TABLE records", "is not a record id"),
        ("children", "current_school_id", ID.upper(), "is not a record id"),
    ],
)
def test_values_a_device_could_not_store_are_refused(entity: str, field: str, value: object, reason: str) -> None:
    with pytest.raises(ValueRefused, match=reason):
        canonical(CATALOGUE[entity].by_name[field], value)


def test_unknown_fields_and_missing_required() -> None:
    with pytest.raises(ValueRefused, match="children has no field"):
        canonical_fields(CHILD, {"given_name": "Ann", "password": "x"})
    assert missing_required(CHILD, {"given_name": "Ann", "family_name": ""}) == ["date_of_birth", "family_name"]
    assert check_id(ID) == ID


def test_row_categories() -> None:
    periods, events = CATALOGUE["status_periods"], CATALOGUE["events"]
    assert periods.category_of({"kind": "child_protection_plan"}) is Category.SAFEGUARDING
    assert periods.category_of({"kind": "ehc_plan"}) is Category.SEND
    assert events.category_of({"category": "health"}) is Category.HEALTH
    assert events.category_of({"category": "from-a-newer-version"}) is Category.GENERAL
    assert CHILD.field_category("postcode", CHILD.category) is Category.CONTACT
    assert CHILD.field_category("upn", CHILD.category) is Category.IDENTITY


def test_a_device_refuses_only_what_it_cannot_store() -> None:
    from casedesk.domain.schema import storable

    fields = {**CATALOGUE["children"].by_name, **REFERRAL.by_name, **CATALOGUE["events"].by_name}
    for name, value in (("sex", "X"), ("given_name", "x" * 500), ("status", "a-status-from-a-newer-version")):
        storable(fields[name], value)  # the server's rules, not the device's: kept as received
    for name, value, why in (
        ("ack_within_days", 2**70, "outside 1–60"),
        ("date_of_birth", "2012-13-01", "is not a date"),
        ("occurred_at", "2026-06-01T10:00:00", "has no time zone"),
        ("given_name", 7, "expected text"),
        ("inappropriate", "yes", "true or false"),
        ("sharing", [], "expected an object"),
    ):
        with pytest.raises(ValueRefused, match=why):
            storable(fields[name], value)
