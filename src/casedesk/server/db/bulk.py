"""Many rows into one table at once: one `executemany` on SQLite, one `COPY` on PostgreSQL; many updates as one
`executemany`.

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

from collections.abc import Collection
from typing import Any

from sqlalchemy import ARRAY, Column, ColumnElement, Connection, Select, Table, any_, bindparam, func, select, true


def one_of(conn: Connection, column: ColumnElement[Any], values: Collection[Any]) -> ColumnElement[bool]:
    """`column IN values`, sent to PostgreSQL as `column = ANY(%s)` with the values as one array parameter. A
    push looks its batch up in several lists of up to 500 ids, and as `IN` lists each was 500 parameters for
    SQLAlchemy to render, psycopg to adapt and parse again (a statement that long is not in its cache) and
    PostgreSQL to parse and plan afresh; one array makes it a short statement, prepared once per connection.
    Not for the records' (entity, row id) lookups: see `probed`."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def probed(conn: Connection, query: Select[Any], key: ColumnElement[Any], values: Collection[Any]) -> Select[Any]:
    """`query` (a SELECT of one table) narrowed to the rows whose `key` is one of `values`, which on PostgreSQL is
    one primary-key probe per value whatever its statistics say. Looking a push's records up by entity and a
    list of row ids, PostgreSQL chose by statistics taken while the first push was still filling the table to
    read every row of the entity and filter them, so each batch read more than the one before (a push of 400
    deep children took 8–19 s of PostgreSQL's time, against under a second when its statistics happened to be
    fresh). Here the ids are a set of rows (`unnest` of one array) joined laterally to `query`, which cannot be
    merged into a scan of the table (its OFFSET keeps it a subquery run once per id)."""
    if conn.dialect.name != "postgresql":
        return query.where(key.in_(values))
    wanted = func.unnest(bindparam(None, list(values), type_=ARRAY(key.type))).table_valued("id").render_derived()
    found = query.where(key == wanted.c.id).offset(0).lateral("found")
    return select(found).select_from(wanted).join(found, true())


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` into `table` in the caller's transaction; a column a row leaves out takes its default."""
    if not rows:
        return
    columns = list(table.columns)
    by_column = [_converted(column, conn, rows) for column in columns]
    quote = conn.dialect.identifier_preparer
    into = f"{quote.format_table(table)} ({', '.join(quote.quote(column.name) for column in columns)})"
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]  # psycopg's own connection
        with cursor.copy(f"COPY {into} FROM STDIN") as copy:
            for converted in zip(*by_column, strict=True):
                copy.write_row(converted)
    else:
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f"INSERT INTO {into} VALUES ({marks})", list(zip(*by_column, strict=True)))


def update_rows(conn: Connection, table: Table, keys: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    """Update the rows of `table` whose `keys` columns hold each row's values there, setting the other columns
    the rows name (every row names the same ones): one `executemany` of one statement, each value converted by
    its column's bind processor as `insert_rows` converts it, without SQLAlchemy's per-row parameter work."""
    if not rows:
        return
    names = [name for name in rows[0] if name not in keys]
    columns = [table.c[name] for name in (*names, *keys)]
    by_column = [_converted(column, conn, rows) for column in columns]
    mark = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
    quote = conn.dialect.identifier_preparer
    assign = ", ".join(f"{quote.quote(name)} = {mark}" for name in names)
    where = " AND ".join(f"{quote.quote(name)} = {mark}" for name in keys)
    statement = f"UPDATE {quote.format_table(table)} SET {assign} WHERE {where}"
    conn.exec_driver_sql(statement, list(zip(*by_column, strict=True)))


_UNSET = object()


def _converted(column: Column[Any], conn: Connection, rows: list[dict[str, Any]]) -> list[Any]:
    """One column of every row, converted as its bind processor converts it, column by column (one loop per
    column, not a loop over columns per row). A value that is the very object the row before held (a batch's one
    time, None, False) is converted once."""
    name = column.name
    default = getattr(column.default, "arg", None) if column.default is not None and column.default.is_scalar else None
    values = [row.get(name, default) for row in rows]
    process = column.type._cached_bind_processor(conn.dialect)
    if process is None:
        return values
    out: list[Any] = []
    last: Any = _UNSET
    done: Any = None
    for value in values:
        if value is None:
            out.append(None)
        elif value is last:
            out.append(done)
        else:
            last, done = value, process(value)
            out.append(done)
    return out
