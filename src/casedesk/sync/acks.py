"""Which recorded push answers this device has yet to tell the server about (see `casedesk.server.db.answers`).

The server keeps each pushed change's answer whole, so a batch retried after a lost answer is told the same
again. Once this device has recorded an answer it never sends that change again, and says so in a later push
(`PushRequest.recorded`): the server then keeps only the answer's status. Batches are pipelined (batch n+1 is sent
while the answers to batch n are recorded), so a push names the answers recorded before it was sent. The ids not
yet told are kept between rounds (`config.RECORDED_UNTOLD`): the last batch of a round is told in the next one.
A request that failed told nothing for certain: its ids are named again.
"""

from __future__ import annotations

from collections.abc import Iterable

from casedesk.sync.wire import MAX_RECORDED


class Untold:
    """The ids to name in the next pushes, and those named by requests still in flight."""

    def __init__(self, held: Iterable[str] = ()) -> None:
        self.ids: dict[str, None] = dict.fromkeys(held)  # in recorded order
        self.in_flight: set[str] = set()

    def take(self) -> list[str]:
        """The ids a push about to be sent names (at most `MAX_RECORDED`), now in flight."""
        named = [i for i in self.ids if i not in self.in_flight][:MAX_RECORDED]
        self.in_flight.update(named)
        return named

    def told(self, named: Iterable[str], recorded: Iterable[str]) -> None:
        """A push naming `named` was answered, and its own changes' answers, `recorded`, are now recorded."""
        for change_id in named:
            self.ids.pop(change_id, None)
            self.in_flight.discard(change_id)
        self.ids.update(dict.fromkeys(recorded))

    def held(self) -> list[str]:
        """What to keep for the next round."""
        return list(self.ids)
