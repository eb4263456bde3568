"""The demo's risk-of-exclusion patterns, so the cohort view and the alert rules have something real to show.

The chronology's suspensions fall on children at random; real ones do not. Social Finance found pupils with
social-care contact or social, emotional and mental health (SEMH) needs are 15% of pupils but hold 58% of multiple
suspensions. Run once over the generated rows (after the education records), with its own random stream:

- some children on SEN support whose primary need is another one also have SEMH as their secondary need;
- a child with neither social-care contact nor an SEMH need keeps each of their suspensions only sometimes: the
  others were never suspensions (the record goes; its chronology entry becomes an ordinary school note);
- a child with either, on a school's roll now and old enough, is more often suspended this school year (one or two
  suspensions at the current school, each with its chronology entry).

Coherence holds: suspensions only at the school a child is on the roll of, never below Year 2, never while home
educated; statuses are untouched apart from the secondary need.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from casedesk.domain.education.rules import academic_year_start, national_curriculum_year
from casedesk.domain.education.vocab import EXCLUSION_REASONS
from casedesk.domain.vocab import EventKind, Significance, StatusKind
from casedesk.services.demo import text

Row = dict[str, Any]
SOCIAL_CARE = (StatusKind.CHILD_IN_NEED, StatusKind.CHILD_PROTECTION_PLAN, StatusKind.LOOKED_AFTER)
SEMH_SECONDARY_SHARE = 0.3  # of children on SEN support for another need, SEMH as the secondary need too
KEEP_SUSPENSION = 0.4  # of a suspension of a child with neither social-care contact nor SEMH need
EXTRA_SUSPENSIONS = 0.45  # of children with either, on roll and old enough: suspended this school year
MIN_YEAR = 2
REASONS = ("PD", "PD", "VA", "PA", "VP", "DM")


class _Patterns:
    def __init__(self, data: Any, rng: random.Random, new_id: Callable[[], str], today: date) -> None:
        self.data, self.rng, self.new_id, self.today = data, rng, new_id, today
        self.statuses: dict[str, list[Row]] = defaultdict(list)
        for p in data.status_periods:
            self.statuses[p["child_id"]].append(p)
        self.workers: dict[str, list[Row]] = defaultdict(list)
        for w in data.workers:
            self.workers[w["organisation_id"]].append(w)
        self.schools = {o["id"]: o for o in data.organisations if o["kind"] == "school"}

    def _current(self, period: Row) -> bool:
        return period["start_date"] <= self.today and (period["end_date"] is None or period["end_date"] >= self.today)

    def semh_secondary(self) -> None:
        for period in self.data.status_periods:
            if (
                period["kind"] == StatusKind.SEN_SUPPORT
                and period.get("detail") not in (None, "SEMH", "NSA")
                and not period.get("secondary_detail")
                and self.rng.random() < SEMH_SECONDARY_SHARE
            ):
                period["secondary_detail"] = "SEMH"

    def at_risk(self, child_id: str) -> bool:
        sen = (StatusKind.SEN_SUPPORT, StatusKind.EHC_PLAN)
        return any(
            p["kind"] in SOCIAL_CARE or (p["kind"] in sen and "SEMH" in (p.get("detail"), p.get("secondary_detail")))
            for p in self.statuses[child_id]
        )

    def thin(self, risky: set[str]) -> None:
        """Suspensions of children at lower risk kept only sometimes; a dropped one's entry becomes a school note."""
        dropped: set[str] = set()
        reworded: dict[str, Row] = {}
        for row in self.data.exclusions:
            if row["kind"] == "suspension" and row["child_id"] not in risky and self.rng.random() >= KEEP_SUSPENSION:
                dropped.add(row["id"])
        self.data.exclusions[:] = [r for r in self.data.exclusions if r["id"] not in dropped]
        names = {c["id"]: c.get("preferred_name") or c["given_name"] for c in self.data.children}
        _, category, _, entries = text.EVENT_TEMPLATES[EventKind.NOTE]
        for event in self.data.events:  # originals first: an amendment follows what its original now says
            if event.get("related_id") in dropped and not event.get("amends_id"):
                summary, body, significance = self.rng.choice(entries)
                name = names[event["child_id"]]
                event.update(kind=EventKind.NOTE.value, category=category.value, summary=summary.format(name=name))
                event.update(body=body.format(name=name), significance=significance.value, related_id=None)
                reworded[event["id"]] = event
        for event in self.data.events:
            original = reworded.get(event.get("amends_id") or "")
            if original is not None:
                event.update({k: original[k] for k in ("kind", "category", "summary", "significance", "related_id")})
                event["body"] = f"{original['body']} Correction: date of the next review confirmed."

    def concentrate(self, risky: set[str]) -> None:
        on_roll = {e["child_id"]: e for e in self.data.enrolments if e["end_date"] is None}
        year_start = academic_year_start(self.today)
        for child in self.data.children:
            enrolment = on_roll.get(child["id"])
            if (
                child["id"] not in risky
                or enrolment is None
                or child.get("current_school_id") != enrolment["school_id"]
            ):
                continue
            if any(
                p["kind"] == StatusKind.ELECTIVE_HOME_EDUCATION and self._current(p) for p in self.statuses[child["id"]]
            ):
                continue
            first = max(year_start, enrolment["start_date"] + timedelta(days=14))
            days = (self.today - timedelta(days=3) - first).days
            if days < 10 or national_curriculum_year(child["date_of_birth"], self.today) < MIN_YEAR:
                continue
            if self.rng.random() >= EXTRA_SUSPENSIONS:
                continue
            for _ in range(self.rng.choice((1, 1, 2))):
                day = first + timedelta(days=self.rng.randrange(days))
                day -= timedelta(days=max(0, day.weekday() - 4))  # a school day
                self._suspend(child, self.schools[enrolment["school_id"]], day)

    def _suspend(self, child: Row, school: Row, day: date) -> None:
        reason = self.rng.choice(REASONS)
        sessions = self.rng.choice((1, 2, 2, 4, 6))
        back = day + timedelta(days=max(1, sessions // 2) + 1)
        row = {
            "id": self.new_id(),
            "child_id": child["id"],
            "school_id": school["id"],
            "kind": "suspension",
            "first_day": day,
            "sessions": sessions,
            "reason_1": reason,
            "reason_2": None,
            "reason_3": None,
            "reintegration_meeting": back if back <= self.today else None,
            "note": None,
        }
        self.data.exclusions.append(row)
        words = EXCLUSION_REASONS[reason]
        at = datetime.combine(day, time(14), UTC)
        staff = self.workers.get(school["id"]) or self.data.workers[:1]
        plural = "s" if sessions != 1 else ""
        self.data.events.append(
            {
                "id": self.new_id(),
                "child_id": child["id"],
                "kind": EventKind.SUSPENSION.value,
                "category": "education",
                "occurred_at": at,
                "recorded_at": min(at + timedelta(hours=2), datetime.combine(self.today, time(18), UTC)),
                "author": self.rng.choice(staff)["name"],
                "organisation_id": school["id"],
                "significance": Significance.SIGNIFICANT.value,
                "summary": f"Suspension ({sessions} session{plural}): {words}",
                "body": f"Suspended for {sessions} session{plural}. Reasons: {words}. Reintegration meeting on return.",
                "related_id": row["id"],
            }
        )


def add_risk_patterns(data: Any, seed: int, new_id: Callable[[], str], today: date) -> None:
    """Shape the generated rows (in place) so suspensions concentrate as they do in real areas."""
    patterns = _Patterns(data, random.Random(seed * 7_919), new_id, today)
    patterns.semh_secondary()
    risky = {c["id"] for c in data.children if patterns.at_risk(c["id"])}
    patterns.thin(risky)
    patterns.concentrate(risky)
