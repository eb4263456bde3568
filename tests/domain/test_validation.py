"""The child-details rules shared by the form, the import and the services."""

from __future__ import annotations

from datetime import date

from casedesk.domain.validation import normalise_child, validate_child

TODAY = date(2026, 11, 23)


def _child(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "given_name": "  Amara ",
        "family_name": "Osei",
        "date_of_birth": date(2013, 4, 5),
        "upn": "b801 2000 05001",
        "nhs_number": "943 476 5870",
        "postcode": "sw1a1aa",
        "sex": "f",
    }
    values.update(changes)
    return normalise_child(values)


def test_normalising_tidies_what_was_typed() -> None:
    values = _child(preferred_name="   ", town=" Leeds   City ")
    assert values["given_name"] == "Amara" and values["preferred_name"] is None and values["town"] == "Leeds City"
    assert values["upn"] == "B801200005001" and values["nhs_number"] == "9434765870"
    assert values["postcode"] == "SW1A 1AA" and values["sex"] == "F"


def test_a_good_child_has_no_problems() -> None:
    report = validate_child(_child(), TODAY)
    assert report.ok and not report.warnings


def test_each_bad_field_is_named_with_a_plain_message() -> None:
    report = validate_child(
        _child(
            given_name="",
            upn="A801200005001",
            nhs_number="1234567890",
            postcode="NOT A POSTCODE",
            date_of_birth=date(2035, 1, 1),
            la_code="38",
            sex="X",
        ),
        TODAY,
    )
    fields = {f for f, _ in report.errors}
    assert fields == {"given_name", "upn", "nhs_number", "postcode", "date_of_birth", "la_code", "sex"}
    assert "cannot be in the future" in report.messages_for("date_of_birth")[0]
    assert "check letter" in report.messages_for("upn")[0]


def test_upn_and_reason_rules() -> None:
    assert validate_child(_child(upn=None), TODAY).messages_for("upn")  # school age, no UPN: a warning
    assert validate_child(_child(upn=None), TODAY).ok
    assert not validate_child(_child(upn=None, upn_unknown_reason="UN4"), TODAY).warnings
    both = validate_child(_child(upn_unknown_reason="UN4"), TODAY)
    assert not both.ok and "not both" in both.messages_for("upn")[0]
    assert not validate_child(_child(upn=None, upn_unknown_reason="UN9"), TODAY).ok
    toddler = validate_child(_child(upn=None, date_of_birth=date(2024, 1, 1)), TODAY)
    assert toddler.ok and not toddler.warnings


def test_warnings_do_not_block() -> None:
    report = validate_child(_child(date_of_birth=date(1990, 1, 1)), TODAY)
    assert report.ok and report.messages_for("date_of_birth")


def test_free_text_lengths_come_from_the_record_catalogue() -> None:
    report = validate_child(_child(town="T" * 101, gender="g" * 61, address_line1="a" * 200), TODAY)
    assert report.messages_for("town") == ["Town is at most 100 characters."]
    assert report.messages_for("gender") == ["Gender is at most 60 characters."]
    assert report.messages_for("address_line1") == []
