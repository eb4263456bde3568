"""The garbage collector set for a sync server's way of allocating, once its app is built.

A push decides a 500-change batch in memory: records, their per-field maps, feed items and answers, some fifty
thousand short-lived dictionaries and lists a batch, nearly all freed by reference counting, none in a cycle.
CPython's defaults run a young collection every 700 net allocations and an older one every tenth of those, each
older one walking every object the process holds (the app, SQLAlchemy's tables and compiled statements, pydantic's
validators): measured, about a quarter of a push's server CPU (a 1,000-child caseload 7.5 s → 5.5 s, 8,000 edits
1.4 s → 0.9 s in one process). Here the young generation is collected every 10,000 net allocations, and what
exists once the app is built is moved out of the collector's sight (`gc.freeze`): it lives as long as the
process. Cycles are still found, a little later.

Only the server's own processes call this (`casedesk-server` and its worker factory): it is process-wide.
"""

from __future__ import annotations

import gc

YOUNG = 10_000  # net allocations between young collections (CPython's default: 700)


def tune() -> None:
    """Call once the app is built, before serving."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG, older, oldest)
