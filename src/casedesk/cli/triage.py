"""`casedesk export triage --result ID --out FILE.pdf`: print one Presenting Needs Check from the command line.

Dispatched by `casedesk.cli.export`. The PDF is drawn from the stored outcome (never re-scored) and the print is
audited like any other disclosure.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from casedesk.errors import CaseDeskError, ValidationError

CLI_ACTOR = "casedesk-cli"


def cmd_export_triage(args: argparse.Namespace) -> int:
    from casedesk.cli.main import db_path, passphrase
    from casedesk.services.triage.service import write_pdf
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
