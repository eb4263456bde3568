"""The Overview's education and home-education cards.

They show what the child's record holds about school today (the current school and an elective home education
period); the school history, suspensions, moves and provision summary replaces these lines when it is recorded.
"""

from __future__ import annotations

from casedesk.domain.schema import Category
from casedesk.domain.vocab import StatusKind
from casedesk.services.overview.registry import Card, OverviewSource, register


@register("education", 10)
def education_card(source: OverviewSource) -> Card:
    child = source.view.child
    school = source.organisation(child.current_school_id)
    home = [
        p for p in source.view.statuses if p.kind == StatusKind.ELECTIVE_HOME_EDUCATION and p.is_current(source.today)
    ]
    lines = [
        f"School: {school}" if school else ("No school: electively home educated" if home else "No current school")
    ]
    latest = source.latest_of((Category.EDUCATION,))
    return Card(
        "education",
        "Education",
        tuple(lines),
        "details",
        recorded_by=latest.author if latest else None,
        recorded_at=latest.recorded_at if latest else None,
        flags=() if school or home else ("No current school",),
    )


@register("home_education", 50)
def home_education_card(source: OverviewSource) -> Card | None:
    periods = [p for p in source.view.statuses if p.kind == StatusKind.ELECTIVE_HOME_EDUCATION]
    if not periods:
        return None  # never home educated: no card
    last = max(periods, key=lambda p: p.start_date)
    if last.is_current(source.today):
        lines = [f"Electively home educated since {last.start_date:%d %b %Y}"]
    else:
        lines = [f"Home educated {last.start_date:%d %b %Y} – {last.end_date:%d %b %Y}"]
    officer = next(
        (i for i in source.view.involvements if i.role == "ehe_officer" and i.is_current(source.today)), None
    )
    if officer is not None:
        lines.append(f"EHE officer: {source.worker(officer.worker_id) or 'not named'}")
    latest = source.latest_of((Category.EDUCATION,))
    return Card(
        "home_education",
        "Home education",
        tuple(lines),
        "statuses",
        recorded_by=latest.author if latest else None,
        recorded_at=latest.recorded_at if latest else None,
    )
