"""SEND: SEN provision over time (status periods with primary and secondary need) and EHC plans with their clock.

SEN provision is one line over time: none, SEN support or an EHC plan. Recording a provision ends the one before
it the day before (an EHC plan replaces SEN support, domain/coherence.py), so the two never overlap. An EHC plan
record carries the statutory dates; issuing the plan starts the EHC plan provision, ceasing it ends it.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date, timedelta
from typing import Any

from casedesk.domain.casework import send as rules
from casedesk.domain.casework.records import EhcPlan
from casedesk.domain.records import Changes
from casedesk.domain.schema import Category
from casedesk.domain.vocab import EventKind, Significance, StatusKind
from casedesk.services.casework.checks import known, not_future, raise_if
from casedesk.services.casework.chronicle import chronicle
from casedesk.store import casework_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database

SEN_KINDS = (StatusKind.SEN_SUPPORT.value, StatusKind.EHC_PLAN.value)
_EDITABLE = {f.name for f in fields(EhcPlan)} - {"id", "child_id"}
# The chronology line each EHC date writes when it is first recorded (or changed).
_STEP_WORDS = {
    "requested_on": "EHC needs assessment requested",
    "assessment_decided_on": "Decision on EHC needs assessment",
    "issued_on": "EHC plan issued",
    "last_review_on": "EHC plan annual review held",
    "ceased_on": "EHC plan ceased",
}


class SendService:
    def __init__(self, db: Database, author: str) -> None:
        self.db = db
        self.author = author

    def plans(self, child_id: str) -> list[EhcPlan]:
        with self.db.session() as session:
            return casework_repo.for_child(session, EhcPlan, child_id)

    # -- SEN provision ---------------------------------------------------------------------------------------
    def set_provision(
        self,
        child_id: str,
        provision: str,
        start: date,
        primary_need: str | None = None,
        secondary_need: str | None = None,
        today: date | None = None,
    ) -> tuple[str | None, Changes]:
        """From `start` the child has this provision (N none, K SEN support, E EHC plan); the one before ends."""
        errors = self._provision_errors(provision, primary_need, secondary_need)
        not_future(errors, today or date.today(), start_date=start)
        with self.db.session() as session:
            current = [p for p in repo.statuses_for_child(session, child_id) if p.kind in SEN_KINDS]
        if any(p.start_date >= start for p in current if p.end_date is None or p.end_date >= start):
            errors.append(("start_date", "A SEN provision is already recorded from that date or later."))
        raise_if(errors, "Please correct the SEN provision.")
        with self.db.unit_of_work(self.author) as uow:
            row_id = self._write_provision(uow, child_id, provision, start, primary_need, secondary_need, current)
        return row_id, uow.changes

    @staticmethod
    def _provision_errors(provision: str, primary: str | None, secondary: str | None) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        if provision not in rules.SEN_PROVISION:
            errors.append(("provision", "Unknown SEN provision."))
        for name, code in (("primary_need", primary), ("secondary_need", secondary)):
            if code is not None and code not in rules.NEEDS:
                errors.append((name, "Unknown need code."))
        if provision in rules.PROVISION_STATUS and not primary:
            errors.append(("primary_need", "Give the primary need (NSA when not yet assessed)."))
        if "NSA" in (primary, secondary) and provision != "K":
            errors.append(("primary_need", "NSA is only valid with SEN support."))
        if secondary and secondary == primary:
            errors.append(("secondary_need", "The same as the primary need."))
        return errors

    def _write_provision(
        self,
        uow: Any,
        child_id: str,
        provision: str,
        start: date,
        primary: str | None,
        secondary: str | None,
        current: list[Any],
        *,
        chronicled: bool = True,
    ) -> str | None:
        for period in current:
            if period.end_date is None or period.end_date >= start:
                uow.update("status_periods", period.id, {"end_date": start - timedelta(days=1)})
        row_id = None
        words = rules.SEN_PROVISION[provision]
        if provision in rules.PROVISION_STATUS:
            values = {"child_id": child_id, "kind": rules.PROVISION_STATUS[provision], "start_date": start}
            row_id = uow.insert("status_periods", {**values, "detail": primary, "secondary_detail": secondary})
            words += f": primary need {rules.need_label(primary)}"
            words += f", secondary need {rules.need_label(secondary)}" if secondary else ""
        if not chronicled:  # the EHC plan's own entry ("EHC plan issued") says it
            return row_id
        chronicle(
            uow,
            self.author,
            child_id,
            kind=EventKind.STATUS_CHANGE,
            category=Category.SEND,
            summary=f"SEN provision from {start:%d %b %Y}: {words}",
            on=start,
            related_id=row_id,
            significance=Significance.NOTABLE if provision == "E" else Significance.ROUTINE,
        )
        return row_id

    # -- EHC plans -------------------------------------------------------------------------------------------
    def save_plan(
        self, child_id: str, values: dict[str, Any], plan_id: str | None = None, today: date | None = None
    ) -> tuple[str, Changes]:
        """Record a request for an EHC needs assessment or later dates of it; each new date is a chronology entry.

        Issuing the plan starts the EHC plan provision (ending SEN support the day before); ceasing it ends it.
        """
        today = today or date.today()
        unknown = set(values) - _EDITABLE
        if unknown:
            raise ValueError(f"not an EHC plan field: {', '.join(sorted(unknown))}")
        with self.db.session() as session:
            before = casework_repo.get(session, EhcPlan, plan_id) if plan_id else None
            child = repo.get_child(session, child_id)
            statuses = [p for p in repo.statuses_for_child(session, child_id) if p.kind in SEN_KINDS]
        merged = {**(asdict(before) if before else {}), **values}
        errors = self._plan_errors(merged, today)
        known(
            self.db,
            errors,
            workers={"caseworker_id": merged.get("caseworker_id")},
            orgs={"organisation_id": merged.get("organisation_id")},
        )
        raise_if(errors, "Please correct the EHC plan.")
        plan_values: dict[str, Any] = {k: merged.get(k) for k in _EDITABLE}
        plan = EhcPlan(id=plan_id or "", child_id=child_id, **plan_values)
        with self.db.unit_of_work(self.author) as uow:
            row = {k: getattr(plan, k) for k in _EDITABLE}
            if before is None:
                plan_id = uow.insert("ehc_plans", {"child_id": child_id, **row})
            else:
                uow.update("ehc_plans", before.id, row)
            assert plan_id is not None
            for name, words in _STEP_WORDS.items():
                day = getattr(plan, name)
                if day is None or (before is not None and getattr(before, name) == day):
                    continue
                self._chronicle_step(uow, plan, plan_id, name, words, day, child.date_of_birth, today)
                if name == "issued_on":
                    self._write_provision(
                        uow, child_id, "E", day, plan.primary_need, plan.secondary_need, statuses, chronicled=False
                    )
                elif name == "ceased_on":
                    for period in statuses:
                        if period.kind == StatusKind.EHC_PLAN and (period.end_date is None or period.end_date > day):
                            uow.update("status_periods", period.id, {"end_date": day})
        return plan_id, uow.changes

    @staticmethod
    def _plan_errors(plan: dict[str, Any], today: date) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        requested = plan.get("requested_on")
        if requested is None:
            errors.append(("requested_on", "The date of the request is required."))
            return errors
        days = {k: plan.get(k) for k in _STEP_WORDS}
        not_future(errors, today, **days)
        order = ("requested_on", "assessment_decided_on", "issued_on", "last_review_on")
        previous = requested
        for name in order[1:]:
            if days[name] is not None:
                if days[name] < previous:
                    errors.append((name, "Before an earlier step."))
                previous = days[name]
        if days["ceased_on"] is not None and days["ceased_on"] < requested:
            errors.append(("ceased_on", "Before the request."))
        decision = plan.get("assessment_decision")
        if decision is not None and decision not in {d.value for d in rules.Decision}:
            errors.append(("assessment_decision", "Unknown decision."))
        if (decision is None) != (days["assessment_decided_on"] is None):
            errors.append(("assessment_decision", "Give both the decision and its date."))
        if days["issued_on"] is not None and decision != rules.Decision.AGREED:
            errors.append(("issued_on", "A plan is issued only after agreeing to assess."))
        if days["issued_on"] is not None and not plan.get("primary_need"):
            errors.append(("primary_need", "An issued plan names the primary need."))
        for name in ("primary_need", "secondary_need"):
            if plan.get(name) is not None and plan[name] not in rules.NEEDS:
                errors.append((name, "Unknown need code."))
        if plan.get("last_review_on") is not None and days["issued_on"] is None:
            errors.append(("last_review_on", "A review follows an issued plan."))
        return errors

    def _chronicle_step(
        self, uow: Any, plan: EhcPlan, plan_id: str, name: str, words: str, day: date, born: date, today: date
    ) -> None:
        summary = words
        if name == "assessment_decided_on" and plan.assessment_decision:
            summary = rules.Decision(plan.assessment_decision).label + " (EHC needs assessment)"
        if name == "issued_on":
            summary += f", week {(day - plan.requested_on).days // 7} of 20"
            summary += f": primary need {rules.need_label(plan.primary_need)}" if plan.primary_need else ""
        steps = rules.ehc_steps(
            plan.requested_on,
            plan.assessment_decided_on,
            plan.assessment_decision,
            plan.issued_on,
            plan.last_review_on,
            plan.ceased_on,
            born,
            today,
        )
        late = [s for s in steps if s.late and s.done == day]
        body = f"Late: due by {late[0].due:%d %b %Y}." if late and late[0].due else None
        chronicle(
            uow,
            self.author,
            plan.child_id,
            kind=EventKind.EHC_PLAN,
            category=Category.SEND,
            summary=summary,
            on=day,
            body=body,
            related_id=plan_id,
            organisation_id=plan.organisation_id,
            significance=Significance.NOTABLE if name in ("issued_on", "ceased_on") or late else Significance.ROUTINE,
        )
