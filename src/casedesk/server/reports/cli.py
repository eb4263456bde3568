"""`casedesk-server report NAME --from YYYY-MM-DD --to YYYY-MM-DD --format csv|pdf [--org ID] [--out FILE]`.

The same tables as the app's Dashboards page, protected the same way; the whole area's by default (the server's
administrator runs it), or one organisation's as that organisation sees them (`--org`). NAME `all` writes every
dashboard into one file. Bad input (an unknown report, a date that is not a date) is a one-line error.
`--bank-holidays FILE` first keeps GOV.UK's bank-holidays JSON (https://www.gov.uk/bank-holidays.json, as
downloaded) as the server's list for working days (`holidays`); a file that is not that list is refused, nothing
kept.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from casedesk.domain.dashboards.export import csv_text
from casedesk.server.db import ServerDB, migrate
from casedesk.server.reports import REPORTS, ReportError, holidays, run
from casedesk.server.reports.model import AREA, Audience, Period

ALL = "all"


def register(sub: Any) -> None:
    p = sub.add_parser("report", help="the dashboards' tables as CSV or a PDF pack (counts only, small ones withheld)")
    p.add_argument("name", help=f"one of: {', '.join(REPORTS)}, or {ALL}")
    p.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: twelve months before --to)")
    p.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: today)")
    p.add_argument("--format", choices=("csv", "pdf"), default="csv")
    p.add_argument("--org", help="an organisation's id: its figures, as it sees them (default: the whole area)")
    p.add_argument("--out", type=Path, help="file to write (CSV goes to standard output when not given)")
    p.add_argument(
        "--bank-holidays",
        type=Path,
        metavar="FILE",
        help="keep GOV.UK's bank-holidays JSON as the server's list for working days, then report",
    )


def audience_for(store: ServerDB, org_id: str | None) -> Audience:
    if not org_id:
        return Audience(AREA)
    from casedesk.server.reports import audience_of

    return audience_of(store, org_id, "manager")  # the organisation's own reports, as its managers see them


def main(store: ServerDB, args: argparse.Namespace) -> int:
    try:
        names = list(REPORTS) if args.name == ALL else [args.name]
        if args.name != ALL and args.name not in REPORTS:
            raise ReportError(f"There is no report {args.name!r}; the reports are: {', '.join(REPORTS)}, {ALL}.")
        period = Period.parse(args.start, args.end, date.today())
        if args.format == "pdf" and args.out is None:
            raise ReportError("A PDF needs --out FILE.")
        migrate(store.engine)
        if args.bank_holidays is not None:
            print(f"casedesk-server: {holidays.keep(store, args.bank_holidays)}.", file=sys.stderr)
        audience = audience_for(store, args.org)
        dashboards = [run(store, name, period, audience).to_json() for name in names]
    except ReportError as exc:
        print(f"casedesk-server: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        text = csv_text(dashboards)
        if args.out is None:
            sys.stdout.write(text)
        else:
            args.out.write_text(text, encoding="utf-8-sig", newline="")
    else:
        from casedesk.reports.dashboards import render_pack

        render_pack(args.out, dashboards, "casedesk-server report", datetime.now(UTC))
    if args.out is not None:
        print(f"Wrote {', '.join(names)} ({period}) to {args.out}.", file=sys.stderr)
    return 0
