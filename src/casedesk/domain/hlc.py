"""Hybrid logical clock (Kulkarni et al., 2014): orders changes across devices whose wall clocks disagree.

A timestamp is `f"{millis:013d}-{counter:06d}-{device_id}"`, so plain string comparison is causal order: it
never goes backwards on one device even if the wall clock does, and it moves past any timestamp it has seen
from another device. The device id breaks ties, so two devices never produce equal timestamps.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def _wall_millis() -> int:
    return time.time_ns() // 1_000_000


def format_hlc(millis: int, counter: int, device_id: str) -> str:
    return f"{millis:013d}-{counter:06d}-{device_id}"


def parse_hlc(stamp: str) -> tuple[int, int, str]:
    """Split a timestamp into (millis, counter, device); raises ValueError when it is malformed."""
    millis, counter, device = stamp.split("-", 2)
    if len(millis) != 13 or len(counter) != 6 or not device:
        raise ValueError(f"not a hybrid logical clock timestamp: {stamp!r}")
    return int(millis), int(counter), device


class HybridLogicalClock:
    def __init__(self, device_id: str, last: str | None = None, wall: Callable[[], int] = _wall_millis) -> None:
        self.device_id = device_id
        self._wall = wall
        self._millis, self._counter = 0, 0
        if last:
            self._millis, self._counter, _ = parse_hlc(last)

    @property
    def last(self) -> str:
        return format_hlc(self._millis, self._counter, self.device_id)

    def now(self) -> str:
        """A new timestamp, later than every one this clock has issued or observed."""
        wall = self._wall()
        if wall > self._millis:
            self._millis, self._counter = wall, 0
        else:
            self._counter += 1
        return self.last

    def observe(self, remote: str) -> str:
        """Merge a timestamp received from another device; returns the new local timestamp."""
        r_millis, r_counter, _ = parse_hlc(remote)
        wall = self._wall()
        top = max(wall, self._millis, r_millis)
        if top == self._millis and top == r_millis:
            counter = max(self._counter, r_counter) + 1
        elif top == self._millis:
            counter = self._counter + 1
        elif top == r_millis:
            counter = r_counter + 1
        else:
            counter = 0
        self._millis, self._counter = top, counter
        return self.last
