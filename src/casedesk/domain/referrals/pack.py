"""What goes into a referral pack, as plain data: the service's version holds only the sections chosen.

Assembled by `casedesk.services.referrals.pack` and drawn by `casedesk.reports.referral_pack`, so "only the chosen
sections are shared" is decided in one place and can be tested without reading a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from casedesk.domain.referrals.workflow import Referral


@dataclass(frozen=True)
class ServiceCard:
    """The service as the directory describes it, with its expectation card."""

    name: str
    organisation: str = ""
    description: str = ""
    referral_method: str = ""
    referral_address: str = ""
    phone: str = ""
    email: str = ""
    typical_wait: str = ""
    does: tuple[str, ...] = ()
    does_not: tuple[str, ...] = ()
    referrer_must_first: tuple[str, ...] = ()
    referral_must_include: tuple[str, ...] = ()

    @classmethod
    def from_document(cls, name: str, document: dict[str, Any] | None) -> ServiceCard:
        """Read an ORUK 3.0 service record (with CaseDesk's `x_casedesk` extension); missing parts stay blank."""
        doc = document or {}
        ext = doc.get("x_casedesk") or {}
        card = ext.get("expectation_card") or {}
        route = ext.get("referral_route") or {}
        phones = [p for c in doc.get("contacts") or () for p in c.get("phones") or ()] + list(doc.get("phones") or ())
        return cls(
            name=doc.get("name") or name,
            organisation=(doc.get("organization") or {}).get("name", ""),
            description=doc.get("description") or "",
            referral_method=route.get("method", ""),
            referral_address=route.get("address", ""),
            phone=phones[0].get("number", "") if phones else "",
            email=doc.get("email") or "",
            typical_wait=ext.get("typical_wait", ""),
            does=tuple(card.get("does") or ()),
            does_not=tuple(card.get("does_not") or ()),
            referrer_must_first=tuple(card.get("referrer_must_first") or ()),
            referral_must_include=tuple(card.get("referral_must_include") or ()),
        )


@dataclass(frozen=True)
class ReferralPack:
    referral: Referral
    service: ServiceCard
    given_name: str
    full_name: str
    date_of_birth: date
    age: int
    acknowledgement_due: date | None
    sections: tuple[str, ...]
    identifiers: dict[str, str] = field(default_factory=dict)  # identity
    address: str | None = None  # contact
    school: str | None = None  # school
    statuses: tuple[str, ...] = ()  # statuses
    involvements: tuple[tuple[str, str, str], ...] = ()  # involvements: (organisation, worker, role)
    triage: dict[str, Any] | None = None  # triage: the stored outcome
    chronology: tuple[tuple[date, str, str], ...] = ()  # chronology: (when, kind, summary)
