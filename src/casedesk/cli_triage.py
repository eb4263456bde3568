"""`casedesk export triage --result ID --out FILE.pdf`: print one Presenting Needs Check from the command line.

Registered onto the shared `export` parser by adding "triage" to its positional target and wrapping whatever
handler `export` already has, so the record and directory exports keep working untouched. The PDF is drawn
from the stored outcome (never re-scored) and the print is audited like any other disclosure.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from casedesk.errors import CaseDeskError, ValidationError

CLI_ACTOR = "casedesk-cli"
TARGET = "triage"


def add_export_triage(export_parser: argparse.ArgumentParser) -> None:
    """Teach `export` the "triage" target and `--result`; call after the parser's own handler is set."""
    target = next((a for a in export_parser._actions if a.dest == "target"), None)
    if target is None:
        export_parser.add_argument("target", nargs="?", choices=[TARGET], help="what to export")
    else:
        target.choices = [*(target.choices or ()), TARGET]
        target.help = f"{target.help or ''}; 'triage' to print one Presenting Needs Check (--result ID)".lstrip("; ")
    export_parser.add_argument("--result", help="the Presenting Needs Check (triage result) id, for 'export triage'")
    previous: Callable[[argparse.Namespace], int] | None = export_parser.get_default("handler")

    def handler(args: argparse.Namespace) -> int:
        if getattr(args, "target", None) == TARGET:
            return cmd_export_triage(args)
        if args.result:
            raise ValidationError("--result is for 'casedesk export triage'.")
        if previous is None:
            raise ValidationError("Say what to export.")
        return previous(args)

    export_parser.set_defaults(handler=handler)


def cmd_export_triage(args: argparse.Namespace) -> int:
    from casedesk.cli import db_path, passphrase
    from casedesk.services.triage import write_pdf
    from casedesk.store.database import Database

    if not args.result:
        raise ValidationError("Say which check to print: casedesk export triage --result ID --out FILE.pdf.")
    if getattr(args, "child", None) or getattr(args, "all", False):
        raise ValidationError("'export triage' prints one check; leave out --child and --all.")
    if getattr(args, "format", None) == "oruk3":
        raise ValidationError("A Presenting Needs Check is exported as a PDF; leave out --format.")
    out: Path = args.out
    if out.is_dir():
        raise CaseDeskError(f"{out} is a folder; give a file name for the PDF.")
    with Database.open(db_path(args), passphrase(args)) as db:
        child = write_pdf(db, args.result, CLI_ACTOR, out, datetime.now(UTC))
    print(f"Saved the Presenting Needs Check for {child.full_name} to {out} (OFFICIAL-SENSITIVE).")
    return 0
