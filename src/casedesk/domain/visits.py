"""What a home visit records, beyond a free-text note: who was seen, whether the child was seen alone, the child's
own words, and the next actions with who owns each and by when.

Serious case reviews keep finding the same gaps: the child not seen, or not seen alone; their voice missing;
actions agreed with no owner or date. A visit note asks for each in its own field, checks them, and writes them
into the chronology entry's text under fixed headings, so the record, the PDF and every receiving agency read the
same words (the chronology holds text; no new record type is needed to carry them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SEEN_ALONE = {
    "yes": "Yes",
    "no_declined": "No: the child or family declined",
    "no_not_possible": "No: it was not possible on this visit",
    "no_child_not_seen": "No: the child was not seen",
}


@dataclass(frozen=True, slots=True)
class NextAction:
    what: str
    owner: str
    due: date | None


@dataclass(frozen=True, slots=True)
class VisitNote:
    who_was_seen: str
    seen_alone: str  # a key of SEEN_ALONE
    childs_words: str
    actions: tuple[NextAction, ...] = ()
    notes: str = ""

    def problems(self, today: date) -> list[tuple[str, str]]:
        """What must be fixed before the note is saved, field by field."""
        found: list[tuple[str, str]] = []
        if not self.who_was_seen.strip():
            found.append(("who_was_seen", "Say who was seen on the visit (the child, parents or carers, others)."))
        if self.seen_alone not in SEEN_ALONE:
            found.append(("seen_alone", "Say whether the child was seen alone."))
        child_seen = self.seen_alone != "no_child_not_seen"
        if child_seen and self.seen_alone in SEEN_ALONE and not self.childs_words.strip():
            found.append(("childs_words", "Record what the child said, in their words (or that they said nothing)."))
        for number, action in enumerate(self.actions, start=1):
            if not action.what.strip():
                found.append((f"action {number}", f"Next action {number}: say what is to be done."))
            if not action.owner.strip():
                found.append((f"action {number}", f"Next action {number}: say who will do it."))
            if action.due is None:
                found.append((f"action {number}", f"Next action {number}: say by when."))
            elif action.due < today:
                found.append((f"action {number}", f"Next action {number}: the date is in the past."))
        return found

    def body(self) -> str:
        """The chronology entry's text: each part under its heading, the free note last."""
        lines = [
            f"Who was seen: {self.who_was_seen.strip()}",
            f"Child seen alone: {SEEN_ALONE.get(self.seen_alone, self.seen_alone)}",
        ]
        if self.childs_words.strip():
            lines.append(f"In the child's words: \u201c{self.childs_words.strip()}\u201d")
        if self.actions:
            lines.append("Next actions:")
            lines += [
                f"\u2022 {a.what.strip()} \u2014 {a.owner.strip()}, by {a.due:%d %b %Y}" for a in self.actions if a.due
            ]
        text = "\n".join(lines)
        return f"{text}\n\n{self.notes.strip()}" if self.notes.strip() else text
