"""The Overview's attendance card: this academic year's attendance with persistent or severe absence flagged, the
last four weeks beside it, and the national rate for all pupils (with its year). It says who last wrote marks for
the child, and when (the newest audit entry of the child's weeks: an import or a typed mark)."""

from __future__ import annotations

from casedesk.services.attendance.service import AttendanceService
from casedesk.services.overview.registry import Card, OverviewSource, register
from casedesk.store import attendance_repo
from casedesk.store import repositories as repo


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


@register("attendance", 12)
def attendance_card(source: OverviewSource) -> Card:
    view = AttendanceService(source.db, "").child(source.child_id, today=source.today)
    if not view.marks:
        return Card("attendance", "Attendance", ("No attendance marks held.",), "attendance", empty=True)
    year, recent = view.summaries.year, view.summaries.last_four_weeks
    lines = [
        f"{year.label}: {_pct(year.attendance_rate)} attendance, {year.absent} of {year.possible} possible "
        f"sessions missed ({year.unauthorised} unauthorised)"
    ]
    if recent is not None:
        lines.append(f"Last four weeks: {_pct(recent.attendance_rate)} attendance")
    if view.national:
        everyone = view.national[0]
        lines.append(f"National absence, all pupils: {everyone.absence_rate:.1f}% ({everyone.year})")
    flags = ["Severe absence (50% or more missed)"] if year.severe else []
    if year.persistent and not year.severe:
        flags.append("Persistent absence (10% or more missed)")
    with source.db.session() as session:
        weeks = attendance_repo.weeks_of(session, [source.child_id]).get(source.child_id, {})
        entries = repo.audit_entries_for(session, [row["id"] for row in weeks.values()])
    last = max(entries, key=lambda e: e.seq, default=None)
    return Card(
        "attendance",
        "Attendance",
        tuple(lines),
        "attendance",
        recorded_by=last.actor if last else None,
        recorded_at=last.at if last else None,
        flags=tuple(flags),
    )
