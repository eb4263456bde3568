"""Case transfer between areas over the API, for the app: export a child's record sealed for another area's
public key, and import a package another area sealed for this one. The same code as `casedesk-server transfer`
(`export_payload`, `seal`, `open_package`, `import_payload`) does the work; the server's own area key pair is the
file CASEDESK_TRANSFER_KEY names (made with `transfer keys`), so private keys never leave the server.

Who may: safeguarding leads, managers and administrators (`TRANSFER_ROLES`, over `domain.roles`); a practitioner
or auditor is refused. Every call, done or refused, goes to the administration audit. A refused package (altered,
signed by another key, sealed for another area, unreadable, too large) or an import that cannot be written is a
400 with the reason, and nothing is changed (one transaction)."""

# No `from __future__ import annotations`: FastAPI reads the routes' annotations at run time.
import base64
import binascii
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Response

from casedesk.domain import roles
from casedesk.domain.transfer.package import MAX_PACKAGE, AreaKeys, AreaPublic, PackageRefused, open_package, seal
from casedesk.server.administration import audited, require
from casedesk.server.auth import AuthFailure, is_administrator
from casedesk.server.db import ServerDB
from casedesk.server.transfer.export import TransferError, export_payload
from casedesk.server.transfer.receive import import_payload
from casedesk.sync.transfer_wire import TransferExport, TransferImport, TransferImported

KEY_VARIABLE = "CASEDESK_TRANSFER_KEY"
TRANSFER_ROLES = frozenset({roles.Role.SAFEGUARDING_LEAD, roles.Role.MANAGER, roles.Role.ADMINISTRATOR})
NOT_ALLOWED = "Only a safeguarding lead, a manager or an administrator may transfer a case between areas."


def _refused(exc: Exception) -> AuthFailure:
    return AuthFailure("transfer_refused", f"{str(exc).rstrip('.')}. Nothing was changed.", 400)


def area_keys() -> AreaKeys:
    """This server's area key pair, from the file CASEDESK_TRANSFER_KEY names."""
    path = os.environ.get(KEY_VARIABLE, "")
    if not path:
        raise TransferError(f"This server has no area key: set {KEY_VARIABLE} to the file `transfer keys` made")
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TransferError(f"This server's area key file cannot be read ({type(exc).__name__})") from exc
    return AreaKeys.from_json(data if isinstance(data, dict) else {})


def add_routes(app: FastAPI, store: ServerDB, current_device: Callable[..., Any]) -> None:
    Device = Annotated[Any, Depends(current_device)]

    def may_transfer(user: Any) -> bool:
        return is_administrator(user) or roles.parse(user.role) in TRANSFER_ROLES

    def allowed(device: Any, action: str, target: str = "") -> None:
        require(store, device, action, may_transfer, AuthFailure("not_allowed", NOT_ALLOWED, 403), target)

    @app.post("/v1/transfer/export", response_class=Response)
    def transfer_export(body: TransferExport, device: Device) -> Response:
        """The child's package for the receiving area (bytes to save as a .transfer file)."""
        allowed(device, "transfer_export", body.child_id)
        try:
            keys, receiver = area_keys(), AreaPublic.from_json(body.to_key)
            with store.write() as conn:
                payload = export_payload(conn, body.child_id, body.to_org, keys.area)
                audited(conn, device, "transfer_export", body.child_id)
            package = seal(payload, keys, receiver)
        except (TransferError, PackageRefused) as exc:
            raise _refused(exc) from exc
        return Response(package, media_type="application/octet-stream")

    @app.post("/v1/transfer/import", response_model=TransferImported)
    def transfer_import(body: TransferImport, device: Device) -> TransferImported:
        """Open the package and file its record for the user's organisation: a new child or merged."""
        allowed(device, "transfer_import")
        try:
            if len(body.package) > MAX_PACKAGE * 4 // 3 + 4:
                raise PackageRefused("the package is larger than any transfer this server accepts")
            try:
                data = base64.b64decode(body.package, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise PackageRefused("the upload is not a package file (bad base64)") from exc
            keys, sender = area_keys(), AreaPublic.from_json(body.from_key)
            opened = open_package(data, keys, sender)
            with store.write(ordered=True) as conn:
                done = import_payload(
                    conn, opened.header, opened.payload, device.org_id, into_child=body.into_child, new=body.new
                )
                audited(conn, device, "transfer_import", done.child_id)
        except (TransferError, PackageRefused) as exc:
            raise _refused(exc) from exc
        return TransferImported(
            child_id=done.child_id, merged=done.merged, rows=done.rows, already=done.already, from_area=sender.area
        )
