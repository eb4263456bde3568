"""The policy this server sends its devices: the `policy` part of a site profile the administrator names with
`casedesk-server --site-profile FILE` (or CASEDESK_SERVER_SITE_PROFILE, which worker processes inherit).

Devices fetch it at every sync round (`GET /v1/policy`) and apply, setting by setting, the stricter of it and their
own site profile (`casedesk.site_profile.precedence`). The file is checked when the server starts: a bad one stops
the server with the file and the mistake, rather than sending devices a policy they would refuse.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from casedesk import site_profile

ENV_VAR = "CASEDESK_SERVER_SITE_PROFILE"


def from_file(path: Path) -> dict[str, Any]:
    """The policy of the site profile at `path`, as the schema's `policy` object (only what it sets)."""
    return site_profile.read(path).policy.to_document()


def from_environment() -> dict[str, Any]:
    """The policy of the profile CASEDESK_SERVER_SITE_PROFILE names; {} (no policy) when it names none."""
    named = os.environ.get(ENV_VAR, "").strip()
    return from_file(Path(named)) if named else {}
