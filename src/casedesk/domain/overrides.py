"""Break-glass override: asking, for one child, for what the sharing rules withhold, for a limited time.

The rules here are the server's and the app's alike: the reasons offered (a list, always with free text beside),
how a request is checked before anything is stored, the states an override moves through and what the policy
may set (granted at once in an emergency with the owning organisation's safeguarding lead told, or only once
that lead approves; how many hours a grant lasts).

Every override is audited with the break-the-glass points of the HL7 EHR-S functional model: who asked (user,
organisation, device), for which child, for what (the organisation whose records and the data categories),
when (asked, decided, granted until, ended), why (reason and free text), who decided and what was delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from casedesk.domain import roles
from casedesk.domain.schema import Category
from casedesk.errors import ValidationError

MAX_DETAIL = 2000
MIN_DETAIL = 10  # a few words at least: "urgent" alone does not say why


class Reason(StrEnum):
    IMMEDIATE_RISK = "immediate_risk"
    CHILD_PROTECTION = "child_protection"
    MISSING = "missing"
    MEDICAL = "medical"
    COURT = "court"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS: dict[Reason, str] = {
    Reason.IMMEDIATE_RISK: "Immediate risk of significant harm to the child",
    Reason.CHILD_PROTECTION: "Child protection enquiry or strategy discussion (Children Act 1989 s.47)",
    Reason.MISSING: "Child missing, or missing education",
    Reason.MEDICAL: "Medical emergency",
    Reason.COURT: "Court or statutory deadline",
    Reason.OTHER: "Another reason (say which below)",
}


class State(StrEnum):
    PENDING = "pending"  # waiting for the owning organisation's safeguarding lead
    GRANTED = "granted"
    REFUSED = "refused"
    EXPIRED = "expired"  # its time ran out; the data it brought is purged at the device's next round
    ENDED = "ended"  # ended early by the person who asked or by the lead


OPEN_STATES = frozenset({State.PENDING, State.GRANTED})


class Mode(StrEnum):
    IMMEDIATE = "immediate"  # granted at once (an emergency), the owning organisation's lead told
    APPROVAL = "approval"  # granted only once that lead approves


@dataclass(frozen=True, slots=True)
class OverridePolicy:
    mode: Mode = Mode.APPROVAL
    hours: int = 4

    def __post_init__(self) -> None:
        if not 1 <= self.hours <= 72:
            raise ValueError("an override lasts between 1 and 72 hours")

    def until(self, start: datetime) -> datetime:
        return start + timedelta(hours=self.hours)

    def describe(self) -> str:
        how = (
            "granted at once, and the owning organisation's safeguarding lead is told"
            if self.mode is Mode.IMMEDIATE
            else "granted once the owning organisation's safeguarding lead approves"
        )
        return f"An override is {how}; it lasts {self.hours} hour{'s' if self.hours != 1 else ''}."


def may_ask(role: str | None) -> bool:
    """Whether a user of this role may ask (roles that receive no case records may not)."""
    return roles.may(role, roles.Action.REQUEST_OVERRIDE)


def may_decide(role: str | None) -> bool:
    """Whether a user of this role decides requests about the organisation's records (its safeguarding lead)."""
    return roles.may(role, roles.Action.APPROVE_OVERRIDE)


@dataclass(frozen=True, slots=True)
class Ask:
    """A request as checked: what a person asked for and why."""

    child_id: str
    owner_org: str
    categories: frozenset[Category]
    reason: Reason
    detail: str


def check_ask(child_id: str, owner_org: str, categories: list[str], reason: str, detail: str, own_org: str) -> Ask:
    """The request as a valid `Ask`, or `ValidationError` saying what is wrong (nothing is stored then)."""
    if not reason:
        raise ValidationError("Choose a reason for asking.")
    try:
        why = Reason(reason)
    except ValueError:
        raise ValidationError(f"{reason!r} is not one of the reasons offered.") from None
    text = " ".join((detail or "").split())
    if len(text) < MIN_DETAIL:
        raise ValidationError("Say in a sentence why you need this information now.")
    if len(text) > MAX_DETAIL or "\x00" in text:
        raise ValidationError(f"Keep the explanation under {MAX_DETAIL} characters.")
    if not owner_org:
        raise ValidationError("Choose the organisation whose information you need.")
    if owner_org == own_org:
        raise ValidationError("Your own organisation's records are never withheld from you.")
    if not categories:
        raise ValidationError("Choose at least one kind of information.")
    known = {c.value for c in Category}
    unknown = sorted(set(categories) - known)
    if unknown:
        raise ValidationError(f"Unknown kind of information: {', '.join(unknown)}.")
    return Ask(child_id, owner_org, frozenset(Category(c) for c in categories), why, text)
