"""A Debian package of the built app folder, made with dpkg-deb (no debhelper, no network).

Layout of the package:
  /opt/casedesk/                              the PyInstaller folder as built (with site.json when a profile was put in)
  /usr/bin/casedesk, /usr/bin/casedesk-debug  symlinks into it (the programs find their files through the link)
  /usr/share/applications/casedesk.desktop    the menu item (Office)
  /usr/share/icons/hicolor/256x256/apps/casedesk.png
Depends is worked out from the build machine: every library the bundled programs and plugins load from the system
(ldd), mapped to its Debian package (dpkg-query -S). Installing and removing need no maintainer scripts: the
desktop database and icon cache are refreshed by their own packages' dpkg triggers.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

PACKAGE = "casedesk"
PREFIX = Path("opt") / PACKAGE
DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=CaseDesk
GenericName=Case records
Comment=The encrypted, offline-first case desk for people who keep children safe
Exec=casedesk
Icon=casedesk
Terminal=false
Categories=Office;
StartupWMClass=casedesk
"""


class DebError(Exception):
    """The package could not be made: says why in one sentence."""


def architecture() -> str:
    return _run(["dpkg", "--print-architecture"]).strip()


def _run(cmd: list[str], *, env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    except FileNotFoundError as exc:
        raise DebError(f"{cmd[0]} is not installed: the Debian package needs dpkg's tools.") from exc
    except subprocess.CalledProcessError as exc:
        raise DebError(f"{' '.join(cmd[:2])} failed: {exc.stderr.strip() or exc.stdout.strip()}") from exc
    return done.stdout


def _elf_files(app_dir: Path) -> list[Path]:
    found = []
    for path in app_dir.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def system_libraries(app_dir: Path) -> set[str]:
    """The libraries outside `app_dir` that its programs, modules and plugins load (resolved paths)."""
    internal = app_dir / "_internal"
    search = [str(p) for p in (internal, internal / "PySide6" / "Qt" / "lib") if p.is_dir()]
    env = {**os.environ, "LD_LIBRARY_PATH": os.pathsep.join(search)}
    outside: set[str] = set()
    inside = str(app_dir.resolve())
    for elf in _elf_files(app_dir):
        try:
            out = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, env=env, check=False).stdout
        except FileNotFoundError as exc:
            raise DebError("ldd is not installed: it is needed to work out the package's dependencies.") from exc
        for path in re.findall(r"=> (/\S+)", out):
            resolved = os.path.realpath(path)
            if not resolved.startswith(inside):
                outside.add(path)
    return outside


def packages_owning(paths: set[str]) -> set[str]:
    """The installed Debian packages that ship `paths` (a path no package owns is left out)."""
    owners: set[str] = set()
    for path in sorted(paths):
        candidates = {path, os.path.realpath(path)}
        candidates |= {c.replace("/usr/lib/", "/lib/", 1) for c in list(candidates) if c.startswith("/usr/lib/")}
        candidates |= {"/usr" + c for c in list(candidates) if c.startswith("/lib/")}
        done = subprocess.run(["dpkg-query", "-S", *sorted(candidates)], capture_output=True, text=True, check=False)
        for line in done.stdout.splitlines():
            names, _, _ = line.partition(": ")
            owners.update(n.strip().split(":")[0] for n in names.split(","))
    return owners


def control(version: str, arch: str, depends: set[str], installed_kib: int, maintainer: str) -> str:
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {maintainer}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(sorted(depends))}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Description: CaseDesk, the encrypted offline-first case desk\n"
        " Case records for practitioners who keep children safe, in an encrypted\n"
        " database on this computer, synced with the area's CaseDesk server.\n"
    )


def build_deb(app_dir: Path, icon: Path, out_dir: Path, version: str, maintainer: str) -> Path:
    """Make `out_dir`/casedesk_VERSION_ARCH.deb from the built app folder `app_dir`; returns its path."""
    if not (app_dir / "casedesk").is_file():
        raise DebError(f"{app_dir} is not a built CaseDesk app folder for Linux (no casedesk program in it).")
    arch = architecture()
    depends = packages_owning(system_libraries(app_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="casedesk-deb-") as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(app_dir, root / PREFIX, symlinks=True)
        bin_dir = root / "usr" / "bin"
        bin_dir.mkdir(parents=True)
        for program in ("casedesk", "casedesk-debug"):
            if (app_dir / program).exists():
                (bin_dir / program).symlink_to(Path("/") / PREFIX / program)
        apps = root / "usr" / "share" / "applications"
        apps.mkdir(parents=True)
        (apps / "casedesk.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
        icons = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
        icons.mkdir(parents=True)
        shutil.copyfile(icon, icons / "casedesk.png")
        size = sum(p.lstat().st_size for p in root.rglob("*")) // 1024 + 1
        meta = root / "DEBIAN"
        meta.mkdir(mode=0o755)
        (meta / "control").write_text(control(version, arch, depends, size, maintainer), encoding="utf-8")
        for path in [root, *root.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        _run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(root), str(target)])
    return target
