"""The area's risk indicators imported on a device: validated first (nothing kept with a problem), refused to a
role that may not set them, and then the set the cohort and each child's Overview use."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from casedesk import config
from casedesk.domain.risk.config import bundled_config
from casedesk.errors import ValidationError
from casedesk.paths import resource_path
from casedesk.services.cohort.findings import child_findings
from casedesk.services.cohort.indicators import in_effect, store_indicators
from casedesk.services.cohort.service import CohortService
from casedesk.services.policy import NotAllowed
from casedesk.store.database import Database
from tests.factories import add_child


def area_indicators() -> dict[str, object]:
    """The sample narrowed as an area might: no free-school-meals indicator, the cliff edge at two."""
    document = json.loads(resource_path("risk", "indicators.json").read_text(encoding="utf-8"))
    document["version"] = "2026.1 area"
    document["indicators"] = [i for i in document["indicators"] if i["id"] != "free_school_meals"]
    document["cliff_edge"]["min_indicators"] = 2
    return document


def test_imported_indicators_are_the_ones_in_effect(db: Database, tmp_path: Path) -> None:
    child = add_child(db, "Fay", "Tester", date(2013, 3, 4))
    with db.unit_of_work("tester") as uow:
        uow.insert("status_periods", {"child_id": child, "kind": "free_school_meals", "start_date": date(2024, 9, 1)})
    today = date(2025, 11, 28)
    assert [f.indicator.id for f in child_findings(db, child, today)] == ["free_school_meals"]
    file = tmp_path / "area-indicators.json"
    file.write_text(json.dumps(area_indicators()), encoding="utf-8")
    report, changes = store_indicators(db, file, "tester")
    assert "version 2026.1 area" in str(report) and changes.touches("alert_rule_sets")
    held = in_effect(db)
    assert held.version == "2026.1 area" and held.cliff_edge.min_indicators == 2
    assert len(held.indicators) == len(bundled_config().indicators) - 1
    assert child_findings(db, child, today) == []  # the Overview card reads the area's set
    assert CohortService(db, "tester").load(today).rows == []  # and so does the cohort


def test_a_bad_file_or_a_practitioner_changes_nothing(db: Database, tmp_path: Path) -> None:
    bad = area_indicators()
    bad["cliff_edge"] = {"min_indicators": "three"}
    with pytest.raises(ValidationError) as problem:
        store_indicators(db, bad, "tester")
    assert any(path.startswith("$.cliff_edge") for path, _ in problem.value.problems)
    assert in_effect(db) == bundled_config()
    db.put(config.ROLE, "practitioner")
    with pytest.raises(NotAllowed, match="is for a safeguarding lead, manager or administrator"):
        store_indicators(db, area_indicators(), "tester")
    assert in_effect(db) == bundled_config()
