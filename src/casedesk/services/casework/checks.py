"""Checks shared by the casework services: dates not in the future, known workers and organisations."""

from __future__ import annotations

from datetime import date

from casedesk.errors import ValidationError
from casedesk.store import repositories as repo
from casedesk.store.database import Database


def not_future(errors: list[tuple[str, str]], today: date, **days: date | None) -> None:
    for name, day in days.items():
        if day is not None and day > today:
            errors.append((name, "In the future."))


def known(
    db: Database, errors: list[tuple[str, str]], *, workers: dict[str, str | None], orgs: dict[str, str | None]
) -> None:
    """Each named worker and organisation id must be held (the name of the field is the key)."""
    wanted_workers = {v for v in workers.values() if v}
    wanted_orgs = {v for v in orgs.values() if v}
    with db.session() as session:
        held_workers = repo.workers(session, wanted_workers) if wanted_workers else {}
        held_orgs = repo.organisations(session, wanted_orgs) if wanted_orgs else {}
    errors.extend((name, "Unknown worker.") for name, v in workers.items() if v and v not in held_workers)
    errors.extend((name, "Unknown organisation.") for name, v in orgs.items() if v and v not in held_orgs)


def raise_if(errors: list[tuple[str, str]], message: str) -> None:
    if errors:
        raise ValidationError(message, errors)


def worker_name(db: Database, worker_id: str | None) -> str | None:
    if not worker_id:
        return None
    with db.session() as session:
        worker = repo.workers(session, [worker_id]).get(worker_id)
    return worker.name if worker else None
