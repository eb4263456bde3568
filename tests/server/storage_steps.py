"""Steps the server storage tests share: a little casework pushed through a real server, and alembic moves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from casedesk.paths import migrations_dir
from tests.sync.harness import Server, make_device


def casework(server: Server, tmp_path: Path) -> tuple[Any, str]:
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    a = make_device(tmp_path, "ann", server, "ann")
    child = a.add_child("Ada", "Okafor", org)
    a.note(child, "Seen at school")
    assert a.sync().digest_ok
    a.edit("children", child, preferred_name="Addie")
    assert a.sync().digest_ok
    return a, org


def alembic_step(server: Server, action: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir("server")))
    with server.store.engine.connect() as conn:
        config.attributes["connection"] = conn
        getattr(command, action)(config, revision)
        conn.commit()


def first_sync(server: Server, tmp_path: Path, name: str) -> dict[str, Any]:
    server.user(_org_of(server), name)
    device = make_device(tmp_path, name, server, name)
    report = device.sync()
    assert report.digest_ok
    exported = device.export()
    device.close()
    return exported


def _org_of(server: Server) -> str:
    with server.store.engine.connect() as conn:
        return str(conn.execute(sa.text("select id from orgs where name = 'Riverside Academy'")).scalar_one())
