"""What the duplicate finder reads and what it answers: a `Person` in, `Candidate` pairs with their `Evidence` out.

The finder is shared by the device (over its caseload), the server (over every child it holds) and the server's
data-quality report, so its input is a small neutral record built from either side's own shape: a device `Child`
or the server's JSON fields of a child row (`Person.of`). Nothing here touches a database.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from casedesk.domain.identifiers import normalise_postcode


class Verdict(enum.StrEnum):
    """How one field of the two records compares."""

    SAME = "same"
    SIMILAR = "similar"
    DIFFERENT = "different"
    MISSING = "missing"  # absent on one side or both: says nothing either way


@dataclass(frozen=True, slots=True)
class Person:
    """The identifying details of one child, as the finder compares them."""

    id: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    preferred_name: str | None = None
    sex: str | None = None  # "M", "F"; anything else counts as unknown
    upn: str | None = None
    nhs_number: str | None = None
    postcode: str | None = None

    @classmethod
    def of(cls, record: Any, row_id: str | None = None) -> Person:
        """A `Person` from a device `Child` (or anything with its attributes) or a mapping of a child's fields.

        A mapping is the server's JSON `data` of a `child` row: give its `row_id` when the id is not inside it.
        Dates may be `date`s or ISO strings; identifiers are compared with spaces removed and upper-cased.
        """
        if isinstance(record, Person):
            return record
        get = record.get if isinstance(record, Mapping) else (lambda key: getattr(record, key, None))
        born = get("date_of_birth")
        if isinstance(born, str):
            born = date.fromisoformat(born[:10]) if born else None
        return cls(
            id=str(row_id if row_id is not None else get("id")),
            given_name=str(get("given_name") or ""),
            family_name=str(get("family_name") or ""),
            date_of_birth=born,
            preferred_name=get("preferred_name") or None,
            sex=get("sex") or None,
            upn=_squash(get("upn")),
            nhs_number=_squash(get("nhs_number")),
            postcode=normalise_postcode(get("postcode")) or None,
        )


def _squash(value: Any) -> str | None:
    text = "".join(str(value or "").split()).replace("-", "").upper()
    return text or None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason for (positive `points`) or against (negative) the two records being one child, in plain words."""

    field: str  # upn, nhs_number, name, given_name, family_name, date_of_birth, postcode, sex
    verdict: Verdict
    detail: str
    points: float


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two records that may be the same child: `score` 0–1 and the evidence behind it.

    `first_id` sorts before `second_id`, so a pair has one spelling whichever way it was found. `points` is the
    sum of the evidence's points; `score` maps it onto 0–1 (0.5 at the finder's threshold).
    """

    first_id: str
    second_id: str
    score: float
    points: float
    evidence: tuple[Evidence, ...]

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.first_id, self.second_id))

    @property
    def strength(self) -> str:
        """ "certain" (a shared identifier, nothing against), "probable" or "possible", for a person to read."""
        shared_id = any(e.field in ("upn", "nhs_number") and e.verdict is Verdict.SAME for e in self.evidence)
        against = any(e.points < 0 for e in self.evidence)
        if shared_id and not against:
            return "certain"
        return "probable" if self.score >= 0.9 else "possible"

    def other(self, child_id: str) -> str:
        return self.second_id if child_id == self.first_id else self.first_id
