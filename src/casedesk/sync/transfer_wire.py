"""What case transfer between areas looks like on the wire (shared by the server's transfer routes and the app):
export one child's record sealed for another area's public key, and import a package another area sealed for
this one. Key files travel as the JSON the `casedesk-server transfer keys` command writes; a package travels as
base64 inside JSON, so the server's body limit and gzip handling apply to it as to every other upload."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

MAX_PACKAGE_TEXT = 8 * 1024 * 1024  # base64 characters; the server's body limit refuses larger uploads first


class TransferExport(BaseModel):
    child_id: str = Field(min_length=1, max_length=36)
    to_org: str = Field(min_length=1, max_length=36, description="the receiving area's organisation id here")
    to_key: dict[str, Any] = Field(description="the receiving area's public key file (NAME.pub.json)")


class TransferImport(BaseModel):
    package: str = Field(min_length=1, max_length=MAX_PACKAGE_TEXT, description="the package file, base64")
    from_key: dict[str, Any] = Field(description="the sending area's public key file (NAME.pub.json)")
    into_child: str | None = Field(default=None, max_length=36)
    new: bool = False


class TransferImported(BaseModel):
    child_id: str
    merged: bool
    rows: int
    already: bool
    from_area: str

    @property
    def message(self) -> str:
        how = "merged into the child held here" if self.merged else "made a new child"
        if self.already:
            return f"This package from {self.from_area} was imported before: nothing changed."
        return f"{self.rows} record(s) from {self.from_area}: {how} ({self.child_id})."
