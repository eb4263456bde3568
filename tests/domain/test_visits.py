"""A home visit note: who was seen, seen alone, the child's words, next actions with owners and dates."""

from __future__ import annotations

from datetime import date

from casedesk.domain.visits import NextAction, VisitNote

TODAY = date(2026, 11, 30)


def test_a_complete_visit_reads_under_its_headings() -> None:
    note = VisitNote(
        who_was_seen="Finley and his mother",
        seen_alone="yes",
        childs_words="I don't like mornings because of the shouting",
        actions=(NextAction("Ask school about a soft start", "Lee Davis", date(2026, 12, 5)),),
        notes="House warm and tidy.",
    )
    assert note.problems(TODAY) == []
    assert note.body() == (
        "Who was seen: Finley and his mother\n"
        "Child seen alone: Yes\n"
        "In the child's words: \u201cI don't like mornings because of the shouting\u201d\n"
        "Next actions:\n"
        "\u2022 Ask school about a soft start \u2014 Lee Davis, by 05 Dec 2026\n\n"
        "House warm and tidy."
    )


def test_gaps_are_named_field_by_field() -> None:
    note = VisitNote(
        who_was_seen=" ",
        seen_alone="",
        childs_words="",
        actions=(NextAction("Call the GP", "", None), NextAction("", "Sam", date(2026, 11, 1))),
    )
    problems = dict(note.problems(TODAY))
    messages = [m for _, m in note.problems(TODAY)]
    assert set(problems) == {"who_was_seen", "seen_alone", "action 1", "action 2"}
    assert "Next action 1: say who will do it." in messages and "Next action 1: say by when." in messages
    assert (
        "Next action 2: the date is in the past." in messages and "Next action 2: say what is to be done." in messages
    )


def test_the_childs_words_are_required_only_when_the_child_was_seen() -> None:
    seen = VisitNote("Mother", "no_declined", "")
    not_seen = VisitNote("Mother", "no_child_not_seen", "")
    assert [f for f, _ in seen.problems(TODAY)] == ["childs_words"]
    assert not_seen.problems(TODAY) == [] and "Child seen alone: No: the child was not seen" in not_seen.body()
