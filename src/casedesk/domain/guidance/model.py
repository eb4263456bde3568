"""Guidance entries as records: a question, the other ways people ask it, an answer, links into the app.

An entry is content an area owns and reviews, not code: it arrives in a JSON file (`resources/guidance/`,
validated by `guidance.schema.json`), is stored whole as the `document` of a synced `guidance_entries` row and
rebuilt from it here. Links name a place in the app by kind (a needs check, the directory filtered to a need and
level, a service's card, the referrals page, the information-sharing agreements, another entry) so the content
never depends on screen layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

LINK_TARGETS = ("needs_check", "directory", "service", "referrals", "agreements", "guidance")
TOPICS = {
    "immediate_risk": "Immediate risk",
    "levels_of_need": "Thresholds and levels of need",
    "consent_and_sharing": "Consent and information sharing",
    "referrals": "Making and chasing referrals",
    "home_education": "Home education",
    "exclusions": "Suspensions and exclusions",
    "attendance": "Attendance",
    "using_casedesk": "Using CaseDesk",
}
REVIEW_AFTER_DAYS = 365  # an answer not reviewed for a year is shown as due for review


@dataclass(frozen=True)
class GuidanceLink:
    """One click into the app; which of `need`, `level`, `service`, `entry` apply depends on `target`."""

    label: str
    target: str
    need: str | None = None
    level: int | None = None
    service: str | None = None
    entry: str | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> GuidanceLink:
        return cls(
            label=str(raw["label"]),
            target=str(raw["target"]),
            need=raw.get("need"),
            level=raw.get("level"),
            service=raw.get("service"),
            entry=raw.get("entry"),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "target": self.target}
        for key in ("need", "level", "service", "entry"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True)
class GuidanceEntry:
    id: str
    question: str
    answer: str
    owner: str
    last_reviewed: date
    also_asked: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    links: tuple[GuidanceLink, ...] = ()
    immediate_risk: bool = False
    sample: bool = False

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> GuidanceEntry:
        return cls(
            id=str(raw["id"]),
            question=str(raw["question"]),
            answer=str(raw["answer"]),
            owner=str(raw["owner"]),
            last_reviewed=date.fromisoformat(str(raw["last_reviewed"])),
            also_asked=tuple(raw.get("also_asked", ())),
            keywords=tuple(raw.get("keywords", ())),
            topics=tuple(raw.get("topics", ())),
            links=tuple(GuidanceLink.from_dict(link) for link in raw.get("links", ())),
            immediate_risk=bool(raw.get("immediate_risk", False)),
            sample=bool(raw.get("sample", False)),
        )

    def to_dict(self) -> dict[str, Any]:
        """The entry as the file (and the stored document) spells it."""
        out: dict[str, Any] = {"id": self.id, "question": self.question}
        if self.also_asked:
            out["also_asked"] = list(self.also_asked)
        if self.keywords:
            out["keywords"] = list(self.keywords)
        if self.topics:
            out["topics"] = list(self.topics)
        out["answer"] = self.answer
        if self.immediate_risk:
            out["immediate_risk"] = True
        if self.links:
            out["links"] = [link.to_dict() for link in self.links]
        out["owner"] = self.owner
        out["last_reviewed"] = self.last_reviewed.isoformat()
        if self.sample:
            out["sample"] = True
        return out

    def review_due(self, today: date) -> bool:
        return (today - self.last_reviewed).days > REVIEW_AFTER_DAYS

    def reviewed_text(self, today: date) -> str:
        """ "Reviewed 2 November 2026 by …", with a warning when the answer is overdue for review."""
        text = f"Reviewed {self.last_reviewed.day} {self.last_reviewed:%B %Y} · owner: {self.owner}"
        if self.review_due(today):
            text += " · due for review: check it is still right"
        return text


# Shown first for any question suggesting immediate risk, even when an area's content has no such entry:
# this answer is a rule, not content, so no import can take it away.
FALLBACK_IMMEDIATE_RISK = GuidanceEntry(
    id="immediate-risk",
    question="A child may be in immediate danger: what do I do now?",
    answer=(
        "Contact children's social care or the police now. If a child is in immediate danger, call 999. "
        "Tell your designated safeguarding lead as soon as you have made the call, and record what you saw, heard "
        "and did."
    ),
    owner="CaseDesk",
    last_reviewed=date(2026, 11, 30),
    topics=("immediate_risk",),
    immediate_risk=True,
)
