"""Case transfer between areas from the app. The server holds the area's private key and does the sealing and
opening (`casedesk.server.transfer.api`); the app reads the files the user chose — the other area's public key,
a received package — sends them with this device's token, and writes the package it gets back. The server
decides who may and audits each call; a refusal comes back as `AdministrationFailed` with its reason."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from casedesk.domain.transfer.package import AreaPublic, PackageRefused
from casedesk.services.administration import AdministrationFailed, AdministrationService
from casedesk.store import repositories as repo
from casedesk.sync.transfer_wire import TransferExport, TransferImport, TransferImported

__all__ = ["TransferImported", "TransferService"]

MAX_FILE = 48 * 1024 * 1024  # a package read into memory; the server refuses far smaller uploads anyway


def _key_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AdministrationFailed(f"{path.name} cannot be read as a key file ({type(exc).__name__}).") from exc
    try:
        AreaPublic.from_json(data if isinstance(data, dict) else {})
    except PackageRefused as exc:
        raise AdministrationFailed(f"{path.name} is not an area's public key file.") from exc
    return dict(data)


class TransferService(AdministrationService):
    def organisations(self) -> list[tuple[str, str]]:
        """The organisations this computer knows (id, name), by name: the receiving area's is chosen from them."""
        with self.sync.db.session() as session:
            held = repo.organisations(session)
        return sorted(((o.id, o.name) for o in held.values()), key=lambda pair: pair[1].lower())

    def area_of(self, key_file: Path) -> str:
        """The area a public key file names (shown before the user confirms)."""
        return str(_key_file(key_file)["area"])

    def export(self, child_id: str, to_org: str, key_file: Path, out: Path) -> int:
        """Seal the child's record for the area whose public key is `key_file`; write it to `out` (its size)."""
        body = TransferExport(child_id=child_id, to_org=to_org, to_key=_key_file(key_file))
        package = self._ask(lambda t: t.transfer_export(body))
        try:
            out.write_bytes(package)
        except OSError as exc:
            raise AdministrationFailed(f"The package could not be saved to {out} ({exc.strerror}).") from exc
        return len(package)

    def import_package(
        self, package: Path, from_key: Path, *, into_child: str | None = None, new: bool = False
    ) -> TransferImported:
        """Send a received package to be opened and filed for this organisation: a new child or merged."""
        try:
            if package.stat().st_size > MAX_FILE:
                raise AdministrationFailed(f"{package.name} is larger than any transfer package.")
            data = package.read_bytes()
        except OSError as exc:
            raise AdministrationFailed(f"{package.name} cannot be read ({exc.strerror}).") from exc
        body = TransferImport(
            package=base64.b64encode(data).decode("ascii"),
            from_key=_key_file(from_key),
            into_child=into_child,
            new=new,
        )
        return self._ask(lambda t: t.transfer_import(body))
