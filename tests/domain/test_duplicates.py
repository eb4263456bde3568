"""The duplicate finder on hand-built cases: what it finds, what it must not (twins, siblings), and its evidence."""

from __future__ import annotations

from datetime import date

import pytest

from casedesk.domain.duplicates import (
    Person,
    Verdict,
    block_keys,
    compare,
    duplicates_of,
    find_duplicates,
    is_typo_date,
)
from casedesk.domain.identifiers import make_nhs_number, make_upn
from casedesk.domain.records import Child

BORN = date(2014, 3, 12)
UPN_A, UPN_B = make_upn("383", "2001", 18, 1), make_upn("383", "2001", 18, 2)
NHS_A = make_nhs_number("943476587")


def person(pid: str, given: str, family: str, born: date | None = BORN, **more: object) -> Person:
    base: dict[str, object] = {"sex": "F", "postcode": "LS6 2AB"}
    return Person(pid, given, family, born, **{**base, **more})  # type: ignore[arg-type]


def pairs(*people: Person) -> set[frozenset[str]]:
    return {c.pair for c in find_duplicates(people)}


@pytest.mark.parametrize(
    ("given", "family", "born", "postcode"),
    [
        ("Jesica", "Okafor", BORN, "LS6 2AB"),  # a typo in the first name
        ("Mcx", "Okafor", BORN, "LS6 2AB"),  # a short name, mistyped
        ("Jessica", "Okafro", BORN, "LS6 2AB"),  # two letters swapped in the surname
        ("Okafor", "Jessica", BORN, None),  # first and last names swapped, no postcode
        ("Jessica", "Brown", BORN, "LS6 2AB"),  # a changed surname, same home
        ("Jessica", "Okafor", date(2014, 12, 3), "LS6 2AB"),  # day and month swapped
        ("Jessica", "Okafor", date(2014, 3, 13), "LS6 2AB"),  # one digit of the date
        ("Jessica", "Okafor", BORN, "LS11 9ZZ"),  # moved house
        ("Jessica", "Okafor-Brown", BORN, "LS6 2AB"),  # a double-barrelled surname
    ],
)
def test_finds_the_same_child_recorded_twice(given: str, family: str, born: date, postcode: str | None) -> None:
    original = person("a", "Max" if given == "Mcx" else "Jessica", "Okafor")
    second = person("b", given, family, born, postcode=postcode)
    assert pairs(original, second) == {frozenset("ab")}


def test_the_preferred_name_typed_as_first_name_is_the_same_child() -> None:
    assert pairs(person("a", "Alexander", "Shah", preferred_name="Alex"), person("b", "Alex", "Shah"))


def test_twins_are_not_duplicates() -> None:
    """Same surname, birthday and home: a different first name is what tells twins apart."""
    assert not pairs(person("a", "Amara", "Okafor"), person("b", "Zara", "Okafor"))
    assert not pairs(person("a", "Carolyn", "Okafor"), person("b", "Carol", "Okafor"))  # sharing a beginning
    assert not pairs(person("a", "Ellie", "Okafor", sex="F"), person("b", "Elliot", "Okafor", sex="M"))
    twins = compare(person("a", "Ella", "Okafor", upn=UPN_A), person("b", "Ellie", "Okafor", upn=UPN_B))
    assert twins.score < 0.5 and any(e.field == "upn" and e.verdict is Verdict.DIFFERENT for e in twins.evidence)


def test_siblings_and_namesakes_are_not_duplicates() -> None:
    assert not pairs(person("a", "Jessica", "Okafor"), person("b", "Jessica", "Okafor", date(2016, 7, 1)))
    # the same first name and birthday, elsewhere: common across a large caseload, not enough alone
    assert not pairs(person("a", "Oliver", "Smith"), person("b", "Oliver", "Patel", postcode="LS20 1AA"))


def test_a_shared_identifier_is_near_proof_and_different_ones_near_disproof() -> None:
    moved = pairs(
        person("a", "Jessica", "Okafor", upn=UPN_A), person("b", "Jess", "Brown", postcode="LS9 1AA", upn=UPN_A)
    )
    assert moved == {frozenset("ab")}
    same_nhs = compare(
        person("a", "Jessica", "Okafor", nhs_number=NHS_A), person("b", "Jessica", "Brown", nhs_number=NHS_A)
    )
    assert same_nhs.strength in ("certain", "probable") and same_nhs.score > 0.9
    assert not pairs(person("a", "Jessica", "Okafor", upn=UPN_A), person("b", "Jessica", "Okafor", upn=UPN_B))


def test_evidence_says_why_in_plain_words() -> None:
    candidate = compare(person("b", "Jesica", "Okafor", upn=UPN_A), person("a", "Jessica", "Okafor", upn=UPN_A))
    assert (candidate.first_id, candidate.second_id) == ("a", "b")
    by_field = {e.field: e for e in candidate.evidence}
    assert by_field["upn"].verdict is Verdict.SAME and UPN_A in by_field["upn"].detail
    assert by_field["given_name"].verdict is Verdict.SIMILAR and "Jesica" in by_field["given_name"].detail
    assert by_field["date_of_birth"].verdict is Verdict.SAME
    assert candidate.strength == "certain" and candidate.points == sum(e.points for e in candidate.evidence)


def test_accepts_device_children_and_server_rows() -> None:
    child = Child("a", "Jessica", "Okafor", BORN, sex="F", postcode="ls6 2ab", upn=UPN_A)
    row = {"given_name": "Jessica", "family_name": "Okafor", "date_of_birth": "2014-03-12", "upn": UPN_A.lower()}
    found = find_duplicates([child, Person.of(row, row_id="b")])
    assert [c.pair for c in found] == [frozenset("ab")]
    assert Person.of(child).postcode == "LS6 2AB"


def test_pairs_marked_as_two_children_are_left_out() -> None:
    a, b = person("a", "Jessica", "Okafor"), person("b", "Jesica", "Okafor")
    assert find_duplicates([a, b], not_duplicates={frozenset("ab")}) == []
    assert duplicates_of(a, [a, b], not_duplicates={frozenset("ab")}) == []


def test_duplicates_of_one_child_strongest_first() -> None:
    me = person("a", "Jessica", "Okafor", upn=UPN_A)
    others = [person("b", "Jesica", "Okafor"), person("c", "Jessica", "Okafor", upn=UPN_A), person("d", "Zara", "Li")]
    assert [c.other("a") for c in duplicates_of(me, others)] == ["c", "b"]


def test_blocking_files_swapped_names_under_one_key() -> None:
    straight, swapped = person("a", "Jessica", "Okafor", None), person("b", "Okafor", "Jessica", None)
    assert set(block_keys(straight)) & set(block_keys(swapped))


def test_typo_dates() -> None:
    assert is_typo_date(date(2014, 3, 12), date(2014, 3, 21))  # adjacent digits swapped
    assert is_typo_date(date(2014, 3, 12), date(2015, 3, 12))
    assert is_typo_date(date(2014, 3, 12), date(2014, 12, 3))
    assert not is_typo_date(date(2014, 3, 12), date(2016, 7, 1))


def test_a_lower_threshold_still_compares_every_blocked_pair() -> None:
    """The finder skips pairs that cannot reach the default threshold; asked for less, it compares them all."""
    twins = [person("a", "Amara", "Okafor"), person("b", "Zara", "Okafor")]
    assert not find_duplicates(twins)
    [candidate] = find_duplicates(twins, threshold=-100)
    assert candidate.points == compare(*twins).points and candidate.score < 0.5
