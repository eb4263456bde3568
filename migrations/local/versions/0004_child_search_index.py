"""Schema v4: a full-text index of each child's names, identifiers and date of birth for the caseload search.

An FTS5 table with the trigram tokenizer (diacritics folded, so "Zoe" finds "Zoë"), contentless so the text
itself is not stored twice, kept up to date by triggers on `children` (a tombstoned child leaves the index).
Substrings of three or more characters match in any order; the caseload ranks the hits and adds fuzzy matches
for typos. If `children` is ever rebuilt by a batch migration, these triggers must be created again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 20:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(row: str) -> str:
    return (
        f"coalesce({row}.given_name, '') || ' ' || coalesce({row}.preferred_name, '') || ' ' || {row}.family_name"
        f" || ' ' || coalesce({row}.upn, '') || ' ' || coalesce({row}.nhs_number, '') || ' ' || {row}.date_of_birth"
        f" || ' ' || coalesce(strftime('%d/%m/%Y', {row}.date_of_birth), '')"
    )


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE child_search USING fts5(text, content='', contentless_delete=1, "
        "tokenize='trigram remove_diacritics 1')"
    )
    op.execute(
        "CREATE TRIGGER children_search_insert AFTER INSERT ON children WHEN NEW.deleted = 0 BEGIN "
        f"INSERT INTO child_search(rowid, text) VALUES (NEW.rowid, {_text('NEW')}); END"
    )
    op.execute(
        "CREATE TRIGGER children_search_update AFTER UPDATE OF given_name, preferred_name, family_name, upn, "
        "nhs_number, date_of_birth, deleted ON children BEGIN "
        "DELETE FROM child_search WHERE rowid = OLD.rowid; "
        f"INSERT INTO child_search(rowid, text) SELECT NEW.rowid, {_text('NEW')} WHERE NEW.deleted = 0; END"
    )
    op.execute(
        "CREATE TRIGGER children_search_delete AFTER DELETE ON children BEGIN "
        "DELETE FROM child_search WHERE rowid = OLD.rowid; END"
    )
    op.execute(
        f"INSERT INTO child_search(rowid, text) SELECT rowid, {_text('children')} FROM children WHERE deleted = 0"
    )


def downgrade() -> None:
    for trigger in ("children_search_insert", "children_search_update", "children_search_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS child_search")
