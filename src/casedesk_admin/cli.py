"""`casedesk-admin package --profile site.json [--deb]`: the built app with an area's site profile inside.

    casedesk-admin package --profile site.json            # dist/site/casedesk/ : the app folder with site.json
    casedesk-admin package --profile site.json --deb      # ... and dist/site/casedesk_VERSION_ARCH.deb
    casedesk-admin package --deb                          # a package with no profile (every default)

The app folder comes from `make dist` (dist/casedesk, `--app` to name another); when it is missing, `--build`
runs PyInstaller first (from a source checkout). Every failure is one line and exit code 2 (1 when unexpected).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from casedesk import __version__
from casedesk.errors import CaseDeskError
from casedesk_admin import deb, site

REPO = Path(__file__).resolve().parent.parent.parent  # src/casedesk_admin/cli.py -> the checkout
DEFAULT_MAINTAINER = "CaseDesk administrators <casedesk-admin@localhost>"


class PackageError(Exception):
    """What stopped the packaging, in one sentence."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casedesk-admin", description="Package CaseDesk for an area's computers.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p = sub.add_parser("package", help="put a site profile inside the built app, and make a Debian package of it")
    p.add_argument("--profile", type=Path, help="the site profile (JSON) to put inside; none: every default")
    p.add_argument("--app", type=Path, default=REPO / "dist" / "casedesk", help="the built app folder (make dist)")
    p.add_argument("--out", type=Path, default=REPO / "dist" / "site", help="where the result goes (dist/site)")
    p.add_argument("--build", action="store_true", help="run PyInstaller first when the app folder is missing")
    p.add_argument("--deb", action="store_true", help="also make a .deb (Linux, needs dpkg-deb)")
    p.add_argument("--version", default=__version__, help=f"the package version (default {__version__})")
    p.add_argument("--maintainer", default=DEFAULT_MAINTAINER, help="the .deb's Maintainer field")
    return parser


def build_app(app_dir: Path) -> None:
    """PyInstaller from build.spec into the folder above `app_dir` (what `make dist` does)."""
    spec = REPO / "build.spec"
    if not spec.exists():
        raise PackageError(f"{app_dir} does not exist and there is no build.spec at {REPO} to build it from.")
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--distpath", str(app_dir.parent)]
    if subprocess.run([*command, str(spec)], cwd=REPO, check=False).returncode != 0:
        raise PackageError("PyInstaller failed (its output is above).")


def package(args: argparse.Namespace) -> int:
    app_dir: Path = args.app
    if not app_dir.is_dir():
        if not args.build:
            raise PackageError(f"No built app at {app_dir}: run `make dist` first, or add --build.")
        build_app(app_dir)
    staged = site.stage_app(app_dir, args.out)
    if args.profile is not None:
        written = site.install_profile(args.profile, staged)
        print(f"Site profile {args.profile} checked and put in {written}.")
    else:
        (staged / site.PROFILE_NAME).unlink(missing_ok=True)
        print("No site profile: every setting keeps CaseDesk's default.")
    print(f"App folder: {staged}")
    if args.deb:
        for earlier in args.out.glob(f"{deb.PACKAGE}_*.deb"):
            earlier.unlink()  # one package in the folder: the one just made
        icon = REPO / "packaging" / "icons" / "casedesk.png"
        made = deb.build_deb(staged, icon, args.out, args.version, args.maintainer)
        print(f"Debian package: {made} ({made.stat().st_size / 1e6:.1f} MB)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return package(args)
    except (CaseDeskError, PackageError, deb.DebError, OSError) as exc:
        print(f"casedesk-admin: {exc}", file=sys.stderr)
        return 2
