"""The server's casework commands, registered by `casedesk-server`'s parser in one line: `transfer …` (case
transfer between areas, `cli_transfer`) and `duplicates` (possible duplicate children, `cli_duplicates`)."""

from __future__ import annotations

import argparse
from typing import Any

from casedesk.server import cli_duplicates, cli_transfer
from casedesk.server.db import ServerDB

COMMANDS = ("transfer", "duplicates")


def register(sub: Any) -> None:
    cli_transfer.register(sub)
    cli_duplicates.register(sub)


def run(store: ServerDB, args: argparse.Namespace) -> int:
    return (cli_transfer if args.command == "transfer" else cli_duplicates).run(store, args)
