"""A record's writes keep no copy of a clock the change feed already holds.

A record keeps each write's clock and author by version (`compact.pack_writes`: `{"<version>": [clock, author]}`),
and the version is the number of the feed item that write made, which holds the same clock (`feed.hlc`): 57
characters stored twice for every write. So a write whose clock is its feed item's is stored as its author alone
(`{"9": "ann"}`), and a record whose every write is so, by one author (most records: written once), as that author
(`"ann"`); the clocks come back from the feed (`feed_clocks`) where records are read. A clock is left out only when
it is known to equal the feed item's (`lend`, given the clocks of the feed items the caller knows), and the feed
is never rewritten, so every clock comes back exactly. Writes stored with their clocks (from before) read as they
are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from casedesk.server.db import feed
from casedesk.server.db.compact import ODD

CHUNK = 500


def lend(versions: dict[str, Any], writes: dict[str, Any], clocks: Mapping[int, str]) -> Any:
    """`writes` (as `pack_writes` makes them) without the clocks `clocks` (feed item number → clock) holds."""
    out: dict[str, Any] = {}
    for key, pair in writes.items():
        if key != ODD and type(pair[1]) is str and pair[0] is not None and clocks.get(int(key)) == pair[0]:
            out[key] = pair[1]
        else:
            out[key] = pair
    if out and ODD not in out:
        authors = set(out.values()) if all(type(v) is str for v in out.values()) else ()
        if len(authors) == 1 and {str(v) for v in versions.values()} == out.keys():
            return authors.pop()  # every field's write: one author, the feed's clocks
    return out


def borrowed(versions: dict[str, Any], stored: Any) -> set[int]:
    """The feed items whose clocks a record's stored writes leave out."""
    if type(stored) is str:
        return {int(v) for v in versions.values()}
    return {int(key) for key, pair in stored.items() if key != ODD and type(pair) is str}


def restore(versions: dict[str, Any], stored: Any, clocks: Mapping[int, str]) -> dict[str, Any]:
    """The writes as `pack_writes` made them, each clock left out taken back from `clocks`."""
    if type(stored) is str:
        return {str(v): [clocks[int(v)], stored] for v in versions.values()}
    if not any(type(pair) is str for pair in stored.values()):
        return stored
    return {key: [clocks[int(key)], pair] if type(pair) is str else pair for key, pair in stored.items()}


def feed_clocks(conn: Connection, seqs: Iterable[int]) -> dict[int, str]:
    """The clocks of these feed items, one query per 500."""
    wanted = sorted(set(seqs))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(
            (int(seq), hlc) for seq, hlc in conn.execute(select(feed.c.seq, feed.c.hlc).where(feed.c.seq.in_(chunk)))
        )
    missing = set(wanted) - found.keys()
    if missing:  # the feed is never rewritten: a record naming an item it lacks is a damaged database
        raise LookupError(f"feed items missing for stored clocks: {sorted(missing)[:5]}")
    return found
