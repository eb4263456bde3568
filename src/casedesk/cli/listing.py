"""`casedesk list children|needs-checks|referrals`: the ids the app never shows, for scripts and admins.

One line per record — id, name, date, status — as aligned columns for a person, or tab-separated with `--tsv`
for a script. The list is audited as a view in the name of the profile's user.
"""

from __future__ import annotations

import argparse

from casedesk.cli.common import Subparsers, actor, add_db, open_database

HEADINGS = ("ID", "NAME", "DATE", "STATUS")


def register(sub: Subparsers) -> None:
    """Add `casedesk list` to the `casedesk` parser."""
    from casedesk.services.listing import LISTS

    p = sub.add_parser("list", help="list children, needs checks or referrals with their ids")
    p.add_argument("what", choices=sorted(LISTS), help="what to list")
    add_db(p)
    p.add_argument("--tsv", action="store_true", help="tab-separated, with a heading line, for scripts")
    p.set_defaults(handler=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    from casedesk.services.listing import list_records

    with open_database(args) as db:
        rows = list_records(db, args.what, actor(db))
    lines = [HEADINGS] + [(r.id, r.name, r.date.isoformat() if r.date else "", r.status) for r in rows]
    if args.tsv:
        for line in lines:
            print("\t".join(cell.replace("\t", " ") for cell in line))
        return 0
    if not rows:
        print(f"No {args.what.replace('-', ' ')} recorded.")
        return 0
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADINGS) - 1)]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)) + "  " + line[-1])
    return 0
