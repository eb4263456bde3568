"""`casedesk check`: is the encrypted database whole? Every page, the structure, foreign keys, the search index and
the audit chain, each problem on its own line, with what to do about it. Exit 0 when it passes, 1 when not."""

from __future__ import annotations

import argparse
import sys

from casedesk.cli.common import Subparsers, add_db, open_database


def register(sub: Subparsers) -> None:
    """Add `casedesk check` to the `casedesk` parser."""
    p = sub.add_parser("check", help="check the database for damage (pages, structure, audit chain, search index)")
    add_db(p)
    p.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    with open_database(args) as db:
        report = db.check()
    print(report.describe(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1
