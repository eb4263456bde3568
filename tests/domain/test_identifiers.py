"""Identifier validators against DOMAIN.md's worked examples and generated cases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casedesk.domain import identifiers as ids

DIGITS = "0123456789"


def test_worked_examples_from_domain_md() -> None:
    assert ids.upn_is_valid("B801200005001")
    assert not ids.upn_is_valid("A801200005001")
    assert ids.nhs_number_is_valid("9434765870")
    assert ids.nhs_number_is_valid("943 476 5870")
    assert ids.uln_is_valid("9999999999")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "enter the upn"),
        ("B80120000500", "13 characters"),
        ("B8012000050011", "13 characters"),
        ("B80120000500!", "letter, then 11 digits"),
        ("A801200005001", "check letter"),
        ("I801200005001", "i, o or s"),
    ],
)
def test_upn_explanations(text: str, words: str) -> None:
    check = ids.check_upn(text)
    assert not check.ok and words in check.errors[0].lower()


def test_unknown_la_code_is_a_warning_not_a_rejection() -> None:
    upn = ids.make_upn("942", "2001", 24, 5)  # Cumberland: created 2023, not on the CIN 1530 list
    check = ids.check_upn(upn)
    assert check.ok and "942" in check.warnings[0]
    assert not ids.check_upn(ids.make_upn("383", "2001", 24, 5)).warnings  # Leeds is known


def test_temporary_upn_final_letter_counts_with_its_letter_value() -> None:
    body = "38320012400"
    for letter in ids.UPN_LETTERS:
        check_letter = ids.upn_check_letter(body + letter)
        check = ids.check_upn(check_letter + body + letter)
        assert check.ok and "temporary" in check.warnings[0]


def test_spaces_and_lower_case_are_tolerated() -> None:
    assert ids.check_upn(" b801 2000 05001 ").value == "B801200005001"
    assert ids.upn_is_valid("b801200005001")


@given(
    st.sampled_from(sorted(ids.known_la_codes())),
    st.text(DIGITS, min_size=4, max_size=4),
    st.integers(0, 99),
    st.integers(0, 999),
    st.integers(1, 12),
    st.sampled_from(DIGITS),
)
def test_generated_upns_valid_and_any_single_digit_change_is_caught(
    la: str, estab: str, year: int, serial: int, position: int, digit: str
) -> None:
    upn = ids.make_upn(la, estab, year, serial)
    assert ids.upn_is_valid(upn) and not ids.check_upn(upn).warnings
    changed = upn[:position] + digit + upn[position + 1 :]
    assert ids.upn_is_valid(changed) == (changed == upn)


@given(st.text(DIGITS, min_size=9, max_size=9), st.integers(0, 9), st.sampled_from(DIGITS))
def test_generated_nhs_numbers_and_single_digit_errors(first_nine: str, position: int, digit: str) -> None:
    number = ids.make_nhs_number(first_nine)
    if number is None:  # a remainder of 1 gives check 10: no valid number begins with these digits
        assert all(not ids.nhs_number_is_valid(first_nine + d) for d in DIGITS)
        return
    assert ids.nhs_number_is_valid(number)
    changed = number[:position] + digit + number[position + 1 :]
    assert ids.nhs_number_is_valid(changed) == (changed == number)


@given(st.text(DIGITS, min_size=9, max_size=9), st.integers(0, 8))
def test_nhs_adjacent_transpositions_are_caught(first_nine: str, position: int) -> None:
    number = ids.make_nhs_number(first_nine)
    if number is None or number[position] == number[position + 1]:
        return
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    assert not ids.nhs_number_is_valid(swapped)


def test_nhs_test_numbers_warn_and_bad_shapes_explain() -> None:
    number = ids.make_nhs_number("999000001")
    assert number and ids.check_nhs_number(number).ok and "test number" in ids.check_nhs_number(number).warnings[0]
    assert "10 digits" in ids.check_nhs_number("94347658").errors[0]
    assert "check digit" in ids.check_nhs_number("9434765871").errors[0]


@given(st.text(DIGITS, min_size=9, max_size=9))
def test_generated_ulns(first_nine: str) -> None:
    uln = ids.make_uln(first_nine)
    weighted = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    if weighted % 11 == 0:
        assert uln is None and not any(
            ids.uln_is_valid(first_nine + d) for d in DIGITS if first_nine + d != "9999999999"
        )
        return
    assert uln is not None and ids.uln_is_valid(uln)
    wrong = uln[:9] + str((int(uln[9]) + 1) % 10)
    assert not ids.uln_is_valid(wrong) or wrong == "9999999999"


@pytest.mark.parametrize(
    ("text", "normal", "district"),
    [
        ("sw1a1aa", "SW1A 1AA", "SW1A"),
        ("LS6 3AB", "LS6 3AB", "LS6"),
        ("m1 1ae", "M1 1AE", "M1"),
        ("EC1A 1BB", "EC1A 1BB", "EC1A"),
        ("CR2 6XH", "CR2 6XH", "CR2"),
        ("DN55 1PT", "DN55 1PT", "DN55"),
    ],
)
def test_valid_postcodes(text: str, normal: str, district: str) -> None:
    check = ids.check_postcode(text)
    assert check.ok and check.value == normal and ids.postcode_district(text) == district


@pytest.mark.parametrize("text", ["NOT A POSTCODE", "12345", "Q1 1AA", "SW1A 1AAA", "LS6 3CI", ""])
def test_invalid_postcodes(text: str) -> None:
    assert not ids.postcode_is_valid(text) and ids.postcode_district(text) is None
