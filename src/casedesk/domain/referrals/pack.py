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
    address: str = ""
    opening_times: tuple[str, ...] = ()
    website: str = ""
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
            address=_first_address(doc),
            opening_times=tuple(_opening_times(doc)),
            website=doc.get("url") or "",
            does=tuple(card.get("does") or ()),
            does_not=tuple(card.get("does_not") or ()),
            referrer_must_first=tuple(card.get("referrer_must_first") or ()),
            referral_must_include=tuple(card.get("referral_must_include") or ()),
        )


_DAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday", "SA": "Saturday"}
_DAYS["SU"] = "Sunday"


def _first_address(doc: dict[str, Any]) -> str:
    """The service's first physical address on one line (ORUK 3.0 keeps addresses under its locations)."""
    for at in doc.get("service_at_locations") or ():
        for address in (at.get("location") or {}).get("addresses") or ():
            parts = [address.get(k) for k in ("address_1", "address_2", "city", "postal_code")]
            line = ", ".join(p.strip() for p in parts if p and p.strip())
            if line:
                return line
    return ""


def _clock(value: str | None) -> str:
    """ "09:00:00" → "9am", "13:30:00" → "1:30pm": times as a family would say them."""
    if not value:
        return ""
    hours, minutes = (int(p) for p in value.split(":")[:2])
    suffix = "am" if hours < 12 else "pm"
    shown = hours % 12 or 12
    return f"{shown}:{minutes:02d}{suffix}" if minutes else f"{shown}{suffix}"


def _days(byday: str) -> str:
    """ "MO,TU,WE,TH,FR" → "Monday to Friday"; days that are not a run are listed."""
    codes = [d.strip().upper() for d in byday.split(",") if d.strip()]
    order = list(_DAYS)
    names = [_DAYS.get(c, c) for c in codes]
    run = (
        all(c in order for c in codes)
        and [order.index(c) for c in codes] == list(range(order.index(codes[0]), order.index(codes[0]) + len(codes)))
        if codes
        else False
    )
    if run and len(codes) > 2:
        return f"{names[0]} to {names[-1]}"
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


def _opening_times(doc: dict[str, Any]) -> list[str]:
    """Each schedule's own words where it has them, else its days and hours spelt out."""
    found = []
    for schedule in doc.get("schedules") or ():
        text = (schedule.get("description") or "").strip()
        if not text:
            hours = " to ".join(t for t in (_clock(schedule.get("opens_at")), _clock(schedule.get("closes_at"))) if t)
            text = ", ".join(p for p in (_days(schedule.get("byday") or ""), hours) if p)
        how = (schedule.get("attending_type") or "").strip()
        if text:
            found.append(f"{text} ({how.lower()})" if how else text)
    return found


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
