"""Finding, reading and validating the site profile.

Where it is looked for, first found wins (one file, never a merge of several):
1. the file named by the `CASEDESK_SITE_PROFILE` environment variable (an administrator's override);
2. the system-wide file: /etc/casedesk/site.json, %ProgramData%\\CaseDesk\\site.json on Windows,
   /Library/Application Support/CaseDesk/site.json on macOS (what Intune, Group Policy or an MDM deploys);
3. `site.json` in the install folder, beside the executables (what `casedesk-admin package` and the Windows
   installer's PROFILE put there).
No file at all is fine: every setting keeps CaseDesk's default.

A profile that is there but wrong (not JSON, fails the schema, names a logo or certificate that is missing) is
refused with `SiteProfileError`, saying which file and what is wrong: the profile carries security policy, so
carrying on with defaults would quietly loosen what the administrator set. The app shows that sentence and does
not start; the command line prints it and exits 2.
"""

from __future__ import annotations

import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from casedesk.errors import CaseDeskError
from casedesk.paths import resource_path
from casedesk.site_profile.model import Policy, SiteProfile

ENV_VAR = "CASEDESK_SITE_PROFILE"
FILE_NAME = "site.json"
SCHEMA_FILE = ("site", "site-profile.schema.json")
MAX_BYTES = 1_000_000  # a profile is a few hundred bytes; anything this large is the wrong file


class SiteProfileError(CaseDeskError):
    """The site profile exists but cannot be used: CaseDesk refuses to start rather than ignore its policy."""

    exit_code = 2


def system_path() -> Path:
    """Where an administrator puts the profile for every user of this computer."""
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "CaseDesk" / FILE_NAME
    if sys.platform == "darwin":
        return Path("/Library/Application Support/CaseDesk") / FILE_NAME
    return Path("/etc/casedesk") / FILE_NAME


def install_path() -> Path | None:
    """`site.json` beside the frozen app's executables (a source checkout has no install folder)."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(sys.executable).resolve().parent / FILE_NAME


def locate() -> Path | None:
    """The profile file in force, or None. A path named by the environment must exist."""
    named = os.environ.get(ENV_VAR, "").strip()
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise SiteProfileError(f"The site profile {path} (named by {ENV_VAR}) does not exist.")
        return path
    for candidate in (system_path(), install_path()):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


@cache
def _validator(name: str = "") -> Draft202012Validator:
    schema = json.loads(resource_path(*SCHEMA_FILE).read_text(encoding="utf-8"))
    if name:
        schema = {**schema["$defs"][name], "$defs": schema["$defs"]}
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _problem(doc: Any, part: str = "") -> str | None:
    """The first schema error in `doc` as `where: what`, or None when it is valid."""
    error = best_match(_validator(part).iter_errors(doc))
    if error is None:
        return None
    where = ".".join(str(p) for p in error.absolute_path) or "(the whole file)"
    return f"{where}: {error.message}"


def read(path: Path) -> SiteProfile:
    """The profile in `path`, validated, with its logo and certificate checked to exist."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SiteProfileError(f"The site profile {path} is too large to be a site profile.")
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteProfileError(f"The site profile {path} cannot be read ({exc}).") from exc
    except json.JSONDecodeError as exc:
        raise SiteProfileError(f"The site profile {path} is not valid JSON (line {exc.lineno}: {exc.msg}).") from exc
    problem = _problem(doc)
    if problem:
        raise SiteProfileError(f"The site profile {path} is not valid: {problem}.")
    profile = SiteProfile.from_document(doc, path.resolve())
    needed = [("report.logo", profile.report.logo)]
    if profile.server:
        needed.append(("server.certificate", profile.server.certificate))
    for where, file in needed:
        if file is not None and not file.is_file():
            raise SiteProfileError(f"The site profile {path} is not valid: {where}: {file} does not exist.")
    return profile


def load() -> SiteProfile:
    """The site profile in force (see the module's note on where it is looked for), or every default."""
    path = locate()
    return read(path) if path else SiteProfile()


def server_policy(doc: dict[str, Any] | None) -> Policy:
    """The policy a server sent (the schema's `policy` object); None or {} is no policy. Raises `SiteProfileError`
    for a document that fails the schema, so a server's mistake never passes for "no policy"."""
    if not doc:
        return Policy()
    problem = _problem(doc, "policy")
    if problem:
        raise SiteProfileError(f"The server's policy is not valid: {problem}.")
    return Policy.from_document(doc)
