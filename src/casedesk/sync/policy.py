"""Keeping the policy the server sends (GET /v1/policy at each round) as `config.SERVER_POLICY`.

What the device then does with it is `services.policy`'s: each setting at the stricter of this and the site profile.
A policy the device cannot read (it fails the schema, e.g. a newer server's setting) is logged and the one kept from
before stays in force: sync goes on, and nothing is loosened by a misunderstanding.
"""

from __future__ import annotations

import logging
from typing import Any

from casedesk import config, site_profile
from casedesk.store.database import Database

log = logging.getLogger(__name__)


def keep_server_policy(db: Database, doc: dict[str, Any]) -> bool:
    """Store `doc` when it is valid and differs from what is kept; returns True when it changed."""
    try:
        site_profile.server_policy(doc)
    except site_profile.SiteProfileError as exc:
        log.warning("%s The policy kept from before stays in force.", exc)
        return False
    if doc == db.get(config.SERVER_POLICY):
        return False
    db.put(config.SERVER_POLICY, doc)
    return True
