"""Which risk-of-exclusion indicators are in effect, and importing the area's own.

Indicators are content the local safeguarding partnership sets (which count, their thresholds, how many make the
cliff edge), so they travel exactly as the alert rules do (`casedesk.services.alerts.rules`): `casedesk import
indicators FILE` on any device writes one synced row of `alert_rule_sets` — the table of the area's configuration
documents, each one row with a fixed id — the server holds it, and every device receives it at its next sync. Its
id is fixed, so an import anywhere updates the same row. Until one exists, the bundled sample
(`resources/risk/indicators.json`, marked as sample content) is in effect.

Only a role that may set the area's configuration imports (`roles.Action.CONFIGURE_ALERTS`: safeguarding lead,
manager, administrator); the server refuses the row from any other.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from casedesk.domain import roles
from casedesk.domain.records import Changes
from casedesk.domain.risk.config import RiskConfig, bundled_config, load_config
from casedesk.errors import ValidationError
from casedesk.services.alerts import access
from casedesk.store import alerts_repo
from casedesk.store.database import Database

AREA_INDICATORS_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:casedesk:risk-indicator-set:area"))
EXTERNAL_ID = "risk-indicators"
TITLE = "Risk-of-exclusion indicators"


@lru_cache(maxsize=4)
def _parsed(text: str) -> RiskConfig:
    return load_config(json.loads(text))


def in_effect(db: Database) -> RiskConfig:
    """The area's indicators once received, else the bundled sample. A held set this version cannot read (written
    by a newer one) falls back to the sample rather than showing nothing."""
    with db.session() as session:
        document = alerts_repo.rule_set_document(session, AREA_INDICATORS_ID)
    if not document:
        return bundled_config()
    try:
        return _parsed(json.dumps(document, sort_keys=True))
    except ValidationError:
        return bundled_config()


@dataclass(frozen=True)
class IndicatorsImport:
    config: RiskConfig

    def __str__(self) -> str:
        return (
            f"{len(self.config.indicators)} indicator(s), version {self.config.version}, imported as the area's "
            f"risk indicators (they sync to the server and every device); the cliff edge is "
            f"{self.config.cliff_edge.min_indicators} or more indicators without statutory support."
        )


def _read(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}.") from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{path.name} is not valid JSON.", [("$", f"line {exc.lineno}, column {exc.colno}: {exc.msg}")]
        ) from exc
    if not isinstance(document, dict):
        raise ValidationError(f"{path.name} is not an indicators file.", [("$", "expected an object")])
    return document


def store_indicators(db: Database, source: Path | dict[str, Any], actor: str) -> tuple[IndicatorsImport, Changes]:
    """Validate an indicators file and keep it as the area's; with any problem, or a role that may not set the
    area's configuration, raise and keep nothing."""
    access.require(db, roles.Action.CONFIGURE_ALERTS)
    document = _read(source) if isinstance(source, Path) else dict(source)
    config = load_config(document)
    values = {
        "external_id": EXTERNAL_ID,
        "title": TITLE,
        "version": config.version[:40],
        "document": document,
        "sample": "SAMPLE CONTENT" in config.notice.upper(),
        "source": source.name if isinstance(source, Path) else "indicators",
    }
    with db.unit_of_work(actor) as uow:
        if alerts_repo.rule_set_document(uow.session, AREA_INDICATORS_ID) is None:
            uow.insert("alert_rule_sets", {"id": AREA_INDICATORS_ID, **values})
        else:
            uow.update("alert_rule_sets", AREA_INDICATORS_ID, values)
    return IndicatorsImport(config), uow.changes | Changes(frozenset({"alert_rule_sets"}))
