"""`casedesk export [directory|triage|referral]`: one command, one dispatcher.

With no target it exports children's records (`--child ID` or `--all`); the targets export the service directory,
print one Presenting Needs Check, or render a referral pack. An option that belongs to another target is refused
with a line saying which, so a mistyped command never silently exports something else.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from casedesk.errors import ValidationError

TARGETS = ("directory", "triage", "referral")
OWNED_OPTIONS = {"result": "triage", "referral": "referral", "to": "referral"}


def add_export_parser(sub: argparse._SubParsersAction, add_db) -> None:  # type: ignore[no-untyped-def, type-arg]
    p = sub.add_parser(
        "export",
        help="export a child's record (subject access), the whole database, the service directory, "
        "a needs check or a referral pack",
    )
    add_db(p)
    p.add_argument(
        "target",
        nargs="?",
        choices=TARGETS,
        help="'directory' (--format oruk3), 'triage' (--result ID) or 'referral' (--referral ID); "
        "none for children's records",
    )
    which = p.add_mutually_exclusive_group()  # for children's records only (checked by the handlers)
    which.add_argument("--child", help="the child's id")
    which.add_argument("--all", action="store_true", help="every child")
    p.add_argument("--format", choices=["json", "oruk3"], default=None, help="json (records) or oruk3 (directory)")
    p.add_argument("--result", help="the Presenting Needs Check (triage result) id, for 'export triage'")
    p.add_argument("--referral", help="the referral id, for 'export referral'")
    p.add_argument(
        "--audience", choices=["service", "family"], default="service", help="which referral pack (default service)"
    )
    p.add_argument("--to", help="recipient address when --out ends in .eml")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    for option, owner in OWNED_OPTIONS.items():
        if getattr(args, option) and args.target != owner:
            raise ValidationError(f"--{option} is for 'casedesk export {owner}'.")
    if args.target == "triage":
        from casedesk.cli.triage import cmd_export_triage

        return cmd_export_triage(args)
    if args.target == "referral":
        from casedesk.cli.referrals import cmd_export_referral

        return cmd_export_referral(args)
    from casedesk.cli.directory import cmd_export as export_directory_or_records

    return export_directory_or_records(args)
