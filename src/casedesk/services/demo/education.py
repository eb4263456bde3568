"""The demo's education records, made coherent with the rest of the generated caseload.

Run once over the generated rows (`generate_demo`), with its own random stream so the children, statuses and
chronology of a seed stay as they were:

- the demo schools take their phase, type, postcode and status from the shipped register sample (by URN), and the
  register's other schools (a pupil referral unit, special schools, an alternative provision academy) join them;
- every child gets a school history: the current school from the start of its phase (a secondary pupil's primary
  school before it, left at the end of the phase), never starting after that school's first chronology entry;
- the chronology's suspension, permanent exclusion and managed move entries become records of their own (the
  entry then points at its record); a permanently excluded child leaves that school with that reason and joins
  another, which takes over its later entries and the named worker;
- a child home educated now left the school's roll the day before, has an EHE case for the EHE team's officer
  (first contact, visits and their outcomes), and no current school; one who returned went back to the same school,
  whose entries from the time away become the EHE team's;
- some secondary pupils are in alternative provision or on a part-time timetable (some past their planned end),
  and a few joined their school after a missing-education enquiry found them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from casedesk.domain.education.gias import parse_gias
from casedesk.domain.education.rules import FIRST_CONTACT_WORKING_DAYS, national_curriculum_year
from casedesk.domain.education.vocab import EXCLUSION_REASONS
from casedesk.domain.vocab import EventKind, Significance, StatusKind
from casedesk.domain.working_days import WEEKDAYS
from casedesk.paths import resource_path
from casedesk.services.demo import text

Row = dict[str, Any]
AP_SHARE = 0.03
PART_TIME_SHARE = 0.02
CME_SHARE = 0.006
MIN_YEAR_SUSPENDED = 2  # the demo suspends no child below Year 2 (nursery and infant exclusions are very rare)
PERMANENT_SHARE = 0.1  # of the chronology's permanent exclusion entries kept as such (the rest: suspensions)
MANAGED_MOVE_SHARE = 0.3  # of the chronology's managed move entries kept (the rest: discussed, not pursued)
MOVE_AFTER_SUSPENSIONS = 0.25  # of children with two or more suspensions this year, on a managed move trial now
_SUSPENSION_REASONS = {"persistent disruptive behaviour": "PD", "verbal abuse against an adult": "VA"}
_SECOND_REASONS = ("VA", "VP", "DM", "BU", "MT", "PA")


def _reception_year(born: date) -> int:
    """The calendar year whose September the child started Reception."""
    return born.year + 4 if (born.month, born.day) <= (8, 31) else born.year + 5


class _Education:
    def __init__(self, data: Any, rng: random.Random, new_id: Callable[[], str], today: date) -> None:
        self.data, self.rng, self.new_id, self.today = data, rng, new_id, today
        self.orgs = {o["id"]: o for o in data.organisations}
        self.workers: dict[str, list[Row]] = defaultdict(list)
        for w in data.workers:
            self.workers[w["organisation_id"]].append(w)
        self.events: dict[str, list[Row]] = defaultdict(list)
        for e in data.events:
            self.events[e["child_id"]].append(e)
        self.statuses: dict[str, list[Row]] = defaultdict(list)
        for p in data.status_periods:
            self.statuses[p["child_id"]].append(p)
        self.involvements: dict[str, list[Row]] = defaultdict(list)
        for i in data.involvements:
            self.involvements[i["child_id"]].append(i)

    # -- the register --------------------------------------------------------------------------------------
    def register(self) -> None:
        rows, problems = parse_gias(resource_path("schools", "gias_sample.csv").read_text(encoding="utf-8"))
        assert not problems, problems
        by_urn = {o["urn"]: o for o in self.data.organisations if o["kind"] == "school" and o.get("urn")}
        for row in rows:
            values = {k: row[k] for k in ("name", "la_code", "phase", "establishment_type", "postcode")}
            values["establishment_status"] = row["establishment_status"]
            if row["urn"] in by_urn:
                school = by_urn[row["urn"]]
                if school["name"] != row["name"]:  # another seed named this demo school otherwise: keep its words
                    primary = "Primary" in school["name"]
                    values.update(name=school["name"], phase="Primary" if primary else "Secondary")
                    values["establishment_type"] = (
                        "Academy converter" if "Academy" in school["name"] else ("Community school")
                    )
                school.update(values)
            else:
                org = {"id": self.new_id(), "kind": "school", "urn": row["urn"], "ods_code": None, **values}
                self.data.organisations.append(org)
                self.orgs[org["id"]] = org
        staffed = [o for o in self.data.organisations if o["kind"] == "school" and self.workers.get(o["id"])]
        self.primaries = [o for o in staffed if o.get("phase") == "Primary"]
        self.secondaries = [o for o in staffed if o.get("phase") == "Secondary"]
        self.provision = [
            o
            for o in self.data.organisations
            if o.get("establishment_type")
            and ("referral" in o["establishment_type"].lower() or "alternative" in o["establishment_type"].lower())
        ]
        self.ehe_team = next(o for o in self.data.organisations if "Home Education" in o["name"])

    # -- rows ---------------------------------------------------------------------------------------------------
    def _event(
        self,
        child: Row,
        kind: EventKind,
        on: date,
        summary: str,
        org_id: str | None,
        related: str,
        significance: Significance = Significance.NOTABLE,
    ) -> None:
        at = datetime.combine(on, time(9, 30), UTC)
        author = (
            self.rng.choice(self.workers[org_id])["name"] if org_id and self.workers.get(org_id) else "casedesk-demo"
        )
        self.data.events.append(
            {
                "id": self.new_id(),
                "child_id": child["id"],
                "kind": kind.value,
                "category": "education",
                "occurred_at": at,
                "recorded_at": min(at + timedelta(hours=3), datetime.combine(self.today, time(18), UTC)),
                "author": author,
                "organisation_id": org_id,
                "significance": significance.value,
                "summary": summary,
                "body": None,
                "related_id": related,
            }
        )

    def _enrol(self, child: Row, school: Row, start: date, end: date | None = None, reason: str | None = None) -> Row:
        row = {
            "id": self.new_id(),
            "child_id": child["id"],
            "school_id": school["id"],
            "start_date": start,
            "end_date": end,
            "leaving_reason": reason,
        }
        self.data.enrolments.append(row)
        if start >= self.today - timedelta(days=3 * 365):
            self._event(
                child,
                EventKind.ENROLMENT,
                start,
                f"Joined {school['name']}",
                school["id"],
                row["id"],
                Significance.ROUTINE,
            )
        return row

    def _other(self, school: Row) -> Row:
        pool = self.primaries if school.get("phase") == "Primary" else self.secondaries
        return self.rng.choice([s for s in pool if s["id"] != school["id"]])

    # -- one child ----------------------------------------------------------------------------------------------
    def child(self, child: Row) -> None:
        rng, today = self.rng, self.today
        school_inv = next(
            i for i in self.involvements[child["id"]] if self.orgs[i["organisation_id"]]["kind"] == "school"
        )
        school = self.orgs[school_inv["organisation_id"]]
        events = self.events[child["id"]]
        ehe = [p for p in self.statuses[child["id"]] if p["kind"] == StatusKind.ELECTIVE_HOME_EDUCATION]
        reception = _reception_year(child["date_of_birth"])
        phase_start = date(reception + (7 if school.get("phase") == "Secondary" else 0), 9, 1)
        from_school = [e["occurred_at"].date() for e in events if e["organisation_id"] == school["id"]]
        start = min([phase_start, today - timedelta(days=rng.randint(20, 200)), *from_school])
        if ehe:
            start = min(start, ehe[0]["start_date"] - timedelta(days=30))
        if school.get("phase") == "Secondary" and date(reception, 9, 1) < start:
            primary = rng.choice(self.primaries)
            self._enrol(
                child,
                primary,
                date(reception, 9, 1),
                min(start, date(reception + 7, 7, 22)) - timedelta(days=1),
                "phase_transfer",
            )
        elif not ehe and rng.random() < CME_SHARE and start > today - timedelta(days=2 * 365):
            self._found_after_cme(child, school, start)
        self._exclusions_and_moves(child, school, start, events, ehe)
        if ehe:
            self._home_education(child, school, start, ehe[0])
            return
        enrolment = self._enrol_current(child, school, start)
        if school.get("phase") == "Secondary" or enrolment["school_id"] != school["id"]:
            self._provision(child, self.orgs[enrolment["school_id"]])

    def _enrol_current(self, child: Row, school: Row, start: date) -> Row:
        """The enrolment at the current school (after a permanent exclusion, the school the child moved to)."""
        if child.get("_excluded"):
            day, new_school = child.pop("_excluded")
            self._enrol(child, school, start, day, "permanent_exclusion")
            return self._enrol(child, new_school, day + timedelta(days=1))
        return self._enrol(child, school, start)

    def _exclusions_and_moves(
        self, child: Row, school: Row, start: date, events: list[Row], home_periods: list[Row]
    ) -> None:
        home = bool(home_periods)
        rng = self.rng
        suspensions = []
        amendments: dict[str, list[Row]] = defaultdict(list)
        for event in events:
            if event.get("amends_id"):
                amendments[event["amends_id"]].append(event)
        for event in sorted(events, key=lambda e: e["occurred_at"]):
            kind = event["kind"]
            if event.get("amends_id"):
                continue  # follows its original below
            if kind not in (EventKind.SUSPENSION, EventKind.PERMANENT_EXCLUSION, EventKind.MANAGED_MOVE):
                continue
            day = event["occurred_at"].date()
            where = self.orgs[event["organisation_id"]]
            away = any(p["start_date"] <= day and (p["end_date"] is None or day <= p["end_date"]) for p in home_periods)
            infant = national_curriculum_year(child["date_of_birth"], day) < MIN_YEAR_SUSPENDED
            if where["kind"] != "school" or day < start or away or infant or child.get("_excluded"):
                # not at a school the child was on the roll of then (or too young to be excluded): a note instead
                self._recast(child, event, amendments, EventKind.NOTE)
                continue
            if kind == EventKind.MANAGED_MOVE and rng.random() >= MANAGED_MOVE_SHARE:
                self._recast(child, event, amendments, EventKind.MEETING)
                continue
            if kind == EventKind.MANAGED_MOVE:
                self._managed_move(child, where, day, event)
                self._follow(event, amendments)
                continue
            permanent = kind == EventKind.PERMANENT_EXCLUSION and not home and where["id"] == school["id"]
            permanent = permanent and rng.random() < PERMANENT_SHARE and day <= self.today - timedelta(days=7)
            if kind == EventKind.PERMANENT_EXCLUSION and not permanent:
                event["kind"] = EventKind.SUSPENSION.value
            first = (
                "PP"
                if kind == EventKind.PERMANENT_EXCLUSION
                else next(
                    (code for words, code in _SUSPENSION_REASONS.items() if words in event["summary"].lower()), "PD"
                )
            )
            reasons = [first] + (
                [rng.choice([r for r in _SECOND_REASONS if r != first])] if rng.random() < 0.35 else []
            )
            sessions = None if permanent else rng.choice((1, 2, 2, 2, 4, 4, 6, 10))
            row = {
                "id": self.new_id(),
                "child_id": child["id"],
                "school_id": where["id"],
                "kind": "permanent" if permanent else "suspension",
                "first_day": day,
                "sessions": sessions,
                "reason_1": reasons[0],
                "reason_2": reasons[1] if len(reasons) > 1 else None,
                "reason_3": None,
                "note": None,
            }
            words = EXCLUSION_REASONS[reasons[0]]
            if permanent:
                row.update(
                    governors_review=day + timedelta(days=12),
                    governors_decision="upheld" if day + timedelta(days=12) <= self.today else None,
                )
                event["summary"] = f"Permanent exclusion from {where['name']}: {words}"
                event["body"] = "Headteacher's decision. The governors review it within 15 school days."
                event["significance"] = Significance.CRITICAL.value
                new_school = self._other(where)
                child["_excluded"] = (day, new_school)
                self._hand_over(child, where, new_school, day)
            else:
                back = day + timedelta(days=max(1, (sessions or 2) // 2) + 1)
                row["reintegration_meeting"] = back if back <= self.today else None
                event["summary"] = f"Suspension ({sessions} session{'s' if sessions != 1 else ''}): {words}"
                event["body"] = (
                    f"Suspended for {sessions} session{'s' if sessions != 1 else ''}. Reasons: "
                    + "; ".join(EXCLUSION_REASONS[r] for r in reasons)
                    + ". Reintegration meeting to be held on return."
                )
                event["significance"] = Significance.SIGNIFICANT.value
                suspensions.append(row)
            event.update(category="education", related_id=row["id"])
            self._follow(event, amendments)
            self.data.exclusions.append(row)
        this_year = [s for s in suspensions if s["first_day"] >= self.today - timedelta(days=300)]
        running = [m for m in self.data.managed_moves[-3:] if m["child_id"] == child["id"] and not m["outcome"]]
        if (
            len(this_year) >= 2
            and not home
            and not running
            and not child.get("_excluded")
            and rng.random() < MOVE_AFTER_SUSPENSIONS
        ):
            day = max(this_year[-1]["first_day"] + timedelta(days=7), self.today - timedelta(days=rng.randint(7, 30)))
            if day <= self.today:
                fake = {"occurred_at": datetime.combine(day, time(10), UTC), "summary": "", "id": None}
                self._managed_move(child, school, day, fake)

    def _recast(self, child: Row, event: Row, amendments: dict[str, list[Row]], kind: EventKind) -> None:
        """An entry no record can stand behind becomes another kind of entry, with that kind's own words."""
        _, category, _, entries = text.EVENT_TEMPLATES[kind]
        summary, body, significance = self.rng.choice(entries)
        name = child.get("preferred_name") or child["given_name"]
        event.update(kind=kind.value, category=category.value, summary=summary.format(name=name))
        event.update(body=body.format(name=name), significance=significance.value)
        self._follow(event, amendments)

    @staticmethod
    def _follow(event: Row, amendments: dict[str, list[Row]]) -> None:
        """Amendments of a reworded entry say what it now says (and that they corrected it)."""
        for amendment in amendments[event["id"]]:
            amendment.update({k: event.get(k) for k in ("kind", "category", "summary", "significance", "related_id")})
            amendment["body"] = f"{event['body']} Correction: date of the next review confirmed."

    def _managed_move(self, child: Row, home: Row, day: date, event: Row) -> None:
        host = self._other(home)
        recent = day > self.today - timedelta(days=42)
        outcome = None if recent else self.rng.choice(("returned", "returned", "ended_early"))
        row = {
            "id": self.new_id(),
            "child_id": child["id"],
            "home_school_id": home["id"],
            "host_school_id": host["id"],
            "start_date": day,
            "trial_end_date": day + timedelta(days=42),
            "outcome": outcome,
            "outcome_date": None if recent else day + timedelta(days=self.rng.randint(20, 42)),
            "note": None,
        }
        self.data.managed_moves.append(row)
        summary = f"Managed move to {host['name']} started (trial until {day + timedelta(days=42):%d %b %Y})"
        if event.get("id"):
            body = f"Six-week trial at {host['name']} agreed with the parent."
            event.update(category="education", related_id=row["id"], summary=summary, body=body)
            event["significance"] = Significance.NOTABLE.value
        else:
            self._event(child, EventKind.MANAGED_MOVE, day, summary, home["id"], row["id"])

    def _hand_over(self, child: Row, old: Row, new: Row, day: date) -> None:
        """After a permanent exclusion the new school records what follows and names its own worker."""
        for event in self.events[child["id"]]:
            if event["organisation_id"] == old["id"] and event["occurred_at"].date() > day:
                event["organisation_id"] = new["id"]
                event["author"] = self.rng.choice(self.workers[new["id"]])["name"]
        for inv in self.involvements[child["id"]]:
            if inv["organisation_id"] == old["id"]:
                inv.update(organisation_id=new["id"], worker_id=self.rng.choice(self.workers[new["id"]])["id"])
        child["current_school_id"] = new["id"]

    def _home_education(self, child: Row, school: Row, start: date, period: Row) -> None:
        rng, today = self.rng, self.today
        left = period["start_date"]
        self._enrol(child, school, start, left - timedelta(days=1), "elective_home_education")
        officer = next(
            (i["worker_id"] for i in self.involvements[child["id"]] if i["organisation_id"] == self.ehe_team["id"]),
            None,
        )
        officer = officer or rng.choice(self.workers[self.ehe_team["id"]])["id"]
        due = WEEKDAYS.after(left, FIRST_CONTACT_WORKING_DAYS)
        contact = left + timedelta(days=rng.randint(3, 14))
        case = {
            "id": self.new_id(),
            "child_id": child["id"],
            "organisation_id": self.ehe_team["id"],
            "officer_id": officer,
            "previous_school_id": school["id"],
            "notified_on": left,
            "first_contact_due": due,
            "first_contact_on": contact if contact <= today else None,
            "status": "open",
            "closed_on": None,
            "note": None,
        }
        self.data.ehe_cases.append(case)
        self._event(
            child,
            EventKind.REMOVED_FROM_ROLL,
            left - timedelta(days=1),
            f"Removed from roll at {school['name']} for elective home education",
            school["id"],
            case["id"],
            Significance.SIGNIFICANT,
        )
        end = period["end_date"]
        visit, outcome = contact, None
        while visit <= min(today, end or today):
            outcome = "suitable" if rng.random() < 0.85 else "not_suitable"
            row = {
                "id": self.new_id(),
                "case_id": case["id"],
                "child_id": child["id"],
                "visited_on": visit,
                "outcome": outcome,
                "note": None,
            }
            self.data.ehe_visits.append(row)
            words = "suitable education" if outcome == "suitable" else "not suitable"
            self._event(
                child,
                EventKind.HOME_EDUCATION,
                visit,
                f"Home education visit: {words}",
                self.ehe_team["id"],
                row["id"],
                Significance.SIGNIFICANT if outcome == "not_suitable" else Significance.ROUTINE,
            )
            visit += timedelta(days=rng.randint(150, 200))
        if end is None:
            if outcome == "not_suitable" and rng.random() < 0.5:
                case["status"] = "school_attendance_order"
            return
        back = end + timedelta(days=1)
        case.update(status="returned_to_school", closed_on=back)
        team = self.workers[self.ehe_team["id"]]
        for event in self.events[child["id"]]:  # the school recorded nothing while the child was off its roll:
            if event["organisation_id"] == school["id"] and left <= event["occurred_at"].date() < back:
                event.update(organisation_id=self.ehe_team["id"], author=self.rng.choice(team)["name"])  # the team did
        self._enrol(child, school, back)

    def _provision(self, child: Row, school: Row) -> None:
        rng, today = self.rng, self.today
        roll = rng.random()
        if roll < AP_SHARE and self.provision:
            provider = rng.choice(self.provision)
            start = today - timedelta(days=rng.randint(10, 250))
            planned = start + timedelta(weeks=12)
            ended = planned if planned < today - timedelta(days=30) else None
            self._add_provision(
                child,
                "alternative_provision",
                provider["name"],
                provider["id"],
                rng.randint(2, 6),
                start,
                planned,
                start + timedelta(weeks=6),
                ended,
            )
        elif roll < AP_SHARE + PART_TIME_SHARE:
            start = today - timedelta(days=rng.randint(10, 150))
            planned = start + timedelta(weeks=6)
            ended = planned if planned < today and rng.random() < 0.5 else None
            self._add_provision(
                child,
                "part_time_timetable",
                school["name"],
                school["id"],
                rng.randint(4, 8),
                start,
                planned,
                start + timedelta(weeks=3),
                ended,
            )

    def _add_provision(
        self,
        child: Row,
        kind: str,
        provider: str,
        provider_id: str,
        sessions: int,
        start: date,
        planned: date,
        review: date,
        ended: date | None,
    ) -> None:
        row = {
            "id": self.new_id(),
            "child_id": child["id"],
            "kind": kind,
            "provider": provider,
            "provider_id": provider_id,
            "sessions_per_week": sessions,
            "start_date": start,
            "planned_end_date": planned,
            "review_date": review,
            "end_date": ended,
            "note": None,
        }
        self.data.provisions.append(row)
        words = "Alternative provision" if kind == "alternative_provision" else "Part-time timetable"
        event_kind = (
            EventKind.ALTERNATIVE_PROVISION if kind == "alternative_provision" else EventKind.PART_TIME_TIMETABLE
        )
        self._event(
            child,
            event_kind,
            start,
            f"{words}: {provider}, {sessions} sessions a week until {planned:%d %b %Y}",
            provider_id,
            row["id"],
        )

    def _found_after_cme(self, child: Row, school: Row, start: date) -> None:
        """The child came to this school after a missing-education enquiry found them."""
        rng = self.rng
        before = self._other(school)
        self._enrol(child, before, start - timedelta(days=400), start - timedelta(days=45), "missing_education")
        opened = start - timedelta(days=44)
        enquiry = {
            "id": self.new_id(),
            "child_id": child["id"],
            "opened_on": opened,
            "reason": "absent_ten_days",
            "outcome": "found_in_school",
            "closed_on": start,
            "note": None,
        }
        self.data.cme_enquiries.append(enquiry)
        self._event(
            child,
            EventKind.MISSING_EDUCATION,
            opened,
            "Missing education enquiry opened: absent 10+ school days without permission",
            None,
            enquiry["id"],
            Significance.SIGNIFICANT,
        )
        for n, step in enumerate(("school_enquiries", "home_visit", "other_la")[: rng.randint(2, 3)]):
            row = {
                "id": self.new_id(),
                "enquiry_id": enquiry["id"],
                "child_id": child["id"],
                "done_on": opened + timedelta(days=3 + 7 * n),
                "step": step,
                "note": None,
            }
            self.data.cme_steps.append(row)
        self._event(
            child,
            EventKind.MISSING_EDUCATION,
            start,
            f"Missing education enquiry closed: found on the roll of {school['name']}",
            None,
            enquiry["id"],
        )


def add_education(data: Any, seed: int, new_id: Callable[[], str], today: date) -> None:
    """Add the education records to the generated demo rows (in place)."""
    education = _Education(data, random.Random(seed * 104_729), new_id, today)
    education.register()
    for child in data.children:
        education.child(child)
