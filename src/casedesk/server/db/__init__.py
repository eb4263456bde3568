"""The server's own database: tables, engine and migrations. The only server module that speaks SQLAlchemy.

The server keeps no copy of the device schema. Every synced row is one `records` row holding its fields as
JSON, each field with the version (feed sequence number) and clock of the change that last wrote it. The
`feed` is the change log devices pull by cursor; its sequence numbers are handed out under one lock, so they
commit in order and a cursor can never skip a change that committed late.

SQLite (a file, the default: one command runs a server) and PostgreSQL (production) run the same code.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydantic_core
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    create_engine,
    event,
    exc,
    false,
    inspect,
    text,
)
from sqlalchemy.pool import NullPool

from casedesk import jsontext
from casedesk.paths import migrations_dir
from casedesk.server.db.compact import CompactId, FieldMeta
from casedesk.server.feed.tables import metadata as feed_metadata

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)
for _table in feed_metadata.tables.values():  # the social-care feed's tables, declared beside its code
    _table.to_metadata(metadata)
SeqType = BigInteger().with_variant(Integer(), "sqlite")  # SQLite only autoincrements INTEGER PRIMARY KEY

meta = Table("meta", metadata, Column("key", String(60), primary_key=True), Column("value", Text, nullable=False))
orgs = Table(
    "orgs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", String(36), nullable=False, index=True),
    Column("username", String(200), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("is_admin", Boolean, nullable=False, server_default=false()),  # see server.auth.is_administrator
    Column("role", String(30)),  # `casedesk.domain.roles.Role`; none: the default role
    # may edit and publish the directory and guidance, whatever the role (see server.auth.may_manage_directory)
    Column("manages_directory", Boolean, nullable=False, server_default=false()),
)
enrolment_codes = Table(
    "enrolment_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("user_id", String(36), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)
devices = Table(
    "devices",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("user_id", String(36), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("enrolled_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    # its user's role changed what it receives: its pulls send its children again, in child id order from after
    # this one ("" from the first; none: nothing due) — see `casedesk.server.db.user_roles`
    Column("resync_from", String(36)),
    # children a grant to its user began or ended for: its next pull sends them again, and only them (see
    # `casedesk.server.db.child_resends`); none: nothing due
    Column("resend_children", JSON),
)
records = Table(
    "records",
    metadata,
    Column("entity", String(40), primary_key=True),
    Column("row_id", String(36), primary_key=True),
    Column("child_id", String(36), index=True),
    Column("created_by_org", String(36)),
    Column("created_seq", SeqType, nullable=False),
    Column("data", JSON, nullable=False),
    # per field: the version of the change that last wrote it, stored grouped (`compact`); each of those writes'
    # clock and author once, by version (`compact.pack_writes`)
    Column("versions", FieldMeta, nullable=False),
    Column("writes", JSON, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
)
feed = Table(
    "feed",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # row | enter | leave | conflict
    Column("entity", String(40), nullable=False),
    Column("row_id", String(36), nullable=False),
    Column("child_id", String(36)),
    Column("audience_org", String(36)),
    # the values a change wrote; none for an insert, whose values the record holds (see `pulls.pull`)
    Column("fields", JSON, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("hlc", String(80), nullable=False),
)
applied_changes = Table(
    "applied_changes",
    metadata,
    Column("change_id", String(36), primary_key=True),
    Column("device_id", String(36), nullable=False),
    Column("result", JSON, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
recorded_changes = Table(  # answers the device has recorded: what idempotency needs of them (`answers`)
    "recorded_changes",
    metadata,
    Column("change_id", CompactId, primary_key=True),
    Column("device_id", CompactId, nullable=False),
    Column("status", SmallInteger, nullable=False),  # `answers.STATUSES`: 0 applied, 1 conflict
    sqlite_with_rowid=False,  # the change id is the key: no second copy of it in an index
)
conflicts = Table(
    "conflicts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("entity", String(40), nullable=False),
    Column("row_id", String(36), nullable=False),
    Column("child_id", String(36), index=True),
    Column("field", String(60), nullable=False),
    Column("critical", Boolean, nullable=False),
    Column("kept", JSON),
    Column("candidates", JSON, nullable=False),
    Column("state", String(10), nullable=False),
    Column("resolution", JSON),
    Column("resolved_by", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_conflicts_row", "entity", "row_id", "field"),
)
org_scope = Table(
    "org_scope",
    metadata,
    Column("org_id", String(36), primary_key=True),
    Column("child_id", String(36), primary_key=True),
    Column("visible", Boolean, nullable=False),
    Column("since_seq", SeqType, nullable=False),
)

# The digest kept up to date with each change (see `tallies`): per child (scope "" for the directory) and per
# organisation, each entity's row count and the sum of its rows' hashes modulo 2^256, as 64 hex digits.
scope_tallies = Table(
    "scope_tallies",
    metadata,
    Column("scope", String(36), primary_key=True),
    Column("entity", String(40), primary_key=True),
    Column("count", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)
org_tallies = Table(
    "org_tallies",
    metadata,
    Column("org_id", String(36), primary_key=True),
    Column("view", String(20), primary_key=True),  # `casedesk.domain.roles` view: "" is the full one
    Column("entity", String(40), primary_key=True),
    Column("count", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

# Information-sharing agreements (`casedesk.domain.agreements`): the agreement as JSON, with when it was recorded.
agreements = Table(
    "agreements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

mail_deliveries = Table(
    "mail_deliveries",
    metadata,
    Column("request_id", String(36), primary_key=True),  # the device's mail request: one delivery each
    Column("state", String(10), nullable=False),  # sending | handing | sent | failed | in_doubt
    Column("attempts", Integer, nullable=False),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("last_error", Text),
)
# Every administration call, from the API or the command line, allowed or refused (see server.administration).
admin_audit = Table(
    "admin_audit",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("org_id", String(36), index=True),
    Column("actor", String(200), nullable=False),
    Column("device_id", String(36)),
    Column("action", String(40), nullable=False),
    Column("target", String(200), nullable=False),
    Column("outcome", String(20), nullable=False),
)
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 of the limit's key: no addresses or names at rest
    Column("window_start", BigInteger, nullable=False),
    Column("hits", Integer, nullable=False),
)

# The dashboards' typed copy of the synced records they count, kept up by `casedesk.server.reports.facts`: the
# records' JSON would be parsed again for every field a report reads. No names, no free text.
report_facts = Table(
    "report_facts",
    metadata,
    Column("entity", String(40), primary_key=True),
    Column("row_id", String(36), primary_key=True),
    Column("child_id", String(36)),
    Column("org_id", String(36)),  # the organisation that recorded it (`records.created_by_org`)
    Column("school_id", String(36)),  # the school it is about, where it names one
    Column("on_day", String(10)),  # ISO day it counts on (sent, completed, first day, week start, birth…)
    Column("until_day", String(10)),  # ISO day it ended, for periods
    Column("kind", String(40)),
    Column("detail", String(100)),
    Column("level", Integer),
    Column("flag", Boolean),
    Column("n1", Integer),
    Column("n2", Integer),
    Column("other_id", String(36)),  # a second organisation or service it names
    Column("tags", String(400)),  # a short list of codes, ",a,b,", grouped by SQL (need domains flagged, searched)
    Column("extra", JSON),
    Index("ix_report_facts_entity_day", "entity", "on_day"),
    Index("ix_report_facts_child", "child_id"),
)

# Who received which child's records (see `access`): one row per device, child and sync round, never per record.
access_log = Table(
    "access_log",
    metadata,
    Column("id", SeqType, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),  # the round's first delivery of the child
    Column("last_at", DateTime(timezone=True), nullable=False),
    Column("round_id", String(36), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("user_id", String(36), nullable=False),
    Column("org_id", String(36), nullable=False),
    Column("child_id", String(36), nullable=False),
    Column("kind", String(12), nullable=False),  # pull | resync
    Column("items", Integer, nullable=False),
    Column("basis", String(300), nullable=False),
    Column("override_id", String(36)),
    Index("ix_access_log_child", "child_id", "at"),
    Index("ix_access_log_round", "device_id", "round_id"),
    Index("ix_access_log_at", "at"),
)

# Break-glass overrides (`casedesk.domain.overrides`, `overrides`): who asked for what of which child, why, who
# decided, and until when it holds. Rows are never deleted: the table is the overrides' audit.
overrides = Table(
    "overrides",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("child_id", String(36), nullable=False, index=True),
    Column("org_id", String(36), nullable=False),
    Column("user_id", String(36), nullable=False),
    Column("username", String(200), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("owner_org", String(36), nullable=False, index=True),
    Column("categories", JSON, nullable=False),
    Column("reason", String(40), nullable=False),
    Column("detail", Text, nullable=False),
    Column("mode", String(12), nullable=False),
    Column("state", String(10), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String(200)),
    Column("decision_note", Text),
    Column("expires_at", DateTime(timezone=True)),
    Column("ended_at", DateTime(timezone=True)),
    Index("ix_overrides_open", "state", "expires_at"),
)

DEFAULT_SQLITE_NAME = "casedesk-server.db"


def json_loads(text: str | bytes) -> Any:
    """The JSON columns' reader (every pulled row reads the record's data and its feed item): see `jsontext`."""
    return jsontext.loads(text)


def json_dumps(value: Any) -> str:
    """The JSON columns' writer: pydantic's serializer, about four times as fast as the json module (a push writes
    each record's data, its per-field versions and clocks, a feed item and an answer), with no spaces, so the
    stored text is smaller too. Integers of any size are written exactly and NaN as the json module writes it;
    what it refuses (a lone surrogate) is written by the json module, so nothing storable is refused."""
    try:
        return pydantic_core.to_json(value, inf_nan_mode="constants").decode()
    except (pydantic_core.PydanticSerializationError, ValueError):
        return json.dumps(value)


SQLITE_PAGE_SIZE = 16384
WAL_BYTES = 4 * 1024 * 1024  # how far an SQLite server's write-ahead log grows before it is folded in and cut back


def make_engine(url: str) -> Engine:
    """An engine for either backend; SQLite gets WAL and a generous busy timeout for many readers."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=20,
            json_serializer=json_dumps,
            json_deserializer=json_loads,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_setup(dbapi_conn: Any, _record: Any) -> None:  # a DB-API connection: untyped
            # A new file gets 16 KB pages (an existing one keeps its own: the pragma is then a no-op). A record
            # takes about 1 KB, so 4 KB pages held three of them and left a quarter of every page empty.
            dbapi_conn.execute(f"PRAGMA page_size = {SQLITE_PAGE_SIZE}")
            dbapi_conn.execute("PRAGMA journal_mode = WAL")
            dbapi_conn.execute("PRAGMA synchronous = NORMAL")
            # The write-ahead log is folded into the file every 4 MB and, once folded, cut back to 4 MB: it kept
            # the size of the largest push since the server started (20 MB beside a 121 MB file at 1,000 deep
            # children), disk the server used for nothing.
            dbapi_conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_BYTES // SQLITE_PAGE_SIZE}")
            dbapi_conn.execute(f"PRAGMA journal_size_limit = {WAL_BYTES}")

        return engine
    return create_engine(
        url, pool_size=20, max_overflow=40, pool_pre_ping=True, json_serializer=json_dumps, json_deserializer=json_loads
    )


class DatabaseRefused(Exception):
    """The database at the given URL is not one this server may use (foreign, newer or not a database)."""


def migrate(engine: Engine) -> None:
    """Bring the server database to the newest schema (run at every start).

    Only an empty database or one this server made is touched: a database holding other tables, one made by a
    newer server, or a file that is not a database at all is refused with `DatabaseRefused` and left unchanged.
    """
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir("server")))
    scripts = ScriptDirectory.from_config(config)
    head = scripts.get_current_head()
    where = engine.url.render_as_string(hide_password=True)
    try:
        # Looked at first through a plain connection: the server's own connections switch SQLite to WAL, which
        # would already change a file that turns out not to be ours.
        plain = create_engine(engine.url, poolclass=NullPool)
        try:
            with plain.connect() as connection:
                current = MigrationContext.configure(connection).get_current_revision()
                if current == head:
                    return
                _check_ours(connection, current, {script.revision for script in scripts.walk_revisions()}, where)
        finally:
            plain.dispose()
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
    except exc.DBAPIError as error:
        first = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        raise DatabaseRefused(f"Cannot use {where} as the server database: {first}.") from None


def _check_ours(connection: Connection, current: str | None, known: set[str], where: str) -> None:
    if current is None:
        foreign = sorted(set(inspect(connection).get_table_names()) - {"alembic_version"})
        if foreign:
            shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
            raise DatabaseRefused(
                f"{where} is not a CaseDesk server database (it already holds tables: {shown}); "
                "give an empty database or one this server made."
            )
    elif current not in known:
        raise DatabaseRefused(
            f"{where} was made by a newer CaseDesk server (schema revision {current}); upgrade this server."
        )


class ServerDB:
    """The engine plus the one write lock that keeps feed sequence numbers in commit order."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._lock = threading.Lock()
        self._unsynced: Engine | None = None
        self._unsynced_lock = threading.Lock()

    @contextmanager
    def read(self, *, streaming: bool = False) -> Iterator[Connection]:
        """A connection for reading. On PostgreSQL in autocommit: at READ COMMITTED (its default, and this
        server's) every statement sees its own snapshot whether or not a transaction is open, so the BEGIN and
        ROLLBACK around each read were two round trips to another process that bought nothing. `streaming`:
        a read streams a large result through a server-side cursor (`yield_per`: the digest's recount), which
        PostgreSQL holds only inside a transaction."""
        with self.engine.connect() as conn:
            if not self.is_sqlite and not streaming:
                conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    @contextmanager
    def write(self, *, ordered: bool = False) -> Iterator[Connection]:
        """A write transaction. `ordered` ones (those that append to the feed) run one at a time, across
        threads here and, on PostgreSQL, across server processes through an advisory lock."""
        with self._lock if (ordered or self.is_sqlite) else _nothing(), self.engine.begin() as conn:
            if ordered and not self.is_sqlite:
                conn.execute(text("SELECT pg_advisory_xact_lock(4242)"))
            yield conn

    def unsynced(self) -> Engine:
        """PostgreSQL connections for bookkeeping a crash may lose the last moment of (the rate limits' counters):
        each statement its own transaction (no BEGIN and COMMIT round trips), committed without waiting for the
        disk (`synchronous_commit` off). Never for records, answers or the feed."""
        if self._unsynced is None:
            with self._unsynced_lock:
                if self._unsynced is None:
                    self._unsynced = create_engine(
                        self.engine.url,
                        pool_size=5,
                        max_overflow=20,
                        pool_pre_ping=True,
                        isolation_level="AUTOCOMMIT",
                        connect_args={"options": "-c synchronous_commit=off"},
                    )
        return self._unsynced

    def dispose(self) -> None:
        self.engine.dispose()
        if self._unsynced is not None:
            self._unsynced.dispose()


@contextmanager
def _nothing() -> Iterator[None]:
    yield
