"""What a receiver may see of a record: decided here, once, for the server's pulls, referral packs, exports and
printed reports alike.

Every field of every record carries a data category (`casedesk.domain.schema`). A receiver is granted categories
(`Allowed`), each for every record type or only for some; `redact` keeps a row only when its own category is
granted and, of a kept row, only the fields whose category is granted. Nothing else anywhere decides what of a
record is disclosed, so sharing agreements between organisations add rules to `allowed_for` and nowhere else.

Between organisations, `Policy` decides: an organisation receives all of its own records; of another
organisation's, the categories their information-sharing agreements in force share in that direction (always
with the child's identity and who is involved, so it knows whom it works with), or — when no agreement names the
two — what the area's default says (`open`, today's behaviour: everything; `closed`: identity and involvement
only). A role narrows what comes from other organisations (`casedesk.domain.roles`); a time-limited grant for one
child (a break-glass override) widens it. A restricted entry (third-party information) never leaves its
organisation, whatever the grants. A referral pack shows the sections the referrer chose (`for_sections`); a
subject access export shows everything held.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any, TypeVar, overload

from casedesk.domain import roles
from casedesk.domain.agreements import Agreement, OrgInfo
from casedesk.domain.casework.records import EhcPlan, Pep, YouthJusticeOutcome
from casedesk.domain.education import records as education
from casedesk.domain.records import Child, ChronologyEvent, Involvement, Organisation, StatusPeriod, Worker
from casedesk.domain.referrals.workflow import Referral
from casedesk.domain.schema import CATALOGUE, EVENT_CATEGORIES, STATUS_CATEGORIES, Category
from casedesk.domain.triage.result import TriageResult

ANY = "*"  # a grant that holds for every record type


RESTRICTED_FIELD = "restricted"  # a row marked so (third-party information) stays within its organisation


@dataclass(frozen=True)
class Allowed:
    """The categories a receiver may see: (record type or `ANY`, category) pairs; and whether it may see rows
    marked restricted (only the organisation that wrote them, and a subject access export of its own device)."""

    grants: frozenset[tuple[str, Category]]
    restricted: bool = False

    @classmethod
    def of(cls, categories: Iterable[Category], entities: Iterable[str] = (ANY,)) -> Allowed:
        return cls(frozenset((e, c) for e in entities for c in categories))

    def __or__(self, other: Allowed) -> Allowed:
        return Allowed(self.grants | other.grants, self.restricted or other.restricted)

    def without(self, categories: Iterable[Category]) -> Allowed:
        gone = set(categories)
        return Allowed(frozenset(g for g in self.grants if g[1] not in gone), self.restricted)

    def permits(self, entity: str, category: Category) -> bool:
        return (ANY, category) in self.grants or (entity, category) in self.grants

    def categories(self) -> frozenset[Category]:
        """The categories granted for every record type."""
        return frozenset(c for e, c in self.grants if e == ANY)

    @cached_property
    def everything(self) -> bool:
        return self.restricted and all((ANY, c) in self.grants for c in Category)


EVERYTHING = Allowed(Allowed.of(Category).grants, restricted=True)
NOTHING = Allowed(frozenset())


@dataclass(frozen=True)
class Shared:
    """A record as plain values on its way to a receiver (a pulled row, a stored email request)."""

    entity: str
    values: Mapping[str, Any]


# The record types the repositories return, so a domain record can be redacted as it is.
ENTITY_OF: dict[type, str] = {
    Organisation: "organisations",
    Worker: "workers",
    Child: "children",
    StatusPeriod: "status_periods",
    Involvement: "involvements",
    ChronologyEvent: "events",
    TriageResult: "triage_results",
    Referral: "referrals",
    EhcPlan: "ehc_plans",
    Pep: "peps",
    YouthJusticeOutcome: "youth_justice_outcomes",
    education.Enrolment: "enrolments",
    education.Exclusion: "exclusions",
    education.ManagedMove: "managed_moves",
    education.Provision: "provisions",
    education.EheCase: "ehe_cases",
    education.EheVisit: "ehe_visits",
    education.CmeEnquiry: "cme_enquiries",
    education.CmeStep: "cme_steps",
}

R = TypeVar("R")


def fields_withheld(entity: str, values: Mapping[str, Any], allowed: Allowed) -> set[str] | None:
    """The fields of a row (given as plain values) that `allowed` may not see, or None when the whole row is
    withheld."""
    if allowed.everything:
        return set()
    shown, withheld = _shown(entity, values, allowed)
    return withheld if shown else None


def _shown(entity: str, values: Mapping[str, Any], allowed: Allowed) -> tuple[bool, set[str]]:
    """Whether the row is shown, and which of its fields are withheld."""
    record = CATALOGUE[entity]
    row = record.category_of(values)
    if not allowed.permits(entity, row) or (values.get(RESTRICTED_FIELD) and not allowed.restricted):
        return False, set()
    withheld = {f.name for f in record.fields if not allowed.permits(entity, record.field_category(f.name, row))}
    return True, withheld


@overload
def redact(record: Shared, allowed: Allowed) -> Shared | None: ...
@overload
def redact(record: R, allowed: Allowed) -> R | None: ...
def redact(record: Any, allowed: Allowed) -> Any:
    """The record as `allowed` may see it: None when its row is withheld, else without withheld fields (a plain
    row loses them, a domain record holds None in them). Fields the catalogue does not list (ids, words derived
    from answers) follow their row."""
    if allowed.everything:
        return record
    if isinstance(record, Shared):
        shown, withheld = _shown(record.entity, record.values, allowed)
        if not shown:
            return None
        return Shared(record.entity, {k: v for k, v in record.values.items() if k not in withheld})
    entity = ENTITY_OF[type(record)]
    shown, withheld = _shown(entity, {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}, allowed)
    if not shown:
        return None
    present = {f.name for f in dataclasses.fields(record)}
    return dataclasses.replace(record, **dict.fromkeys(withheld & present))


def redact_all(records: Iterable[R], allowed: Allowed) -> list[R]:
    """The records `allowed` may see, each redacted; withheld rows left out."""
    return [shown for shown in (redact(r, allowed) for r in records) if shown is not None]


# -- who is allowed what ---------------------------------------------------------------------------------------
OPEN = "open"  # no agreement between two organisations: share everything (the behaviour before agreements)
CLOSED = "closed"  # no agreement: share only the baseline
DEFAULTS = (OPEN, CLOSED)
# What every organisation that sees a child receives of it from any other: who the child is and who is involved
# (so it knows whom it works with), and the data that is about no child.
BASELINE: frozenset[Category] = frozenset(
    {Category.IDENTITY, Category.INVOLVEMENT, Category.ORGANISATION, Category.DIRECTORY, Category.USAGE}
)


@dataclass(frozen=True)
class Grant:
    """A time-limited extra grant of categories for one child to one organisation, or to one user of it (a
    break-glass override). `until` is an aware datetime; an expired grant grants nothing."""

    child_id: str
    org_id: str
    categories: frozenset[Category]
    until: datetime
    user: str | None = None  # a user name: only that user's devices; None: the whole organisation
    id: str = ""
    source_org: str | None = None  # only records this organisation wrote (an override names whose); None: any


@dataclass(frozen=True)
class Consent:
    """A consent record in force narrows sharing of one category of a child beyond the organisation holding it:
    with every other organisation, or only with `org_id`. It never narrows the baseline (who the child is and
    who is involved)."""

    category: Category
    decided_on: date
    org_id: str | None = None
    ended_on: date | None = None

    def narrows(self, receiver_org: str, on: date) -> bool:
        return (
            self.category not in BASELINE
            and self.decided_on <= on
            and (self.ended_on is None or on < self.ended_on)
            and (self.org_id is None or self.org_id == receiver_org)
        )


@dataclass(frozen=True)
class Decision:
    """What one organisation shares with another, and why: the agreements that name the two (none: the
    default policy decided)."""

    allowed: Allowed
    agreements: tuple[Agreement, ...] = ()
    default: str = OPEN


@dataclass
class Policy:
    """The rules in force on one day: agreements, the area's default, and grants. `orgs(id)` looks an
    organisation up (kind, local authority) for matching agreement parties; unknown ids match no kind."""

    agreements: Sequence[Agreement] = ()
    orgs: Callable[[str], OrgInfo | None] = lambda _id: None
    default: str = OPEN
    on: date | None = None
    grants: Sequence[Grant] = ()
    now: datetime | None = None
    consents: Callable[[str], Sequence[Consent]] = lambda _child: ()
    _pairs: dict[tuple[str | None, str], Decision] = field(default_factory=dict, repr=False)
    _allowed: dict[tuple[Any, ...], Allowed] = field(default_factory=dict, repr=False)

    def _org(self, org_id: str) -> OrgInfo:
        return self.orgs(org_id) or OrgInfo(org_id)

    def between(self, source_org: str | None, receiver_org: str) -> Decision:
        """What `source_org`'s records share with `receiver_org` (categories; restricted rows never)."""
        key = (source_org, receiver_org)
        found = self._pairs.get(key)
        if found is not None:
            return found
        if source_org == receiver_org:
            found = Decision(EVERYTHING, default=self.default)
        else:
            source, receiver = self._org(source_org or ""), self._org(receiver_org)
            naming = tuple(a for a in self.agreements if source_org and a.names(source, receiver))
            if naming:
                on = self.on or datetime.now(UTC).date()
                shared = set(BASELINE)
                for agreement in naming:
                    if agreement.in_force(on):
                        shared |= agreement.shares(source, receiver)
                found = Decision(Allowed.of(shared), naming, self.default)
            elif self.default == OPEN:
                found = Decision(Allowed.of(Category), default=self.default)
            else:
                found = Decision(Allowed.of(BASELINE), default=self.default)
        self._pairs[key] = found
        return found

    def allowed_for(
        self,
        receiver_org: str,
        child_id: str | None,
        *,
        source_org: str | None = None,
        view: str = roles.FULL,
        user: str | None = None,
        grants: bool = True,
    ) -> Allowed:
        """What a device of `receiver_org` (a user with `view`, see `casedesk.domain.roles`) receives of a
        record `source_org` wrote about `child_id` (None: the shared directory, which everyone receives).
        `grants=False` leaves the time-limited grants out (what the server's kept digests count)."""
        if child_id is None or source_org == receiver_org:
            return EVERYTHING
        key = (receiver_org, child_id, source_org, view, user, grants)
        found = self._allowed.get(key)
        if found is not None:
            return found
        allowed = self.between(source_org, receiver_org).allowed.without(roles.VIEW_WITHHOLDS[view])
        allowed = allowed.without(self.withdrawn(receiver_org, child_id))
        extra = self.granted(receiver_org, child_id, user, source_org) if grants else frozenset()
        if extra:
            allowed = allowed | Allowed.of(extra)
        self._allowed[key] = allowed
        return allowed

    def withdrawn(self, receiver_org: str, child_id: str) -> frozenset[Category]:
        """Categories the child's consent records in force keep from this organisation."""
        on = self.on or datetime.now(UTC).date()
        return frozenset(c.category for c in self.consents(child_id) if c.narrows(receiver_org, on))

    def why_withheld(
        self, receiver_org: str, child_id: str, source_org: str | None, category: Category
    ) -> tuple[str, tuple[str, ...]]:
        """Why a row of this category is withheld from the organisation: "agreement" (with the ids of the
        agreements naming the two), "default" (no agreement, the closed default), "consent" or "role"."""
        decision = self.between(source_org, receiver_org)
        if not decision.allowed.permits("*", category):
            if decision.agreements:
                return "agreement", tuple(a.id for a in decision.agreements)
            return "default", ()
        if category in self.withdrawn(receiver_org, child_id):
            return "consent", ()
        return "role", ()

    def grants_for(self, receiver_org: str, user: str | None = None) -> list[Grant]:
        """The grants in force for this organisation and user."""
        now = self.now or datetime.now(UTC)
        return [
            g for g in self.grants if g.org_id == receiver_org and (g.user is None or g.user == user) and now < g.until
        ]

    def granted(
        self, receiver_org: str, child_id: str, user: str | None = None, source_org: str | None = None
    ) -> frozenset[Category]:
        """Categories the grants in force add for this child, organisation and user, of records `source_org`
        wrote (a grant naming no source adds them of every organisation's records)."""
        out: set[Category] = set()
        for grant in self.grants_for(receiver_org, user):
            if grant.child_id == child_id and grant.source_org in (None, source_org):
                out |= grant.categories
        return frozenset(out)


def allowed_for(
    receiver_org: str,
    child_id: str | None,
    *,
    source_org: str | None = None,
    view: str = roles.FULL,
    policy: Policy | None = None,
) -> Allowed:
    """What an organisation's devices receive of a record of a child it sees (or of the shared directory), under
    `policy` (the server's agreements, default and grants; without one, the open default)."""
    return (policy or Policy()).allowed_for(receiver_org, child_id, source_org=source_org, view=view)


# A referral pack's sections, as grants: each section shares these categories of these record types.
SECTION_GRANTS: dict[str, Allowed] = {
    "identity": Allowed.of([Category.IDENTITY], ["children"]),
    "contact": Allowed.of([Category.CONTACT], ["children"]),
    "school": Allowed.of([Category.EDUCATION], ["children"]),
    "statuses": Allowed.of({*STATUS_CATEGORIES.values(), CATALOGUE["status_periods"].category}, ["status_periods"]),
    "involvements": Allowed.of([Category.INVOLVEMENT], ["involvements"])
    | Allowed.of([Category.ORGANISATION], ["organisations", "workers"]),
    "triage": Allowed.of([Category.TRIAGE], ["triage_results"]),
    "chronology": Allowed.of({*EVENT_CATEGORIES.values(), CATALOGUE["events"].category}, ["events"]),
}


def for_sections(sections: Iterable[str]) -> Allowed:
    """What a service's referral pack may show: the chosen sections' grants (identity is always shared)."""
    allowed = SECTION_GRANTS["identity"]
    for section in sections:
        allowed = allowed | SECTION_GRANTS[section]
    return allowed
