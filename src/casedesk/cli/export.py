"""`casedesk export [directory|triage|referral|chronology]`: one command, one dispatcher.

With no target it exports children's records (`--child ID` or `--all`); the targets export the service directory
(ORUK 3.0 JSON), print one Presenting Needs Check, render a referral pack, or print a child's chronology. An option
that belongs to another target is refused with a line saying which, so a mistyped command never silently exports
something else. Every export is a disclosure and is audited by the service that makes it, in the name of the
profile's user.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

from casedesk.cli.common import Subparsers, actor, add_db, open_database, refuse_folder
from casedesk.errors import ValidationError

TARGETS = ("directory", "triage", "referral", "chronology", "provider-template")
OWNED_OPTIONS = {"result": "triage", "referral": "referral", "to": "referral"}


def register(sub: Subparsers) -> None:
    """Add `casedesk export` to the `casedesk` parser."""
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
        help="'directory' (--format oruk3), 'triage' (--result ID), 'referral' (--referral ID) or "
        "'chronology' (--child ID, a PDF); none for children's records",
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
    p.add_argument(
        "--for",
        dest="for_org",
        metavar="ORG_ID",
        help="a child's record or chronology made for another organisation: only what the sharing agreements "
        "let go to it",
    )
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """Refuse options that belong to another target, then hand over to the target's exporter."""
    for option, owner in OWNED_OPTIONS.items():
        if getattr(args, option) and args.target != owner:
            raise ValidationError(f"--{option} is for 'casedesk export {owner}'.")
    if args.for_org and args.target not in (None, "chronology"):
        raise ValidationError("--for is for a child's record or 'casedesk export chronology'.")
    if args.target == "triage":
        return export_triage(args)
    if args.target == "referral":
        return export_referral(args)
    if args.target == "directory":
        return export_directory(args)
    if args.target == "chronology":
        return export_chronology(args)
    if args.target == "provider-template":
        return export_provider_template(args)
    return export_records(args)


def export_records(args: argparse.Namespace) -> int:
    """One child's record (subject access) or every child, as JSON."""
    from casedesk.services.export import write_export

    if args.format == "oruk3":
        raise ValidationError("--format oruk3 is for 'casedesk export directory'.")
    if not (args.child or args.all):
        raise ValidationError("Say what to export: --child ID, --all, or 'directory'.")
    if args.for_org:
        return export_for(args)
    with open_database(args) as db:
        count = write_export(db, args.out, actor(db), None if args.all else args.child)
    print(f"Exported {count} child record(s) to {args.out} (OFFICIAL-SENSITIVE).")
    return 0


def export_for(args: argparse.Namespace) -> int:
    """One child's record as another organisation may receive it."""
    from casedesk.services.export import export_child

    if not args.child:
        raise ValidationError("--for exports one child's record: give --child ID.")
    out: Path = args.out
    refuse_folder(out, "for the export")
    with open_database(args) as db:
        document = export_child(db, args.child, actor(db), for_org=args.for_org)
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print(f"Exported the record for organisation {args.for_org} to {out} (OFFICIAL-SENSITIVE).")
    return 0


def export_directory(args: argparse.Namespace) -> int:
    """The service directory as one ORUK 3.0 page."""
    from casedesk.services.directory.service import DirectoryService

    if args.child or args.all:
        raise ValidationError("'export directory' exports services only; leave out --child and --all.")
    if args.format not in (None, "oruk3"):
        raise ValidationError("The directory is exported as ORUK 3.0: use --format oruk3.")
    out: Path = args.out
    refuse_folder(out, "for the export")
    with open_database(args) as db:
        page = DirectoryService(db, actor(db)).export()
    out.write_text(json.dumps(page, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Exported {page['total_items']} service(s) to {out} (ORUK 3.0).")
    return 0


def export_provider_template(args: argparse.Namespace) -> int:
    """The blank provider content template, with help text for every field (no database needed)."""
    from casedesk.services.directory.provider import blank_template

    out: Path = args.out
    refuse_folder(out, "for the template")
    out.write_text(blank_template(), encoding="utf-8")
    print(f"Wrote the provider content template to {out}; import a filled one with 'casedesk import provider'.")
    return 0


def export_triage(args: argparse.Namespace) -> int:
    """One Presenting Needs Check as a PDF, drawn from the stored outcome (never re-scored)."""
    from casedesk.services.triage.service import TriageService

    if not args.result:
        raise ValidationError("Say which check to print: casedesk export triage --result ID --out FILE.pdf.")
    if args.child or args.all:
        raise ValidationError("'export triage' prints one check; leave out --child and --all.")
    if args.format == "oruk3":
        raise ValidationError("A Presenting Needs Check is exported as a PDF; leave out --format.")
    out: Path = args.out
    refuse_folder(out, "for the PDF")
    with open_database(args) as db:
        child = TriageService(db, actor(db)).write_pdf(args.result, out, datetime.now(UTC))
    print(f"Saved the Presenting Needs Check for {child.full_name} to {out} (OFFICIAL-SENSITIVE).")
    return 0


def export_chronology(args: argparse.Namespace) -> int:
    """A child's chronology as the PDF the app prints: who the child is, who is involved, every entry."""
    from casedesk.services.export import write_chronology_pdf

    if not args.child:
        raise ValidationError("Say whose chronology: casedesk export chronology --child ID --out FILE.pdf.")
    if args.format:
        raise ValidationError("A chronology is exported as a PDF; leave out --format.")
    out: Path = args.out
    refuse_folder(out, "for the PDF")
    if out.suffix.lower() != ".pdf":
        raise ValidationError(f"{out.name} does not end in .pdf: the chronology is written as a PDF.")
    with open_database(args) as db:
        write_chronology_pdf(db, args.child, actor(db), out, datetime.now(UTC), for_org=args.for_org)
    print(f"Saved the chronology to {out} (OFFICIAL-SENSITIVE).")
    return 0


def export_referral(args: argparse.Namespace) -> int:
    """A referral pack as a PDF, or as an .eml holding it for the user's own mail program."""
    from casedesk.services.referrals.service import ReferralService

    if not args.referral:
        raise ValidationError("Say which referral: casedesk export referral --referral ID --out FILE.pdf.")
    refuse_folder(args.out)
    as_email = args.out.suffix.lower() == ".eml"
    if as_email and not args.to:
        raise ValidationError("An .eml needs the recipient: add --to ADDRESS.")
    with open_database(args) as db:
        if as_email:
            ReferralService(db, actor(db)).save_eml(args.referral, args.audience, args.to, args.out)
        else:
            ReferralService(db, actor(db)).write_pack_pdf(args.referral, args.audience, args.out)
    print(f"Saved the {args.audience} referral pack to {args.out} (OFFICIAL-SENSITIVE).")
    return 0
