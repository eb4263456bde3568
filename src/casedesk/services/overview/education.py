"""The Overview's education and home-education cards, from the education summary (services/education/summary.py):
the current school and year group, moves, suspensions this term / this year / ever, provision, and the elective
home education case or missing-education enquiry, with what needs attention."""

from __future__ import annotations

from casedesk.services.education.summary import EducationSummary, summarise, view_from_record
from casedesk.services.overview.registry import Card, OverviewSource, register


def _summary(source: OverviewSource) -> EducationSummary:
    """One summary for both cards (read once per Overview)."""
    if "education" not in source.cache:
        v = source.view
        view = view_from_record(source.db, v.child, v.statuses, v.events, v.organisations, v.workers, source.today)
        source.cache["education"] = summarise(view, source.today)
    summary: EducationSummary = source.cache["education"]
    return summary


@register("education", 10)
def education_card(source: OverviewSource) -> Card:
    s = _summary(source)
    lines = [f"{s.school} · {s.year}" + (f" · on roll since {s.on_roll_since:%d %b %Y}" if s.on_roll_since else "")]
    c = s.suspensions
    if c.ever or c.permanent:
        lines.append(
            f"Suspensions: {c.term} this term, {c.year} this school year, {c.ever} in all"
            + (f"; permanently excluded {c.permanent} time(s)" if c.permanent else "")
        )
    if s.moves:
        lines.append(f"{s.moves} move(s); latest: {s.moves_text[0]}")
    lines.extend(s.provision)
    no_school = s.school == "No current school" and not s.home_education
    return Card(
        "education",
        "Education",
        tuple(lines),
        "school",
        recorded_by=s.recorded_by,
        recorded_at=s.recorded_at,
        flags=tuple(f for f in s.flags if not f.startswith(("First contact", "Missing education")))
        + (("No current school",) if no_school else ()),
    )


@register("home_education", 50)
def home_education_card(source: OverviewSource) -> Card | None:
    s = _summary(source)
    if not s.home_education and not s.missing_education:
        return None  # never home educated or missing education: no card
    lines = [line for line in (s.home_education, s.missing_education) if line]
    return Card(
        "home_education",
        "Home education" if s.home_education else "Missing education",
        tuple(lines),
        "home_education",
        recorded_by=s.recorded_by,
        recorded_at=s.recorded_at,
        flags=tuple(f for f in s.flags if f.startswith(("First contact", "Missing education"))),
    )
