"""Unlock time: Argon2id unwrap of the key plus opening the SQLCipher file, with the production parameters.

Target: 0.25–0.5 s a guess (costly for an attacker, unnoticeable for a person unlocking once).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch, summary, timed

from casedesk.store import keyfile, maintenance
from casedesk.store.database import Database

PASSPHRASE = "benchmark passphrase"


def main() -> None:
    with scratch() as tmp:
        path = tmp / "bench.db"
        Database.create(path, PASSPHRASE).close()
        content = keyfile.read_key_file(keyfile.key_file_path(path))
        unwrap = timed(lambda: keyfile.unwrap_key(content, PASSPHRASE), repeat=7)
        unlock = timed(lambda: Database.open(path, PASSPHRASE).close(), repeat=7)
        passwd = timed(lambda: maintenance.change_passphrase(path, PASSPHRASE, PASSPHRASE), repeat=3)
        record(
            "unlock",
            {
                "argon2id parameters": str(keyfile.DEFAULT_KDF),
                "one passphrase guess (unwrap)": summary(unwrap),
                "unlock (unwrap + open + schema check)": summary(unlock),
                "change passphrase (unwrap + rewrap)": summary(passwd),
            },
        )


if __name__ == "__main__":
    main()
