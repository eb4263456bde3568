"""The Core `Table` behind a mapped class, typed as one.

SQLAlchemy's declarative base types `__table__` as the wider `FromClause` (and a mixin such as `SyncedMixin` has
no `__table__` at all), so every Core `insert`/`update`/`delete` on `Model.__table__` would need a cast. Every
CaseDesk model maps one plain table; this checks that once per lookup and returns it as a `Table`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, inspect
from sqlalchemy.orm import Mapper


def mapped_table(model: type) -> Table:
    """The table `model` is mapped to; a class that maps anything else (a join, a select) is refused."""
    mapper: Mapper[Any] = inspect(model)
    table = mapper.local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a plain table")
    return table
