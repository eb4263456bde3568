"""A damaged key file is one clear error, at once: never a hang, never "wrong passphrase", never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casedesk.cli.main import main
from casedesk.errors import KeyFileError
from casedesk.store import keyfile
from casedesk.store.database import Database
from tests.factories import PASSPHRASE


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_cost", 4_000_000_000),  # would run for days
        ("memory_cost_kib", 1 << 40),  # would exhaust memory
        ("parallelism", 0),  # HashingError from Argon2
        ("parallelism", 255),
        ("time_cost", "4"),
        ("time_cost", None),
        ("memory_cost_kib", 4.5),
    ],
)
def test_out_of_range_kdf_settings_are_a_damaged_key_file_even_with_a_matching_checksum(
    db: Database, db_path: Path, field: str, value: object
) -> None:
    db.close()
    content = json.loads(db.key_path.read_text())
    content["kdf"][field] = value
    content[keyfile.CHECKSUM_FIELD] = keyfile._checksum(content)
    db.key_path.write_text(json.dumps(content))
    with pytest.raises(KeyFileError, match="damaged"):
        Database.open(db_path, PASSPHRASE)


def test_a_changed_kdf_setting_is_reported_as_damage_not_as_a_wrong_passphrase(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db.close()
    content = json.loads(db.key_path.read_text())
    content["kdf"]["time_cost"] += 1
    db.key_path.write_text(json.dumps(content))
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    assert main(["audit", "verify", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "casedesk: The key file is damaged: its checksum does not match its content."


def test_a_key_file_without_a_checksum_still_opens(db: Database, db_path: Path) -> None:
    """Key files written before the checksum existed keep working."""
    db.close()
    content = json.loads(db.key_path.read_text())
    del content[keyfile.CHECKSUM_FIELD]
    db.key_path.write_text(json.dumps(content))
    Database.open(db_path, PASSPHRASE).close()
