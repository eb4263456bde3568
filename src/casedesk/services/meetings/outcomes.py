"""Outcomes of multi-agency meetings for the local authority: decisions made, time from referral to panel and from
panel to decision, and actions completed on time — counts with small numbers suppressed.

Every table goes through the shared disclosure control (`casedesk.domain.disclosure`): each row is a count of
children's parts (or of actions) counted once, so each table shows its total and the cells withheld are the small
ones and any that the total would give away; the on-time rate is withheld where a small count lies behind it.
Counted from what this device holds: the meetings' children its organisation may see.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from casedesk.domain import disclosure
from casedesk.domain.meetings.records import Meeting, MeetingItem, PlanAction
from casedesk.domain.meetings.rules import ActionState, action_state
from casedesk.domain.meetings.vocab import Decision, MeetingKind
from casedesk.domain.vocab import label_of
from casedesk.store import meetings_repo as mrepo
from casedesk.store.database import Database

# (upper bound in days, label): the first band whose bound the wait does not exceed
WAIT_BANDS: tuple[tuple[int, str], ...] = (
    (0, "Same day"),
    (14, "Within 2 weeks"),
    (28, "2 to 4 weeks"),
    (91, "1 to 3 months"),
)
LONGER = "Over 3 months"
ACTION_ROWS = (
    (ActionState.DONE, "Done on time"),
    (ActionState.DONE_LATE, "Done late"),
    (ActionState.OVERDUE, "Overdue"),
    (ActionState.DUE_SOON, "Due within a week"),
    (ActionState.IN_PROGRESS, "Open, not yet due"),
    (ActionState.NOT_STARTED, "Open, not yet due"),
    (ActionState.CANCELLED, "No longer needed"),
)


def band(days: int) -> str:
    for bound, label in WAIT_BANDS:
        if days <= bound:
            return label
    return LONGER


@dataclass(frozen=True)
class CountTable:
    """One table of counts, each thing counted once, so its rows add up to the total shown beneath them."""

    title: str
    rows: tuple[tuple[str, int], ...]

    def display(self) -> list[tuple[str, str]]:
        """The rows and their total as shown outside the database: suppressed (`disclosure.MARK`)."""
        if not self.rows:
            return []
        return [(label, count) for label, count in disclosure.protect_list(self.rows, "Count").display()]


@dataclass(frozen=True)
class MeetingOutcomes:
    since: date | None
    meetings: int
    children_discussed: int  # not shown beside the tables: with them it would give a small cell away
    tables: tuple[CountTable, ...]
    done: int
    on_time: int

    @property
    def on_time_rate(self) -> str:
        """Share of done actions done by their due date, withheld when it would show a small count."""
        if self.done == 0:
            return "no actions done yet"
        share = disclosure.rate(self.on_time, self.done)
        if share is None:
            return "withheld (too few actions to show safely)"
        return f"{share:.0f}% ({self.on_time:,} of {self.done:,})"


def _ordered(title: str, counter: Counter[str], order: list[str]) -> CountTable:
    labels = [label for label in order if label in counter] + sorted(set(counter) - set(order))
    return CountTable(title, tuple((label, counter[label]) for label in labels))


def meeting_outcomes(db: Database, today: date, since: date | None = None) -> MeetingOutcomes:
    with db.session() as session:
        meetings = {m.id: m for m in mrepo.rows(session, Meeting) if since is None or m.held_on >= since}
        items = [i for i in mrepo.rows(session, MeetingItem) if i.meeting_id in meetings]
        actions = [a for a in mrepo.rows(session, PlanAction) if since is None or a.due_on >= since]
    kinds, decisions = Counter[str](), Counter[str]()
    to_panel, to_decision = Counter[str](), Counter[str]()
    for item in items:
        meeting = meetings[item.meeting_id]
        kinds[meeting.kind_label] += 1
        decisions[label_of(Decision, item.decision) if item.decision else "No decision recorded"] += 1
        held = meeting.held_on
        to_panel[band((held - item.referred_on).days) if item.referred_on else "Referral date not recorded"] += 1
        if item.decided_on is not None:
            to_decision[band((item.decided_on - held).days)] += 1
        else:
            to_decision["No decision yet (deferred or not recorded)"] += 1
    states = Counter[str]()
    done = on_time = 0
    for action in actions:
        state = action_state(action, today)
        states[dict(ACTION_ROWS)[state]] += 1
        if state in (ActionState.DONE, ActionState.DONE_LATE):
            done += 1
            on_time += state is ActionState.DONE
    bands = [label for _, label in WAIT_BANDS] + [LONGER]
    return MeetingOutcomes(
        since=since,
        meetings=len({i.meeting_id for i in items}),
        children_discussed=len({i.child_id for i in items}),
        tables=(
            _ordered("Children discussed by kind of meeting", kinds, [k.label for k in MeetingKind]),
            _ordered("Decisions made", decisions, [label_of(Decision, d) for d in Decision]),
            _ordered("Time from referral to the meeting", to_panel, bands),
            _ordered("Time from the meeting to the decision", to_decision, bands),
            _ordered("Plan actions", states, list(dict.fromkeys(label for _, label in ACTION_ROWS))),
        ),
        done=done,
        on_time=on_time,
    )
