"""The panel pack holds, for each child, only what every attending organisation may see (read back with
pdftotext): a child an attendee may not see gets a page without its name, and a category some attendee is not
granted (a sharing agreement narrowing `allowed_for`) is left out of every page. Every page is marked."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from casedesk.domain import sharing
from casedesk.domain.schema import Category
from casedesk.errors import ValidationError
from casedesk.services.collection import Collection
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from tests.factories import add_child

HELD_ON = date(2026, 11, 26)


def _text(pdf: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    raw = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in raw.split("\f") if page.strip()]


def _setup(db: Database) -> dict[str, str]:
    with db.unit_of_work("tester") as uow:
        ids = {
            "oak": uow.insert("organisations", {"name": "Oak Academy", "kind": "school"}),
            "elm": uow.insert("organisations", {"name": "Elm High", "kind": "school"}),
            "team": uow.insert("organisations", {"name": "Inclusion Team", "kind": "early_help"}),
        }
    ids["ada"] = add_child(db, "Ada", "Okafor", date(2013, 3, 1), upn="B801200005001")
    ids["ben"] = add_child(db, "Ben", "Hughes", date(2012, 6, 9))
    with db.unit_of_work("tester") as uow:
        for child, orgs in (("ada", ("oak", "team")), ("ben", ("elm", "team"))):
            for org in orgs:
                uow.insert(
                    "involvements",
                    {
                        "child_id": ids[child],
                        "organisation_id": ids[org],
                        "role": "key_worker",
                        "start_date": date(2025, 9, 1),
                    },
                )
        for summary, category in (("Mentor sessions started", "general"), ("Disclosure to the DSL", "safeguarding")):
            uow.insert(
                "events",
                {
                    "child_id": ids["ada"],
                    "kind": "note",
                    "occurred_at": datetime(2026, 11, 2, 10, tzinfo=UTC),
                    "recorded_at": datetime(2026, 11, 2, 10, tzinfo=UTC),
                    "author": "tester",
                    "category": category,
                    "summary": summary,
                },
            )
    return ids


def test_each_child_s_page_shows_only_what_every_attendee_may_see(db: Database, tmp_path: Path) -> None:
    ids = _setup(db)
    col = Collection(db, "Ian Chair")
    out = tmp_path / "pack.pdf"
    pack = col.meetings.write_panel_pack(
        [ids["ada"], ids["ben"]], [ids["oak"], ids["team"]], "Inclusion panel", HELD_ON, out
    )
    assert [p.shown for p in pack.pages] == [True, False]  # Elm's child: Oak may not see him
    cover, ada, ben = _text(out)
    assert all(page.count("OFFICIAL-SENSITIVE") >= 2 for page in (cover, ada, ben))
    assert "Inclusion Team" in cover and "Oak Academy" in cover and "2 children; 1 shown" in cover
    assert "Ada Okafor" in ada and "B801200005001" in ada
    assert "Mentor sessions started" in ada and "Disclosure to the DSL" in ada
    assert "Oak Academy: Key worker" in ada
    assert "Not shown in this pack" in ben and "Ben" not in ben and "Hughes" not in ben
    with db.session() as session:
        audited = {e.row_id for e in repo.audit_entries_for(session, [ids["ada"], ids["ben"]]) if e.action == "export"}
    assert audited == {ids["ada"]}  # only what was shown was disclosed


def test_a_category_one_attendee_may_not_see_is_left_out(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a sharing agreement would: the inclusion team is not granted safeguarding entries."""
    ids = _setup(db)
    everything_but = sharing.Allowed.of([c for c in Category if c is not Category.SAFEGUARDING])
    real = sharing.allowed_for
    monkeypatch.setattr(
        sharing, "allowed_for", lambda org, child: everything_but if org == ids["team"] else real(org, child)
    )
    out = tmp_path / "pack.pdf"
    Collection(db, "Ian Chair").meetings.write_panel_pack(
        [ids["ada"]], [ids["oak"], ids["team"]], "Panel", HELD_ON, out
    )
    page = _text(out)[1]
    assert "Mentor sessions started" in page and "Disclosure to the DSL" not in page
    Collection(db, "Ian Chair").meetings.write_panel_pack([ids["ada"]], [ids["oak"]], "Panel", HELD_ON, out)
    assert "Disclosure to the DSL" in _text(out)[1]  # Oak alone is granted everything


def test_a_pack_without_children_or_attendees_is_refused(db: Database, tmp_path: Path) -> None:
    ids = _setup(db)
    meetings = Collection(db, "Ian Chair").meetings
    out = tmp_path / "pack.pdf"
    with pytest.raises(ValidationError, match="children"):
        meetings.write_panel_pack([], [ids["oak"]], "Panel", HELD_ON, out)
    with pytest.raises(ValidationError, match="organisations attending"):
        meetings.write_panel_pack([ids["ada"]], [], "Panel", HELD_ON, out)
    with pytest.raises(ValidationError, match="not in the directory"):
        meetings.write_panel_pack([ids["ada"]], ["nowhere"], "Panel", HELD_ON, out)
    assert not out.exists()
