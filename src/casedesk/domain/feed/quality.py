"""Data quality: the problems in what the server holds that stop people trusting it, each naming the record to
open and the organisation that can put it right. Pure: the server gathers the rows (`casedesk.server.feed.
quality`), this decides what is wrong.

Problems found:
- **identifier**: a UPN or NHS number whose check digit fails, a UPN missing with no reason recorded;
- **status conflict**: two organisations disagree whether a child is looked after, in need or on a child
  protection plan today (one holds it open, another ended or never recorded it while the council's return does);
- **stale**: a child nobody has changed for longer than the set time;
- **no school**: a child of school age with no current school, enrolment or school involvement (and not home
  educated);
- **unmatched**: a return's child waiting for a person to match it;
- **DfE rule**: a query the DfE's rules raised on the latest return;
- **duplicate**: children the caseload's duplicate finder takes for one child, with its evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from casedesk.domain.duplicates import find_duplicates
from casedesk.domain.identifiers import check_nhs_number, check_upn
from casedesk.domain.vocab import StatusKind

SHARED_STATUSES = (
    StatusKind.LOOKED_AFTER.value,
    StatusKind.CHILD_IN_NEED.value,
    StatusKind.CHILD_PROTECTION_PLAN.value,
)
SCHOOL_AGE = (5, 16)


class Kind(StrEnum):
    IDENTIFIER = "identifier"
    STATUS_CONFLICT = "status_conflict"
    STALE = "stale"
    NO_SCHOOL = "no_school"
    UNMATCHED = "unmatched"
    DFE_RULE = "dfe_rule"
    DUPLICATE = "duplicate"

    @property
    def label(self) -> str:
        return {
            "identifier": "Invalid or missing identifiers",
            "status_conflict": "Statuses that disagree between organisations",
            "stale": "Records not updated",
            "no_school": "No school recorded",
            "unmatched": "Returns' children not matched",
            "dfe_rule": "Failed DfE rules (refused returns' errors, the latest return's queries)",
            "duplicate": "Probable duplicate children",
        }[self.value]


@dataclass(frozen=True)
class Problem:
    kind: Kind
    detail: str
    child_id: str | None = None  # the record to open
    org_id: str | None = None  # who can put it right
    entity: str = "children"
    row_id: str | None = None
    reference: str | None = None  # for a return's child: "cin C001"


@dataclass(frozen=True)
class Child:
    child_id: str
    owner: str | None
    data: Mapping[str, Any]
    last_changed: date | None


@dataclass(frozen=True)
class Row:
    """A status period, involvement or enrolment of a child, with its owner."""

    entity: str
    row_id: str
    child_id: str
    owner: str | None
    data: Mapping[str, Any]


def identifier_problems(children: Iterable[Child]) -> list[Problem]:
    out: list[Problem] = []
    for child in children:
        upn, reason, nhs = child.data.get("upn"), child.data.get("upn_unknown_reason"), child.data.get("nhs_number")
        if upn:
            check = check_upn(upn)
            if not check.ok:
                out.append(_about(child, Kind.IDENTIFIER, f"UPN {upn}: {check.errors[0]}"))
        elif not reason:
            out.append(_about(child, Kind.IDENTIFIER, "No UPN, and no reason recorded why it is not known"))
        if nhs:
            check = check_nhs_number(nhs)
            if not check.ok:
                out.append(_about(child, Kind.IDENTIFIER, f"NHS number {nhs}: {check.errors[0]}"))
    return out


def status_conflicts(rows: Iterable[Row], today: date, names: Mapping[str, str] | None = None) -> list[Problem]:
    """Organisations holding the same kind of status for a child, one open today and another not (`names`:
    organisation id -> name, for the words)."""
    names = names or {}
    held: dict[tuple[str, str], dict[str | None, bool]] = defaultdict(dict)
    for row in rows:
        kind = row.data.get("kind")
        if row.entity != "status_periods" or kind not in SHARED_STATUSES:
            continue
        is_open = _open(row.data, today)
        key = (row.child_id, str(kind))
        held[key][row.owner] = held[key].get(row.owner, False) or is_open
    out: list[Problem] = []
    for (child_id, kind), by_owner in sorted(held.items()):
        if len(by_owner) > 1 and len(set(by_owner.values())) > 1:
            says_open = sorted(names.get(str(o), str(o)) for o, v in by_owner.items() if v)
            says_not = sorted(names.get(str(o), str(o)) for o, v in by_owner.items() if not v)
            label = StatusKind(kind).label
            for owner in sorted(by_owner, key=str):
                out.append(
                    Problem(
                        Kind.STATUS_CONFLICT,
                        f"{label}: open today for {', '.join(says_open)}, ended for {', '.join(says_not)}",
                        child_id,
                        owner,
                        "status_periods",
                    )
                )
    return out


def stale(children: Iterable[Child], today: date, days: int) -> list[Problem]:
    out = []
    for child in children:
        if child.last_changed is not None and (today - child.last_changed).days > days:
            out.append(
                _about(child, Kind.STALE, f"Not changed since {child.last_changed.isoformat()} (over {days} days)")
            )
    return out


def without_school(children: Iterable[Child], rows: Iterable[Row], school_orgs: set[str], today: date) -> list[Problem]:
    placed: set[str] = set()
    home_educated: set[str] = set()
    for row in rows:
        if not _open(row.data, today):
            continue
        if row.entity == "enrolments" or (
            row.entity == "involvements" and row.data.get("organisation_id") in school_orgs
        ):
            placed.add(row.child_id)
        if row.entity == "status_periods" and row.data.get("kind") == StatusKind.ELECTIVE_HOME_EDUCATION.value:
            home_educated.add(row.child_id)
    out = []
    for child in children:
        age = _age(child.data.get("date_of_birth"), today)
        if age is None or not (SCHOOL_AGE[0] <= age <= SCHOOL_AGE[1]):
            continue
        if child.data.get("current_school_id") or child.child_id in placed | home_educated:
            continue
        out.append(_about(child, Kind.NO_SCHOOL, f"Aged {age}, with no current school, enrolment or school involved"))
    return out


def _about(child: Child, kind: Kind, detail: str) -> Problem:
    return Problem(kind, detail, child.child_id, child.owner, "children", child.child_id)


def _open(data: Mapping[str, Any], today: date) -> bool:
    start, end = _day(data.get("start_date")), _day(data.get("end_date"))
    return (start is None or start <= today) and (end is None or end >= today)


def _day(raw: Any) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None


def _age(raw: Any, today: date) -> int | None:
    born = _day(raw)
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def summary(problems: Iterable[Problem]) -> dict[Kind, int]:
    counts: dict[Kind, int] = {k: 0 for k in Kind}
    for p in problems:
        counts[p.kind] += 1
    return counts


def duplicate_problems(children: Iterable[Child]) -> list[Problem]:
    """Probable duplicate children (the caseload's duplicate finder, `casedesk.domain.duplicates`): one problem
    for each child of each pair, naming the other and the evidence."""
    held = {c.child_id: c for c in children}
    out: list[Problem] = []
    for found in find_duplicates([{**c.data, "id": c.child_id} for c in held.values()]):
        reasons = "; ".join(e.detail for e in found.evidence if e.points > 0)
        for me in (found.first_id, found.second_id):
            other = held[found.other(me)]
            name = f"{other.data.get('given_name', '')} {other.data.get('family_name', '')}".strip()
            out.append(
                _about(
                    held[me],
                    Kind.DUPLICATE,
                    f"Probably the same child as {name} ({other.child_id}), {found.strength}, "
                    f"score {found.score:.2f}: {reasons}",
                )
            )
    return out
