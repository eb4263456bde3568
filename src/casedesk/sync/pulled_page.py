"""A pulled page as the device reads it: `wire.PullResponse` with its items built as slotted dataclasses.

A first sync reads hundreds of thousands of items, and building each as a pydantic model (its instance dictionary,
the record of which fields were set) took about a quarter of parsing a page. The item here has the same fields,
types, defaults and checks as `wire.PullItem` (fields it does not know ignored, as every answer from the server
(`wire.ServerAnswer`); versions as integers; a test keeps the two alike), so a page is read and refused exactly as
before, and everything that reads an item's attributes reads these the same way. The server and the protocol's
description keep `wire.PullResponse`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass

from casedesk.sync.wire import ConflictInfo


@dataclass(slots=True, config=ConfigDict(extra="ignore"))
class PulledItem:
    """`wire.PullItem`, read by the device."""

    kind: Literal["row", "conflict", "purge", "withheld"]
    entity: str = ""
    row_id: str = ""
    fields: dict[str, Any] = Field(default_factory=dict)
    versions: dict[str, int] = Field(default_factory=dict)
    deleted: bool = False
    hlc: str = ""
    conflict: ConflictInfo | None = None
    owner: str | None = None


class PulledPage(BaseModel):
    """`wire.PullResponse`, read by the device."""

    model_config = ConfigDict(extra="ignore")

    items: list[PulledItem]
    cursor: int
    has_more: bool
