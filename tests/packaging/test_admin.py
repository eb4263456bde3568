"""`casedesk-admin package`: the site profile put inside a built app folder, and the Debian package made from it.

A stand-in app folder (a real ELF program under the name `casedesk`) keeps these quick; CI builds the real one
(`make dist`) and installs its package (`make deb-check`, packaging/check_deb.sh).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from casedesk import __version__, site_profile
from casedesk_admin import deb, site
from casedesk_admin.cli import main

REPO = Path(__file__).resolve().parents[2]
ICON = REPO / "packaging" / "icons" / "casedesk.png"
needs_dpkg = pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is not installed")


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A built app folder as far as packaging can tell: the programs and an _internal folder."""
    folder = tmp_path / "dist" / "casedesk"
    (folder / "_internal" / "resources").mkdir(parents=True)
    shutil.copyfile("/bin/true", folder / "casedesk")
    (folder / "casedesk").chmod(0o755)
    (folder / "casedesk-debug").write_text('#!/bin/sh\nexec "$(dirname "$0")/casedesk" "$@"\n')
    (folder / "casedesk-debug").chmod(0o755)
    return folder


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    where = tmp_path / "admin"
    where.mkdir()
    shutil.copyfile(ICON, where / "northshire.PNG")
    (where / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    doc: dict[str, Any] = {
        "format": "casedesk-site-profile",
        "version": 1,
        "server": {"url": "https://sync.northshire.example", "certificate": "ca.pem"},
        "policy": {"demo_data": False},
        "report": {"area_name": "Northshire Council", "logo": "northshire.PNG"},
    }
    (where / "site.json").write_text(json.dumps(doc))
    return where / "site.json"


def test_the_profile_goes_in_with_its_logo_and_certificate(app: Path, profile: Path, tmp_path: Path) -> None:
    code = main(["package", "--profile", str(profile), "--app", str(app), "--out", str(tmp_path / "site")])
    assert code == 0
    staged = tmp_path / "site" / "casedesk"
    written = json.loads((staged / "site.json").read_text())
    assert written["report"]["logo"] == "site-logo.png" and written["server"]["certificate"] == "site-server.pem"
    assert (staged / "site-logo.png").read_bytes() == ICON.read_bytes()
    inside = site_profile.read(staged / "site.json")  # what the installed app will read, beside its programs
    assert inside.report.logo == staged.resolve() / "site-logo.png" and not inside.policy.demo_data
    assert not (app / "site.json").exists()  # the folder make dist built is left as it was


def test_packaging_again_without_a_profile_takes_the_old_one_out(app: Path, profile: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    main(["package", "--profile", str(profile), "--app", str(app), "--out", str(out)])
    assert main(["package", "--app", str(app), "--out", str(out)]) == 0
    assert not (out / "casedesk" / "site.json").exists() and not (out / "casedesk" / "site-logo.png").exists()


def test_a_bad_profile_is_refused_on_the_build_machine_in_the_apps_words(
    app: Path, profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile.write_text(json.dumps({"format": "casedesk-site-profile", "version": 1, "policy": {"printing": "no"}}))
    assert main(["package", "--profile", str(profile), "--app", str(app), "--out", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err
    assert f"The site profile {profile} is not valid: policy.printing: 'no' is not of type 'boolean'" in err
    assert not (tmp_path / "site" / "casedesk" / "site.json").exists()


def test_no_built_app_says_what_to_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["package", "--app", str(tmp_path / "nothing"), "--out", str(tmp_path / "site")]) == 2
    assert "run `make dist` first, or add --build" in capsys.readouterr().err


@needs_dpkg
def test_the_debian_package_holds_the_app_a_menu_item_an_icon_and_its_dependencies(
    app: Path, profile: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert main(["package", "--profile", str(profile), "--app", str(app), "--out", str(out), "--deb"]) == 0
    made = out / f"casedesk_{__version__}_{deb.architecture()}.deb"
    fields = subprocess.run(["dpkg-deb", "-f", str(made)], capture_output=True, text=True, check=True).stdout
    assert "Package: casedesk" in fields and f"Version: {__version__}" in fields
    assert "libc6" in fields.split("Depends:")[1].splitlines()[0]  # what /bin/true (our stand-in) links against
    listing = subprocess.run(["dpkg-deb", "-c", str(made)], capture_output=True, text=True, check=True).stdout
    for entry in (
        "./opt/casedesk/casedesk",
        "./opt/casedesk/site.json",
        "./opt/casedesk/site-logo.png",
        "./usr/bin/casedesk -> /opt/casedesk/casedesk",
        "./usr/bin/casedesk-debug -> /opt/casedesk/casedesk-debug",
        "./usr/share/applications/casedesk.desktop",
        "./usr/share/icons/hicolor/256x256/apps/casedesk.png",
    ):
        assert entry in listing, entry
    assert "root/root" in listing.splitlines()[0]
    extracted = tmp_path / "x"
    subprocess.run(["dpkg-deb", "-x", str(made), str(extracted)], check=True)
    entry = (extracted / "usr/share/applications/casedesk.desktop").read_text()
    assert "Exec=casedesk\n" in entry and "Icon=casedesk\n" in entry and "Categories=Office;" in entry


def test_a_folder_without_the_program_is_not_packaged(tmp_path: Path) -> None:
    with pytest.raises(deb.DebError, match="not a built CaseDesk app folder"):
        deb.build_deb(tmp_path, ICON, tmp_path / "out", "1.0", "x <x@localhost>")
    with pytest.raises(site_profile.SiteProfileError, match="not a built CaseDesk app folder"):
        site.install_profile(REPO / "packaging" / "site.example.json", tmp_path)
