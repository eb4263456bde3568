"""Record ids: UUIDv7 minted on the device, so records made offline never collide and sort by creation time."""

from __future__ import annotations

import uuid_utils


def new_id() -> str:
    return str(uuid_utils.uuid7())
