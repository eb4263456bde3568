"""The local authority's needs taxonomy and tags: rename, merge, retire, with the services following in the same
transaction; bad changes refused with nothing written. Also the search criteria kept for the prevalence dataset."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from casedesk.domain.directory.oruk_export import service_to_oruk3
from casedesk.errors import ValidationError
from casedesk.services.directory.search import Cost, DirectoryFilter
from casedesk.services.directory.service import DirectoryService
from casedesk.services.directory.usage import filter_criteria, needs_check_criteria
from casedesk.store import directory_repo, taxonomy_repo
from casedesk.store.database import Database
from casedesk.store.journal import outbox


@pytest.fixture
def directory(db: Database) -> DirectoryService:
    DirectoryService(db, "tester").load_sample()
    return DirectoryService(db, "tester")


def _set_needs(db: Database, name: str, needs: tuple[str, ...]) -> None:
    service = next(s for s in DirectoryService(db, "tester").services() if s.name == name)
    with db.session() as session:
        stored = directory_repo.get_service(session, service.id)
    document = json.loads(json.dumps(service_to_oruk3(replace(service, id=stored.document["id"], needs=needs))))
    with db.unit_of_work("tester") as uow:
        uow.update("services", service.id, {"document": document})


def _needs(db: Database) -> dict[str, tuple[str, ...]]:
    return {s.name: s.needs for s in DirectoryService(db, "tester").services()}


def test_merging_a_need_moves_every_service_that_named_it(db: Database, directory: DirectoryService) -> None:
    _set_needs(db, "Rainbow Bereavement Support", ("bereavement", "anxiety_low_mood"))
    _set_needs(db, "Kindly Online Counselling", ("bereavement",))
    before = len(outbox.pending_batch(db, 10_000))
    changes = directory.taxonomy.merge_needs("bereavement", "anxiety_low_mood")
    assert changes.entities == {"need_terms", "services"}
    needs = _needs(db)
    assert needs["Rainbow Bereavement Support"] == ("anxiety_low_mood",)
    assert needs["Kindly Online Counselling"] == ("anxiety_low_mood",)
    # the stored documents changed, not just the reading of them, so exports and other devices see it
    with db.session() as session:
        stored = {s.name: s.document["x_casedesk"].get("needs") for s in directory_repo.list_services(session)}
        terms = {t.code: t for t in taxonomy_repo.list_needs(session)}
    assert stored["Kindly Online Counselling"] == ["anxiety_low_mood"]
    assert terms["bereavement"].state == "merged" and terms["bereavement"].merged_into == "anxiety_low_mood"
    assert "grief" in (terms["anxiety_low_mood"].tags or [])
    assert len(outbox.pending_batch(db, 10_000)) > before  # journaled: it reaches every device


def test_renaming_changes_the_label_only_and_retiring_takes_it_off_services(
    db: Database, directory: DirectoryService
) -> None:
    _set_needs(db, "Reading Buddies", ("literacy", "send_assessment"))
    directory.taxonomy.rename_need("literacy", "Reading and writing")
    assert directory.taxonomy.taxonomy().label("literacy") == "Reading and writing"
    assert _needs(db)["Reading Buddies"] == ("literacy", "send_assessment")
    directory.taxonomy.retire_need("literacy")
    assert _needs(db)["Reading Buddies"] == ("send_assessment",)
    assert "literacy" not in directory.taxonomy.taxonomy().labels()


def test_tags_are_renamed_merged_and_retired_across_the_directory(db: Database, directory: DirectoryService) -> None:
    tags = directory.taxonomy.tags()
    assert tags["anxiety"] == 2
    directory.taxonomy.merge_tags("low mood", "Anxiety")
    directory.taxonomy.rename_tag("CBT", "cognitive behavioural therapy")
    directory.taxonomy.retire_tag("online")
    tags = directory.taxonomy.tags()
    assert "low mood" not in tags and "CBT" not in tags and "online" not in tags
    assert tags["cognitive behavioural therapy"] == 1
    team = next(
        s for s in DirectoryService(db, "tester").services() if s.name == "Mental Health Support Team in Schools"
    )
    assert team.tags == ("cognitive behavioural therapy", "anxiety")


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.merge_needs("parenting", "parenting"),
        lambda t: t.merge_needs("no_such_need", "parenting"),
        lambda t: t.rename_need("parenting", "   "),
        lambda t: t.rename_tag("anxiety", ""),
    ],
)
def test_a_bad_change_is_refused_and_nothing_is_written(db: Database, directory: DirectoryService, change) -> None:  # type: ignore[no-untyped-def]
    before = len(outbox.pending_batch(db, 10_000))
    with pytest.raises(ValidationError):
        change(directory.taxonomy)
    assert len(outbox.pending_batch(db, 10_000)) == before
    with db.session() as session:
        assert taxonomy_repo.list_needs(session) == []


def test_search_criteria_carry_no_personal_data(db: Database, directory: DirectoryService) -> None:
    criteria = filter_criteria(
        DirectoryFilter(domain="semh", level=2, age=13, district="ls6 3ab", cost=Cost.FREE), True
    )
    assert criteria == {
        "source": "directory",
        "need": "semh",
        "level": 2,
        "age_band": "10-14",
        "district": "LS6",
        "cost": "free",
        "words": True,
    }
    assert filter_criteria(DirectoryFilter(), False) == {}
    from_check = needs_check_criteria(3, {"semh": 4, "family": 0}, ["anxiety_low_mood"], 9, "LS6 3AB")
    assert from_check == {
        "source": "needs_check",
        "level": 3,
        "domains": ["semh"],
        "needs": ["anxiety_low_mood"],
        "age_band": "5-9",
        "district": "LS6",
    }
    changes = directory.record_search(criteria)
    assert changes.entities == {"directory_searches"}
    assert directory.record_search({}).entities == frozenset()
    with db.session() as session:
        from sqlalchemy import text

        rows = session.execute(text("SELECT criteria, searched_on FROM directory_searches")).all()
    assert len(rows) == 1 and json.loads(rows[0][0]) == criteria and rows[0][1] == date.today().isoformat()
