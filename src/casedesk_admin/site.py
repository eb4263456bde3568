"""Put a site profile inside a built app folder: `site.json` beside the executables, with its logo and certificate.

The profile is validated by the same code the app runs at start (`casedesk.site_profile.read`), so a profile that
would stop the app is refused here, on the build machine, with the same sentence. Files it names (the report logo,
the server's certificate) are copied beside it under fixed names and the copy's paths rewritten to them, so the
app folder carries everything and can be moved anywhere.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from casedesk import site_profile

PROFILE_NAME = site_profile.loader.FILE_NAME
LOGO_NAME = "site-logo"  # + the logo's own suffix
CERTIFICATE_NAME = "site-server.pem"


def install_profile(profile_path: Path, app_dir: Path) -> Path:
    """Validate `profile_path` and write it (and its files) into `app_dir`; returns the written `site.json`."""
    profile = site_profile.read(profile_path)  # SiteProfileError names the file and what is wrong
    if not (app_dir / "casedesk").exists() and not (app_dir / "casedesk.exe").exists():
        raise site_profile.SiteProfileError(f"{app_dir} is not a built CaseDesk app folder (no casedesk in it).")
    doc: dict[str, Any] = json.loads(Path(profile_path).read_text(encoding="utf-8"))
    for stale in [app_dir / CERTIFICATE_NAME, *app_dir.glob(LOGO_NAME + ".*")]:
        stale.unlink(missing_ok=True)  # a profile put in before: its files go with it
    if profile.report.logo is not None:
        name = LOGO_NAME + profile.report.logo.suffix.lower()
        shutil.copyfile(profile.report.logo, app_dir / name)
        doc["report"]["logo"] = name
    if profile.server is not None and profile.server.certificate is not None:
        shutil.copyfile(profile.server.certificate, app_dir / CERTIFICATE_NAME)
        doc["server"]["certificate"] = CERTIFICATE_NAME
    target = app_dir / PROFILE_NAME
    target.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    site_profile.read(target)  # what the app will read, checked once more where it will read it
    return target


def stage_app(app_dir: Path, out_dir: Path) -> Path:
    """A copy of the built app folder at `out_dir`/casedesk (replacing an earlier copy), to add a profile to."""
    staged = out_dir / "casedesk"
    if staged.exists():
        shutil.rmtree(staged)
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(app_dir, staged, symlinks=True)
    return staged
