"""Writing session marks through the unit of work: one row per child per week, only the sessions that change.

A mark written where a different one is held **supersedes** it: the week row takes the new value (journaled, so
sync carries it, and audited with before and after) and a chronology entry of kind `attendance_correction` keeps
the originals — code, school and source — with the reason, so every device keeps what was there before. Writing
the mark already held changes nothing, which makes re-importing a period idempotent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from casedesk.domain.attendance.week import Mark, decode, week_id, week_start
from casedesk.domain.schema import Category
from casedesk.domain.vocab import EventKind
from casedesk.store import attendance_repo
from casedesk.store.uow import UnitOfWork


@dataclass
class Written:
    added: int = 0
    unchanged: int = 0
    corrected: list[tuple[str, Mark, Mark]] = field(default_factory=list)  # (child id, was, now)
    weeks: int = 0
    child_ids: set[str] = field(default_factory=set)


def write_marks(
    uow: UnitOfWork, marks: Iterable[tuple[str, Mark]], *, reason: str, today: date | None = None
) -> Written:
    """Write (child id, mark) pairs in the caller's unit of work; the caller has checked codes and sessions."""
    by_week: dict[tuple[str, date], dict[str, Mark]] = defaultdict(dict)
    for child_id, mark in marks:
        by_week[(child_id, week_start(mark.day))][mark.field] = mark
    written = Written()
    uow.flush()
    held = attendance_repo.weeks_of(uow.session, {child for child, _ in by_week})
    for (child_id, monday), sessions in by_week.items():
        row = held.get(child_id, {}).get(monday)
        values = {name: mark.encode() for name, mark in sessions.items()}
        if row is None:
            uow.insert(
                "attendance_weeks",
                {"id": week_id(child_id, monday), "child_id": child_id, "week_start": monday, **values},
            )
            written.added += len(values)
        else:
            changed = {name: value for name, value in values.items() if row.get(name) != value}
            written.unchanged += len(values) - len(changed)
            for name in changed:
                was = row.get(name)
                if was:
                    now = sessions[name]
                    written.corrected.append((child_id, decode(now.day, now.half, was), now))
                else:
                    written.added += 1
            if not changed:
                continue
            uow.update("attendance_weeks", row["id"], changed)
        written.weeks += 1
        written.child_ids.add(child_id)
    _keep_originals(uow, written.corrected, reason)
    uow.flush()
    attendance_repo.refresh_totals(uow.session, written.child_ids, today)
    return written


def _keep_originals(uow: UnitOfWork, corrected: list[tuple[str, Mark, Mark]], reason: str) -> None:
    """One chronology entry per child whose marks were superseded, holding each original."""
    per_child: dict[str, list[tuple[Mark, Mark]]] = defaultdict(list)
    for child_id, was, now in corrected:
        per_child[child_id].append((was, now))
    for child_id, pairs in per_child.items():
        pairs.sort(key=lambda p: (p[1].day, p[1].half))
        lines = [
            f"{now.day.strftime('%a %d %b %Y')} {now.half}: {was.code} → {now.code} "
            f"(was {was.source}{', school ' + was.school_id if was.school_id else ''})"
            for was, now in pairs
        ]
        first = pairs[0][1].day
        uow.insert(
            "events",
            {
                "child_id": child_id,
                "kind": EventKind.ATTENDANCE_CORRECTION.value,
                "occurred_at": datetime.combine(first, time(9), tzinfo=UTC),
                "recorded_at": uow.now,
                "author": uow.author,
                "category": Category.ATTENDANCE.value,
                "summary": f"Attendance corrected: {len(pairs)} session(s) from {first.strftime('%d %b %Y')}"[:300],
                "body": f"Reason: {reason}\n" + "\n".join(lines),
            },
        )
