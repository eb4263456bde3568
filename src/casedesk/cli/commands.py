"""What each `casedesk` subcommand does: parse nothing, decide nothing about the UI, call the core."""

from __future__ import annotations

import argparse
import sys

from casedesk.cli.main import db_path, passphrase, read_secret
from casedesk.errors import CaseDeskError
from casedesk.store import maintenance
from casedesk.store.database import Database

CLI_ACTOR = "casedesk-cli"


def cmd_init(args: argparse.Namespace) -> int:
    path = db_path(args)
    with Database.create(path, passphrase(args, confirm=True)):
        pass
    print(f"Created encrypted database {path} (key file {path.name}.key beside it).")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    path = db_path(args)
    old = passphrase(args)
    new = read_secret(args.new_passphrase_file, "CASEDESK_NEW_PASSPHRASE", "New passphrase: ", confirm=True)
    maintenance.change_passphrase(path, old, new)
    print(f"Passphrase changed for {path}.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with Database.open(db_path(args), passphrase(args)) as db:
        out = maintenance.backup(db, args.out)
        with db.unit_of_work(CLI_ACTOR, journal=False) as uow:
            uow.note("backup", "database", db.get_setting("database_id") or "", reason=f"backup written to {out.name}")
    print(f"Encrypted backup written to {out}. It restores under the same passphrase.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = db_path(args)
    maintenance.restore(args.source, path, passphrase(args))
    print(f"Restored {args.source} to {path}.")
    return 0


def cmd_wipe(args: argparse.Namespace) -> int:
    path = db_path(args)
    if not args.yes:
        raise CaseDeskError(f"Wiping {path} cannot be undone: add --yes to confirm.")
    removed = maintenance.wipe(path)
    print(f"Wiped {path}: the key was destroyed, so the data cannot be recovered ({len(removed)} files removed).")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from casedesk.store.audit import verify_chain

    with Database.open(db_path(args), passphrase(args)) as db, db.session() as session:
        report = verify_chain(session)
    print(report.describe(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from casedesk.services.demo.load import seed_demo

    path = db_path(args)
    secret = passphrase(args)
    db = Database.open(path, secret) if path.exists() else Database.create(path, secret)
    with db:
        summary = seed_demo(db, children=args.children, seed=args.seed)
    print(f"Demo data added to {path}: {summary}.")
    return 0


def cmd_import_children(args: argparse.Namespace) -> int:
    from casedesk.services.import_children import import_children

    with Database.open(db_path(args), passphrase(args)) as db:
        report = import_children(db, args.file, CLI_ACTOR)
    for warning in report.warnings:
        print(f"warning: {warning}")
    for name in report.already_held:
        print(f"already held (same UPN or NHS number), not imported: {name}")
    print(f"Imported {report.imported} child record(s) from {args.file}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from casedesk.services.export import export_all, export_child, write_json

    with Database.open(db_path(args), passphrase(args)) as db:
        document = export_all(db, CLI_ACTOR) if args.all else export_child(db, args.child, CLI_ACTOR)
    write_json(document, args.out)
    print(f"Exported {len(document['children'])} child record(s) to {args.out} (OFFICIAL-SENSITIVE).")
    return 0


def cmd_selftest(args: argparse.Namespace) -> int:
    from casedesk.services.selftest import run_selftest

    return 0 if run_selftest(print) else 1
