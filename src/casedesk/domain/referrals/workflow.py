"""Referral rules: the status workflow, the information-sharing decision, what may be shared, and reminders.

Pure rules, so the service, the UI and the tests cannot disagree. A referral shares personal information, so
the sharing decision is validated as the golden rules ask: with consent (who gave it, when, for what) or, without
it, a lawful basis *and* the reason — every decision and its reason is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from casedesk.domain.working_days import WorkingDays


class ReferralStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


S = ReferralStatus
TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    S.DRAFT: frozenset({S.SENT, S.WITHDRAWN}),
    S.SENT: frozenset({S.ACKNOWLEDGED, S.ACCEPTED, S.DECLINED, S.WITHDRAWN}),
    S.ACKNOWLEDGED: frozenset({S.ACCEPTED, S.DECLINED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.CLOSED, S.WITHDRAWN}),
    S.DECLINED: frozenset({S.CLOSED}),
    S.WITHDRAWN: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
ACTIONS = {
    S.SENT: "Mark as sent",
    S.ACKNOWLEDGED: "Acknowledged by the service",
    S.ACCEPTED: "Accepted",
    S.DECLINED: "Declined…",
    S.WITHDRAWN: "Withdraw…",
    S.CLOSED: "Close with outcome…",
}

URGENCIES = {"routine": "Routine", "soon": "Within a week", "urgent": "Urgent (within 24 hours)"}
DEFAULT_ACK_WORKING_DAYS = 5
THRESHOLD_REASON = "does not meet the service's threshold"
DECLINE_REASONS = (
    THRESHOLD_REASON,
    "outside the service's area or age range",
    "information incomplete",
    "family declined the service",
    "service full / waiting list closed",
    "other",
)
INAPPROPRIATE_REASONS = frozenset({THRESHOLD_REASON, "outside the service's area or age range"})

# Sections of the child's record a referral may share; only those chosen go into the service's pack.
SECTIONS: dict[str, str] = {
    "identity": "Name, date of birth and identifiers",
    "contact": "Address and postcode",
    "school": "Current school",
    "statuses": "Current statuses (CIN, CP plan, looked after, SEN…)",
    "involvements": "Agencies and named workers involved",
    "triage": "Presenting Needs Check outcome and reasons",
    "chronology": "Significant chronology entries (last 12 months)",
}
ALWAYS_SHARED = frozenset({"identity"})

LAWFUL_BASES = {
    "public_task": "Public task — UK GDPR Article 6(1)(e)",
    "legal_obligation": "Legal obligation — UK GDPR Article 6(1)(c)",
    "vital_interests": "Vital interests — UK GDPR Article 6(1)(d)",
}
SPECIAL_CATEGORY_CONDITION = "DPA 2018 Schedule 1 Part 2 paragraph 18 (safeguarding of children)"


# How each step reads in the chronology. The referral's own history (which decision came before "closed") is read
# back from these entries, so the wording and its reading live together here.
_STEP_WORDS = {status: status.value for status in ReferralStatus} | {ReferralStatus.DRAFT: "drafted"}
_WORD_STEPS = {word: status for status, word in _STEP_WORDS.items()}


def step_summary(service_name: str, status: str) -> str:
    return f"Referral to {service_name} {_STEP_WORDS[ReferralStatus(status)]}"


def step_of(summary: str) -> ReferralStatus | None:
    """The status a chronology entry written by `step_summary` records (None for other referral entries)."""
    return _WORD_STEPS.get(summary.rsplit(" ", 1)[-1])


class TransitionRefused(ValueError):
    """A status change the workflow does not allow; the message says what is allowed instead."""


def check_transition(current: str, target: str) -> None:
    try:
        now, then = ReferralStatus(current), ReferralStatus(target)
    except ValueError as exc:
        raise TransitionRefused(f"Unknown referral status: {exc}") from None
    allowed = TRANSITIONS[now]
    if then not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "nothing (it is closed)"
        raise TransitionRefused(f"A {now.value} referral cannot become {then.value}; it can become {options}.")


def check_transition_details(target: str, reason: str | None, outcome: str | None) -> None:
    """Declines and withdrawals need a reason, closing needs an outcome: the record must say why."""
    if target in (S.DECLINED, S.WITHDRAWN) and not (reason or "").strip():
        raise TransitionRefused(f"Give the reason the referral was {target}.")
    if target == S.CLOSED and not (outcome or "").strip():
        raise TransitionRefused("Record the outcome before closing the referral.")


@dataclass(frozen=True)
class SharingDecision:
    """The recorded decision to share: consent, or a lawful basis with the reason for sharing without it."""

    consent: bool
    consent_given_by: str = ""
    consent_given_on: date | None = None
    consent_scope: str = ""
    lawful_basis: str = ""
    reason_without_consent: str = ""
    decided_by: str = ""

    def problems(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if not self.decided_by.strip():
            found.append(("decided_by", "Say who made the sharing decision."))
        if self.consent:
            if not self.consent_given_by.strip():
                found.append(("consent_given_by", "Say who gave consent (the parent, the carer or the child)."))
            if self.consent_given_on is None:
                found.append(("consent_given_on", "Say when consent was given."))
            if not self.consent_scope.strip():
                found.append(("consent_scope", "Say what the consent covers."))
        else:
            if self.lawful_basis not in LAWFUL_BASES:
                found.append(("lawful_basis", "Without consent, choose the lawful basis for sharing."))
            if len(self.reason_without_consent.strip()) < 10:
                found.append(("reason_without_consent", "Without consent, record why sharing is still justified."))
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "consent": self.consent,
            "consent_given_by": self.consent_given_by,
            "consent_given_on": self.consent_given_on.isoformat() if self.consent_given_on else None,
            "consent_scope": self.consent_scope,
            "lawful_basis": self.lawful_basis,
            "special_category_condition": SPECIAL_CATEGORY_CONDITION if not self.consent else "",
            "reason_without_consent": self.reason_without_consent,
            "decided_by": self.decided_by,
        }

    @classmethod
    def from_dict(cls, value: dict[str, Any]) -> SharingDecision:
        given = value.get("consent_given_on")
        return cls(
            consent=bool(value.get("consent")),
            consent_given_by=value.get("consent_given_by") or "",
            consent_given_on=date.fromisoformat(given) if given else None,
            consent_scope=value.get("consent_scope") or "",
            lawful_basis=value.get("lawful_basis") or "",
            reason_without_consent=value.get("reason_without_consent") or "",
            decided_by=value.get("decided_by") or "",
        )

    def describe(self) -> str:
        if self.consent:
            when = f"{self.consent_given_on:%d %B %Y}" if self.consent_given_on else "date not recorded"
            return f"Consent given by {self.consent_given_by} on {when} for: {self.consent_scope}."
        basis = LAWFUL_BASES.get(self.lawful_basis, self.lawful_basis)
        return f"Shared without consent. Lawful basis: {basis}; {SPECIAL_CATEGORY_CONDITION}. Reason: " + (
            self.reason_without_consent
        )


def chosen_sections(sections: list[str] | tuple[str, ...]) -> list[str]:
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"Unknown section(s): {', '.join(sorted(unknown))}")
    return [s for s in SECTIONS if s in set(sections) | ALWAYS_SHARED]


def acknowledgement_due(sent_at: datetime, within_days: int, calendar: WorkingDays) -> date:
    """The service's stated working days after the day it was sent (weekends and bank holidays not counted)."""
    return calendar.after(sent_at.date(), within_days)


def is_overdue(status: str, sent_at: datetime | None, within_days: int, today: date, calendar: WorkingDays) -> bool:
    """Sent, not yet acknowledged (or accepted or declined), and past the service's stated time."""
    return status == S.SENT and sent_at is not None and today > acknowledgement_due(sent_at, within_days, calendar)


@dataclass(frozen=True, slots=True)
class Referral:
    id: str
    child_id: str
    service_id: str | None
    service_name: str
    triage_result_id: str | None
    reason: str
    urgency: str
    shared_sections: list[str]
    sharing: dict[str, Any]
    referrer: dict[str, Any]
    status: str
    status_changed_at: datetime
    sent_at: datetime | None
    acknowledged_at: datetime | None
    ack_within_days: int
    decline_reason: str | None
    inappropriate: bool
    outcome: str | None
    created_at: datetime
    fit_override: str | None = None  # why it was made though the service does not fit the child

    @property
    def dated(self) -> datetime:
        """The date a list shows and sorts by: when it was sent, else when it was drafted (the earliest time the
        record holds, as a row copied in from elsewhere is stamped when it arrives)."""
        return self.sent_at or min(self.created_at, self.status_changed_at)

    def overdue(self, today: date, calendar: WorkingDays) -> bool:
        return is_overdue(self.status, self.sent_at, self.ack_within_days, today, calendar)

    @property
    def sharing_decision(self) -> SharingDecision:
        return SharingDecision.from_dict(self.sharing)
