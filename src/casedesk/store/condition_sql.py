"""The SQL for facts that both the alert rules and the risk-of-exclusion indicators read, written once, so an
alert and the Overview's indicator can never count the same records differently.

- **Persistent absence**, as the DfE counts it: 10% or more of the possible sessions missed (the threshold is the
  caller's), read from the counts each device keeps per child (`attendance_totals`), never from the marks.
- **Police contact or arrest** in the chronology: live entries of the kinds asked for, in a range of moments, and
  only the latest version of an amended entry (an entry amended to another kind no longer counts). The range is
  compared as ISO text through the events' kind-and-date index.

Each function returns a WHERE condition over its table's alias; the caller chooses the columns, the binds and any
further narrowing (the children in `alert_dirty`, one child).
"""

from __future__ import annotations


def persistent_absence(alias: str, percent: str) -> str:
    """`alias` is `attendance_totals`; `percent` names the bind holding the share of possible sessions missed
    (10 for persistent absence) that counts."""
    return f"{alias}.possible > 0 AND {alias}.absent * 100.0 >= {percent} * {alias}.possible"


def police_contact(alias: str, kinds: str, since: str, before: str) -> str:
    """`alias` is `events`; `kinds` an SQL list of event kinds `(…)`; `since` and `before` bind moments as ISO text
    (from `since` inclusive, before `before`)."""
    return (
        f"{alias}.kind IN {kinds} AND {alias}.occurred_at >= {since} AND {alias}.occurred_at < {before} "
        f"AND {alias}.deleted = 0 AND NOT EXISTS (SELECT 1 FROM events later "
        f"WHERE later.amends_id = {alias}.id AND later.deleted = 0)"
    )
