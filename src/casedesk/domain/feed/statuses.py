"""Which statuses a return's rows mean, as status periods with start and end dates.

- **Child in need**: each CIN episode (referral to closure), unless the referral led to no further action.
- **Child protection plan**: each plan (start to end), with its latest category of abuse.
- **Looked after**: each period of care, made of consecutive SSDA903 episodes. An episode that ends with reason
  `X1` (the episode ceased but the child stays looked after: a change of placement or legal status) carries the
  period on into the next episode; any other reason ends the period on that date.

A status with no end date is open: a later return that gives the end date ends it, and a later return that no
longer lists it ends it too (`carry_forward`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from casedesk.domain.feed.records import FeedChild, FeedStatus
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


def collection_start(year: int) -> date:
    """The first day a return of `year` covers: the 2024 census and SSDA903 cover 1 April 2023 to 31 March 2024."""
    return date(year - 1, 4, 1)


def carry_forward(previous: FeedChild, latest: FeedChild | None, year: int) -> FeedChild:
    """What a child holds after a later return of `year`: the later return's record (or, when the child is no
    longer in it, the earlier one), plus every status of the earlier record the later one no longer lists.

    A return lists every status open during its collection year, so an open status it leaves out had ended before
    that year began: it is ended on the year's eve, the latest day it can have been open (or on its own start
    date, when the later return covers that date and so no longer records it at all). A status that had already
    ended is kept as it was: a later year's return leaves out earlier years' closed episodes. Nothing is dropped,
    so what schools were told stays in the record with its end."""
    eve = collection_start(year) - timedelta(days=1)
    base = latest or replace(previous, statuses=())
    listed = {s.key for s in base.statuses}
    carried = [
        s if s.end is not None else replace(s, end=max(s.start, eve)) for s in previous.statuses if s.key not in listed
    ]
    if not carried and latest is not None:
        return latest
    statuses = tuple(sorted((*base.statuses, *carried), key=lambda s: (s.start, s.key)))
    return replace(base, statuses=statuses)
