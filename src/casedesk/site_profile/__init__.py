"""The site profile: one JSON file an administrator writes for an area's installs (schema in
resources/site/site-profile.schema.json), and the policy in force once the server's has been taken into account.

    profile = site_profile.load()           # the validated profile in force (every default when there is none)
    profile.server.url                      # where devices enrol (None: no server set)
    policy = site_profile.effective(profile, server_doc)   # each setting at the stricter of the two

`loader` says where the file is looked for and why a bad one stops the app; `precedence` defines "stricter" for
each setting. This package imports only `casedesk.paths` and `casedesk.errors`, so every layer may use it.
"""

from __future__ import annotations

from typing import Any

from casedesk.site_profile.loader import ENV_VAR, SiteProfileError, load, locate, read, server_policy, system_path
from casedesk.site_profile.model import (
    STRENGTH_NAMES,
    ExportKind,
    KdfFloor,
    OrganisationDefaults,
    Policy,
    ReportHeader,
    Server,
    SiteProfile,
)
from casedesk.site_profile.precedence import RULES, stricter


def effective(profile: SiteProfile, server_doc: dict[str, Any] | None = None) -> Policy:
    """The policy in force: the profile's, tightened wherever the server's (`server_doc`, as sent) is stricter."""
    return stricter(profile.policy, server_policy(server_doc))


__all__ = [
    "ENV_VAR",
    "RULES",
    "STRENGTH_NAMES",
    "ExportKind",
    "KdfFloor",
    "OrganisationDefaults",
    "Policy",
    "ReportHeader",
    "Server",
    "SiteProfile",
    "SiteProfileError",
    "effective",
    "load",
    "locate",
    "read",
    "server_policy",
    "stricter",
    "system_path",
]
