"""`casedesk init | passwd | backup | restore | wipe | audit verify | demo | selftest`: the database itself."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from casedesk.cli.common import Subparsers, actor, add_db, db_path, open_database, passphrase, read_secret
from casedesk.errors import CaseDeskError
from casedesk.services import device_backup, policy
from casedesk.store import maintenance
from casedesk.store.database import Database


def register(sub: Subparsers) -> None:
    """Add the database commands to the `casedesk` parser."""
    p = sub.add_parser("init", help="create a new encrypted database")
    add_db(p)
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("passwd", help="change the passphrase (rewraps the key; instant)")
    add_db(p)
    p.add_argument("--new-passphrase-file", type=Path, help="read the new passphrase from this file")
    p.set_defaults(handler=cmd_passwd)

    p = sub.add_parser("backup", help="write an encrypted backup (restores under the same passphrase)")
    add_db(p)
    p.add_argument("--out", type=Path, required=True, help="backup file to write")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="restore an encrypted backup to a new database path")
    add_db(p)
    p.add_argument("--from", dest="source", type=Path, required=True, help="backup file to restore")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("wipe", help="crypto-erase a database: destroy its key, then its files")
    p.add_argument("--db", type=Path, default=None)
    p.add_argument("--yes", action="store_true", help="confirm: the data cannot be recovered afterwards")
    p.set_defaults(handler=cmd_wipe)

    p = sub.add_parser("audit", help="audit log tools")
    audit_sub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = audit_sub.add_parser("verify", help="check the audit hash chain and say where it breaks")
    add_db(v)
    v.set_defaults(handler=cmd_audit_verify)

    p = sub.add_parser("demo", help="fill a database with realistic synthetic children")
    add_db(p)
    p.add_argument("--children", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--no-attendance", action="store_true", help="leave out the year of attendance marks (for very large demos)"
    )
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("selftest", help="check this install works (offline, uses a temporary database)")
    p.set_defaults(handler=cmd_selftest)


def cmd_init(args: argparse.Namespace) -> int:
    path = db_path(args)
    with policy.create_database(path, passphrase(args, confirm=True)):
        pass
    print(f"Created encrypted database {path} (key file {path.name}.key beside it).")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    path = db_path(args)
    old = passphrase(args)
    new = read_secret(args.new_passphrase_file, "CASEDESK_NEW_PASSPHRASE", "New passphrase: ", confirm=True)
    policy.change_passphrase(path, old, new)
    print(f"Passphrase changed for {path}.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with open_database(args) as db:
        out = maintenance.backup(db, args.out)
        warning = maintenance.note_backup(db, out, actor(db))
    print(f"Encrypted backup written to {out}. It restores under the same passphrase.")
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = db_path(args)
    device_backup.restore_device(args.source, path, passphrase(args))
    print(f"Restored {args.source} to {path}. Its next sync catches up with the server.")
    return 0


def cmd_wipe(args: argparse.Namespace) -> int:
    path = db_path(args)
    if not args.yes:
        raise CaseDeskError(f"Wiping {path} cannot be undone: add --yes to confirm.")
    removed = maintenance.wipe(path)
    print(f"Wiped {path}: the key was destroyed, so the data cannot be recovered ({len(removed)} files removed).")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    with open_database(args) as db:
        report = db.verify_audit()  # the chain, and that its newest entries are all still there
    print(report.describe(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from casedesk.services.demo.load import seed_demo

    path = db_path(args)
    secret = passphrase(args)
    db = Database.open(path, secret) if path.exists() else Database.create(path, secret)
    with db:
        summary = seed_demo(
            db, children=args.children, seed=args.seed, attendance=not args.no_attendance, year_of_activity=True
        )
    print(f"Demo data added to {path}: {summary}.")
    return 0


def cmd_selftest(args: argparse.Namespace) -> int:
    from casedesk.services.selftest import run_selftest

    return 0 if run_selftest(print) else 1
