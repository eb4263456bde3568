"""`casedesk enrol` and `casedesk sync`: connect this device to a server, and run one sync round.

The server password comes from `CASEDESK_SERVER_PASSWORD` (or a file), never from a plain argument.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from casedesk.cli.common import Subparsers, add_db, open_database, read_secret


def register(sub: Subparsers) -> None:
    """Add `casedesk enrol` and `casedesk sync` to the `casedesk` parser."""
    p = sub.add_parser("enrol", help="enrol this device with a CaseDesk server (user name + one-time code)")
    add_db(p)
    p.add_argument("--server", required=True, help="server URL, e.g. https://casedesk.example.org")
    p.add_argument("--user", required=True, help="your user name on the server")
    p.add_argument("--code", required=True, help="the one-time enrolment code from your administrator")
    p.add_argument("--name", default="", help="a name for this device (shown to administrators)")
    p.add_argument("--password-file", type=Path, help="read the server password from this file")
    p.set_defaults(handler=cmd_enrol)

    p = sub.add_parser("sync", help="one sync round: push local changes, pull others', check the digest")
    add_db(p)
    p.set_defaults(handler=cmd_sync)


def cmd_enrol(args: argparse.Namespace) -> int:
    from casedesk.services.sync import enrol

    password = read_secret(args.password_file, "CASEDESK_SERVER_PASSWORD", "Server password: ")
    with open_database(args) as db:
        org = enrol(db, args.server, args.user, password, args.code, device_name=args.name)
    print(f"Enrolled device {db.device_id} with {args.server} as {args.user} (organisation {org}).")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from casedesk.services.sync import SyncService

    with open_database(args) as db:
        service = SyncService(db)
        report = service.run_once()
        print(f"Sync finished: {report.describe()}.")
        for item in service.set_aside():
            print(f"  set aside: {item.op} {item.entity} {item.row_id}: {item.reason}")
        for conflict in service.conflicts():
            values = " / ".join(repr(c["value"]) for c in conflict.candidates)
            marker = " (critical: needs a person)" if conflict.critical else ""
            print(
                f"  conflict: {conflict.entity} {conflict.row_id} {conflict.field}: {values}; "
                f"kept {conflict.kept!r}{marker}"
            )
    return 0 if report.digest_ok else 1
