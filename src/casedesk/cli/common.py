"""What every `casedesk` subcommand shares: the database options, the passphrase, opening the database, and
turning a failure into one line and an exit code.

Command modules (`database`, `imports`, `export`, `sync`) import this module and the core, never each other;
`main` builds the parser from their `register` functions. A new subcommand is a `register` plus its handlers in
the module of its kind, or a new module registered in `main`.

Passphrases come from `--passphrase-file` or `CASEDESK_PASSPHRASE` (or a prompt on a terminal), never from a
plain argument, which would leak into shell history and process lists.
"""

from __future__ import annotations

import argparse
import getpass
import os
import select
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from casedesk.errors import CaseDeskError, ValidationError
from casedesk.paths import default_database_path

if TYPE_CHECKING:
    from casedesk.store.database import Database

    # What `ArgumentParser.add_subparsers()` returns; a command module's `register` adds its parsers to it. Generic
    # only in the type stubs, so the subscripted form exists for the type checker alone.
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction

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
    """The database passphrase, from `--passphrase-file`, `CASEDESK_PASSPHRASE` or a prompt."""
    return read_secret(args.passphrase_file, "CASEDESK_PASSPHRASE", "Passphrase: ", confirm=confirm)


def add_db(parser: argparse.ArgumentParser) -> None:
    """The `--db` and `--passphrase-file` options every command that opens the database takes."""
    parser.add_argument("--db", type=Path, default=None, help="database file (default: the per-user database)")
    parser.add_argument("--passphrase-file", type=Path, help="read the passphrase from this file")


def db_path(args: argparse.Namespace) -> Path:
    """The database the command works on: `--db`, else the per-user default."""
    return Path(args.db) if args.db else default_database_path()


def open_database(args: argparse.Namespace) -> Database:
    """Open the existing database named by `args` with its passphrase (use it as a context manager)."""
    from casedesk.services.policy import raise_kdf_to_floor
    from casedesk.store.database import Database

    secret = passphrase(args)
    db = Database.open(db_path(args), secret)
    try:
        raise_kdf_to_floor(db, secret)  # a key wrapped before the site's policy raised its floor
    except BaseException:
        db.close()
        raise
    return db


def actor(db: Database) -> str:
    """Who the audit log and printed pages name for what this command does: the user of the database's profile
    (the person at the desk), or "casedesk-cli" for a database that has no profile yet."""
    from casedesk.services.profile import user_name

    return user_name(db)


def refuse_folder(out: Path, purpose: str = "") -> None:
    """An output path that is a folder is refused before the database is opened or anything is written."""
    if out.is_dir():
        raise CaseDeskError(f"{out} is a folder; give a file name{' ' + purpose if purpose else ''}.")


def reader_went_away() -> bool:
    """Whether standard output is a pipe whose reader has closed it (`casedesk list children | head`).

    Then the command has nothing more to say and ends quietly with 0, as `cat` would for its reader; its further
    output goes to the null device so that the flush at exit raises nothing either. A closed connection to the
    sync server also raises `BrokenPipeError`: that one is not about standard output and stays an error.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return False  # output captured in-process: not a pipe
    try:
        sys.stdout.flush()
        closed = _pipe_closed(fd)
    except BrokenPipeError:
        closed = True
    if closed:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    return closed


def _pipe_closed(fd: int) -> bool:
    """Whether writing to `fd` would fail because nobody reads it any more (POSIX: poll reports an error)."""
    if not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poller.poll(0))


def run_handler(handler: Handler, args: argparse.Namespace) -> int:
    """Run one subcommand; every failure becomes one line on stderr and an exit code, never a traceback.

    A wrong passphrase or an unusable database exits 2 (the errors' own `exit_code`); anything unexpected exits 1
    and prints its traceback only when `CASEDESK_DEBUG` is set.
    """
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
        if isinstance(exc, BrokenPipeError) and reader_went_away():
            return 0
        from casedesk.errorlog import describe_unexpected
        from casedesk.store.failures import explain

        if os.environ.get("CASEDESK_DEBUG"):
            traceback.print_exc()
        explained = explain(exc, db_path(args) if hasattr(args, "db") else None)
        if explained is not None:  # a full disk or a busy database: say so, it is not unexpected
            print(f"casedesk: {explained}", file=sys.stderr)
            return explained.exit_code
        print(f"casedesk: {describe_unexpected(exc, f'casedesk {args.command}')}", file=sys.stderr)
        return 1
