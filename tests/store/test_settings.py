"""Settings are declared once (casedesk.config) and read and written through one typed pair."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk import config
from casedesk.config import Profile, Scope
from casedesk.store.database import Database

SRC = Path(__file__).resolve().parents[2] / "src" / "casedesk"


def test_every_key_is_declared_once_with_a_scope_and_a_reason() -> None:
    keys = [s.key for s in config.SETTINGS]
    assert len(keys) == len(set(keys))
    for setting in config.SETTINGS:
        assert isinstance(setting.scope, Scope) and setting.about
        assert setting.default is None or isinstance(setting.default, setting.type)
        assert not any(setting.key.startswith(f.prefix) for f in config.FAMILIES)


def test_no_module_spells_a_settings_key_but_config() -> None:
    # the namespaced keys (bare ones such as "device_id" are also ordinary field names of the sync protocol)
    spelt = {f'"{s.key}"' for s in config.SETTINGS if "." in s.key} | {f'"{f.prefix}' for f in config.FAMILIES}
    found = [
        (path.relative_to(SRC).as_posix(), key)
        for path in SRC.rglob("*.py")
        if path.name != "config.py"
        for key in spelt
        if key in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_typed_read_and_write_with_defaults(db: Database) -> None:
    assert db.get(config.CURSOR) == 0 and db.get(config.DEFERRED_PURGES) == [] and db.get(config.LAST_ERROR) == ""
    db.put(config.CURSOR, 42)
    db.put(config.DEFERRED_PURGES, ["a", "b"])
    assert db.get(config.CURSOR) == 42 and db.get(config.DEFERRED_PURGES) == ["a", "b"]
    db.get(config.DEFERRED_PURGES).append("c")  # a caller's copy: the stored value is unchanged
    assert db.get(config.DEFERRED_PURGES) == ["a", "b"]
    db.put(config.LAST_ERROR, "offline")
    db.put(config.LAST_ERROR, None)  # cleared: reads as the default again
    assert db.get(config.LAST_ERROR) == ""
    profile = Profile(name="Ann", role="DSL", organisation="Riverside", idle_minutes=5)
    db.put(config.PROFILE, profile)
    assert db.get(config.PROFILE) == profile


def test_a_value_of_the_wrong_type_is_refused_and_nothing_changes(db: Database) -> None:
    db.put(config.CURSOR, 7)
    with pytest.raises(TypeError, match=r"sync\.cursor holds int"):
        db.put(config.CURSOR, "8")  # type: ignore[arg-type]
    assert db.get(config.CURSOR) == 7


def test_families_keep_members_apart(db: Database) -> None:
    db.put_member(config.CONFLICTS, "c1", {"state": "open"})
    db.put_member(config.CONFLICTS, "c2", {"state": "resolved"})
    db.put_member(config.QUESTIONNAIRES, "ours:1.0", {"id": "ours"})
    assert db.members(config.CONFLICTS) == {"c1": {"state": "open"}, "c2": {"state": "resolved"}}
    assert db.member(config.QUESTIONNAIRES, "ours:1.0") == {"id": "ours"}
    assert db.member(config.CONFLICTS, "c3") is None


def test_a_setting_not_declared_in_config_is_refused(db: Database) -> None:
    made_up = config.Setting("sync.made_up", str, "", Scope.DEVICE, "declared nowhere")
    with pytest.raises(KeyError, match="not declared"):
        db.put(made_up, "x")
    with pytest.raises(KeyError, match="not declared"):
        db.get(made_up)
    copy = config.Setting(config.CURSOR.key, int, 0, Scope.DEVICE, "a second declaration of a declared key")
    with pytest.raises(KeyError, match="not declared"):
        db.get(copy)
    with pytest.raises(KeyError, match="not declared"):
        db.members(config.SettingFamily("made_up:", Scope.DEVICE, "declared nowhere"))
    assert db.get(config.CURSOR) == 0
