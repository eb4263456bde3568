"""`casedesk export referral --referral ID --audience service|family --out FILE.pdf|FILE.eml [--to ADDRESS]`.

Dispatched by `casedesk.cli.export`. An `.eml` output holds the pack as an attachment for the user's own mail
program; packs are disclosures and are audited either way.
"""

from __future__ import annotations

import argparse

from casedesk.errors import CaseDeskError, ValidationError

CLI_ACTOR = "casedesk-cli"


def cmd_export_referral(args: argparse.Namespace) -> int:
    from casedesk.cli.main import db_path, passphrase
    from casedesk.services.referrals.mail import save_eml
    from casedesk.services.referrals.pack import write_pack_pdf
    from casedesk.store.database import Database

    if not args.referral:
        raise ValidationError("Say which referral: casedesk export referral --referral ID --out FILE.pdf.")
    if args.out.is_dir():
        raise CaseDeskError(f"{args.out} is a folder; give a file name.")
    as_email = args.out.suffix.lower() == ".eml"
    if as_email and not args.to:
        raise ValidationError("An .eml needs the recipient: add --to ADDRESS.")
    with Database.open(db_path(args), passphrase(args)) as db:
        if as_email:
            save_eml(db, args.referral, args.audience, args.to, args.out, CLI_ACTOR)
        else:
            write_pack_pdf(db, args.referral, args.audience, args.out, CLI_ACTOR)
    print(f"Saved the {args.audience} referral pack to {args.out} (OFFICIAL-SENSITIVE).")
    return 0
