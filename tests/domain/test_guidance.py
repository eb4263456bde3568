"""Guidance content: the bundled sample validates; a broken file is refused with every problem and its path."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from casedesk.domain.guidance.load import load_guidance, sample_guidance
from casedesk.domain.guidance.model import LINK_TARGETS, TOPICS, GuidanceEntry
from casedesk.errors import ValidationError
from casedesk.paths import resource_path


def _sample_document() -> dict[str, Any]:
    return json.loads(resource_path("guidance", "sample_guidance.json").read_text(encoding="utf-8"))


def test_the_sample_is_about_forty_entries_marked_as_sample_covering_every_topic() -> None:
    content = sample_guidance()
    assert content.sample and "Sample content" in content.notice
    assert 38 <= len(content.entries) <= 50
    assert all(entry.sample for entry in content.entries)
    covered = Counter(topic for entry in content.entries for topic in entry.topics)
    assert set(covered) == set(TOPICS) and min(covered.values()) >= 2
    assert [e.id for e in content.entries if e.immediate_risk] == ["immediate-risk"]
    risk = next(e for e in content.entries if e.immediate_risk)
    assert risk.answer.startswith("Contact children's social care or the police now")
    targets = {link.target for entry in content.entries for link in entry.links}
    assert targets == set(LINK_TARGETS)  # every kind of link, the sharing agreements among them


def test_an_entry_round_trips_through_its_stored_document() -> None:
    for entry in sample_guidance().entries:
        assert GuidanceEntry.from_dict(json.loads(json.dumps(entry.to_dict()))) == entry


def test_service_links_name_services_of_the_sample_directory() -> None:
    directory = json.loads(resource_path("directory", "sample_services.json").read_text())
    ids = {service["id"] for service in directory["contents"]}
    links = [link for entry in sample_guidance().entries for link in entry.links if link.target == "service"]
    assert links and all(link.service in ids for link in links)


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "guidance.json"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document, encoding="utf-8")
    return path


def test_a_broken_file_lists_every_problem_with_its_path(tmp_path: Path) -> None:
    document = _sample_document()
    entries = document["entries"]
    entries[1]["id"] = entries[0]["id"]  # duplicate id (and entry 0's link to the old id now points nowhere)
    entries[2]["immediate_risk"] = True  # a second act-now answer
    entries[3]["last_reviewed"] = "2099-01-01"  # reviewed in the future
    entries[4]["links"] = [{"label": "See", "target": "guidance", "entry": "no-such-entry"}]
    with pytest.raises(ValidationError) as caught:
        load_guidance(_write(tmp_path, document), today=date(2026, 11, 30))
    where = {path for path, _ in caught.value.problems}
    assert where == {
        "$.entries[0].links[1].entry",
        "$.entries[1].id",
        "$.entries[2].immediate_risk",
        "$.entries[3].last_reviewed",
        "$.entries[4].links[0].entry",
    }


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["entries"][0].pop("answer"), "$.entries[0]"),
        (lambda d: d["entries"][0]["links"].append({"label": "x", "target": "service"}), "$.entries[0].links[2]"),
        (lambda d: d["entries"][0].update(topics=["gardening"]), "$.entries[0].topics[0]"),
        (lambda d: d.update(format="something-else"), "$.format"),
        (lambda d: d["entries"][0].update(id="Not An Id"), "$.entries[0].id"),
    ],
)
def test_schema_problems_name_the_bad_element(tmp_path: Path, change: Any, path: str) -> None:
    document = _sample_document()
    change(document)
    with pytest.raises(ValidationError) as caught:
        load_guidance(_write(tmp_path, document))
    assert path in {p for p, _ in caught.value.problems}


def test_not_json_says_where(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        load_guidance(_write(tmp_path, '{"format": '))
    assert "line 1" in caught.value.problems[0][1]
