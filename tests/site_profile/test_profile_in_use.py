"""The site profile where it shows outside the app's window: every command refuses to run under a bad one, `init`
keeps to its passphrase rule, and every PDF carries the area's name and logo."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from reportlab.platypus import Paragraph

from casedesk.cli.main import main
from casedesk.reports import base
from casedesk.site_profile import ReportHeader, SiteProfileError
from casedesk.store import keyfile

REPO = Path(__file__).resolve().parents[2]
LOGO = REPO / "packaging" / "icons" / "casedesk.png"


def put_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, doc: dict[str, Any]) -> Path:
    path = tmp_path / "site.json"
    path.write_text(json.dumps({"format": "casedesk-site-profile", "version": 1, **doc}))
    monkeypatch.setenv("CASEDESK_SITE_PROFILE", str(path))
    return path


def test_every_command_refuses_to_run_under_a_bad_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = put_profile(tmp_path, monkeypatch, {"policy": {"exports": "none"}})
    assert main(["selftest"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"casedesk: The site profile {path} is not valid: policy.exports: 'none' is not of type")
    assert "Traceback" not in err


def test_init_keeps_to_the_policys_passphrase_strength(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fast_kdf: keyfile.KdfParams
) -> None:
    put_profile(tmp_path, monkeypatch, {"policy": {"min_passphrase_strength": "very strong"}})
    monkeypatch.setenv("CASEDESK_PASSPHRASE", "abcdabcdabcd")
    assert main(["init", "--db", str(tmp_path / "case.db")]) == 1
    assert "policy asks for at least very strong" in capsys.readouterr().err
    assert not (tmp_path / "case.db").exists()


def render(out: Path, header: ReportHeader | None = None) -> None:
    story = [Paragraph("A line of the report.", base.make_styles()["body"])]
    base.build_pdf(out, "Chronology for Test Child", story, "Ann Worker", datetime(2026, 11, 30, 9, 0), header)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_every_report_carries_the_areas_name_and_logo_from_the_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(LOGO, tmp_path / "logo.png")
    put_profile(tmp_path, monkeypatch, {"report": {"area_name": "Northshire Council", "logo": "logo.png"}})
    render(tmp_path / "with.pdf")
    render(tmp_path / "without.pdf", ReportHeader())
    text = subprocess.run(["pdftotext", str(tmp_path / "with.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Northshire Council" in text and "OFFICIAL-SENSITIVE" in text
    assert b"/Subtype /Image" in (tmp_path / "with.pdf").read_bytes()
    assert b"/Subtype /Image" not in (tmp_path / "without.pdf").read_bytes()


def test_a_logo_that_is_not_an_image_is_the_profiles_mistake_said_plainly(tmp_path: Path) -> None:
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"not a picture")
    with pytest.raises(SiteProfileError, match=r"report logo .*logo\.png cannot be drawn"):
        render(tmp_path / "out.pdf", ReportHeader("Northshire Council", fake))
    assert not (tmp_path / "out.pdf").exists()


def test_the_self_test_names_the_profile_in_force_and_what_it_sets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["selftest"]) == 0
    assert "site profile: none found, every setting at CaseDesk's default" in capsys.readouterr().out
    path = put_profile(
        tmp_path,
        monkeypatch,
        {"server": {"url": "https://sync.example"}, "policy": {"printing": False, "exports": ["directory"]}},
    )
    assert main(["selftest"]) == 0
    assert f"site profile: {path} (https://sync.example; exports=['directory'], printing=False)" in (
        capsys.readouterr().out
    )
