"""`casedesk-server admin access-log`: the access log across children, filtered, on screen or exported as a PDF
for a subject access request or an information-governance review."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from casedesk.domain.spreadsheet import Value, write_csv
from casedesk.reports.access_log import render_access_log_pdf, render_overrides_pdf
from casedesk.server.db import ServerDB, access, breakglass, orgs, users
from casedesk.server.db.accounts import AdminError


def add_parser(adm: Any) -> None:
    """The command's arguments (`adm` is the `admin` sub-command's subparsers)."""
    p = adm.add_parser("access-log", help="who received which child's records, when and on what basis")
    p.add_argument("--child", help="one child's id")
    p.add_argument("--org", help="receiving organisation's id")
    p.add_argument("--user", help="receiving user's name")
    p.add_argument("--device", help="receiving device's id")
    p.add_argument("--since", help="from this day (YYYY-MM-DD)")
    p.add_argument("--until", help="to this day, inclusive (YYYY-MM-DD)")
    p.add_argument("--basis", help="basis containing this word: involvement, agreement, override")
    p.add_argument("--limit", type=int, default=10_000, help="at most this many entries, newest first")
    p.add_argument("--pdf", type=Path, help="write the selection as a PDF")
    p.add_argument("--csv", type=Path, help="write the selection as a CSV file, safe to open in a spreadsheet")
    p = adm.add_parser("overrides", help="break-glass overrides: who asked for what of which child, why, decided")
    p.add_argument("--org", help="only overrides of this organisation's records (its report)")
    p.add_argument("--since", help="asked from this day (YYYY-MM-DD)")
    p.add_argument("--pdf", type=Path, help="write the report as a PDF")
    p.add_argument("--csv", type=Path, help="write the report as a CSV file, safe to open in a spreadsheet")


def _day(raw: str | None, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise AdminError(f"--{name} must be a date as YYYY-MM-DD, not {raw!r}.") from None


def filters_from(store: ServerDB, args: argparse.Namespace) -> access.Filters:
    """The filters the arguments ask for; an organisation or user that does not exist is an error, not an empty
    answer, so a mistyped id is never taken for "nobody received anything"."""
    since, until = _day(args.since, "since"), _day(args.until, "until")
    if since and until and until < since:
        raise AdminError("--until is before --since.")
    if args.limit < 1:
        raise AdminError("--limit must be at least 1.")
    with store.read() as conn:
        if args.org and conn.execute(select(orgs.c.id).where(orgs.c.id == args.org)).first() is None:
            raise AdminError(f"No organisation with id {args.org}.")
        if args.user and conn.execute(select(users.c.id).where(users.c.username == args.user)).first() is None:
            raise AdminError(f"No user called {args.user!r}.")
    return access.Filters(
        child_id=args.child,
        org_id=args.org,
        username=args.user,
        device_id=args.device,
        since=since,
        until=until,
        basis=args.basis,
        limit=args.limit,
    )


def describe(filters: access.Filters) -> str:
    """The selection in words, printed on the export so a reader knows what it covers."""
    parts = [
        f"{label} {value}"
        for label, value in (
            ("child", filters.child_id),
            ("organisation", filters.org_id),
            ("user", filters.username),
            ("device", filters.device_id),
            ("from", filters.since),
            ("to", filters.until),
            ("basis", filters.basis),
        )
        if value
    ]
    return "; ".join(parts) if parts else "every entry"


def line(e: dict[str, Any]) -> str:
    child = f"{e['child']} ({e['child_id']})" if e["child"] else e["child_id"]
    return (
        f"{e['at']:%Y-%m-%d %H:%M}  {child}  → {e['organisation']} / {e['username']} / {e['device_name']}"
        f"  {e['items']} item(s), {e['kind']}, {e['basis']}"
    )


CSV_HEADER = (
    "When (UTC)",
    "Last (UTC)",
    "Child",
    "Child id",
    "Organisation",
    "User",
    "Device",
    "Device id",
    "Kind",
    "Items",
    "Basis",
    "Override id",
)


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC).replace(tzinfo=None)


def csv_rows(entries: list[dict[str, Any]]) -> list[tuple[Value, ...]]:
    return [
        (
            _utc(e["at"]),
            _utc(e["last_at"]),
            e["child"],
            e["child_id"],
            e["organisation"],
            e["username"],
            e["device_name"],
            e["device_id"],
            e["kind"],
            e["items"],
            e["basis"],
            e["override_id"],
        )
        for e in entries
    ]


def _wrote(n: int, path: Path) -> None:
    print(f"Wrote {n} entr{'y' if n == 1 else 'ies'} to {path}.")


def run(store: ServerDB, args: argparse.Namespace) -> None:
    filters = filters_from(store, args)
    entries = access.search(store, filters)
    if args.csv:
        write_csv(args.csv, CSV_HEADER, csv_rows(entries))
        _wrote(len(entries), args.csv)
    if args.pdf:
        render_access_log_pdf(args.pdf, entries, describe(filters), "casedesk-server admin", datetime.now(UTC))
        _wrote(len(entries), args.pdf)
    if args.csv or args.pdf:
        return
    for e in entries:
        print(line(e))
    print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} ({describe(filters)}).")


OVERRIDE_HEADER = (
    "Asked (UTC)",
    "Override id",
    "Child",
    "Child id",
    "User",
    "Organisation",
    "Device",
    "Records of",
    "Kinds of information",
    "Reason",
    "Why",
    "Mode",
    "State",
    "Decided by",
    "Decided (UTC)",
    "Decision note",
    "Until (UTC)",
    "Ended (UTC)",
)


def override_rows(entries: list[dict[str, Any]]) -> list[tuple[Value, ...]]:
    return [
        (
            _utc(e["requested_at"]),
            e["id"],
            e["child"],
            e["child_id"],
            e["username"],
            e["organisation"],
            e["device_name"],
            e["owner"],
            ", ".join(e["categories"]),
            e["reason"],
            e["detail"],
            e["mode"],
            e["state"],
            e["decided_by"],
            _utc(e["decided_at"]),
            e["decision_note"],
            _utc(e["expires_at"]),
            _utc(e["ended_at"]),
        )
        for e in entries
    ]


def override_line(e: dict[str, Any]) -> str:
    child = f"{e['child']} ({e['child_id']})" if e["child"] else e["child_id"]
    until = f" until {e['expires_at']:%Y-%m-%d %H:%M}" if e["expires_at"] else ""
    return (
        f"{e['requested_at']:%Y-%m-%d %H:%M}  {e['id']}  {child}  {e['username']} ({e['organisation']}, device "
        f"{e['device_name']}) asked for {e['owner']}'s {', '.join(e['categories'])}  [{e['reason']}: {e['detail']}]"
        f"  {e['state']}{' by ' + e['decided_by'] if e['decided_by'] else ''}{until}"
    )


def run_overrides(store: ServerDB, args: argparse.Namespace) -> None:
    """The owning organisation's report of overrides (every organisation's without --org)."""
    since = _day(args.since, "since")
    if args.org:
        with store.read() as conn:
            if conn.execute(select(orgs.c.id).where(orgs.c.id == args.org)).first() is None:
                raise AdminError(f"No organisation with id {args.org}.")
    entries = breakglass.report(store, args.org, datetime.combine(since, time(), UTC) if since else None)
    parts = (f"records of organisation {args.org}" if args.org else "", f"from {since}" if since else "")
    selection = "; ".join(p for p in parts if p) or "every override"
    if args.csv:
        write_csv(args.csv, OVERRIDE_HEADER, override_rows(entries))
        print(f"Wrote {len(entries)} override(s) to {args.csv}.")
    if args.pdf:
        render_overrides_pdf(args.pdf, entries, selection, "casedesk-server admin", datetime.now(UTC))
        print(f"Wrote {len(entries)} override(s) to {args.pdf}.")
    if args.csv or args.pdf:
        return
    for e in entries:
        print(override_line(e))
    print(f"{len(entries)} override(s) ({selection}).")
