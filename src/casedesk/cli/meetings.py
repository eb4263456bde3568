"""`casedesk meeting-outcomes`: the local authority's counts of meetings, decisions, waits and plan actions, with
small numbers suppressed, as aligned text for a person or tab-separated with `--tsv` for a script."""

from __future__ import annotations

import argparse
from datetime import date

from casedesk.cli.common import Subparsers, add_db, open_database


def day(text: str) -> date:
    """A day as YYYY-MM-DD (argparse shows the message and exits 2 on anything else)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(sub: Subparsers) -> None:
    p = sub.add_parser("meeting-outcomes", help="counts of meeting decisions, waits and plan actions (suppressed)")
    add_db(p)
    p.add_argument("--since", type=day, help="meetings held on or after this day (YYYY-MM-DD)")
    p.add_argument("--tsv", action="store_true", help="tab-separated: table, row, count")
    p.set_defaults(handler=cmd_outcomes)


def cmd_outcomes(args: argparse.Namespace) -> int:
    from casedesk.domain import disclosure
    from casedesk.services.meetings.outcomes import meeting_outcomes

    with open_database(args) as db:
        result = meeting_outcomes(db, date.today(), args.since)
    if args.tsv:
        print("table\trow\tcount")
        for table in result.tables:
            for label, shown in table.display():
                print(f"{table.title}\t{label}\t{shown}")
        print(f"Actions done by their due date\t\t{result.on_time_rate}")
        return 0
    period = f"since {args.since:%d %B %Y}" if args.since else "all meetings held"
    print(f"{result.meetings:,} meetings ({period}).")
    print(disclosure.LEGEND)
    for table in result.tables:
        print(f"\n{table.title}")
        rows = table.display()
        width = max((len(label) for label, _ in rows), default=0)
        for label, shown in rows or [("None", "0")]:
            print(f"  {label.ljust(width)}  {shown.rjust(6)}")
    print(f"\nActions done by their due date: {result.on_time_rate}")
    return 0
