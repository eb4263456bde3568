"""Which rule set is in effect, and importing one.

Three places can hold a rule set, and exactly one is used, in this order:

1. **the area's set** — the synced `alert_rule_sets` row (one row, its id fixed). `casedesk import rules FILE` on
   any device writes it; at that device's next sync the server holds it, and every device receives it at its next
   sync. The server's set therefore wins over everything else once it exists. (Two administrators importing
   different sets before either syncs meet as an ordinary sync conflict on the row, shown to both.)
2. **this device's own set** — `casedesk import rules FILE --this-device` keeps it in this device's settings only,
   for trying a set out or for a device with no server. It is used only while no area set is held.
3. **the bundled sample** (`resources/alerts/sample_rules.json`), marked as sample content everywhere it shows.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casedesk import config
from casedesk.domain import roles
from casedesk.domain.alerts.load import load_rules, sample_rules
from casedesk.domain.alerts.model import RuleSet
from casedesk.domain.records import Changes
from casedesk.services.alerts import access
from casedesk.store import alerts_repo, settings
from casedesk.store.database import Database
from casedesk.store.uow import UnitOfWork

AREA_SET_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:casedesk:alert-rule-set:area"))
AREA, DEVICE, SAMPLE = "area", "device", "sample"
ORIGIN_WORDS = {
    AREA: "the area's rule set (from the server once synced)",
    DEVICE: "this device's own rule set (no area rule set has been received)",
    SAMPLE: "the bundled sample rule set (sample content: no area or device rule set has been imported)",
}


@dataclass(frozen=True)
class RulesInEffect:
    rules: RuleSet
    origin: str  # AREA, DEVICE or SAMPLE

    @property
    def fingerprint(self) -> str:
        """Changes whenever the rules do: a new fingerprint means every child is evaluated again."""
        body = json.dumps(self.rules.document, sort_keys=True, default=str)
        return hashlib.sha256(f"{self.origin}:{body}".encode()).hexdigest()[:16]

    @property
    def describe(self) -> str:
        sample = " — sample content" if self.rules.sample else ""
        return f"{self.rules.title}, version {self.rules.version}{sample}: {ORIGIN_WORDS[self.origin]}"


def in_effect(uow_or_db: UnitOfWork | Database) -> RulesInEffect:
    """The rule set evaluation uses now (see the module's order)."""
    if isinstance(uow_or_db, Database):
        with uow_or_db.session() as session:
            held = alerts_repo.rule_set_document(session, AREA_SET_ID)
        own = uow_or_db.get(config.ALERT_RULES_DEVICE)
    else:
        held = alerts_repo.rule_set_document(uow_or_db.session, AREA_SET_ID)
        own = settings.read(uow_or_db.session.connection(), config.ALERT_RULES_DEVICE)
    if held:
        return RulesInEffect(RuleSet.from_dict(held), AREA)
    if own:
        return RulesInEffect(RuleSet.from_dict(own), DEVICE)
    return RulesInEffect(sample_rules(), SAMPLE)


@dataclass(frozen=True)
class RulesImport:
    rules: RuleSet
    scope: str  # AREA or DEVICE
    in_effect: RulesInEffect

    def __str__(self) -> str:
        kept = "for this device only" if self.scope == DEVICE else "as the area's rule set (it syncs to the server)"
        line = f"{len(self.rules.rules)} rule(s) of '{self.rules.title}' version {self.rules.version} imported {kept}."
        if self.scope == DEVICE and self.in_effect.origin == AREA:
            line += (
                " The area's rule set from the server is in effect and wins: this device's set applies only"
                " while there is none."
            )
        return line


def store_rules(
    db: Database, path: Path | dict[str, Any], actor: str, *, this_device: bool = False
) -> tuple[RulesImport, Changes]:
    """Validate a rules file and keep it (the area's row, or this device's setting); with any problem, or a role
    that may not set rules, raise and keep nothing."""
    access.require(db, roles.Action.CONFIGURE_ALERTS)
    rules = load_rules(path)
    document = dict(rules.document)
    source = path.name if isinstance(path, Path) else "rules"
    with db.unit_of_work(actor) as uow:
        if this_device:
            settings.write(uow.session.connection(), config.ALERT_RULES_DEVICE, document)
            uow.note("import", "alert_rule_sets", "device", title=rules.title, version=rules.version, source=source)
            scope = DEVICE
        else:
            values = {
                "external_id": rules.id,
                "title": rules.title,
                "version": rules.version,
                "document": document,
                "sample": rules.sample,
                "source": source,
            }
            if alerts_repo.rule_set_document(uow.session, AREA_SET_ID) is None:
                uow.insert("alert_rule_sets", {"id": AREA_SET_ID, **values})
            else:
                uow.update("alert_rule_sets", AREA_SET_ID, values)
            scope = AREA
        effect = in_effect(uow)
    return RulesImport(rules, scope, effect), uow.changes | Changes(frozenset({"alert_rule_sets"}))
