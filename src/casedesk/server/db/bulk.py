"""Many rows into one table at once: one `executemany` on SQLite, one `COPY` on PostgreSQL.

A push writes a feed item, a record and a stored answer per change, a thousand changes a batch. Through psycopg
every row of an `executemany` is a statement of its own that PostgreSQL parses, binds and executes (pipelined,
but one at a time), and a push spent most of its time waiting for that; multi-row INSERT … VALUES statements cost
more again, in psycopg's parsing of their placeholders. `COPY … FROM STDIN` hands PostgreSQL the rows as one
stream. On SQLite the rows go straight to the driver's `executemany`, without SQLAlchemy building a parameter
dictionary per row. Either way each value is converted by its column's own bind processor (grouped per-field
maps, JSON by the engine's serializer, booleans and times as the dialect stores them), exactly as an INSERT
statement converts it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` into `table` in the caller's transaction; a column a row leaves out takes its default."""
    if not rows:
        return
    columns = list(table.columns)
    processors = [column.type._cached_bind_processor(conn.dialect) for column in columns]
    defaults = [
        getattr(column.default, "arg", None) if column.default is not None and column.default.is_scalar else None
        for column in columns
    ]
    values = []
    for row in rows:
        converted = []
        for column, process, default in zip(columns, processors, defaults, strict=True):
            value = row.get(column.name, default)
            converted.append(value if value is None or process is None else process(value))
        values.append(converted)
    quote = conn.dialect.identifier_preparer
    into = f"{quote.format_table(table)} ({', '.join(quote.quote(column.name) for column in columns)})"
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]  # psycopg's own connection
        with cursor.copy(f"COPY {into} FROM STDIN") as copy:
            for converted in values:
                copy.write_row(converted)
    else:
        conn.exec_driver_sql(f"INSERT INTO {into} VALUES ({', '.join('?' * len(columns))})", [tuple(v) for v in values])
