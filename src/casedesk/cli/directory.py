"""`casedesk import directory` and `casedesk export directory`: the service directory from the command line.

The file (or API listing) is read and validated before the passphrase is even asked for, so an invalid
directory never opens the database, let alone changes it; every problem is printed as `file: location: message`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from casedesk.errors import CaseDeskError, ValidationError

CLI_ACTOR = "casedesk-cli"


def add_import_directory(import_sub: argparse._SubParsersAction, add_db) -> None:  # type: ignore[type-arg, no-untyped-def]
    """Register `import directory` under `casedesk import`."""
    c = import_sub.add_parser(
        "directory",
        help="a service directory: ORUK 3.0 or 1.0 JSON, or a CSV data package folder (all or nothing)",
    )
    add_db(c)
    c.add_argument("path", type=Path, nargs="?", help="JSON file or CSV data package folder")
    c.add_argument("--url", help="pull a paged ORUK API listing instead of a file (needs the network)")
    c.add_argument("--skip-invalid", action="store_true", help="import the valid records and list what was skipped")
    c.set_defaults(handler=cmd_import_directory)


def cmd_import_directory(args: argparse.Namespace) -> int:
    from casedesk.cli.main import db_path, passphrase
    from casedesk.services.directory.service import import_parsed, issue_where, read_directory, refuse_if_invalid
    from casedesk.store.database import Database

    if (args.path is None) == (args.url is None):
        raise ValidationError("Give either a PATH or --url URL to import a directory from.")
    result = read_directory(args.url or args.path)
    refuse_if_invalid(result, args.skip_invalid)
    with Database.open(db_path(args), passphrase(args)) as db:
        report = import_parsed(db, result, CLI_ACTOR)
    for issue in report.problems:
        print(f"skipped: {issue_where(issue)}: {issue.message}")
    for what in report.skipped:
        print(f"skipped record: {what}")
    print(f"Imported directory: {report}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Route `export directory` here and everything else to the record export as before."""
    if getattr(args, "target", None) != "directory":
        if args.format == "oruk3":
            raise ValidationError("--format oruk3 is for 'casedesk export directory'.")
        if not (args.child or args.all):
            raise ValidationError("Say what to export: --child ID, --all, or 'directory'.")
        from casedesk.cli.commands import cmd_export as export_records

        return export_records(args)
    if args.child or args.all:
        raise ValidationError("'export directory' exports services only; leave out --child and --all.")
    if args.format not in (None, "oruk3"):
        raise ValidationError("The directory is exported as ORUK 3.0: use --format oruk3.")
    return cmd_export_directory(args)


def cmd_export_directory(args: argparse.Namespace) -> int:
    from casedesk.cli.main import db_path, passphrase
    from casedesk.services.directory.service import export_directory
    from casedesk.store.database import Database

    out: Path = args.out
    if out.is_dir():
        raise CaseDeskError(f"{out} is a folder; give a file name for the export.")
    with Database.open(db_path(args), passphrase(args)) as db:
        page = export_directory(db)
    out.write_text(json.dumps(page, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Exported {page['total_items']} service(s) to {out} (ORUK 3.0).")
    return 0
