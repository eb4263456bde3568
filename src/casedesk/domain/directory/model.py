"""The service directory's records: Open Referral UK 3.0 services plus what a school needs to refer well.

ORUK 3.0 describes who runs a service, where and when it runs, who it is for and what it costs. That is not enough
to stop referrals bouncing, so CaseDesk adds the levels of need a service works at, the triage need domains it
covers, how to refer, how long the wait is, when the entry was last checked, free tags, and an *expectation card*:
what the service does, what it does not do, what the referrer must have done first and what a referral must
include. These extra fields travel in ORUK files inside an `x_casedesk` extension object (see `oruk.py`), so a
directory exported from CaseDesk is still a valid ORUK feed for anyone else.

Records are frozen: a directory is read far more than written and imports replace whole services, so immutable
values are simpler to share between the list, the detail view and matching. Matching lives in `directory_match`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

LEVELS: tuple[int, ...] = (1, 2, 3, 4)
LEVEL_LABELS = {1: "Universal", 2: "Early help", 3: "Complex / targeted", 4: "Acute / specialist"}


class NeedDomain(StrEnum):
    """The triage need domains; the same ids a triage outcome scores, so matching can compare them directly."""

    ATTENDANCE = "attendance"
    BEHAVIOUR = "behaviour"
    LEARNING_SEND = "learning_send"
    SEMH = "semh"
    FAMILY = "family"
    SAFEGUARDING = "safeguarding"
    HEALTH = "health"
    YOUTH_JUSTICE = "youth_justice"
    HOUSING_MONEY = "housing_money"

    @property
    def label(self) -> str:
        return _DOMAIN_LABELS[self]


_DOMAIN_LABELS = {
    NeedDomain.ATTENDANCE: "Attendance",
    NeedDomain.BEHAVIOUR: "Behaviour",
    NeedDomain.LEARNING_SEND: "Learning and SEND",
    NeedDomain.SEMH: "Social, emotional and mental health",
    NeedDomain.FAMILY: "Family",
    NeedDomain.SAFEGUARDING: "Safeguarding",
    NeedDomain.HEALTH: "Health",
    NeedDomain.YOUTH_JUSTICE: "Youth justice",
    NeedDomain.HOUSING_MONEY: "Housing, income and environment",
}


def domain_label(domain_id: str) -> str:
    """Words for a domain id; unknown ids (from a newer triage version) are shown as they are, not dropped."""
    try:
        return NeedDomain(domain_id).label
    except ValueError:
        return domain_id


class ReferralMethod(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    ONLINE_FORM = "online_form"
    PORTAL = "portal"

    @property
    def label(self) -> str:
        return {"email": "Email", "phone": "Phone", "online_form": "Online form", "portal": "Portal"}[self.value]


@dataclass(frozen=True)
class ReferralRoute:
    """How a referral reaches the service: the method and where to send it (address, number or web address)."""

    method: ReferralMethod
    address: str = ""


@dataclass(frozen=True)
class ExpectationCard:
    """What a referrer should know before referring, so the service is not asked for what it does not do."""

    does: tuple[str, ...] = ()
    does_not: tuple[str, ...] = ()
    referrer_must_first: tuple[str, ...] = ()
    referral_must_include: tuple[str, ...] = ()

    @property
    def is_complete(self) -> bool:
        return all((self.does, self.does_not, self.referrer_must_first, self.referral_must_include))


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    description: str = ""
    email: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Phone:
    id: str
    number: str
    description: str = ""


@dataclass(frozen=True)
class Contact:
    id: str
    name: str = ""
    title: str = ""
    email: str | None = None
    phones: tuple[Phone, ...] = ()


@dataclass(frozen=True)
class Location:
    """A place the service runs (ORUK location plus its first address, which is all the directory shows)."""

    id: str
    name: str = ""
    description: str = ""
    address_1: str = ""
    city: str = ""
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    service_at_location_id: str | None = None
    address_id: str | None = None
    state_province: str = ""  # the address's county or region (kept so an edited service exports it again)


@dataclass(frozen=True)
class Schedule:
    id: str
    description: str = ""
    freq: str | None = None
    byday: str | None = None
    opens_at: str | None = None
    closes_at: str | None = None
    attending_type: str = ""


@dataclass(frozen=True)
class CostOption:
    id: str
    option: str = ""
    amount: float | None = None
    amount_description: str = ""


@dataclass(frozen=True)
class ServiceArea:
    """An area a service covers. Postcode districts found in the name or description drive area matching."""

    id: str
    name: str = ""
    description: str = ""
    extent_type: str | None = None
    uri: str | None = None

    @property
    def postcode_districts(self) -> frozenset[str]:
        return postcode_districts_in(f"{self.name} {self.description}")


@dataclass(frozen=True)
class TaxonomyTerm:
    id: str
    name: str
    taxonomy: str = ""
    term_uri: str | None = None
    attribute_id: str | None = None


@dataclass(frozen=True)
class Service:
    """One service: ORUK 3.0 fields first, then CaseDesk's own (defaults keep plain ORUK imports valid)."""

    id: str
    name: str
    description: str = ""
    status: str = "active"
    organization: Organization | None = None
    url: str | None = None
    email: str | None = None
    fees: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    last_modified: str | None = None
    locations: tuple[Location, ...] = ()
    contacts: tuple[Contact, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    cost_options: tuple[CostOption, ...] = ()
    service_areas: tuple[ServiceArea, ...] = ()
    taxonomy_terms: tuple[TaxonomyTerm, ...] = ()
    languages: tuple[str, ...] = ()
    # CaseDesk fields (the `x_casedesk` extension in ORUK files)
    levels: tuple[int, ...] = ()
    need_domains: tuple[str, ...] = ()
    referral_route: ReferralRoute | None = None
    typical_wait: str = ""
    typical_wait_days: int | None = None
    last_reviewed: date | None = None
    expectation_card: ExpectationCard = field(default_factory=ExpectationCard)
    tags: tuple[str, ...] = ()
    sample: bool = False
    needs: tuple[str, ...] = ()  # codes of the needs taxonomy (`needs.py`) the service works on
    eligibility: str = ""  # who may use it, in words, beyond ages and areas
    review_owner: str = ""  # who keeps the entry right and reviews it

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def phones(self) -> tuple[Phone, ...]:
        return tuple(phone for contact in self.contacts for phone in contact.phones)

    @property
    def postcode_districts(self) -> frozenset[str]:
        """Every district named by the service's areas; empty means the feed did not say (not "nowhere")."""
        found: set[str] = set()
        for area in self.service_areas:
            found |= area.postcode_districts
        return frozenset(found)

    @property
    def is_free(self) -> bool:
        """No cost option with a positive amount: what the directory's cost filter asks."""
        return not any(option.amount for option in self.cost_options)

    @property
    def attending_types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.attending_type for s in self.schedules if s.attending_type))

    @property
    def search_text(self) -> str:
        """Lower-case text for full-text search over names, descriptions and tags."""
        parts = [self.name, self.description, self.organization.name if self.organization else "", *self.tags]
        parts += [term.name for term in self.taxonomy_terms]
        return " ".join(parts).lower()


# --- Postcode districts ------------------------------------------------------------------------------------------

_DISTRICT = re.compile(r"\b([A-Z]{1,2})(\d{1,2}[A-Z]?)\b")
_DISTRICT_RANGE = re.compile(r"\b([A-Z]{1,2})(\d{1,2})\s*(?:-|–|to)\s*(?:\1)?(\d{1,2})\b")


def normalise_district(text: str | None) -> str | None:
    """`ls6`, `LS6 3AB` and ` LS6 ` all become `LS6`; anything that is not a district becomes None."""
    if not text:
        return None
    value = text.strip().upper()
    outward = value.split()[0] if value else ""
    match = _DISTRICT.fullmatch(outward)
    return outward if match else None


def postcode_districts_in(text: str) -> frozenset[str]:
    """Districts named in free text, expanding ranges: "LS1–LS4, LS12" → LS1, LS2, LS3, LS4, LS12."""
    upper = text.upper()
    found: set[str] = set()
    for area, low, high in _DISTRICT_RANGE.findall(upper):
        first, last = sorted((int(low), int(high)))
        if last - first <= 99:
            found.update(f"{area}{number}" for number in range(first, last + 1))
    found.update(area + rest for area, rest in _DISTRICT.findall(upper))
    return frozenset(found)


def format_levels(levels: tuple[int, ...] | list[int]) -> str:
    """`(3, 4)` → "levels 3–4"; `(2,)` → "level 2"; gaps are listed: "levels 1, 3"."""
    ordered = sorted(set(levels))
    if not ordered:
        return "no stated levels"
    if len(ordered) == 1:
        return f"level {ordered[0]}"
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"levels {ordered[0]}–{ordered[-1]}"
    return "levels " + ", ".join(str(level) for level in ordered)


def format_ages(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"ages {minimum}–{maximum}"
    if minimum is not None:
        return f"ages {minimum} and over"
    if maximum is not None:
        return f"ages up to {maximum}"
    return "any age"
