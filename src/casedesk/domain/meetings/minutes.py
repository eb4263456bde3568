"""The words of one child's chronology entry from a meeting: a summary line and a body.

Built from the meeting's header and that child's part only, so an entry never mentions another child discussed
at the same panel; agencies are named, people only as the header names them (professionals, never family).
"""

from __future__ import annotations

from collections.abc import Mapping

from casedesk.domain.meetings.records import Meeting, MeetingItem
from casedesk.domain.meetings.vocab import Decision, Presence
from casedesk.domain.vocab import label_of


def decision_words(item: MeetingItem) -> str:
    """The decision as a person reads it: the chosen code's words, then the recorded wording."""
    if item.decision is None:
        return "No decision recorded yet"
    label = label_of(Decision, item.decision)
    return f"{label}: {item.decision_text}" if item.decision_text else label


def summary_line(meeting: Meeting, item: MeetingItem) -> str:
    return f"{meeting.kind_label} on {meeting.held_on:%d %b %Y}: {decision_words(item)}"[:300]


def _agencies(meeting: Meeting, presence: str, names: Mapping[str, str]) -> str:
    people = [p for p in meeting.people() if p.presence == presence]
    sent = ", report sent" if presence == Presence.REPORT_SENT else ""
    return "; ".join(f"{p.name} ({names.get(p.organisation_id or '', 'agency not held')}{sent})" for p in people)


def part_text(item: MeetingItem) -> str:
    """The child's part: question, the family's part, discussion, decision and reasons."""
    parts = [f"Question brought: {item.question}"]
    if item.referred_on:
        parts.append(f"Referred on: {item.referred_on:%d %b %Y}")
    if item.family_attended:
        parts.append(f"Family present: {item.family_attended}")
    if item.family_views:
        parts.append(f"The child's and family's views: {item.family_views}")
    if item.discussion:
        parts.append(f"Discussion: {item.discussion}")
    parts.append(f"Decision: {decision_words(item)}")
    if item.reasons:
        parts.append(f"Reasons: {item.reasons}")
    return "\n\n".join(parts)


def header_text(meeting: Meeting, org_names: Mapping[str, str]) -> str:
    """Who chaired, who was present and who sent apologies, each person with their agency."""
    parts = [f"Chair: {meeting.chair}"]
    present = _agencies(meeting, Presence.PRESENT, org_names)
    if present:
        parts.append(f"Present: {present}")
    apologies = "; ".join(
        filter(None, (_agencies(meeting, p, org_names) for p in (Presence.APOLOGIES, Presence.REPORT_SENT)))
    )
    if apologies:
        parts.append(f"Apologies: {apologies}")
    return "\n\n".join(parts)


def entry_body(meeting: Meeting, item: MeetingItem, org_names: Mapping[str, str]) -> str:
    """The child's chronology entry: their part, then who chaired and who took part."""
    return f"{part_text(item)}\n\n{header_text(meeting, org_names)}"
