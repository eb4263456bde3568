"""Matching a return's child to the server's children: identifiers first, then a score that takes only a
certain answer (twins, changed surnames and typos wait for a person)."""

from __future__ import annotations

from datetime import date

from casedesk.domain.feed.matching import Candidate, Method, match
from casedesk.domain.feed.records import FeedChild, Source
from casedesk.domain.identifiers import make_nhs_number, make_upn

BORN = date(2012, 5, 1)
UPN = make_upn("383", "2000", 12, 1)
NHS = make_nhs_number("943476587")
assert NHS is not None


def _feed(**values: object) -> FeedChild:
    base: dict[str, object] = {
        "source": Source.CIN,
        "la_child_id": "C1",
        "date_of_birth": BORN,
        "given_name": "Amy",
        "family_name": "Smith",
        "postcode": "LS6 3AB",
    }
    return FeedChild(**{**base, **values})  # type: ignore[arg-type]


def _child(child_id: str, given: str = "Amy", family: str = "Smith", **values: object) -> Candidate:
    base: dict[str, object] = {"date_of_birth": BORN, "postcode": "LS6 3AB"}
    return Candidate(child_id, given, family, **{**base, **values})  # type: ignore[arg-type]


def test_a_valid_upn_held_by_one_child_matches_it_whatever_the_name() -> None:
    found = match(_feed(upn=UPN, given_name="Amelia"), [_child("a", upn=UPN), _child("b")])
    assert (found.child_id, found.method, found.score) == ("a", Method.UPN, 100)


def test_a_former_upn_matches_too() -> None:
    found = match(_feed(upn=make_upn("383", "2000", 12, 9), former_upn=UPN), [_child("a", upn=UPN)])
    assert found.child_id == "a" and found.method is Method.UPN


def test_a_upn_with_a_wrong_check_letter_is_not_used() -> None:
    wrong = "A" + UPN[1:] if UPN[0] != "A" else "B" + UPN[1:]
    found = match(_feed(upn=wrong, given_name="Zed", family_name="Q"), [_child("a", upn=wrong)])
    assert found.child_id is None and not found.offers


def test_a_upn_held_by_two_children_goes_to_a_person_with_both() -> None:
    found = match(_feed(upn=UPN), [_child("a", upn=UPN), _child("b", "Ben", upn=UPN)])
    assert found.child_id is None and {o.child_id for o in found.offers} == {"a", "b"}


def test_a_upn_match_with_another_date_of_birth_waits_for_a_person() -> None:
    found = match(_feed(upn=UPN), [_child("a", upn=UPN, date_of_birth=date(2011, 5, 1))])
    assert found.child_id is None and [o.child_id for o in found.offers] == ["a"]
    assert "date of birth differs" in found.reason


def test_the_nhs_number_matches_when_there_is_no_upn() -> None:
    found = match(_feed(nhs_number=NHS), [_child("a", nhs_number=NHS), _child("b")])
    assert (found.child_id, found.method) == ("a", Method.NHS_NUMBER)


def test_the_same_name_birthday_and_postcode_matches_only_one_child() -> None:
    found = match(_feed(), [_child("a"), _child("b", "Ben")])
    assert (found.child_id, found.method, found.score) == ("a", Method.NAME_DOB_POSTCODE, 100)


def test_twins_are_never_taken_for_each_other() -> None:
    twins = [_child("amy", "Amy"), _child("ben", "Ben")]
    assert match(_feed(given_name="Ben"), twins).child_id == "ben"
    unknown_twin = match(_feed(given_name="Cara"), twins)
    assert unknown_twin.child_id is None


def test_a_changed_surname_is_offered_never_taken() -> None:
    found = match(_feed(family_name="Jones"), [_child("a")])
    assert found.child_id is None and [o.child_id for o in found.offers] == ["a"]
    assert 60 <= found.offers[0].score < 100 and "family name" in found.offers[0].evidence


def test_a_typo_in_the_name_is_offered_never_taken() -> None:
    found = match(_feed(given_name="Aimy"), [_child("a")])
    assert found.child_id is None and found.offers[0].child_id == "a" and found.offers[0].score >= 90


def test_two_children_with_the_same_name_birthday_and_postcode_wait_for_a_person() -> None:
    found = match(_feed(), [_child("a"), _child("b")])
    assert found.child_id is None and {o.child_id for o in found.offers} == {"a", "b"}


def test_another_birthday_or_no_name_finds_nothing() -> None:
    assert not match(_feed(date_of_birth=date(2012, 5, 2)), [_child("a")]).offers
    nameless = match(_feed(given_name=None, family_name=None), [_child("a")])
    assert nameless.child_id is None and "no name" in nameless.reason
