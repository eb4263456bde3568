"""Demo casework that fits each child's statuses: EHC plans behind EHC plan periods, allocated social workers and
CP categories on care periods, a PEP each term for a looked-after child, youth justice outcomes for a child known
to youth justice — each with the chronology entries it would have written. Never a PEP for a child not looked
after, never a plan step in the future.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from casedesk.domain.casework import care, send
from casedesk.domain.casework.youth_justice import ORDERS, OutcomeKind
from casedesk.domain.schema import Category
from casedesk.domain.vocab import SEN_PRIMARY_NEEDS, EventKind, OrgKind, Significance, StatusKind
from casedesk.domain.working_days import WEEKDAYS

Row = dict[str, Any]
# Categories of abuse on child protection plans, roughly as the national CIN census splits them.
CP_CATEGORIES = {"NEG": 50, "EMO": 37, "PHY": 7, "SAB": 3, "MUL": 3}
LATE_EHC_SHARE = 0.4  # about half of plans nationally are issued within 20 weeks
TARGETS = (
    "Reading age up by a year; daily reading with carer",
    "Attendance above 95%; a trusted adult check-in each morning",
    "Maths catch-up tutoring twice a week",
)
PROGRESS = (
    "Settled in school; reading improving, attendance 96% this term.",
    "Some missed sessions after the placement move; tutoring started.",
    "Good progress in English; needs support with friendships.",
)
YJ_OFFENCES = ("Theft from a shop", "Criminal damage", "Possession of cannabis", "Common assault")


class CaseworkGenerator:
    """Writes casework rows for one child at a time into the demo's lists (`rows[entity]`)."""

    def __init__(
        self,
        rng: random.Random,
        today: date,
        new_id: Callable[[], str],
        rows: dict[str, list[Row]],
        event: Callable[..., None],
        since: date,
        social_workers: list[Row],
    ) -> None:
        self.rng, self.today, self.new_id, self.rows, self._event = rng, today, new_id, rows, event
        self.since = since  # the chronology starts here: a record's earlier steps are held but not chronicled
        self.social_workers = social_workers
        self.named: dict[str, str] = {}

    def event(self, child: Row, kind: EventKind, category: Category, day: date, *rest: Any) -> None:
        if self.since <= day <= self.today:
            self._event(child, kind, category, day, *rest)

    def child(
        self,
        child: Row,
        periods: list[Row],
        agencies: dict[OrgKind, Row],
        staff: dict[str, list[Row]],
        named: dict[str, str],
    ) -> None:
        """`named` is the child's named worker at each organisation involved: the same people hold the casework."""
        self.named = named
        for period in periods:
            kind = period["kind"]
            if kind == StatusKind.EHC_PLAN and period["detail"] == "NSA":
                period["detail"] = "SLCN"  # NSA (no specialist assessment) is only valid with SEN support
            if kind in (StatusKind.CHILD_IN_NEED, StatusKind.CHILD_PROTECTION_PLAN, StatusKind.LOOKED_AFTER):
                # The allocated social worker comes from children's social care, whoever else is involved.
                period["worker_id"] = self._worker(self.social_workers[0]["organisation_id"], self.social_workers)["id"]
                if kind == StatusKind.CHILD_PROTECTION_PLAN:
                    period["detail"] = self.rng.choices(list(CP_CATEGORIES), list(CP_CATEGORIES.values()))[0]
            if kind in (StatusKind.SEN_SUPPORT, StatusKind.EHC_PLAN) and self.rng.random() < 0.3:
                period["secondary_detail"] = self.rng.choice(sorted(set(SEN_PRIMARY_NEEDS) - {period["detail"], "NSA"}))
            if kind == StatusKind.EHC_PLAN:
                self._ehc_plan(child, period, agencies.get(OrgKind.SCHOOL), child.get("_left_school"))
            if kind == StatusKind.LOOKED_AFTER:
                self._peps(child, period, agencies, staff)
            if kind == StatusKind.YOUTH_JUSTICE and OrgKind.YOUTH_JUSTICE in agencies:
                self._youth_justice(child, period, agencies[OrgKind.YOUTH_JUSTICE], staff)

    def _worker(self, org_id: str, staff: list[Row]) -> Row:
        """The child's named worker at the organisation, else one of its staff."""
        wanted = self.named.get(org_id)
        return next((w for w in staff if w["id"] == wanted), None) or self.rng.choice(staff)

    def _ehc_plan(self, child: Row, period: Row, school: Row | None, left_school: date | None) -> None:
        issued: date = period["start_date"]
        weeks = self.rng.randint(21, 30) if self.rng.random() < LATE_EHC_SHARE else self.rng.randint(14, 20)
        requested = issued - timedelta(weeks=weeks)
        decided = requested + timedelta(weeks=self.rng.randint(4, 6))
        primary = period["detail"]
        reviewed = None
        review = send.review_due(issued, None, child["date_of_birth"])
        if review < min(self.today, period["end_date"] or self.today):
            reviewed = review - timedelta(days=self.rng.randint(0, 20))
        plan = {"id": self.new_id(), "child_id": child["id"], "requested_on": requested}
        plan.update(assessment_decided_on=decided, assessment_decision="agreed", issued_on=issued)
        plan.update(last_review_on=reviewed, ceased_on=period["end_date"], primary_need=primary)
        plan.update(secondary_need=period.get("secondary_detail"), organisation_id=None, caseworker_id=None)
        self.rows["ehc_plans"].append(plan)
        name = child.get("preferred_name") or child["given_name"]
        late = weeks > 20
        steps = [
            (
                requested,
                "EHC needs assessment requested",
                f"School requested an EHC needs assessment for {name}.",
                False,
            ),
            (decided, "Agreed to assess (EHC needs assessment)", "The local authority agreed to assess.", False),
            (
                issued,
                f"EHC plan issued, week {weeks} of 20: primary need {send.need_label(primary)}",
                f"Final plan issued. Late: due by {requested + send.ISSUE_WITHIN:%d %b %Y}."
                if late
                else "Final plan issued.",
                True,
            ),
        ]
        if reviewed:
            steps.append((reviewed, "EHC plan annual review held", "Annual review held; outcomes updated.", False))
        if period["end_date"]:
            steps.append((period["end_date"], "EHC plan ceased", "Plan ceased after review.", True))
        for day, summary, body, notable in steps:
            # The school records the steps while the child is on its roll (never after they leave).
            org = school["id"] if school and (left_school is None or day < left_school) else None
            significance = Significance.NOTABLE if notable or (late and "issued" in summary) else Significance.ROUTINE
            self.event(child, EventKind.EHC_PLAN, Category.SEND, day, summary, body, significance, org, plan["id"])

    def _peps(self, child: Row, period: Row, agencies: dict[OrgKind, Row], staff: dict[str, list[Row]]) -> None:
        school = agencies.get(OrgKind.SCHOOL)
        virtual_school = agencies.get(OrgKind.VIRTUAL_SCHOOL)
        officer = self._worker(virtual_school["id"], staff[virtual_school["id"]]) if virtual_school else None
        teacher = self._worker(school["id"], staff[school["id"]])["name"] if school else None
        end: date = period["end_date"] or self.today
        held = care.first_pep_due(period["start_date"], WEEKDAYS) - timedelta(days=self.rng.randint(0, 5))
        while held <= end and held <= self.today:
            due = care.next_pep_due(held)
            pep = {"id": self.new_id(), "child_id": child["id"], "held_on": held, "next_due_on": due}
            pep.update(
                school_id=child["current_school_id"], designated_teacher=teacher if child["current_school_id"] else None
            )
            pep.update(officer_id=officer["id"] if officer else None, targets=self.rng.choice(TARGETS))
            pep["progress"] = self.rng.choice(PROGRESS)
            self.rows["peps"].append(pep)
            self.event(
                child,
                EventKind.PEP,
                Category.SOCIAL_CARE,
                held,
                f"Personal education plan (PEP) meeting; next due by {due:%d %b %Y}",
                f"Targets: {pep['targets']}\\nProgress: {pep['progress']}",
                Significance.ROUTINE,
                virtual_school["id"] if virtual_school else None,
                pep["id"],
            )
            # Most PEPs are held in time; one in ten slips past its due date.
            held = (
                due - timedelta(days=self.rng.randint(5, 40)) if self.rng.random() > 0.1 else due + timedelta(days=14)
            )

    def _youth_justice(self, child: Row, period: Row, service: Row, staff: dict[str, list[Row]]) -> None:
        start: date = period["start_date"]
        kinds = list(OutcomeKind)
        kind = self.rng.choices(kinds, (30, 25, 15, 18, 10, 2))[0]
        manager = self._worker(service["id"], staff[service["id"]])
        end = None
        if kind in ORDERS:
            end = start + timedelta(days=self.rng.choice((180, 270, 365)))
        outcome = {"id": self.new_id(), "child_id": child["id"], "kind": kind.value, "outcome_on": start}
        outcome.update(end_date=end, organisation_id=service["id"], case_manager_id=manager["id"])
        outcome.update(offence=self.rng.choice(YJ_OFFENCES), notes=None)
        self.rows["youth_justice_outcomes"].append(outcome)
        significance = (
            Significance.CRITICAL
            if kind.custody
            else (Significance.SIGNIFICANT if kind.in_court else Significance.NOTABLE)
        )
        body = f"Offence: {outcome['offence']}.\\nCase manager: {manager['name']}."
        self.event(
            child,
            EventKind.YOUTH_JUSTICE_OUTCOME,
            Category.YOUTH_JUSTICE,
            start,
            kind.label,
            body,
            significance,
            service["id"],
            outcome["id"],
        )


def at_midday(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)
