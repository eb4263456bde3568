"""`casedesk-server duplicates`: possible duplicate children among every child the server holds, with the evidence.

The same pure finder the app uses over its caseload (`casedesk.domain.duplicates`), over the server's child rows;
read-only. Merging is done from the app by a safeguarding lead or manager, whose merge record the server applies.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import Connection, select

from casedesk.domain.duplicates import Candidate, Person, find_duplicates
from casedesk.server.db import ServerDB, records


def register(sub: Any) -> None:
    p = sub.add_parser("duplicates", help="possible duplicate children among all the server holds, with evidence")
    p.add_argument("--limit", type=int, default=200, help="show at most this many pairs (default 200)")


def server_children(conn: Connection) -> list[Person]:
    """Every child the server holds (not deleted), as the finder reads them."""
    query = select(records.c.row_id, records.c.data).where(records.c.entity == "children", records.c.deleted.is_(False))
    return [Person.of(data, row_id=row_id) for row_id, data in conn.execute(query)]


def server_duplicates(conn: Connection) -> list[Candidate]:
    return find_duplicates(server_children(conn))


def run(store: ServerDB, args: argparse.Namespace) -> int:
    with store.read() as conn:
        found = server_duplicates(conn)
    for candidate in found[: args.limit]:
        print(f"{candidate.first_id}  {candidate.second_id}  {candidate.strength}  {candidate.score:.2f}")
        for e in candidate.evidence:
            print(f"    {'+' if e.points > 0 else '-' if e.points < 0 else ' '} {e.detail}")
    print(f"{len(found)} possible duplicate pair(s)" + (f", {args.limit} shown" if len(found) > args.limit else ""))
    return 0
