"""The hybrid logical clock never goes backwards and always moves past what it observes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from casedesk.domain.hlc import HybridLogicalClock, format_hlc, parse_hlc


@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=50))
def test_strictly_increasing_even_when_the_wall_clock_jumps_back(walls: list[int]) -> None:
    readings = iter(walls)
    clock = HybridLogicalClock("dev-a", wall=lambda: next(readings))
    stamps = [clock.now() for _ in walls]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


@given(st.integers(0, 10**12), st.integers(0, 10**12), st.integers(0, 999))
def test_observe_moves_past_both_clocks(local_wall: int, remote_millis: int, remote_counter: int) -> None:
    clock = HybridLogicalClock("dev-a", wall=lambda: local_wall)
    before = clock.now()
    remote = format_hlc(remote_millis, remote_counter, "dev-b")
    after = clock.observe(remote)
    assert parse_hlc(after)[:2] > parse_hlc(before)[:2]
    assert parse_hlc(after)[:2] > parse_hlc(remote)[:2]


def test_resumes_from_the_last_stamp() -> None:
    clock = HybridLogicalClock("dev-a", last=format_hlc(5_000, 3, "dev-a"), wall=lambda: 1_000)
    assert clock.now() == format_hlc(5_000, 4, "dev-a")
