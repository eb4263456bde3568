"""The `casedesk` command: the desktop app with no arguments, scriptable subcommands otherwise.

This module only assembles the parser from the command modules' `register` functions and runs the chosen
handler through `common.run_handler`, which turns every user-caused failure into one line and a non-zero exit
(2 for a wrong passphrase or an unusable database), never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from casedesk import __version__, site_profile
from casedesk.cli import check, database, export, imports, listing, meetings, sync
from casedesk.cli.common import Handler, run_handler


def build_parser() -> argparse.ArgumentParser:
    """The whole `casedesk` command line, in the order `--help` lists it."""
    parser = argparse.ArgumentParser(prog="casedesk", description="CaseDesk: the encrypted, offline-first case desk.")
    parser.add_argument("--version", action="version", version=f"CaseDesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    database.register(sub)
    imports.register(sub)
    export.register(sub)
    check.register(sub)
    listing.register(sub)
    sync.register(sub)
    meetings.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `casedesk` with `argv` (default: the process's arguments); returns the exit code."""
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
    return run_handler(_under_site_profile(handler), args)


def _under_site_profile(handler: Handler) -> Handler:
    """Every command first reads the site profile: a bad one stops it with the file and the mistake (exit 2),
    as it stops the desktop app, rather than running without the policy it carries."""

    def run(args: argparse.Namespace) -> int:
        site_profile.load()
        return handler(args)

    return run
