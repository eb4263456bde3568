"""Who an alert tells: a rule's recipients resolved against the child's named workers and organisations.

- `{"role": R}`: every current involvement with role R — its named worker, or the organisation when no worker is
  named (someone there still has to pick it up);
- `{"to": "school_safeguarding_lead"}`: the designated safeguarding lead involved from the child's current school;
  failing that a worker of the school whose job title says safeguarding lead; failing that the school itself;
- `{"to": "virtual_school"}`: for a looked-after child only, the named virtual-school officer; failing that the
  virtual school involved with the child, or else the area's virtual school.

The list is sorted, so two devices holding the same involvements tell the same people in the same order (the
alert's fields are then equal and sync takes the two alerts as one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from casedesk.domain.alerts.model import Recipient
from casedesk.domain.vocab import InvolvementRole, label_of


@dataclass(frozen=True)
class Involved:
    role: str
    organisation_id: str
    organisation: str
    organisation_kind: str
    worker_id: str | None = None
    worker: str | None = None


@dataclass(frozen=True)
class Staff:
    worker_id: str
    name: str
    role: str


@dataclass
class ChildContacts:
    """What recipients are resolved from for one child (read in one query for every child a rule fired for)."""

    school_id: str | None = None
    school: str | None = None
    looked_after: bool = False
    involved: list[Involved] = field(default_factory=list)
    school_staff: list[Staff] = field(default_factory=list)  # the current school's workers (the DSL fallback)
    virtual_schools: list[tuple[str, str]] = field(default_factory=list)  # the area's (id, name), the last resort


def _person(inv: Involved, why: str) -> dict[str, str]:
    if inv.worker_id:
        return {"worker_id": inv.worker_id, "organisation_id": inv.organisation_id, "name": str(inv.worker), "why": why}
    return {"organisation_id": inv.organisation_id, "name": inv.organisation, "why": f"{why} (no named worker)"}


def _school_lead(contacts: ChildContacts) -> list[dict[str, str]]:
    if not contacts.school_id:
        return []
    why = "school's safeguarding lead"
    named = [i for i in contacts.involved if i.organisation_id == contacts.school_id and i.role == InvolvementRole.DSL]
    if named:
        return [_person(i, why) for i in named]
    titled = [s for s in contacts.school_staff if "safeguarding" in s.role.casefold()]
    if titled:
        return [
            {"worker_id": s.worker_id, "organisation_id": contacts.school_id, "name": s.name, "why": why}
            for s in titled
        ]
    return [
        {"organisation_id": contacts.school_id, "name": contacts.school or "the school", "why": f"{why} (none named)"}
    ]


def _virtual_school(contacts: ChildContacts) -> list[dict[str, str]]:
    if not contacts.looked_after:
        return []
    why = "virtual school"
    officers = [i for i in contacts.involved if i.role == InvolvementRole.VIRTUAL_SCHOOL_OFFICER]
    if officers:
        return [_person(i, why) for i in officers]
    schools = [i for i in contacts.involved if i.organisation_kind == "virtual_school"]
    if schools:
        return [{"organisation_id": i.organisation_id, "name": i.organisation, "why": why} for i in schools]
    return [{"organisation_id": org_id, "name": name, "why": why} for org_id, name in contacts.virtual_schools[:1]]


def resolve(tell: tuple[Recipient, ...], contacts: ChildContacts) -> list[dict[str, str]]:
    """The people and organisations told, each once (the first reason given for them is kept), sorted."""
    found: list[dict[str, str]] = []
    for recipient in tell:
        if recipient.role:
            why = label_of(InvolvementRole, recipient.role).lower()
            found += [_person(i, why) for i in contacts.involved if i.role == recipient.role]
        elif recipient.to == "school_safeguarding_lead":
            found += _school_lead(contacts)
        elif recipient.to == "virtual_school":
            found += _virtual_school(contacts)
    unique: dict[str, dict[str, str]] = {}
    for entry in found:
        unique.setdefault(entry.get("worker_id") or entry["organisation_id"], entry)
    return sorted(unique.values(), key=lambda e: (e["name"], e.get("worker_id", ""), e["organisation_id"]))


def is_told(tell: list[dict[str, str]], worker_ids: frozenset[str], organisation_id: str | None) -> bool:
    """Whether this user is among those told: by name (one of their worker records), or through their
    organisation when it was told without a named person. An alert that names nobody is for everyone holding it."""
    if not tell:
        return True
    for entry in tell:
        if entry.get("worker_id") in worker_ids:
            return True
        if not entry.get("worker_id") and organisation_id and entry.get("organisation_id") == organisation_id:
            return True
    return False
