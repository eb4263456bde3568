"""The site profile: where it is found, what the schema accepts, and the plain errors for a bad one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from casedesk import site_profile
from casedesk.domain.passphrase import LABELS
from casedesk.domain.vocab import OrgKind
from casedesk.paths import resource_path
from casedesk.site_profile import ExportKind, KdfFloor, Policy, SiteProfileError, loader

MINIMAL: dict[str, Any] = {"format": "casedesk-site-profile", "version": 1}
FULL: dict[str, Any] = {
    **MINIMAL,
    "server": {"url": "https://sync.northshire.example/", "certificate": "server.pem"},
    "organisation": {"name": "Northshire Early Help", "kind": "early_help"},
    "policy": {
        "idle_lock_minutes": 5,
        "sync_interval_minutes": 15,
        "exports": ["child_record", "directory"],
        "printing": False,
        "demo_data": False,
        "min_passphrase_strength": "strong",
        "kdf_floor": {"time_cost": 6, "memory_cost_kib": 262144},
    },
    "report": {"area_name": "Northshire Council", "logo": "logo.png"},
}


def write(folder: Path, doc: Any, name: str = "site.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture
def full(tmp_path: Path) -> Path:
    (tmp_path / "server.pem").write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return write(tmp_path, FULL)


@pytest.fixture
def nowhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No environment variable and an empty system folder: what locate() finds is up to the test."""
    monkeypatch.delenv(site_profile.ENV_VAR, raising=False)
    system = tmp_path / "etc" / "site.json"
    monkeypatch.setattr(loader, "system_path", lambda: system)
    return system


def test_a_full_profile_reads_into_typed_values(full: Path) -> None:
    profile = site_profile.read(full)
    assert profile.source == full.resolve()
    assert profile.server is not None
    assert profile.server.url == "https://sync.northshire.example"  # the trailing slash goes
    assert profile.server.certificate == full.parent.resolve() / "server.pem"
    assert (profile.organisation.name, profile.organisation.kind) == ("Northshire Early Help", "early_help")
    assert profile.report.area_name == "Northshire Council"
    assert profile.report.logo == full.parent.resolve() / "logo.png"
    assert profile.policy == Policy(
        idle_lock_minutes=5,
        sync_interval_minutes=15,
        exports=frozenset({ExportKind.CHILD_RECORD, ExportKind.DIRECTORY}),
        printing=False,
        demo_data=False,
        min_passphrase_strength=3,
        kdf_floor=KdfFloor(6, 262144),
    )
    assert Policy.from_document(profile.policy.to_document()) == profile.policy


def test_a_minimal_profile_keeps_every_default(tmp_path: Path) -> None:
    profile = site_profile.read(write(tmp_path, MINIMAL))
    assert profile.policy == Policy()
    assert profile.server is None
    assert profile.policy.to_document() == {}
    assert profile.policy.sync_every_minutes == 1
    assert profile.policy.idle_minutes_for(10) == 10


def test_no_profile_anywhere_is_every_default(nowhere: Path) -> None:
    assert site_profile.locate() is None
    assert site_profile.load() == site_profile.SiteProfile()


def test_the_system_file_is_found(nowhere: Path) -> None:
    write(nowhere.parent, {**MINIMAL, "policy": {"idle_lock_minutes": 3}})
    assert site_profile.locate() == nowhere
    assert site_profile.load().policy.idle_lock_minutes == 3


def test_the_environment_wins_over_the_system_file(
    nowhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(nowhere.parent, {**MINIMAL, "policy": {"idle_lock_minutes": 3}})
    named = write(tmp_path / "admin", {**MINIMAL, "policy": {"idle_lock_minutes": 7}})
    monkeypatch.setenv(site_profile.ENV_VAR, str(named))
    assert site_profile.load().policy.idle_lock_minutes == 7


def test_a_profile_the_environment_names_must_exist(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(site_profile.ENV_VAR, str(nowhere.parent / "typo.json"))
    with pytest.raises(SiteProfileError, match=r"typo\.json \(named by CASEDESK_SITE_PROFILE\) does not exist"):
        site_profile.load()


@pytest.mark.parametrize(
    ("doc", "says"),
    [
        ("{not json", r"is not valid JSON \(line 1: "),
        ([], r"\(the whole file\): \[\] is not of type 'object'"),
        ({"version": 1}, r"'format' is a required property"),
        ({**MINIMAL, "version": 2}, r"version: 1 was expected"),
        ({**MINIMAL, "policy": {"idle_lock_minutes": 0}}, r"policy\.idle_lock_minutes: 0 is less than the minimum"),
        ({**MINIMAL, "policy": {"idle_lock_minutes": "5"}}, r"policy\.idle_lock_minutes: '5' is not of type"),
        ({**MINIMAL, "policy": {"exports": ["photos"]}}, r"policy\.exports\.0: 'photos' is not one of"),
        ({**MINIMAL, "policy": {"idle_lock": 5}}, r"Additional properties are not allowed \('idle_lock'"),
        ({**MINIMAL, "policy": {"min_passphrase_strength": "good"}}, r"min_passphrase_strength: 'good' is not one"),
        ({**MINIMAL, "policy": {"kdf_floor": {"time_cost": 99}}}, r"kdf_floor\.time_cost: 99 is greater than"),
        ({**MINIMAL, "server": {"url": "sync.example"}}, r"server\.url: 'sync\.example' does not match"),
        ({**MINIMAL, "organisation": {"kind": "council"}}, r"organisation\.kind: 'council' is not one of"),
        ({**MINIMAL, "report": {"logo": "logo.gif"}}, r"report\.logo: 'logo\.gif' does not match"),
        ({**MINIMAL, "report": {"logo": "missing.png"}}, r"report\.logo: .*missing\.png does not exist"),
        ({**MINIMAL, "server": {"url": "https://a", "certificate": "no.pem"}}, r"server\.certificate: .*no\.pem"),
    ],
)
def test_a_bad_profile_is_refused_saying_which_file_and_what(tmp_path: Path, doc: Any, says: str) -> None:
    path = write(tmp_path, doc)
    with pytest.raises(SiteProfileError, match=says) as caught:
        site_profile.read(path)
    assert str(path) in str(caught.value)
    assert caught.value.exit_code == 2


def test_a_huge_file_is_not_taken_for_a_profile(tmp_path: Path) -> None:
    path = write(tmp_path, " " * 1_000_001)
    with pytest.raises(SiteProfileError, match="too large"):
        site_profile.read(path)


def test_the_schema_knows_every_organisation_kind_export_and_strength() -> None:
    schema = json.loads(resource_path("site", "site-profile.schema.json").read_text())
    assert schema["properties"]["organisation"]["properties"]["kind"]["enum"] == [k.value for k in OrgKind]
    policy = schema["$defs"]["policy"]["properties"]
    assert policy["exports"]["items"]["enum"] == [k.value for k in ExportKind]
    assert policy["min_passphrase_strength"]["enum"] == [label.lower() for label in LABELS]
    assert set(policy) == set(site_profile.RULES)  # every setting has a precedence rule, and nothing else


def test_the_example_profile_in_the_docs_is_valid() -> None:
    example = Path(__file__).resolve().parents[2] / "packaging" / "site.example.json"
    profile = site_profile.read(example)
    assert profile.server is not None
    assert profile.policy != Policy()
