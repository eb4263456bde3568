"""The `casedesk` command: the desktop app with no arguments, scriptable subcommands otherwise.

Passphrases come from `--passphrase-file` or `CASEDESK_PASSPHRASE` (or a prompt on a terminal), never from a
plain argument, which would leak into shell history and process lists. Every user-caused failure prints one
line and exits non-zero (2 for a wrong passphrase or an unusable database), never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from casedesk import __version__
from casedesk.errors import CaseDeskError, ValidationError
from casedesk.paths import default_database_path

Handler = Callable[[argparse.Namespace], int]


def read_secret(file_arg: Path | None, env_name: str, prompt: str, *, confirm: bool = False) -> str:
    """A secret from a file, else the environment, else a prompt when a person is at a terminal."""
    if file_arg is not None:
        try:
            return file_arg.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise CaseDeskError(f"Cannot read {file_arg}: {exc.strerror}.") from exc
    value = os.environ.get(env_name)
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Again, to confirm: ") != first:
            raise ValidationError("The two passphrases differ.")
        return first
    raise CaseDeskError(f"No passphrase given: set {env_name} or use the --*-file option.")


def passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    return read_secret(args.passphrase_file, "CASEDESK_PASSPHRASE", "Passphrase: ", confirm=confirm)


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None, help="database file (default: the per-user database)")
    parser.add_argument("--passphrase-file", type=Path, help="read the passphrase from this file")


def db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else default_database_path()


def cmd_import_questionnaire(args: argparse.Namespace) -> int:
    """Validate before asking for the passphrase: an invalid file never opens, let alone changes, the database."""
    from casedesk.domain.triage.load import load_questionnaire
    from casedesk.services.triage.questionnaires import import_questionnaire
    from casedesk.store.database import Database

    load_questionnaire(args.file)
    with Database.open(db_path(args), passphrase(args)) as db:
        questionnaire = import_questionnaire(db, args.file, "casedesk-cli")
    print(f"Imported questionnaire {questionnaire.id} version {questionnaire.version}: {questionnaire.title}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from casedesk.cli import commands as cmd

    parser = argparse.ArgumentParser(prog="casedesk", description="CaseDesk: the encrypted, offline-first case desk.")
    parser.add_argument("--version", action="version", version=f"CaseDesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help="create a new encrypted database")
    add_db(p)
    p.set_defaults(handler=cmd.cmd_init)

    p = sub.add_parser("passwd", help="change the passphrase (rewraps the key; instant)")
    add_db(p)
    p.add_argument("--new-passphrase-file", type=Path, help="read the new passphrase from this file")
    p.set_defaults(handler=cmd.cmd_passwd)

    p = sub.add_parser("backup", help="write an encrypted backup (restores under the same passphrase)")
    add_db(p)
    p.add_argument("--out", type=Path, required=True, help="backup file to write")
    p.set_defaults(handler=cmd.cmd_backup)

    p = sub.add_parser("restore", help="restore an encrypted backup to a new database path")
    add_db(p)
    p.add_argument("--from", dest="source", type=Path, required=True, help="backup file to restore")
    p.set_defaults(handler=cmd.cmd_restore)

    p = sub.add_parser("wipe", help="crypto-erase a database: destroy its key, then its files")
    p.add_argument("--db", type=Path, default=None)
    p.add_argument("--yes", action="store_true", help="confirm: the data cannot be recovered afterwards")
    p.set_defaults(handler=cmd.cmd_wipe)

    p = sub.add_parser("audit", help="audit log tools")
    audit_sub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = audit_sub.add_parser("verify", help="check the audit hash chain and say where it breaks")
    add_db(v)
    v.set_defaults(handler=cmd.cmd_audit_verify)

    p = sub.add_parser("demo", help="fill a database with realistic synthetic children")
    add_db(p)
    p.add_argument("--children", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(handler=cmd.cmd_demo)

    p = sub.add_parser("import", help="import children (CSV), a service directory or a questionnaire")
    import_sub = p.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    c = import_sub.add_parser("children", help="children from a UTF-8 CSV file (all or nothing)")
    add_db(c)
    c.add_argument("file", type=Path)
    c.set_defaults(handler=cmd.cmd_import_children)
    c = import_sub.add_parser("questionnaire", help="a triage questionnaire (JSON), validated first")
    add_db(c)
    c.add_argument("file", type=Path)
    c.set_defaults(handler=cmd_import_questionnaire)
    from casedesk.cli import directory as cli_directory

    cli_directory.add_import_directory(import_sub, add_db)

    from casedesk.cli.export import add_export_parser

    add_export_parser(sub, add_db)

    p = sub.add_parser("selftest", help="check this install works (offline, uses a temporary database)")
    p.set_defaults(handler=cmd.cmd_selftest)

    from casedesk.cli.sync import add_sync_commands

    add_sync_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        from casedesk.app import run_desktop

        return run_desktop()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 1
    try:
        return handler(args)
    except ValidationError as exc:
        print(f"casedesk: {exc.args[0]}", file=sys.stderr)
        for where, message in exc.problems:
            print(f"  {where}: {message}", file=sys.stderr)
        return exc.exit_code
    except CaseDeskError as exc:
        print(f"casedesk: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("casedesk: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("CASEDESK_DEBUG"):
            traceback.print_exc()
        print(f"casedesk: unexpected error ({type(exc).__name__}); set CASEDESK_DEBUG=1 for details", file=sys.stderr)
        return 1
