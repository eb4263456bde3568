"""Which Presenting Needs Check questionnaires a device offers: the bundled samples plus those an admin imported.

`casedesk import questionnaire FILE` validates a questionnaire and keeps it in the encrypted database (device
settings), so an area's own questions travel with the data they are used on. Nothing is stored when the file is
invalid, and a stored id+version is never overwritten with different content: results name the id and version
they were made under, so a version's questions must not change under them.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from casedesk import config
from casedesk.domain.triage.load import SCHEMA_FILE, load_questionnaire
from casedesk.domain.triage.model import Questionnaire
from casedesk.errors import CaseDeskError, Conflict, NotFound
from casedesk.paths import resource_path
from casedesk.store.database import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QuestionnaireEntry:
    """A questionnaire on offer and where it comes from ("bundled" or "imported")."""

    source: str
    questionnaire: Questionnaire

    @property
    def id(self) -> str:
        return self.questionnaire.id

    @property
    def version(self) -> str:
        return self.questionnaire.version

    @property
    def title(self) -> str:
        return self.questionnaire.title


def setting_key(questionnaire_id: str, version: str) -> str:
    """The stored key of an imported questionnaire (what the index and the audit trail name it by)."""
    return config.QUESTIONNAIRES.key(f"{questionnaire_id}:{version}")


def bundled_questionnaires() -> list[Questionnaire]:
    """The questionnaires shipped in resources/triage (every JSON file but the schema)."""
    return list(_load_bundled())


@cache
def _load_bundled() -> tuple[Questionnaire, ...]:
    """Read and validated once per run: the files ship with the app and never change while it runs, and the child
    record, the wizard and every result's display ask for them."""
    folder = resource_path("triage")
    paths = sorted(p for p in folder.glob("*.json") if p.name != SCHEMA_FILE)
    return tuple(load_questionnaire(p) for p in paths)


def _digest(document: Any) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def import_questionnaire(db: Database, path: Path, actor: str) -> Questionnaire:
    """Validate a questionnaire file and store it; raise (storing nothing) when invalid or clashing."""
    questionnaire = load_questionnaire(path)
    document = json.loads(json.dumps(questionnaire.document))  # a plain JSON copy, as stored
    if any(b.key == questionnaire.key for b in bundled_questionnaires()):
        raise Conflict(f"{questionnaire.key} is a bundled questionnaire; give yours another id or version.")
    key = setting_key(questionnaire.id, questionnaire.version)
    member = config.QUESTIONNAIRES.member(key)
    existing = db.member(config.QUESTIONNAIRES, member)
    if existing is not None:
        if _digest(existing) == _digest(document):
            return questionnaire
        raise Conflict(
            f"{questionnaire.key} is already imported with different content; results made under it must keep "
            "their questions, so give the changed questionnaire a new version."
        )
    db.put_member(config.QUESTIONNAIRES, member, document)
    db.put(config.QUESTIONNAIRE_INDEX, sorted({*db.get(config.QUESTIONNAIRE_INDEX), key}))
    with db.unit_of_work(actor, journal=False) as uow:
        uow.note(
            "import",
            "questionnaire",
            key,
            title=questionnaire.title,
            sha256=_digest(document),
            file=path.name,
        )
    return questionnaire


def imported_questionnaires(db: Database) -> list[Questionnaire]:
    """Questionnaires imported into this database; one that no longer validates is skipped with a warning."""
    out: list[Questionnaire] = []
    for key in db.get(config.QUESTIONNAIRE_INDEX):
        document = db.member(config.QUESTIONNAIRES, config.QUESTIONNAIRES.member(key))
        if document is None:
            continue
        try:
            out.append(load_questionnaire(document))
        except CaseDeskError as exc:
            log.warning("Stored questionnaire %s no longer validates: %s", key, exc)
    return out


def list_questionnaires(db: Database) -> list[QuestionnaireEntry]:
    """Every questionnaire on offer: bundled first, then imported, each by id and version."""
    entries = [QuestionnaireEntry("bundled", q) for q in bundled_questionnaires()]
    entries += [QuestionnaireEntry("imported", q) for q in imported_questionnaires(db)]
    return entries


def get_questionnaire(db: Database, questionnaire_id: str, version: str) -> Questionnaire:
    """One questionnaire by id and version (a result's own), bundled or imported."""
    for entry in list_questionnaires(db):
        if entry.id == questionnaire_id and entry.version == version:
            return entry.questionnaire
    raise NotFound(f"No questionnaire {questionnaire_id} version {version} on this device.")
