"""`casedesk-server backup` and `restore`: encrypted, consistent, refusing bad input, and starting a generation."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from casedesk.server import backup, sealed
from casedesk.server.cli import main
from casedesk.server.db import ServerDB, generation, mail_deliveries, meta, records

PASSPHRASE = "backup passphrase for tests"


@pytest.fixture
def passphrase(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CASEDESK_BACKUP_PASSPHRASE", PASSPHRASE)
    return PASSPHRASE


def _orgs(url: str) -> list[str]:
    store = ServerDB(url)
    try:
        return _org_names(store)
    finally:
        store.dispose()


def _org_names(store: ServerDB) -> list[str]:
    from casedesk.server.db import orgs

    with store.read() as conn:
        return sorted(conn.execute(select(orgs.c.name)).scalars())


def _lineage(url: str) -> list[dict[str, object]]:
    store = ServerDB(url)
    try:
        with store.read() as conn:
            return generation.lineage(conn)
    finally:
        store.dispose()


def test_backup_and_restore_through_the_command_line(tmp_path: Path, passphrase: str) -> None:
    db = tmp_path / "server.db"
    url = f"sqlite:///{db}"
    assert main(["--database-url", url, "admin", "create-org", "Before"]) == 0
    out = tmp_path / "night.backup"
    assert main(["--database-url", url, "backup", "--out", str(out)]) == 0
    assert main(["--database-url", url, "admin", "create-org", "After"]) == 0
    assert b"Before" not in out.read_bytes()  # encrypted: names never appear in clear
    assert backup.describe(out)["backend"] == "sqlite"

    assert main(["--database-url", url, "restore", "--from", str(out)]) == 0
    assert _orgs(url) == ["Before"]
    lineage = _lineage(url)
    assert len(lineage) == 2 and lineage[1]["reason"].startswith("restored from the backup taken at")
    (kept,) = [p for p in tmp_path.iterdir() if p.name.startswith("server.db.replaced-") and p.suffix != ".db"]
    assert _orgs(f"sqlite:///{kept}") == ["After", "Before"]  # the replaced database is kept, not deleted


def _damaged(out: Path, how: str) -> None:
    data = out.read_bytes()
    if how == "truncated":
        out.write_bytes(data[: len(data) - 40])
    elif how == "tampered":
        out.write_bytes(data[:-20] + bytes([data[-20] ^ 1]) + data[-19:])
    else:
        out.write_bytes(b"not a backup at all")


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("wrong passphrase", "passphrase is wrong"),
        ("truncated", "truncated"),
        ("tampered", "damaged"),
        ("not a backup", "not a CaseDesk server backup"),
    ],
)
def test_a_bad_backup_or_passphrase_changes_nothing(
    tmp_path: Path, passphrase: str, how: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    main(["--database-url", url, "admin", "create-org", "Before"])
    out = tmp_path / "night.backup"
    main(["--database-url", url, "backup", "--out", str(out)])
    main(["--database-url", url, "admin", "create-org", "After"])
    if how == "wrong passphrase":
        (tmp_path / "pass").write_text("not the passphrase\n")
        args = ["--passphrase-file", str(tmp_path / "pass")]
    else:
        _damaged(out, how)
        args = []
    capsys.readouterr()
    assert main(["--database-url", url, "restore", "--from", str(out), *args]) == 1
    assert message in capsys.readouterr().err
    assert _orgs(url) == ["After", "Before"] and len(_lineage(url)) == 1


def test_backup_refuses_to_overwrite_and_restore_refuses_the_wrong_backend(
    tmp_path: Path, passphrase: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    out = tmp_path / "night.backup"
    out.write_bytes(b"something precious")
    assert main(["--database-url", url, "backup", "--out", str(out)]) == 1
    assert out.read_bytes() == b"something precious"
    with open(tmp_path / "pg.backup", "wb") as sink, open(tmp_path / "night.backup", "rb") as source:
        sealed.seal(source, sink, PASSPHRASE, {"backend": "postgresql"})
    assert main(["--database-url", url, "restore", "--from", str(tmp_path / "pg.backup")]) == 1
    assert "is a postgresql backup" in capsys.readouterr().err


def test_no_passphrase_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert main(["--database-url", url, "backup", "--out", str(tmp_path / "b")]) == 1
    assert "CASEDESK_BACKUP_PASSPHRASE" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


def test_postgres_backup_and_restore_with_pg_dump(pg_url: str, tmp_path: Path, passphrase: str) -> None:
    assert main(["--database-url", pg_url, "admin", "create-org", "Before"]) == 0
    out = tmp_path / "night.backup"
    assert main(["--database-url", pg_url, "backup", "--out", str(out)]) == 0
    assert main(["--database-url", pg_url, "admin", "create-org", "After"]) == 0
    assert backup.describe(out)["backend"] == "postgresql"
    assert main(["--database-url", pg_url, "restore", "--from", str(out)]) == 0
    assert _orgs(pg_url) == ["Before"] and len(_lineage(pg_url)) == 2


def test_marking_a_restore_puts_every_email_not_known_to_be_sent_in_doubt(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    store = ServerDB(url)
    try:
        main(["--database-url", url, "admin", "list-devices"])  # migrates and gives the first generation
        with store.write() as conn:
            for row_id, state in (("m-waiting", None), ("m-sending", "sending"), ("m-sent", "sent")):
                conn.execute(
                    insert(records).values(
                        entity="mail_requests",
                        row_id=row_id,
                        created_seq=1,
                        data={},
                        versions={},
                        writes={},
                        deleted=False,
                    )
                )
                if state:
                    conn.execute(
                        insert(mail_deliveries).values(
                            request_id=row_id, state=state, attempts=1, claimed_at=func.current_timestamp()
                        )
                    )
        assert main(["--database-url", url, "admin", "mark-restored", "--reason", "PITR to 09:00"]) == 0
        with store.read() as conn:
            states = dict(conn.execute(select(mail_deliveries.c.request_id, mail_deliveries.c.state)).all())
            assert conn.execute(select(meta.c.value).where(meta.c.key == generation.LINEAGE_KEY)).scalar()
        assert states == {"m-waiting": "in_doubt", "m-sending": "in_doubt", "m-sent": "sent"}
        assert main(["--database-url", url, "admin", "mail-settle", "m-waiting", "--not-delivered"]) == 0
        assert main(["--database-url", url, "admin", "mail-settle", "m-sent", "--delivered"]) == 1  # not in doubt
        assert main(["--database-url", url, "admin", "mail-settle", "m-sending", "--delivered"]) == 0
        with store.read() as conn:
            states = dict(conn.execute(select(mail_deliveries.c.request_id, mail_deliveries.c.state)).all())
        assert states == {"m-waiting": "failed", "m-sending": "sent", "m-sent": "sent"}  # m-waiting: sent once more
    finally:
        store.dispose()


def test_a_large_stream_round_trips_and_reordered_chunks_do_not_open(tmp_path: Path) -> None:
    import io
    import os
    import struct

    data = os.urandom(3 * sealed.CHUNK + 123)  # incompressible: several sealed chunks
    out = io.BytesIO()
    sealed.seal(io.BytesIO(data), out, PASSPHRASE, {"backend": "sqlite"})
    assert b"".join(sealed.unseal(io.BytesIO(out.getvalue()), PASSPHRASE)) == data
    raw = io.BytesIO(out.getvalue())
    sealed.read_header(raw)
    start = raw.tell()
    parts = []
    while size := raw.read(4):
        (n,) = struct.unpack(">I", size)
        parts.append(size + raw.read(n))
    assert len(parts) >= 4
    swapped = out.getvalue()[:start] + b"".join([parts[1], parts[0], *parts[2:]])
    with pytest.raises(sealed.SealError, match="damaged"):
        b"".join(sealed.unseal(io.BytesIO(swapped), PASSPHRASE))
    dropped = out.getvalue()[:start] + b"".join(parts[:-1])
    with pytest.raises(sealed.SealError, match="truncated"):
        b"".join(sealed.unseal(io.BytesIO(dropped), PASSPHRASE))
