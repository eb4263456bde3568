"""`casedesk-server transfer …`: case transfer between areas.

    transfer keys --area NAME --out DIR          an area's key pair: DIR/NAME.key.json (private, 0600) and
                                                 DIR/NAME.pub.json (give it to the areas that send to you)
    transfer export CHILD --to-org ORG --to-key THEIRS.pub.json --key OURS.key.json --out FILE
    transfer import FILE --org ORG --key OURS.key.json --from-key THEIRS.pub.json [--into CHILD | --new]

A refused package (altered, signed by another key, sealed for another area, unreadable) or an import that cannot
be written changes nothing and says why.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from casedesk.domain.transfer.package import AreaKeys, AreaPublic, PackageRefused, open_package, seal
from casedesk.server import administration
from casedesk.server.db import ServerDB
from casedesk.server.transfer.export import TransferError, export_payload
from casedesk.server.transfer.receive import import_payload


def register(sub: Any) -> None:
    group = sub.add_parser("transfer", help="case transfer between areas: keys, export, import")
    actions = group.add_subparsers(dest="transfer_action", metavar="ACTION", required=True)
    p = actions.add_parser("keys", help="make this area's key pair")
    p.add_argument("--area", required=True, help="the area's name, as other areas will know it")
    p.add_argument("--out", type=Path, required=True, help="folder for NAME.key.json and NAME.pub.json")
    p = actions.add_parser("export", help="seal one child's record for another area")
    p.add_argument("child_id")
    p.add_argument("--to-org", required=True, help="the receiving area's organisation id here (agreements name it)")
    p.add_argument("--to-key", type=Path, required=True, help="the receiving area's public key file")
    p.add_argument("--key", type=Path, required=True, help="this area's private key file")
    p.add_argument("--out", type=Path, required=True, help="package file to write (must not exist)")
    p = actions.add_parser("import", help="open a package from another area and file its record here")
    p.add_argument("package", type=Path)
    p.add_argument("--org", required=True, help="the organisation here that receives the record")
    p.add_argument("--key", type=Path, required=True, help="this area's private key file")
    p.add_argument("--from-key", type=Path, required=True, help="the sending area's public key file")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--into", help="merge into this child held here")
    which.add_argument("--new", action="store_true", help="make a new child even if one here looks the same")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TransferError(f"{path}: cannot read it as JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise TransferError(f"{path}: not a key file")
    return data


def run(store: ServerDB, args: argparse.Namespace) -> int:
    try:
        return _run(store, args)
    except (TransferError, PackageRefused) as exc:
        print(f"casedesk-server transfer: {exc}. Nothing was changed.", file=sys.stderr)
        return 1


def _run(store: ServerDB, args: argparse.Namespace) -> int:
    if args.transfer_action == "keys":
        keys = AreaKeys.generate(args.area)
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", args.area).strip("-").lower() or "area"
        args.out.mkdir(parents=True, exist_ok=True)
        private, public = args.out / f"{stem}.key.json", args.out / f"{stem}.pub.json"
        if private.exists() or public.exists():
            raise TransferError(f"{private} or {public} already exists")
        descriptor = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(keys.to_json(), handle)
        public.write_text(json.dumps(keys.public.to_json(), indent=2), encoding="utf-8")
        print(f"{private}\n{public}")
        return 0
    if args.transfer_action == "export":
        keys, receiver = AreaKeys.from_json(_read_json(args.key)), AreaPublic.from_json(_read_json(args.to_key))
        if args.out.exists():
            raise TransferError(f"{args.out} already exists")
        with store.write() as conn:
            payload = export_payload(conn, args.child_id, args.to_org, keys.area)
            administration.record(
                conn,
                org_id=args.to_org,
                actor=administration.COMMAND_LINE,
                action="transfer_export",
                target=args.child_id,
            )
        args.out.write_bytes(seal(payload, keys, receiver))
        print(f"{args.out}: {len(payload['rows'])} record(s) for {receiver.area}")
        return 0
    keys, sender = AreaKeys.from_json(_read_json(args.key)), AreaPublic.from_json(_read_json(args.from_key))
    try:
        data = args.package.read_bytes()
    except OSError as exc:
        raise TransferError(f"{args.package}: {exc.strerror}") from exc
    opened = open_package(data, keys, sender)
    with store.write(ordered=True) as conn:
        done = import_payload(conn, opened.header, opened.payload, args.org, into_child=args.into, new=args.new)
        administration.record(
            conn, org_id=args.org, actor=administration.COMMAND_LINE, action="transfer_import", target=done.child_id
        )
    how = "merged into" if done.merged else "new child"
    note = " (this package was imported before: nothing new)" if done.already else ""
    print(f"{done.child_id}: {how}, {done.rows} record(s) from {sender.area}{note}")
    return 0
