"""Which of the server's children a return's child is: by UPN, then NHS number, then name, date of birth and
postcode with a score. Only a certain answer is taken; anything else waits for a person (never guessed).

- A valid UPN (or former UPN) held by exactly one child matches it, unless their dates of birth differ (then a
  person looks). Held by several children: a person chooses between them.
- The same for a valid NHS number.
- Otherwise children born the same day are scored on given name, family name (each 35, by edit similarity)
  and postcode (30 for the same, 15 for the same district). Only a perfect score, with no other child within
  `CLEAR_MARGIN`, matches on its own; every child scoring `REVIEW_FLOOR` or more is offered to a person. Twins
  share a birthday, a surname and a postcode but not a given name, so one twin's record never scores perfectly
  against the other. A changed surname scores about 70: offered, never taken.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from rapidfuzz import fuzz

from casedesk.domain.feed.records import FeedChild
from casedesk.domain.identifiers import nhs_number_is_valid, normalise_postcode, postcode_district, upn_is_valid

PERFECT = 100
CLEAR_MARGIN = 10
REVIEW_FLOOR = 60


class Method(StrEnum):
    UPN = "upn"
    NHS_NUMBER = "nhs_number"
    NAME_DOB_POSTCODE = "name_dob_postcode"
    PERSON = "person"  # an administrator's decision


@dataclass(frozen=True)
class Candidate:
    """What matching reads of one of the server's children."""

    child_id: str
    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    postcode: str | None = None
    upn: str | None = None
    nhs_number: str | None = None


@dataclass(frozen=True)
class Offer:
    child_id: str
    score: int
    evidence: str


@dataclass(frozen=True)
class Match:
    """`child_id` when certain; otherwise the children offered to a person (perhaps none) and why."""

    child_id: str | None
    method: Method | None
    score: int | None
    reason: str
    offers: tuple[Offer, ...] = field(default_factory=tuple)

    @property
    def certain(self) -> bool:
        return self.child_id is not None


class Pool:
    """The server's children, indexed once by UPN, NHS number and date of birth, so a return of thousands of
    children is matched against tens of thousands without comparing every pair."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.by_upn: dict[str, list[Candidate]] = defaultdict(list)
        self.by_nhs: dict[str, list[Candidate]] = defaultdict(list)
        self.by_birth: dict[date, list[Candidate]] = defaultdict(list)
        for c in candidates:
            if c.upn:
                self.by_upn[c.upn].append(c)
            if c.nhs_number:
                self.by_nhs[c.nhs_number].append(c)
            if c.date_of_birth:
                self.by_birth[c.date_of_birth].append(c)


def match(child: FeedChild, candidates: Pool | Sequence[Candidate]) -> Match:
    pool = candidates if isinstance(candidates, Pool) else Pool(candidates)
    for method, value, also in (
        (Method.UPN, child.upn, child.former_upn),
        (Method.NHS_NUMBER, child.nhs_number, None),
    ):
        found = _by_identifier(child, pool, method, value, also)
        if found is not None:
            return found
    return _by_score(child, pool)


def _by_identifier(child: FeedChild, pool: Pool, method: Method, value: str | None, also: str | None) -> Match | None:
    valid = upn_is_valid if method is Method.UPN else nhs_number_is_valid
    wanted = sorted({v for v in (value, also) if v and valid(v)})
    if not wanted:
        return None
    label = "UPN" if method is Method.UPN else "NHS number"
    index = pool.by_upn if method is Method.UPN else pool.by_nhs
    hits = list({c.child_id: c for v in wanted for c in index.get(v, ())}.values())
    if not hits:
        return None
    if len(hits) > 1:
        offers = tuple(Offer(c.child_id, PERFECT, f"same {label}{_dob_words(child, c)}") for c in hits)
        return Match(None, None, None, f"{len(hits)} children hold this {label}", offers)
    hit = hits[0]
    if child.date_of_birth and hit.date_of_birth and child.date_of_birth != hit.date_of_birth:
        offer = Offer(hit.child_id, PERFECT, f"same {label}, but born {hit.date_of_birth.isoformat()}")
        return Match(None, None, None, f"the {label} matches but the date of birth differs", (offer,))
    return Match(hit.child_id, method, PERFECT, f"same {label}")


def _dob_words(child: FeedChild, candidate: Candidate) -> str:
    if child.date_of_birth and candidate.date_of_birth:
        same = child.date_of_birth == candidate.date_of_birth
        return ", same date of birth" if same else ", different date of birth"
    return ""


def score(child: FeedChild, candidate: Candidate) -> tuple[int, str]:
    """The name, date of birth and postcode score (0 unless born the same day) and its evidence in words."""
    if child.date_of_birth is None or child.date_of_birth != candidate.date_of_birth:
        return 0, "different date of birth"
    given = fuzz.ratio(_plain(child.given_name), _plain(candidate.given_name))
    family = fuzz.ratio(_plain(child.family_name), _plain(candidate.family_name))
    if (
        child.postcode
        and candidate.postcode
        and normalise_postcode(child.postcode) == normalise_postcode(candidate.postcode)
    ):
        place, where = 30.0, "same postcode"
    elif (
        child.postcode
        and postcode_district(child.postcode)
        and (postcode_district(child.postcode) == postcode_district(candidate.postcode))
    ):
        place, where = 15.0, "same postcode district"
    else:
        place, where = 0.0, "different or missing postcode"
    total = round(0.35 * given + 0.35 * family + place)
    return total, f"given name {given:.0f}%, family name {family:.0f}%, same date of birth, {where}"


def _by_score(child: FeedChild, pool: Pool) -> Match:
    if not (child.given_name and child.family_name):
        return Match(None, None, None, "no identifier matches and the return gives no name to compare")
    if child.date_of_birth is None:
        return Match(None, None, None, "no identifier matches and the return gives no date of birth")
    scored = sorted(
        (
            (s, evidence, c)
            for c in pool.by_birth.get(child.date_of_birth, ())
            for s, evidence in [score(child, c)]
            if s >= REVIEW_FLOOR
        ),
        key=lambda item: (-item[0], item[2].child_id),
    )
    offers = tuple(Offer(c.child_id, s, evidence) for s, evidence, c in scored)
    if not scored:
        return Match(None, None, None, "no child has this identifier, or this name and date of birth")
    best = scored[0][0]
    runner_up = scored[1][0] if len(scored) > 1 else 0
    if best == PERFECT and best - runner_up >= CLEAR_MARGIN:
        return Match(scored[0][2].child_id, Method.NAME_DOB_POSTCODE, best, scored[0][1])
    if best == PERFECT:
        return Match(None, None, None, "more than one child has this name, date of birth and postcode", offers)
    return Match(None, None, None, "similar children found; none certainly the same", offers)


def _plain(name: str | None) -> str:
    return " ".join((name or "").lower().replace("-", " ").replace("'", "").split())
