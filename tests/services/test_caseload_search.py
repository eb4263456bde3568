"""The caseload search's full-text index (FTS5, trigram): pieces in any order, accents folded, kept current."""

from __future__ import annotations

from datetime import date

from casedesk.services.caseload import CaseloadFilter, indexed_matches, load_caseload, no_match_message
from casedesk.store.database import Database


def _add(db: Database, given: str, family: str, born: date, **extra: object) -> str:
    with db.unit_of_work("tester") as uow:
        return uow.insert("children", {"given_name": given, "family_name": family, "date_of_birth": born, **extra})


def test_index_finds_pieces_in_any_order_identifiers_and_dates(db: Database) -> None:
    zoe = _add(db, "Zoë", "O'Brien-Smithers", date(2012, 5, 17), upn="B801200005001")
    tom = _add(db, "Tom", "Hale", date(2015, 9, 30), nhs_number="9434765870")
    assert indexed_matches(db, "smithers zoe") == [zoe]  # reversed order, accent folded
    assert indexed_matches(db, "0120000") == [zoe]  # part of a UPN
    assert indexed_matches(db, "476587") == [tom]  # part of an NHS number
    assert indexed_matches(db, "17/05/2012") == [zoe] and indexed_matches(db, "2015-09") == [tom]
    assert indexed_matches(db, "zo") is None  # too short to look up: the caller matches in memory
    assert indexed_matches(db, 'ha"le') == []  # quotes are escaped, not a syntax error


def test_index_follows_edits_and_tombstones(db: Database) -> None:
    child = _add(db, "Amara", "Osei", date(2013, 4, 5))
    with db.unit_of_work("tester") as uow:
        uow.update("children", child, {"family_name": "Mensah", "preferred_name": "Mara"})
    assert indexed_matches(db, "osei") == [] and indexed_matches(db, "mensah") == [child]
    assert indexed_matches(db, "mara mensah") == [child]
    with db.unit_of_work("tester") as uow:
        uow.delete("children", child, reason="recorded twice")
    assert indexed_matches(db, "mensah") == []


def test_caseload_ranks_index_hits_then_typos(db: Database) -> None:
    jonathan = _add(db, "Jonathan", "Smithers", date(2012, 5, 17))
    jon = _add(db, "Jon", "Smith", date(2011, 1, 1))
    rows = load_caseload(db)
    found = CaseloadFilter(text="smith jon").apply(rows, indexed_matches(db, "smith jon"))
    assert {r.child_id for r in found} == {jonathan, jon}
    misspelt = CaseloadFilter(text="Jonathon Smithers").apply(rows, indexed_matches(db, "Jonathon Smithers"))
    assert misspelt and misspelt[0].child_id == jonathan  # no index hit for the typo: fuzzy ranking finds him


def test_a_misspelt_single_name_finds_the_child(db: Database) -> None:
    ava, leo, maya = (_add(db, given, "Smith", date(2012, 1, n + 1)) for n, given in enumerate(("Ava", "Leo", "Maya")))
    smiths = {ava, leo, maya}
    boyle = _add(db, "Callum", "Boyle", date(2011, 3, 4))
    olivia = _add(db, "Olivia", "Grant", date(2013, 6, 7))
    _add(db, "Tim", "Hale", date(2014, 2, 2))
    rows = load_caseload(db)

    def search(text: str) -> list[str]:
        return [r.child_id for r in CaseloadFilter(text=text).apply(rows, indexed_matches(db, text))]

    assert set(search("smiht")) == smiths  # the surname alone, two letters swapped
    assert search("Boyel") == [boyle]
    assert search("Olivai") == [olivia]  # a given name alone
    assert search("smiht ava")[0] == ava
    assert search("tom") == []  # a short name is not stretched to "Tim"
    assert search("zzzzz") == []


def test_no_match_message_names_what_was_typed() -> None:
    assert no_match_message(" smiht ") == "No child matches 'smiht' — check the spelling, or add a new child."
