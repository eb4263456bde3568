"""What the server's data-quality report and the feed's review queue look like on the wire (shared by the server
and the app's Data quality page)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QualityProblem(_Model):
    kind: str
    label: str
    detail: str
    child_id: str | None = None  # the record to open
    child_name: str | None = None
    organisation: str | None = None  # who can put it right
    entity: str = "children"
    row_id: str | None = None
    reference: str | None = None  # a return's child: "cin C001"


class QualityReport(_Model):
    scope: str
    generated_at: str
    counts: dict[str, int]
    problems: list[QualityProblem]


class ReviewOffer(_Model):
    child_id: str
    score: int
    evidence: str
    name: str | None = None  # the server's child offered, for the administrator to compare
    date_of_birth: str | None = None
    postcode: str | None = None
    held_by: str | None = None  # the organisation whose record it is


class ReviewItem(_Model):
    source: str
    la_child_id: str
    name: str
    date_of_birth: str | None = None
    postcode: str | None = None
    upn: str | None = None
    nhs_number: str | None = None
    offers: list[ReviewOffer]


class ReviewQueue(_Model):
    items: list[ReviewItem]


class ReviewDecision(_Model):
    source: Literal["cin", "ssda903"]
    la_child_id: str = Field(min_length=1, max_length=100)
    decision: Literal["match", "create", "reject"]
    child_id: str | None = Field(default=None, max_length=36)
    reason: str = Field(min_length=1, max_length=1000)


class ReviewOutcome(_Model):
    message: str
