"""The policy in force on this device, and the checks every export, print, demo load and new key goes through.

The policy is the site profile's (`casedesk.site_profile`), tightened by what the server sent at the last sync
(stored as `config.SERVER_POLICY`), each setting at the stricter of the two. It is read afresh at each check, so a
profile an administrator replaced or a policy the server just sent applies from the next action on.
"""

from __future__ import annotations

from pathlib import Path

from casedesk import config, site_profile
from casedesk.errors import CaseDeskError
from casedesk.site_profile import ExportKind, Policy
from casedesk.store import keyfile, maintenance
from casedesk.store.database import Database

ASK = "Ask your CaseDesk administrator if you need it."


class NotAllowed(CaseDeskError):
    """The organisation's policy does not allow this on this device."""


def in_force(db: Database | None = None) -> Policy:
    """The site profile's policy, tightened by the server's once this device has synced (`db` given)."""
    server = db.get(config.SERVER_POLICY) if db is not None else None
    return site_profile.effective(site_profile.load(), server)


def require_export(db: Database, kind: ExportKind) -> None:
    """Refuse an export the policy does not allow, before anything is written."""
    if not in_force(db).allows_export(kind):
        raise NotAllowed(f"Exporting {kind.label} is turned off by your organisation's policy. {ASK}")


def require_printing(db: Database) -> None:
    """Refuse a PDF report when the policy turns printing off, before anything is written."""
    if not in_force(db).printing:
        raise NotAllowed(f"Printing reports (PDF) is turned off by your organisation's policy. {ASK}")


def require_demo_data(db: Database | None = None) -> None:
    """Refuse synthetic demo children where the policy says this is a live install."""
    if not in_force(db).demo_data:
        raise NotAllowed(f"Demo data cannot be loaded on this device: your organisation's policy turns it off. {ASK}")


def kdf_for_new_key(policy: Policy) -> keyfile.KdfParams:
    """The Argon2id cost for a key wrapped now: CaseDesk's default, raised to the policy's floor where it is lower."""
    return at_floor(keyfile.DEFAULT_KDF, policy)


def at_floor(params: keyfile.KdfParams, policy: Policy) -> keyfile.KdfParams:
    """`params` with each cost raised to the policy's floor (never lowered)."""
    floor = policy.kdf_floor
    return keyfile.KdfParams(
        max(params.time_cost, floor.time_cost), max(params.memory_cost_kib, floor.memory_cost_kib), params.parallelism
    )


def create_database(path: Path, passphrase: str) -> Database:
    """A new database under the site's policy: a passphrase at least as strong as it asks, a key at its floor."""
    policy = in_force()
    return Database.create(path, passphrase, kdf_for_new_key(policy), min_strength=policy.min_passphrase_strength)


def raise_kdf_to_floor(db: Database, passphrase: str) -> bool:
    """At unlock: rewrap the key at the policy's floor when the key file is weaker (same passphrase; one derivation
    at the old cost and one at the new, once). The database file is not touched. Returns True when it rewrapped."""
    policy = in_force(db)
    key_path = keyfile.key_file_path(db.path)
    content = keyfile.read_key_file(key_path)
    current = keyfile.kdf_params(content)
    raised = at_floor(current, policy)
    if raised == current:
        return False
    key = keyfile.unwrap_key(content, passphrase)
    keyfile.write_key_file(key_path, keyfile.wrap_key(key, passphrase, content["database_id"], raised))
    return True


def change_passphrase(db_path: Path, old: str, new: str) -> None:
    """Change the passphrase under the policy in force (the server's included): the new one must be as strong as
    it asks, and the key is rewrapped at least at its floor."""
    if not Path(db_path).exists():
        return maintenance.change_passphrase(db_path, old, new)  # says there is no database, in its words
    with Database.open(db_path, old) as db:
        policy = in_force(db)
    current = keyfile.kdf_params(keyfile.read_key_file(keyfile.key_file_path(db_path)))
    maintenance.change_passphrase(
        db_path, old, new, at_floor(current, policy), min_strength=policy.min_passphrase_strength
    )
