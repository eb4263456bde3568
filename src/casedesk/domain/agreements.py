"""Information-sharing agreements: who shares which data categories with whom, on what lawful basis.

An agreement names two parties — one organisation, or a kind of organisation (optionally only those of one local
authority: "every school in LA 383") — and, for each direction, the data categories the first shares with the
second. It carries the lawful basis (UK GDPR Article 6, and for special-category or criminal-offence data the
Article 9 / Article 10 condition, usually DPA 2018 Schedule 1 paragraph 18, safeguarding of children and
individuals at risk), its start, end and review dates and who signed it. Pure data and validation: the server
stores agreements, `casedesk.domain.sharing.Policy` applies them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from casedesk.domain.schema import Category
from casedesk.domain.vocab import OrgKind

# Categories an agreement may name: everything recorded about a child (directory, organisation and usage data is
# not about a child and every device holds it).
SHAREABLE: tuple[Category, ...] = tuple(
    c for c in Category if c not in (Category.DIRECTORY, Category.ORGANISATION, Category.USAGE)
)
# Special-category data (UK GDPR Art. 9) needs an Art. 9 condition; criminal-offence data (Art. 10) an Art. 10 one.
SPECIAL: frozenset[Category] = frozenset({Category.HEALTH, Category.SEND})
CRIMINAL: frozenset[Category] = frozenset({Category.YOUTH_JUSTICE})

ARTICLE_6: dict[str, str] = {
    "consent": "Art. 6(1)(a) consent",
    "contract": "Art. 6(1)(b) contract",
    "legal_obligation": "Art. 6(1)(c) legal obligation",
    "vital_interests": "Art. 6(1)(d) vital interests",
    "public_task": "Art. 6(1)(e) public task",
    "legitimate_interests": "Art. 6(1)(f) legitimate interests",
}
ARTICLE_9: dict[str, str] = {
    "explicit_consent": "Art. 9(2)(a) explicit consent",
    "social_protection": "Art. 9(2)(b) employment, social security and social protection law",
    "vital_interests": "Art. 9(2)(c) vital interests",
    "safeguarding": "Art. 9(2)(g) substantial public interest: DPA 2018 Sch. 1 para. 18, safeguarding of children "
    "and individuals at risk",
    "health_social_care": "Art. 9(2)(h) health or social care",
}
ARTICLE_10: dict[str, str] = {
    "safeguarding": "Art. 10 with DPA 2018 Sch. 1 para. 18, safeguarding of children and individuals at risk",
    "statutory": "Art. 10 with DPA 2018 Sch. 1 para. 6, statutory and government purposes",
    "official_authority": "Art. 10 under official authority (youth justice services, Crime and Disorder Act 1998)",
}


class AgreementInvalid(ValueError):
    """An agreement that cannot be stored; the message lists every problem."""


@dataclass(frozen=True)
class OrgInfo:
    """What an agreement's party is matched against: an organisation's id, kind and local authority."""

    id: str
    name: str = ""
    kind: str = ""
    la_code: str | None = None


@dataclass(frozen=True)
class Party:
    """One side of an agreement: an organisation (`org:ID`) or a kind, optionally of one LA (`kind:school@383`)."""

    org_id: str | None = None
    kind: str | None = None
    la_code: str | None = None

    @classmethod
    def parse(cls, text: str) -> Party:
        how, _, what = text.strip().partition(":")
        if how == "org" and what:
            return cls(org_id=what.strip())
        if how == "kind" and what:
            kind, _, la = what.partition("@")
            if kind not in set(OrgKind):
                raise AgreementInvalid(f"party {text!r}: unknown kind of organisation (one of {', '.join(OrgKind)})")
            if la and not (len(la) == 3 and la.isdigit()):
                raise AgreementInvalid(f"party {text!r}: a local authority is its three-digit code, e.g. 383")
            return cls(kind=kind, la_code=la or None)
        raise AgreementInvalid(f"party {text!r}: write org:ID, kind:KIND or kind:KIND@LA (e.g. kind:school@383)")

    def __str__(self) -> str:
        if self.org_id:
            return f"org:{self.org_id}"
        return f"kind:{self.kind}" + (f"@{self.la_code}" if self.la_code else "")

    def matches(self, org: OrgInfo) -> bool:
        if self.org_id:
            return org.id == self.org_id
        return org.kind == self.kind and (self.la_code is None or org.la_code == self.la_code)

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """In words: the organisation's name, or "every school in LA 383"."""
        if self.org_id:
            return (names or {}).get(self.org_id, self.org_id)
        label = OrgKind(self.kind).label if self.kind in set(OrgKind) else str(self.kind)
        return f"every {label.lower()}" + (f" in LA {self.la_code}" if self.la_code else "")


@dataclass(frozen=True)
class Agreement:
    """One information-sharing agreement. `a_to_b` are the categories party A shares with party B."""

    id: str
    title: str
    party_a: Party
    party_b: Party
    a_to_b: frozenset[Category]
    b_to_a: frozenset[Category]
    article_6: str
    start_date: date
    review_date: date
    signed_by: tuple[str, ...]
    article_9: str | None = None
    article_10: str | None = None
    end_date: date | None = None
    ended_at: str | None = None  # when an administrator ended it early (ISO timestamp), with the reason below
    ended_reason: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def in_force(self, on: date) -> bool:
        if self.ended_at is not None:
            return False
        return self.start_date <= on and (self.end_date is None or on <= self.end_date)

    def names(self, a: OrgInfo, b: OrgInfo) -> bool:
        """Whether this agreement is between these two organisations (in either direction)."""
        return (self.party_a.matches(a) and self.party_b.matches(b)) or (
            self.party_a.matches(b) and self.party_b.matches(a)
        )

    def shares(self, source: OrgInfo, receiver: OrgInfo) -> frozenset[Category]:
        """The categories `source` shares with `receiver` under this agreement (in force or not)."""
        out: set[Category] = set()
        if self.party_a.matches(source) and self.party_b.matches(receiver):
            out |= self.a_to_b
        if self.party_b.matches(source) and self.party_a.matches(receiver):
            out |= self.b_to_a
        return frozenset(out)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "party_a": str(self.party_a),
            "party_b": str(self.party_b),
            "a_to_b": sorted(self.a_to_b),
            "b_to_a": sorted(self.b_to_a),
            "article_6": self.article_6,
            "article_9": self.article_9,
            "article_10": self.article_10,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "review_date": self.review_date.isoformat(),
            "signed_by": list(self.signed_by),
            "ended_at": self.ended_at,
            "ended_reason": self.ended_reason,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Agreement:
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            party_a=Party.parse(str(data["party_a"])),
            party_b=Party.parse(str(data["party_b"])),
            a_to_b=frozenset(Category(c) for c in data.get("a_to_b") or ()),
            b_to_a=frozenset(Category(c) for c in data.get("b_to_a") or ()),
            article_6=str(data["article_6"]),
            article_9=data.get("article_9"),
            article_10=data.get("article_10"),
            start_date=date.fromisoformat(str(data["start_date"])),
            end_date=date.fromisoformat(str(data["end_date"])) if data.get("end_date") else None,
            review_date=date.fromisoformat(str(data["review_date"])),
            signed_by=tuple(str(s) for s in data.get("signed_by") or ()),
            ended_at=data.get("ended_at"),
            ended_reason=data.get("ended_reason"),
        )


def parse_categories(text: str, where: str) -> tuple[frozenset[Category], list[str]]:
    """A comma-separated list of categories ("" or "none": nothing), and the problems found."""
    problems: list[str] = []
    out: set[Category] = set()
    for raw in (p.strip() for p in text.split(",")):
        if not raw or raw == "none":
            continue
        if raw not in {c.value for c in SHAREABLE}:
            problems.append(f"{where}: unknown data category {raw!r} (one of {', '.join(SHAREABLE)})")
        else:
            out.add(Category(raw))
    return frozenset(out), problems


def _day(text: str | None, where: str, problems: list[str], *, required: bool) -> date | None:
    if not text:
        if required:
            problems.append(f"{where}: required (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"{where}: {text!r} is not a date (YYYY-MM-DD)")
        return None


def build(
    *,
    agreement_id: str,
    title: str,
    party_a: str,
    party_b: str,
    a_to_b: str,
    b_to_a: str,
    article_6: str,
    article_9: str | None,
    article_10: str | None,
    start: str | None,
    end: str | None,
    review: str | None,
    signed_by: Iterable[str],
    known_org: Any = None,
) -> Agreement:
    """An agreement from what an administrator typed, or `AgreementInvalid` listing every problem.

    `known_org(id) -> bool` checks that a named organisation exists."""
    problems: list[str] = []
    parties: list[Party] = []
    for where, text in (("party A", party_a), ("party B", party_b)):
        try:
            party = Party.parse(text)
            if party.org_id and known_org is not None and not known_org(party.org_id):
                problems.append(f"{where}: no organisation with id {party.org_id}")
            parties.append(party)
        except AgreementInvalid as exc:
            problems.append(str(exc))
    if len(parties) == 2 and parties[0] == parties[1]:
        problems.append("the two parties are the same")
    forward, bad = parse_categories(a_to_b, "A to B")
    problems += bad
    backward, bad = parse_categories(b_to_a, "B to A")
    problems += bad
    if not forward and not backward and not bad:
        problems.append("the agreement shares no category in either direction")
    if not title.strip():
        problems.append("title: required")
    if article_6 not in ARTICLE_6:
        problems.append(f"Article 6 basis {article_6!r}: one of {', '.join(ARTICLE_6)}")
    shared = forward | backward
    if shared & SPECIAL and not article_9:
        names = ", ".join(sorted(shared & SPECIAL))
        problems.append(f"{names} is special-category data: give the Article 9 condition (e.g. safeguarding)")
    if article_9 and article_9 not in ARTICLE_9:
        problems.append(f"Article 9 condition {article_9!r}: one of {', '.join(ARTICLE_9)}")
    if shared & CRIMINAL and not article_10:
        problems.append("youth_justice is criminal-offence data: give the Article 10 condition (e.g. safeguarding)")
    if article_10 and article_10 not in ARTICLE_10:
        problems.append(f"Article 10 condition {article_10!r}: one of {', '.join(ARTICLE_10)}")
    start_day = _day(start, "start date", problems, required=True)
    end_day = _day(end, "end date", problems, required=False)
    review_day = _day(review, "review date", problems, required=True)
    if start_day and end_day and end_day < start_day:
        problems.append("end date: before the start date")
    if start_day and review_day and review_day < start_day:
        problems.append("review date: before the start date")
    signatories = tuple(s.strip() for s in signed_by if s.strip())
    if not signatories:
        problems.append("signed by: name at least one signatory (name, role and organisation)")
    if problems:
        raise AgreementInvalid("; ".join(problems))
    assert start_day is not None and review_day is not None
    return Agreement(
        id=agreement_id,
        title=title.strip(),
        party_a=parties[0],
        party_b=parties[1],
        a_to_b=forward,
        b_to_a=backward,
        article_6=article_6,
        article_9=article_9 or None,
        article_10=article_10 or None,
        start_date=start_day,
        end_date=end_day,
        review_date=review_day,
        signed_by=signatories,
    )
