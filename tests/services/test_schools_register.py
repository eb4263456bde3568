"""The schools register from a GIAS extract: the shipped sample imports, re-importing updates by URN, a file with
any malformed row is refused whole with every problem named and nothing changed; the picker searches it."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk.cli.main import main
from casedesk.errors import ValidationError
from casedesk.services.collection import Collection
from casedesk.services.education.schools import sample_register_path
from casedesk.store import education_repo, keyfile
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.journal import outbox
from tests.factories import PASSPHRASE

HEADER = (
    "URN,LA (code),LA (name),EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),"
    "PhaseOfEducation (name),Postcode\n"
)


@pytest.fixture
def col(db: Database) -> Collection:
    return Collection(db, "Sam Patel")


def _state(db: Database) -> tuple[dict[str, int], int]:
    with db.session() as session:
        return repo.row_counts(session), len(outbox.pending_batch(db, 100_000))


def test_the_sample_register_imports_and_reimporting_changes_nothing(col: Collection, db: Database) -> None:
    report, changes = col.education.import_schools(sample_register_path())
    assert (report.added, report.updated) == (50, 0) and changes.entities == {"organisations"}
    with db.session() as session:
        held = education_repo.schools_by_urn(session)
    assert held["108901"]["establishment_type"] == "Pupil referral unit"
    assert held["107000"]["phase"] == "Primary" and held["107000"]["la_code"] == "383"
    again, _ = col.education.import_schools(sample_register_path())
    assert (again.added, again.updated, again.unchanged) == (0, 0, 50)
    names = [s["name"] for s in col.education.search_schools("referral")]
    assert names == ["Leeds East Pupil Referral Unit"]
    assert col.education.search_schools("moorside primary") == []  # closed schools are not offered
    assert [s["urn"] for s in col.education.search_schools("108905")] == ["108905"]


def test_a_changed_school_is_updated_by_urn(col: Collection, db: Database, tmp_path: Path) -> None:
    col.education.import_schools(sample_register_path())
    changed = tmp_path / "extract.csv"
    changed.write_text(
        HEADER + "107000,383,Leeds,Oakwood Primary Academy,Academy converter,Open,Primary,LS13 3JU\n"
        "999001,384,Wakefield,New Free School,Free schools,Proposed to open,Secondary,wf1 2aa\n",
        encoding="cp1252",
    )
    report, _ = col.education.import_schools(changed)
    assert (report.added, report.updated, report.unchanged) == (1, 1, 0)
    with db.session() as session:
        held = education_repo.schools_by_urn(session)
    assert held["107000"]["name"] == "Oakwood Primary Academy"
    assert held["999001"]["postcode"] == "WF1 2AA"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("12345,383,Leeds,Short URN,Community school,Open,Primary,LS1 1AA\n", "line 2, URN"),
        ("107000,38,Leeds,Bad LA,Community school,Open,Primary,LS1 1AA\n", "line 2, LA (code)"),
        ("107000,383,Leeds,,Community school,Open,Primary,LS1 1AA\n", "line 2, EstablishmentName"),
        ("107000,383,Leeds,Bad postcode,Community school,Open,Primary,NOT A CODE\n", "line 2, Postcode"),
        ("107000,383,Leeds,Short row\n", "line 2"),
        (
            "107000,383,Leeds,One,Community school,Open,Primary,LS1 1AA\n"
            "107000,383,Leeds,Two,Community school,Open,Primary,LS1 1AB\n",
            "line 3, URN",
        ),
    ],
)
def test_a_malformed_row_refuses_the_whole_file_and_changes_nothing(
    col: Collection, db: Database, tmp_path: Path, body: str, problem: str
) -> None:
    col.education.import_schools(sample_register_path())
    before = _state(db)
    bad = tmp_path / "bad.csv"
    good = "108999,383,Leeds,A Good School,Community school,Open,Primary,LS2 2AA\n"
    bad.write_text(HEADER + body + good, encoding="utf-8")  # a good row too: nothing of it is written either
    with pytest.raises(ValidationError, match="nothing was imported") as raised:
        col.education.import_schools(bad)
    where = [field for field, _ in raised.value.problems]
    assert any(w.startswith(problem) for w in where), where
    assert _state(db) == before


def test_a_file_without_the_gias_columns_is_refused(col: Collection, tmp_path: Path) -> None:
    bad = tmp_path / "children.csv"
    bad.write_text("given_name,family_name\nAda,Okafor\n", encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        col.education.import_schools(bad)
    assert "Missing GIAS column(s): URN" in raised.value.problems[0][1]


def test_the_command_imports_and_refuses_a_bad_file_before_opening_the_database(
    tmp_path: Path, fast_kdf: keyfile.KdfParams, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    db_path = tmp_path / "c.db"
    assert main(["init", "--db", str(db_path)]) == 0
    assert main(["import", "schools", str(sample_register_path()), "--db", str(db_path)]) == 0
    assert "50 school(s) added" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "1,383,Leeds,X,Y,Open,Primary,LS1 1AA\n", encoding="utf-8")
    assert main(["import", "schools", str(bad), "--db", str(db_path)]) != 0
    assert "line 2, URN" in capsys.readouterr().err
