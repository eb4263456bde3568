"""`casedesk-server import …` and `casedesk-server feed …`: the social-care feed from the command line.

    import cin-census FILE.xml [--identities CSV] [--org ID] [--ruleset cin2023_24]
    import ssda903 DIR [--la-ons-code E08000035] [--la 383] [--year 2024] [--org ID] [--ruleset lac2023_24]
    (either: --accept-rule CODE, repeated, imports despite that rule's failures, kept as queries and audited;
    the identity extract, identities.csv, is described in `identities` and in each import's --help)
    feed review [--org ID]                       the children waiting for a person to match them
    feed decide SOURCE LA_CHILD_ID match CHILD_ID | create | reject  --by NAME --reason TEXT
    data-quality [--org ID] [--stale-days 180]   the data-quality report (the LA's, or one organisation's)

A refused return prints every reason (each failed DfE rule with its child, table, field and value: the errors
that refuse it, then apart the queries, which alone would not) and changes nothing but the record of the refusal,
which the data-quality report shows until a later import of that return succeeds; the exit status is 1.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any

from casedesk.server.db import ServerDB
from casedesk.server.feed import imports
from casedesk.server.feed.identities import COLUMNS_HELP, FeedRefused, read_identities

COMMANDS = ("import", "feed", "data-quality")


def register(sub: Any) -> None:
    """Add `import` and `feed` to `casedesk-server`."""
    group = sub.add_parser("import", help="import the council's statutory returns (CIN census, SSDA903)")
    kinds = group.add_subparsers(dest="import_kind", metavar="RETURN", required=True)
    p = kinds.add_parser(
        "cin-census",
        help="a children in need census (XML)",
        epilog=COLUMNS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path)
    p.add_argument("--identities", type=Path, help="the council's identity extract (CSV, columns below)")
    _common(p)
    p = kinds.add_parser(
        "ssda903",
        help="an SSDA903 return: a folder of CSV tables (and identities.csv)",
        epilog=COLUMNS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("folder", type=Path)
    p.add_argument(
        "--la-ons-code",
        help="the council's ONS code (e.g. E08000035), for the placement rules "
        "(default: the council most of the return's home postcodes lie in)",
    )
    p.add_argument("--la", help="the council's three-digit LA code (e.g. 383)")
    p.add_argument("--year", type=int, help="the collection year (default: from the episodes' latest date)")
    _common(p)
    group = sub.add_parser("feed", help="the social-care feed's review queue")
    actions = group.add_subparsers(dest="feed_action", metavar="ACTION", required=True)
    p = actions.add_parser("review", help="children of the returns waiting for a person to match them")
    p.add_argument("--org", help="only this children's social care organisation")
    p = actions.add_parser("decide", help="match a waiting child to a server child, create one, or reject it")
    p.add_argument("source", choices=("cin", "ssda903"))
    p.add_argument("la_child_id")
    p.add_argument("decision", choices=("match", "create", "reject"))
    p.add_argument("child_id", nargs="?", help="the server's child (for match)")
    p.add_argument("--org", help="the children's social care organisation (when the server has several)")
    p.add_argument("--by", default=None, help="who decides (default: the logged-in user)")
    p.add_argument("--reason", required=True)

    p = sub.add_parser("data-quality", help="the data-quality report: the local authority's, or one organisation's")
    p.add_argument("--org", help="only what this organisation sees (default: the whole local authority)")
    p.add_argument("--stale-days", type=int, default=180, help="a child not changed for longer is reported")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--org", help="the children's social care organisation publishing it (when there are several)")
    p.add_argument("--ruleset", help="the validator's rules to use (default: the return's collection year)")
    p.add_argument(
        "--accept-rule",
        action="append",
        default=[],
        metavar="CODE",
        help="import despite this DfE rule's failures, keeping them as queries (repeat for each; audited)",
    )


def run(store: ServerDB, args: argparse.Namespace) -> int:
    try:
        if args.command == "import":
            return _import(store, args)
        if args.command == "data-quality":
            from casedesk.server.feed import quality

            try:
                result = quality.report(store, args.org, stale_days=args.stale_days)
            except LookupError as exc:
                raise FeedRefused(str(exc)) from None
            print(quality.format_report(result))
            return 0
        return _feed(store, args)
    except FeedRefused as exc:
        print(f"casedesk-server: {exc}")
        return 1


def _actor() -> str:
    return f"{getpass.getuser()} (command line)"


def _import(store: ServerDB, args: argparse.Namespace) -> int:
    if args.import_kind == "cin-census":
        from casedesk.server.feed.cin import read_cin

        if not args.file.is_file():
            raise FeedRefused(f"{args.file} is not a file.")
        data = args.file.read_bytes()
        identities = read_identities(args.identities.read_bytes(), args.identities.name) if args.identities else None
        feed_return = read_cin(data, identities, args.ruleset)
        digest = imports.sha256(data + (args.identities.read_bytes() if args.identities else b""))
        file = str(args.file)
    else:
        from casedesk.server.feed.ssda903 import read_ssda903

        feed_return = read_ssda903(
            args.folder, la_ons_code=args.la_ons_code, la_code=args.la, year=args.year, ruleset=args.ruleset
        )
        digest = imports.sha256(b"".join(p.read_bytes() for p in sorted(args.folder.glob("*.csv"))))
        file = str(args.folder)
    feed_return = feed_return.accepting(args.accept_rule)
    for note in feed_return.notes:
        print(note)
    summary = imports.import_return(
        store, feed_return, data_hash=digest, actor=_actor(), org_id=args.org, accepted=args.accept_rule, file=file
    )
    print(summary.describe())
    for query in feed_return.queries:
        print(f"  - {query.describe()}")
    return 0


def _feed(store: ServerDB, args: argparse.Namespace) -> int:
    from casedesk.server.feed import review

    if args.feed_action == "review":
        print(review.format_queue(review.queue(store, args.org)))
        return 0
    outcome = review.decide(
        store,
        source=args.source,
        la_child_id=args.la_child_id,
        decision=args.decision,
        child_id=args.child_id,
        actor=args.by or _actor(),
        reason=args.reason,
        org_id=args.org,
    )
    print(outcome)
    return 0
