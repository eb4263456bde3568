"""Which statuses a return's rows mean, as status periods with start and end dates.

- **Child in need**: each CIN episode (referral to closure), unless the referral led to no further action.
- **Child protection plan**: each plan (start to end), with its latest category of abuse.
- **Looked after**: each period of care, made of consecutive SSDA903 episodes. An episode that ends with reason
  `X1` (the episode ceased but the child stays looked after: a change of placement or legal status) carries the
  period on into the next episode; any other reason ends the period on that date.

A status with no end date is open: a later return that gives the end date ends it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from casedesk.domain.feed.records import FeedStatus
from casedesk.domain.vocab import StatusKind

STILL_LOOKED_AFTER = "X1"  # SSDA903 REC: episode ceased, child remains looked after


@dataclass(frozen=True)
class CinEpisode:
    referral: date
    closure: date | None
    primary_need: str | None
    no_further_action: bool
    plans: tuple[ProtectionPlan, ...] = ()


@dataclass(frozen=True)
class ProtectionPlan:
    start: date
    end: date | None
    category: str | None  # the latest category of abuse (NEG, PHY, SAB, EMO, MUL)


@dataclass(frozen=True)
class CareEpisode:
    start: date  # DECOM
    end: date | None  # DEC
    reason_ended: str | None  # REC
    legal_status: str | None  # LS


def cin_statuses(episodes: Iterable[CinEpisode]) -> list[FeedStatus]:
    out: list[FeedStatus] = []
    for episode in sorted(episodes, key=lambda e: e.referral):
        if not episode.no_further_action:
            out.append(
                FeedStatus(
                    f"cin:{episode.referral.isoformat()}",
                    StatusKind.CHILD_IN_NEED.value,
                    episode.referral,
                    episode.closure,
                    episode.primary_need,
                )
            )
        for plan in sorted(episode.plans, key=lambda p: p.start):
            out.append(
                FeedStatus(
                    f"cpp:{plan.start.isoformat()}",
                    StatusKind.CHILD_PROTECTION_PLAN.value,
                    plan.start,
                    plan.end,
                    plan.category,
                )
            )
    return out


def care_periods(episodes: Sequence[CareEpisode]) -> list[FeedStatus]:
    """Join a child's episodes into periods of care (see the module's note)."""
    out: list[FeedStatus] = []
    start: date | None = None
    latest: CareEpisode | None = None
    for episode in sorted(episodes, key=lambda e: e.start):
        if start is None:
            start = episode.start
        latest = episode
        if episode.end is not None and episode.reason_ended != STILL_LOOKED_AFTER:
            out.append(_period(start, episode.end, episode.legal_status))
            start, latest = None, None
    if start is not None and latest is not None:
        # the last episode is open, or ceased with X1 and nothing followed it yet: the child is still looked after
        out.append(_period(start, None, latest.legal_status))
    return out


def _period(start: date, end: date | None, legal_status: str | None) -> FeedStatus:
    return FeedStatus(f"lac:{start.isoformat()}", StatusKind.LOOKED_AFTER.value, start, end, legal_status)
