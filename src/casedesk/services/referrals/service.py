"""Making and tracking referrals: create a draft, move it through the workflow, list what is overdue.

Every step is one unit of work that changes the referral *and* appends a chronology entry naming it
(`related_id`), so the child's chronology and the referral's timeline are the same record and sync together;
a referral made offline on a home visit waits in the outbox like any other change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from casedesk.domain import schema
from casedesk.domain.records import Changes
from casedesk.domain.referrals.workflow import (
    DEFAULT_ACK_WORKING_DAYS,
    INAPPROPRIATE_REASONS,
    URGENCIES,
    Referral,
    ReferralStatus,
    SharingDecision,
    TransitionRefused,
    acknowledgement_due,
    check_transition,
    check_transition_details,
    chosen_sections,
    step_summary,
)
from casedesk.domain.vocab import EventKind, Significance
from casedesk.errors import ValidationError
from casedesk.services.referrals import analytics, mail, pack
from casedesk.services.referrals.analytics import ReferralAnalytics
from casedesk.services.referrals.fit import fit_problems, override_problem
from casedesk.store import calendar, referral_repo
from casedesk.store.database import Database
from casedesk.store.uow import UnitOfWork


@dataclass(frozen=True)
class NewReferral:
    child_id: str
    service_name: str
    reason: str
    sharing: SharingDecision
    referrer: dict[str, Any]
    sections: tuple[str, ...] = ("identity",)
    urgency: str = "routine"
    service_id: str | None = None
    triage_result_id: str | None = None
    ack_within_days: int = DEFAULT_ACK_WORKING_DAYS
    fit_override: str = ""  # why refer though the service does not fit the child (see `fit.py`)

    def problems(self) -> list[tuple[str, str]]:
        found = list(self.sharing.problems())
        if len(self.reason.strip()) < 10:
            found.append(("reason", "Say why you are referring (a sentence or two the service will read)."))
        if self.urgency not in URGENCIES:
            found.append(("urgency", f"Urgency is one of {', '.join(URGENCIES)}."))
        if not self.service_name.strip():
            found.append(("service", "Choose the service."))
        if not (self.referrer.get("name") and (self.referrer.get("email") or self.referrer.get("phone"))):
            found.append(("referrer", "The service needs your name and an email address or phone number."))
        days = schema.record("referrals").by_name["ack_within_days"]
        if not (days.minimum or 0) <= self.ack_within_days <= (days.maximum or 0):
            found.append(
                ("ack_within_days", f"The acknowledgement time is {days.minimum} to {days.maximum} working days.")
            )
        try:
            chosen_sections(self.sections)
        except ValueError as exc:
            found.append(("sections", str(exc)))
        return found


def _record(
    uow: UnitOfWork,
    child_id: str,
    referral_id: str,
    text: str,
    body: str,
    actor: str,
    when: datetime,
    significance: Significance = Significance.NOTABLE,
) -> None:
    uow.insert(
        "events",
        {
            "child_id": child_id,
            "kind": EventKind.REFERRAL.value,
            "occurred_at": when,
            "recorded_at": when,
            "author": actor,
            "category": schema.Category.GENERAL.value,
            "significance": significance.value,
            "summary": text[:300],
            "body": body,
            "related_id": referral_id,
        },
    )


@dataclass(frozen=True)
class ReferralListItem:
    referral: Referral
    child_name: str
    overdue: bool
    due: date | None


class ReferralService:
    """The referral use cases bound to one open database and the acting user (`Collection.referrals`). Every
    call that writes returns what it made with the `Changes` it made."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def fit_problems(self, child_id: str, service_id: str | None, triage_result_id: str | None) -> list[str]:
        """Why a service is not right for this child, in words (empty when nothing stands against it)."""
        return fit_problems(self.db, child_id, service_id, triage_result_id)

    # -- writing -------------------------------------------------------------------------------------------------
    def create(self, new: NewReferral, now: datetime | None = None) -> tuple[str, Changes]:
        """A draft referral, with its sharing decision recorded; refuses an incomplete one with every problem,
        and one to a service that does not fit the child without a reason (`fit.py`)."""
        problems = new.problems()
        against = fit_problems(self.db, new.child_id, new.service_id, new.triage_result_id)
        missing_override = override_problem(against, new.service_name, new.fit_override)
        if missing_override:
            problems.append(missing_override)
        if problems:
            raise ValidationError("The referral is not complete.", problems)
        now = now or datetime.now(UTC)
        override = new.fit_override.strip() if against else ""
        actor = self.actor
        with self.db.unit_of_work(actor) as uow:
            referral_id = uow.insert(
                "referrals",
                {
                    "child_id": new.child_id,
                    "service_id": new.service_id,
                    "service_name": new.service_name,
                    "triage_result_id": new.triage_result_id,
                    "reason": new.reason.strip(),
                    "urgency": new.urgency,
                    "shared_sections": chosen_sections(new.sections),
                    "sharing": new.sharing.to_dict(),
                    "referrer": dict(new.referrer),
                    "status": ReferralStatus.DRAFT.value,
                    "status_changed_at": now,
                    "ack_within_days": new.ack_within_days,
                    "inappropriate": False,
                    "fit_override": override or None,
                },
            )
            body = f"Reason: {new.reason.strip()}\nInformation sharing: {new.sharing.describe()}"
            if override:
                body += f"\nReferred although the service does not fit ({'; '.join(against)}): {override}"
            _record(
                uow,
                new.child_id,
                referral_id,
                step_summary(new.service_name, ReferralStatus.DRAFT),
                body,
                actor,
                now,
                Significance.ROUTINE,
            )
        return referral_id, uow.changes

    def transition(
        self,
        referral_id: str,
        target: str,
        *,
        reason: str | None = None,
        outcome: str | None = None,
        now: datetime | None = None,
    ) -> tuple[Referral, Changes]:
        """Move a referral on; a step the workflow does not allow is refused with what is allowed instead."""
        now = now or datetime.now(UTC)
        with self.db.session() as session:
            current = referral_repo.get_referral(session, referral_id)
        try:
            check_transition(current.status, target)
            check_transition_details(target, reason, outcome)
        except TransitionRefused as exc:
            raise ValidationError(str(exc), [("status", str(exc))]) from None
        changes: dict[str, Any] = {"status": target, "status_changed_at": now}
        if target == ReferralStatus.SENT:
            changes["sent_at"] = now
        if target == ReferralStatus.ACKNOWLEDGED or (target == ReferralStatus.ACCEPTED and not current.acknowledged_at):
            changes["acknowledged_at"] = now
        if target in (ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN):
            changes["decline_reason"] = reason
            changes["inappropriate"] = target == ReferralStatus.DECLINED and reason in INAPPROPRIATE_REASONS
        if target == ReferralStatus.CLOSED:
            changes["outcome"] = outcome
        detail = reason or outcome or ""
        significance = Significance.SIGNIFICANT if target == ReferralStatus.DECLINED else Significance.NOTABLE
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("referrals", referral_id, changes)
            summary = step_summary(current.service_name, target)
            _record(uow, current.child_id, referral_id, summary, detail or summary, self.actor, now, significance)
        with self.db.session() as session:
            return referral_repo.get_referral(session, referral_id), uow.changes

    def queue_via_server(self, referral_id: str, audience: str, recipient: str) -> tuple[str, Changes]:
        """Queue the pack's email for the server's relay (sent, exactly once, after the next sync)."""
        return mail.queue_via_server(self.db, referral_id, audience, recipient, self.actor)

    def save_eml(self, referral_id: str, audience: str, recipient: str, out: Path) -> None:
        """The pack's email as an .eml file to send from the user's own mail program (audited as a disclosure)."""
        mail.save_eml(self.db, referral_id, audience, recipient, out, self.actor)

    def write_pack_pdf(self, referral_id: str, audience: str, out: Path) -> None:
        pack.write_pack_pdf(self.db, referral_id, audience, out, self.actor)

    def write_analytics_pdf(self, out: Path) -> ReferralAnalytics:
        return analytics.write_analytics_pdf(self.db, out, self.actor)

    # -- reading -------------------------------------------------------------------------------------------------
    def all(self, child_id: str | None = None) -> list[Referral]:
        with self.db.session() as session:
            return referral_repo.list_referrals(session, child_id)

    def overdue(self, today: date | None = None) -> list[Referral]:
        """Sent and not acknowledged within the service's stated working days."""
        today = today or date.today()
        days = calendar.working_days(self.db)
        return [r for r in self.all() if r.overdue(today, days)]

    def timeline(self, referral_id: str) -> list[Any]:
        with self.db.session() as session:
            return referral_repo.referral_timeline(session, referral_id)

    def listing(self, today: date | None = None, child_id: str | None = None) -> list[ReferralListItem]:
        """Referrals with the child's name, whether acknowledgement is overdue, and when it is due."""
        today = today or date.today()
        with self.db.session() as session:
            found = referral_repo.list_referrals(session, child_id)
            names = referral_repo.child_names(session, sorted({r.child_id for r in found}))
        days = calendar.working_days(self.db)
        return [
            ReferralListItem(
                referral=r,
                child_name=names.get(r.child_id, "(child not held)"),
                overdue=r.overdue(today, days),
                due=acknowledgement_due(r.sent_at, r.ack_within_days, days) if r.sent_at else None,
            )
            for r in found
        ]

    def analytics(self) -> ReferralAnalytics:
        return analytics.referral_analytics(self.db)
