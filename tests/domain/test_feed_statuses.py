"""Statuses from the returns' rows: CIN episodes (not those with no further action), protection plans with their
category, and periods of care joined across episodes that end with X1."""

from __future__ import annotations

from datetime import date

from casedesk.domain.feed.records import FeedChild, FeedStatus, FeedWorker, Source
from casedesk.domain.feed.statuses import (
    CareEpisode,
    CinEpisode,
    ProtectionPlan,
    care_periods,
    carry_forward,
    cin_statuses,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_cin_episodes_and_plans_become_statuses() -> None:
    episodes = [
        CinEpisode(d("2023-06-05"), None, "N1", False, (ProtectionPlan(d("2023-07-03"), None, "NEG"),)),
        CinEpisode(d("2022-01-10"), d("2022-02-01"), "N4", True),  # no further action: never a child in need
    ]
    assert cin_statuses(episodes) == [
        FeedStatus("cin:2023-06-05", "child_in_need", d("2023-06-05"), None, "N1"),
        FeedStatus("cpp:2023-07-03", "child_protection_plan", d("2023-07-03"), None, "NEG"),
    ]


def test_episodes_ending_x1_join_into_one_period_of_care() -> None:
    episodes = [
        CareEpisode(d("2023-08-01"), d("2024-01-10"), "E4A", "C2"),
        CareEpisode(d("2023-05-01"), d("2023-08-01"), "X1", "V2"),
        CareEpisode(d("2024-02-01"), None, None, "C1"),
    ]
    assert care_periods(episodes) == [
        FeedStatus("lac:2023-05-01", "looked_after", d("2023-05-01"), d("2024-01-10"), "C2"),
        FeedStatus("lac:2024-02-01", "looked_after", d("2024-02-01"), None, "C1"),
    ]


def test_a_last_episode_ending_x1_leaves_the_period_open() -> None:
    assert care_periods([CareEpisode(d("2023-05-01"), d("2023-08-01"), "X1", "V2")])[0].end is None


def test_the_current_worker_is_the_latest_allocation_in_force() -> None:
    child = FeedChild(
        Source.SSDA903,
        "L1",
        workers=(FeedWorker("A", since=d("2023-01-01"), until=d("2023-06-30")), FeedWorker("B", since=d("2023-07-01"))),
    )
    assert child.current_worker(d("2023-03-01")).key == "A"  # type: ignore[union-attr]
    assert child.current_worker(d("2024-01-01")).key == "B"  # type: ignore[union-attr]
    assert FeedChild.from_json(child.to_json()) == child


def test_a_later_return_ends_the_open_statuses_it_no_longer_lists_and_keeps_the_closed() -> None:
    open_cin = FeedStatus("cin:2023-06-05", "child_in_need", d("2023-06-05"), None, "N1")
    closed = FeedStatus("cin:2021-01-04", "child_in_need", d("2021-01-04"), d("2021-05-01"), "N2")
    plan = FeedStatus("cpp:2023-07-03", "child_protection_plan", d("2023-07-03"), None, "NEG")
    earlier = FeedChild(Source.CIN, "C001", statuses=(closed, open_cin, plan))
    later = FeedChild(Source.CIN, "C001", given_name="Ada", statuses=(open_cin,))
    # a later year's return: the plan ended before its year began (the 2025 census starts on 1 April 2024)
    after = carry_forward(earlier, later, 2025)
    assert after.given_name == "Ada"
    assert after.statuses == (closed, open_cin, FeedStatus(plan.key, plan.kind, plan.start, d("2024-03-31"), "NEG"))
    # the same year's corrected return: the plan is no longer recorded, so it ends where it began
    assert carry_forward(earlier, later, 2024).statuses[-1].end == d("2023-07-03")
    # a child the later return does not name keeps its identity, every status ended
    gone = carry_forward(earlier, None, 2025)
    assert gone.la_child_id == "C001" and all(s.end is not None for s in gone.statuses)
    assert carry_forward(later, later, 2025) == later
